package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/opencontainers/runc/libcontainer/cgroups"
	"github.com/opencontainers/runc/libcontainer/cgroups/fs"
	"github.com/opencontainers/runc/libcontainer/cgroups/fscommon"
	"github.com/opencontainers/runc/libcontainer/configs"
	"golang.org/x/sys/unix"
)

// What the Linux kernel prints back for a value written (the oracle this test holds every
// cgroup tree to; sources in /work/notes/cgroup-spec.md).

// memoryReadback: mm/page_counter.c page_counter_memparse keeps bytes/PAGE_SIZE pages,
// capped at PAGE_COUNTER_MAX (LONG_MAX/PAGE_SIZE); mem_cgroup_read_u64 prints pages*PAGE_SIZE.
func memoryReadback(v int64) uint64 {
	page := uint64(os.Getpagesize())
	max := uint64(math.MaxInt64) / page
	if v < 0 { // only -1 is accepted; it means unlimited
		return max * page
	}
	n := uint64(v) / page
	if n > max {
		n = max
	}
	return n * page
}

// hugetlbReadback: mm/hugetlb_cgroup.c hugetlb_cgroup_write: page_counter_memparse, then
// round_down to a whole huge page; printed as base pages*PAGE_SIZE.
func hugetlbReadback(v uint64, size string) uint64 {
	page := uint64(os.Getpagesize())
	huge, err := hugeBytes(size)
	if err != nil {
		return 0
	}
	max := uint64(math.MaxInt64) / page
	n := v / page
	if n > max {
		n = max
	}
	per := huge / page
	n -= n % per
	return n * page
}

func hugeBytes(size string) (uint64, error) {
	for _, u := range []struct {
		suf  string
		mult uint64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if strings.HasSuffix(size, u.suf) {
			n, err := strconv.ParseUint(strings.TrimSuffix(size, u.suf), 10, 64)
			return n * u.mult, err
		}
	}
	return 0, fmt.Errorf("bad huge page size %q", size)
}

func u64p(v uint64) *uint64 { return &v }
func i64p(v int64) *int64   { return &v }

// ownCgroups parses /proc/self/cgroup with runc's parser.
func ownCgroups() (map[string]string, error) {
	return cgroups.ParseCgroupFile("/proc/self/cgroup")
}

// unifiedMode calls cgroups.IsCgroup2UnifiedMode, which panics when statfs of /sys/fs/cgroup
// fails.
func unifiedMode() (unified bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return cgroups.IsCgroup2UnifiedMode(), nil
}

// readExact reads DIR/FILE through runc (cgroups.ReadFile, the same opener as every runc read)
// and compares the whole content with want.
func readExact(dir, file, want string) error {
	got, err := cgroups.ReadFile(dir, file)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%s/%s reads %q, the kernel prints %q", dir, file, got, want)
	}
	return nil
}

type env struct {
	cs       *cgroupSubsystems
	mounts   map[string]cgroups.Mount // first mount of each controller
	ctls     []string                 // controllers checked
	hugetlb  bool
	origOwn  map[string]string
	cadvisor map[string]string
}

// ctlPath is the directory of cgroup NAME (kubelet's absolute cgroupfs name) in controller
// CTL: mountpoint + name (kubernetes buildCgroupPaths).
func (e *env) ctlPath(ctl, name string) string {
	return path.Join(e.cs.MountPoints[ctl], name)
}

func allowCreate() bool { return os.Getenv("KUBECG_ALLOW_CREATE") == "1" }

// discover runs the read-only part shared by check and concurrent. It returns nil if a
// later step cannot run.
func discover() *env {
	e := &env{ctls: controllers(), mounts: map[string]cgroups.Mount{}}

	unified, err := unifiedMode()
	if err == nil && unified {
		err = errors.New("statfs(/sys/fs/cgroup) is CGROUP2_SUPER_MAGIC: cgroup v2 unified, not v1")
	}
	if !step("is-cgroup2-unified-mode", err, "false (v1)") {
		return nil
	}

	mounts, err := cgroups.GetCgroupMounts(false)
	if err == nil {
		var missing, found []string
		for _, m := range mounts {
			for _, s := range m.Subsystems {
				if _, dup := e.mounts[s]; !dup {
					e.mounts[s] = m
				}
			}
		}
		for _, c := range e.ctls {
			if m, ok := e.mounts[c]; ok {
				found = append(found, c+"="+m.Mountpoint)
			} else {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			err = fmt.Errorf("controllers missing from GetCgroupMounts(false): %s (found: %s)",
				strings.Join(missing, " "), strings.Join(found, " "))
		} else {
			ok("get-cgroup-mounts", "%s", strings.Join(found, " "))
		}
	}
	if err != nil {
		fail("get-cgroup-mounts", "%v", err)
		return nil
	}

	// kubelet's discovery (helpers_linux.go getCgroupSubsystemsV1) and system requirements.
	e.cs, err = kubeletSubsystems()
	if !step("kubelet-subsystems", err, "%d mounts", len(e.cs.Mounts)) {
		return nil
	}
	step("kubelet-system-requirements", kubeletSystemRequirements(e.cs), "cpu cpuacct cpuset memory, CPU hardcapping")
	_, e.hugetlb = e.cs.MountPoints["hugetlb"]

	own, err := cgroups.GetOwnCgroup("cpu")
	step("get-own-cgroup-cpu", err, "%s", own)
	e.origOwn, err = ownCgroups()
	if err == nil {
		for _, c := range e.ctls {
			if _, ok := e.origOwn[c]; !ok {
				err = fmt.Errorf("/proc/self/cgroup has no line for %s", c)
				break
			}
		}
	}
	if !step("proc-self-cgroup", err, "%d entries", len(e.origOwn)) {
		return nil
	}

	// cgroups.OpenFile on a root file (openat2, or open + fstatfs CGROUP_SUPER_MAGIC).
	var content []byte
	ctl, file := "cpu", "cpu.shares"
	if !has(e.ctls, "cpu") { // diagnostic runs without cpu
		ctl, file = e.ctls[0], "cgroup.procs"
	}
	f, err := cgroups.OpenFile(e.cs.MountPoints[ctl], file, unix.O_RDONLY)
	if err == nil {
		content, err = io.ReadAll(f)
		f.Close()
	}
	if !step("openfile-root-"+file, err, "%q", string(content)) {
		return nil
	}

	// kubelet NewContainerManager: the cgroup root must exist (cgroupManager.Validate).
	step("kubelet-validate-root", kubeletValidate(e.cs, "/"), "")

	e.cadvisor, err = cadvisorMountPoints()
	if !step("cadvisor-subsystems", err, "%d", len(e.cadvisor)) {
		return nil
	}
	return e
}

// rootStats: cAdvisor's root container: GetStats through fs.NewManager with MakeCgroupPaths
// (pids removed, as container/raw/handler.go does).
func rootStats(e *env) error {
	m, _, err := cadvisorManager(e.cadvisor, "/")
	if err != nil {
		return err
	}
	st, err := m.GetStats()
	if err != nil {
		return err
	}
	procs, err := cgroups.GetPids(e.cs.MountPoints[e.ctls[0]])
	if err != nil {
		return fmt.Errorf("GetPids(%s root): %w", e.ctls[0], err)
	}
	ok("root-get-stats", "cpu usage %d ns (%d cpus), memory usage %d, %d pids in the root cgroup.procs",
		st.CpuStats.CpuUsage.TotalUsage, len(st.CpuStats.CpuUsage.PercpuUsage), st.MemoryStats.Usage.Usage, len(procs))
	if has(e.ctls, "cpuacct") {
		var sum uint64
		for _, v := range st.CpuStats.CpuUsage.PercpuUsage {
			sum += v
		}
		if len(st.CpuStats.CpuUsage.PercpuUsage) == 0 || st.CpuStats.CpuUsage.TotalUsage == 0 {
			fail("root-cpuacct", "usage %d, usage_percpu %v", st.CpuStats.CpuUsage.TotalUsage, st.CpuStats.CpuUsage.PercpuUsage)
		} else {
			ok("root-cpuacct", "usage_percpu sums to %d, usage %d", sum, st.CpuStats.CpuUsage.TotalUsage)
		}
	}
	if has(e.ctls, "memory") {
		if st.MemoryStats.Usage.Usage == 0 || len(st.MemoryStats.Stats) == 0 {
			fail("root-memory", "usage %d, %d memory.stat keys", st.MemoryStats.Usage.Usage, len(st.MemoryStats.Stats))
		} else {
			ok("root-memory", "usage %d, limit %d, %d memory.stat keys", st.MemoryStats.Usage.Usage,
				st.MemoryStats.Usage.Limit, len(st.MemoryStats.Stats))
		}
	}
	return nil
}

func machineMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 1 << 30
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int64
		if n, _ := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); n == 1 && kb > 0 {
			return kb * 1024
		}
	}
	return 1 << 30
}

func numCPU() uint64 {
	var set unix.CPUSet
	if unix.SchedGetaffinity(0, &set) == nil && set.Count() > 0 {
		return uint64(set.Count())
	}
	return 1
}

// podUID: a pod UID of kubelet's form, unique per run.
func podUID(tag string) string {
	return fmt.Sprintf("pod%08x-%04x-4%03x-8000-kcg%s%07d", uint32(time.Now().UnixNano()), os.Getpid()&0xffff,
		os.Getpid()&0xfff, tag, os.Getpid()%10000000)
}

const (
	podShares = 512    // 500m requested
	podQuota  = 75000  // 750m limit
	podPeriod = 100000 // kubelet's default cfs period
	podPids   = 1024
	podMemory = 134217728 + 12345 // not a multiple of the page size: the kernel rounds down
)

func podResources() *resourceConfig {
	return &resourceConfig{CPUShares: u64p(podShares), CPUQuota: i64p(podQuota), CPUPeriod: u64p(podPeriod),
		Memory: i64p(podMemory), PidsLimit: i64p(podPids), HugePageLimit: u64p(0)}
}

// only keeps the settings of the checked controllers. It changes nothing unless
// KUBECG_CONTROLLERS (diagnostics) drops some: runc's Set fails on a setting for a
// controller that is not mounted, as it would for kubelet.
func (e *env) only(rc *resourceConfig) *resourceConfig {
	c := *rc
	if !has(e.ctls, "cpu") {
		c.CPUShares, c.CPUQuota, c.CPUPeriod = nil, nil, nil
	}
	if !has(e.ctls, "memory") {
		c.Memory = nil
	}
	if !has(e.ctls, "pids") {
		c.PidsLimit = nil
	}
	return &c
}

// tree is the set of cgroups a run created, destroyed in reverse order.
type tree struct {
	e       *env
	created []string
}

// create follows kubelet: Exists (Validate) first; Create if missing, else Update (as
// qos_container_manager_linux.go Start and container_manager_linux.go
// createNodeAllocatableCgroups do). Only cgroups this run created are destroyed later.
func (t *tree) create(stepName, name string, rc *resourceConfig) bool {
	rc = t.e.only(rc)
	if kubeletValidate(t.e.cs, name) == nil {
		err := kubeletUpdate(name, rc, t.e.hugetlb)
		return step(stepName, err, "%s existed already: updated", name)
	}
	applyErr, setErr := kubeletCreate(name, rc, t.e.hugetlb)
	if applyErr != nil {
		fail(stepName, "Apply(-1) %s: %v", name, applyErr)
		// Apply may have created some directories.
		t.created = append(t.created, name)
		return false
	}
	t.created = append(t.created, name)
	if setErr != nil {
		fail(stepName, "Set %s: %v", name, setErr)
		return false
	}
	if err := kubeletValidate(t.e.cs, name); err != nil {
		fail(stepName, "after Create: %v", err)
		return false
	}
	ok(stepName, "%s", name)
	return true
}

// gone: no directory of NAME is left in any hierarchy kubelet knows.
func (t *tree) gone(name string) error {
	var left []string
	for _, ctl := range sortedKeys(t.e.cs.MountPoints) {
		p := t.e.ctlPath(ctl, name)
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			left = append(left, fmt.Sprintf("%s (%v)", p, err))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("still present after Destroy: %s", strings.Join(left, ", "))
	}
	return nil
}

// destroyAll destroys every created cgroup, deepest first, reporting each.
func (t *tree) destroyAll(prefix string) {
	for i := len(t.created) - 1; i >= 0; i-- {
		name := t.created[i]
		err := kubeletDestroy(name)
		if err == nil {
			err = t.gone(name)
		}
		step(prefix+"destroy:"+name, err, "")
	}
	t.created = nil
}

// bestEffortCleanup removes what is left without reporting (after a failure).
func (t *tree) bestEffortCleanup() {
	for i := len(t.created) - 1; i >= 0; i-- {
		for _, ctl := range sortedKeys(t.e.cs.MountPoints) {
			_ = cgroups.RemovePath(t.e.ctlPath(ctl, t.created[i]))
		}
	}
	t.created = nil
}

func runCheck() {
	e := discover()
	if e == nil {
		return
	}
	if err := rootStats(e); err != nil {
		fail("root-get-stats", "%v", err)
	}
	if !allowCreate() {
		fail("create", "refusing to create cgroups: set KUBECG_ALLOW_CREATE=1 (only where /sys/fs/cgroup is a sandbox's or a fake)")
		return
	}

	t := &tree{e: e}
	moved := false
	defer func() {
		if moved {
			moveBack(e, "cleanup:")
		}
		t.bestEffortCleanup()
	}()

	// kubelet's tree: container_manager_linux.go createNodeAllocatableCgroups (kubepods, with
	// node capacity: shares = cpus*1024, memory = machine memory), qos_container_manager_linux.go
	// Start (burstable: no cpu setting; besteffort: cpu.shares = MinShares 2; both hugetlb
	// unbounded), pod_container_manager_linux.go EnsureExists (the pod).
	nodeRC := &resourceConfig{CPUShares: u64p(numCPU() * 1024), Memory: i64p(machineMemory())}
	if b, err := os.ReadFile("/proc/sys/kernel/pid_max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n <= 4194304 {
			nodeRC.PidsLimit = &n
		}
	}
	if !t.create("create:kubepods", "/kubepods", nodeRC) {
		return
	}
	if !t.create("create:kubepods/burstable", "/kubepods/burstable", &resourceConfig{HugePageLimit: u64p(hugePagesUnbounded)}) {
		return
	}
	if !t.create("create:kubepods/besteffort", "/kubepods/besteffort",
		&resourceConfig{CPUShares: u64p(2), HugePageLimit: u64p(hugePagesUnbounded)}) {
		return
	}
	pod := "/kubepods/burstable/" + podUID("")
	if !t.create("create:pod", pod, podResources()) {
		return
	}

	readBack(e, pod, nodeRC)
	kernelSemantics(e, pod)
	syncHold()
	childStats(e, pod)

	if moveIn(e, pod) {
		moved = true
		if moveBack(e, "") {
			moved = false
		}
	}
	t.destroyAll("")
}

// readBack compares every value kubelet set with what the kernel would print.
func readBack(e *env, pod string, nodeRC *resourceConfig) {
	type rb struct{ ctl, name, file, want string }
	var cases []rb
	if has(e.ctls, "cpu") {
		cases = append(cases,
			rb{"cpu", pod, "cpu.shares", fmt.Sprintf("%d\n", podShares)},
			rb{"cpu", pod, "cpu.cfs_quota_us", fmt.Sprintf("%d\n", podQuota)},
			rb{"cpu", pod, "cpu.cfs_period_us", fmt.Sprintf("%d\n", podPeriod)},
			rb{"cpu", "/kubepods", "cpu.shares", fmt.Sprintf("%d\n", *nodeRC.CPUShares)},
			rb{"cpu", "/kubepods/besteffort", "cpu.shares", "2\n"},
			rb{"cpu", "/kubepods/burstable", "cpu.cfs_quota_us", "-1\n"})
	}
	if has(e.ctls, "memory") {
		cases = append(cases,
			rb{"memory", pod, "memory.limit_in_bytes", fmt.Sprintf("%d\n", memoryReadback(podMemory))},
			rb{"memory", "/kubepods", "memory.limit_in_bytes", fmt.Sprintf("%d\n", memoryReadback(*nodeRC.Memory))},
			rb{"memory", "/kubepods/burstable", "memory.limit_in_bytes", fmt.Sprintf("%d\n", memoryReadback(-1))})
	}
	if has(e.ctls, "pids") {
		cases = append(cases, rb{"pids", pod, "pids.max", fmt.Sprintf("%d\n", podPids)},
			rb{"pids", "/kubepods/burstable", "pids.max", "max\n"})
		if nodeRC.PidsLimit != nil {
			cases = append(cases, rb{"pids", "/kubepods", "pids.max", fmt.Sprintf("%d\n", *nodeRC.PidsLimit)})
		}
	}
	if has(e.ctls, "cpuset") {
		// runc's cpuset Apply copies the parent's cpus and mems into each new level.
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			root, err := cgroups.ReadFile(e.cs.MountPoints["cpuset"], f)
			if err != nil || strings.TrimSpace(root) == "" {
				fail("readback:root/"+f, "%q %v", root, err)
				continue
			}
			cases = append(cases, rb{"cpuset", pod, f, root})
		}
	}
	if has(e.ctls, "hugetlb") && e.hugetlb {
		for _, size := range cgroups.HugePageSizes() {
			cases = append(cases,
				rb{"hugetlb", pod, "hugetlb." + size + ".limit_in_bytes", "0\n"},
				rb{"hugetlb", "/kubepods/burstable", "hugetlb." + size + ".limit_in_bytes",
					fmt.Sprintf("%d\n", hugetlbReadback(hugePagesUnbounded, size))})
		}
	}
	for _, c := range cases {
		dir := e.ctlPath(c.ctl, c.name)
		step("readback:"+strings.TrimPrefix(c.name, "/")+"/"+c.file, readExact(dir, c.file, c.want), "%q", c.want)
	}
	// kubelet's own reads of these values (cgroup_manager_linux.go getCgroupv1CpuConfig,
	// getCgroupMemoryConfig, MemoryUsage) use fscommon: they must parse.
	if has(e.ctls, "memory") {
		_, err := fscommon.GetCgroupParamUint(e.ctlPath("memory", pod), "memory.usage_in_bytes")
		step("kubelet-memory-usage", err, "")
	}
}

// kernelSemantics: writes outside kubelet's happy path, with the kernel's answers. Each case
// restores kubelet's value after.
func kernelSemantics(e *env, pod string) {
	if has(e.ctls, "cpu") {
		dir := e.ctlPath("cpu", pod)
		cpu := &fs.CpuGroup{}
		// kernel/sched/core.c sched_group_set_shares clamps to [2, 262144]; runc reads back.
		err := cpu.Set(dir, &configs.Resources{CpuShares: 1})
		if err == nil || !strings.Contains(err.Error(), "the minimum allowed cpu-shares is 2") {
			fail("kernel:cpu.shares=1", "runc Set gave %v, want \"the minimum allowed cpu-shares is 2\"", err)
		} else {
			step("kernel:cpu.shares=1", readExact(dir, "cpu.shares", "2\n"), "clamped to 2")
		}
		err = cpu.Set(dir, &configs.Resources{CpuShares: 300000})
		if err == nil || !strings.Contains(err.Error(), "the maximum allowed cpu-shares is 262144") {
			fail("kernel:cpu.shares=300000", "runc Set gave %v, want \"the maximum allowed cpu-shares is 262144\"", err)
		} else {
			ok("kernel:cpu.shares=300000", "clamped to 262144")
		}
		// tg_set_cfs_bandwidth: quota below 1 ms is EINVAL; a negative quota means -1.
		wantErrno("kernel:cfs_quota_us=500", cgroups.WriteFile(dir, "cpu.cfs_quota_us", "500"), unix.EINVAL)
		wantErrno("kernel:cfs_period_us=999", cgroups.WriteFile(dir, "cpu.cfs_period_us", "999"), unix.EINVAL)
		err = cgroups.WriteFile(dir, "cpu.cfs_quota_us", "-5")
		if err == nil {
			err = readExact(dir, "cpu.cfs_quota_us", "-1\n")
		}
		step("kernel:cfs_quota_us=-5", err, "reads -1")
		step("kernel:restore-cpu", kubeletUpdate(pod, e.only(podResources()), e.hugetlb), "")
		step("kernel:restored-cpu", readExact(dir, "cpu.cfs_quota_us", fmt.Sprintf("%d\n", podQuota)), "")
		// Root: the kernel refuses shares and bandwidth on the root task group.
		wantErrno("kernel:root-cpu.shares", cgroups.WriteFile(e.cs.MountPoints["cpu"], "cpu.shares", "1024"), unix.EINVAL)
	}
	if has(e.ctls, "memory") {
		dir := e.ctlPath("memory", pod)
		err := cgroups.WriteFile(dir, "memory.limit_in_bytes", "-1")
		if err == nil {
			err = readExact(dir, "memory.limit_in_bytes", fmt.Sprintf("%d\n", memoryReadback(-1)))
		}
		step("kernel:memory.limit_in_bytes=-1", err, "%d", memoryReadback(-1))
		err = cgroups.WriteFile(dir, "memory.limit_in_bytes", "64M")
		if err == nil {
			err = readExact(dir, "memory.limit_in_bytes", "67108864\n")
		}
		step("kernel:memory.limit_in_bytes=64M", err, "67108864")
		wantErrno("kernel:memory.limit_in_bytes=-2", cgroups.WriteFile(dir, "memory.limit_in_bytes", "-2"), unix.EINVAL)
		wantErrno("kernel:memory.limit_in_bytes=12x", cgroups.WriteFile(dir, "memory.limit_in_bytes", "12x"), unix.EINVAL)
		err = cgroups.WriteFile(dir, "memory.limit_in_bytes", strconv.Itoa(podMemory))
		if err == nil {
			err = readExact(dir, "memory.limit_in_bytes", fmt.Sprintf("%d\n", memoryReadback(podMemory)))
		}
		step("kernel:restored-memory", err, "")
	}
	if has(e.ctls, "pids") {
		dir := e.ctlPath("pids", pod)
		wantErrno("kernel:pids.max=-1", cgroups.WriteFile(dir, "pids.max", "-1"), unix.EINVAL)
		wantErrno("kernel:pids.max=4194305", cgroups.WriteFile(dir, "pids.max", "4194305"), unix.EINVAL)
		err := cgroups.WriteFile(dir, "pids.max", "max")
		if err == nil {
			err = readExact(dir, "pids.max", "max\n")
		}
		step("kernel:pids.max=max", err, "")
		err = cgroups.WriteFile(dir, "pids.max", strconv.Itoa(podPids))
		if err == nil {
			err = readExact(dir, "pids.max", fmt.Sprintf("%d\n", podPids))
		}
		step("kernel:restored-pids", err, "")
	}
}

func wantErrno(name string, err error, want unix.Errno) {
	if err == nil {
		fail(name, "write succeeded, the kernel refuses it with %v", want)
	} else if !errors.Is(err, want) {
		fail(name, "%v, want %v", err, want)
	} else {
		ok(name, "%v", want)
	}
}

// syncHold lets a test look at the real host tree while the child exists.
func syncHold() {
	dir := os.Getenv("KUBECG_SYNC_DIR")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "applied"), []byte("1\n"), 0o644); err != nil {
		fail("sync", "%v", err)
		return
	}
	for i := 0; i < 600; i++ {
		if _, err := os.Stat(filepath.Join(dir, "go")); err == nil {
			ok("sync", "")
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail("sync", "no %s/go within 60 s", dir)
}

// childStats: cAdvisor's GetStats of the pod cgroup, checked against what was set.
func childStats(e *env, pod string) {
	m, _, err := cadvisorManager(e.cadvisor, pod)
	if err != nil {
		fail("child-get-stats", "%v", err)
		return
	}
	st, err := m.GetStats()
	if err != nil {
		fail("child-get-stats", "%v", err)
		return
	}
	var bad []string
	if has(e.ctls, "memory") && st.MemoryStats.Usage.Limit != memoryReadback(podMemory) {
		bad = append(bad, fmt.Sprintf("memory limit %d, want %d", st.MemoryStats.Usage.Limit, memoryReadback(podMemory)))
	}
	if has(e.ctls, "pids") && st.PidsStats.Limit != podPids {
		bad = append(bad, fmt.Sprintf("pids limit %d, want %d", st.PidsStats.Limit, podPids))
	}
	if has(e.ctls, "pids") && st.PidsStats.Current != 0 {
		bad = append(bad, fmt.Sprintf("pids.current %d in an empty cgroup", st.PidsStats.Current))
	}
	if has(e.ctls, "cpuset") && len(st.CPUSetStats.CPUs) == 0 {
		bad = append(bad, "no cpuset cpus")
	}
	if len(bad) > 0 {
		fail("child-get-stats", "%s", strings.Join(bad, "; "))
		return
	}
	ok("child-get-stats", "memory limit %d usage %d, pids %d/%d, cpu usage %d, cpus %v",
		st.MemoryStats.Usage.Limit, st.MemoryStats.Usage.Usage, st.PidsStats.Current, st.PidsStats.Limit,
		st.CpuStats.CpuUsage.TotalUsage, st.CPUSetStats.CPUs)
}

// moveIn writes our pid to the pod's cgroup.procs in every checked controller (what runc's
// Apply(pid) does for a container), and checks /proc/self/cgroup, cgroup.procs and pids.current.
func moveIn(e *env, pod string) bool {
	pid := os.Getpid()
	for _, c := range e.ctls {
		if c == "devices" {
			// kubelet's Create has SkipDevices: no devices cgroup exists for the pod
			// (runc libcontainer/cgroups/fs/devices.go (*DevicesGroup).Apply returns early).
			continue
		}
		if err := cgroups.WriteCgroupProc(e.ctlPath(c, pod), pid); err != nil {
			fail("move-in:"+c, "%v", err)
			return true // may be partly moved: move back
		}
	}
	ok("move-in", "pid %d", pid)
	own, err := ownCgroups()
	if err == nil {
		var bad []string
		for _, c := range e.ctls {
			if c == "devices" {
				continue
			}
			want := path.Join(e.mounts[c].Root, pod)
			if own[c] != want {
				bad = append(bad, fmt.Sprintf("%s:%q want %q", c, own[c], want))
			}
		}
		if len(bad) > 0 {
			err = fmt.Errorf("/proc/self/cgroup: %s", strings.Join(bad, ", "))
		}
	}
	step("move-in:proc-self-cgroup", err, "every controller at %s", pod)
	pids, err := cgroups.GetPids(e.ctlPath(e.ctls[0], pod))
	if err == nil && !containsInt(pids, pid) {
		err = fmt.Errorf("cgroup.procs lists %v, not %d", pids, pid)
	}
	step("move-in:cgroup.procs", err, "%v", pids)
	if has(e.ctls, "pids") {
		m, _, err := cadvisorManager(e.cadvisor, pod)
		var st *cgroups.Stats
		if err == nil {
			st, err = m.GetStats()
		}
		if err == nil && st.PidsStats.Current < 1 {
			err = fmt.Errorf("pids.current %d with this process inside", st.PidsStats.Current)
		}
		if err == nil {
			ok("move-in:pids.current", "%d", st.PidsStats.Current)
		} else {
			fail("move-in:pids.current", "%v", err)
		}
	}
	return true
}

// moveBack returns our pid to the cgroups it started in.
func moveBack(e *env, prefix string) bool {
	pid := os.Getpid()
	for _, c := range e.ctls {
		m := e.mounts[c]
		rel, err := filepath.Rel(m.Root, e.origOwn[c])
		if err == nil {
			err = cgroups.WriteCgroupProc(filepath.Join(m.Mountpoint, rel), pid)
		}
		if err != nil {
			fail(prefix+"move-back:"+c, "%v", err)
			return false
		}
	}
	own, err := ownCgroups()
	if err == nil {
		for _, c := range e.ctls {
			if own[c] != e.origOwn[c] {
				err = fmt.Errorf("/proc/self/cgroup %s:%q, was %q", c, own[c], e.origOwn[c])
				break
			}
		}
	}
	return step(prefix+"move-back", err, "")
}

func containsInt(l []int, v int) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}
