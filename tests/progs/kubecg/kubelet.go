package main

// Hand replays of the kubelet 1.26 and cAdvisor v0.46 code that drives libcontainer. Neither
// is packaged in Debian, so the few lines they consist of are rewritten here; each function
// names the upstream file and function it follows. Everything below them (discovery, file
// access, Apply, Set, GetStats, Destroy) is Debian's real runc 1.1.5 libcontainer.

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/opencontainers/runc/libcontainer/cgroups"
	"github.com/opencontainers/runc/libcontainer/cgroups/fs"
	"github.com/opencontainers/runc/libcontainer/configs"
)

// cgroupSubsystems follows kubernetes pkg/kubelet/cm/cgroup_manager_linux.go CgroupSubsystems.
type cgroupSubsystems struct {
	Mounts      []cgroups.Mount
	MountPoints map[string]string
}

// kubeletSubsystems follows kubernetes pkg/kubelet/cm/helpers_linux.go getCgroupSubsystemsV1:
// GetCgroupMounts(true), and per subsystem the mount point with the shortest path.
func kubeletSubsystems() (*cgroupSubsystems, error) {
	all, err := cgroups.GetCgroupMounts(true)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("failed to find cgroup mounts")
	}
	mp := make(map[string]string, len(all))
	for _, m := range all {
		for _, s := range m.Subsystems {
			if prev := mp[s]; prev == "" || len(m.Mountpoint) < len(prev) {
				mp[s] = m.Mountpoint
			}
		}
	}
	return &cgroupSubsystems{Mounts: all, MountPoints: mp}, nil
}

// cadvisorSupported follows cAdvisor container/libcontainer/helpers.go supportedSubsystems
// (blkio and io are kept: kubelet's cAdvisor collects DiskIO metrics).
var cadvisorSupported = map[string]bool{
	"cpu": true, "cpuacct": true, "memory": true, "hugetlb": true, "pids": true,
	"cpuset": true, "blkio": true, "io": true, "devices": true, "perf_event": true,
}

// cadvisorMountPoints follows cAdvisor container/libcontainer/helpers.go
// getCgroupSubsystemsHelper: supported subsystems only, the first mount of each wins.
func cadvisorMountPoints() (map[string]string, error) {
	all, err := cgroups.GetCgroupMounts(true)
	if err != nil {
		return nil, err
	}
	mp := map[string]string{}
	for _, m := range all {
		for _, s := range m.Subsystems {
			if !cadvisorSupported[s] {
				continue
			}
			if _, dup := mp[s]; dup {
				continue
			}
			mp[s] = m.Mountpoint
		}
	}
	if len(mp) == 0 {
		return nil, fmt.Errorf("failed to find supported cgroup mounts")
	}
	return mp, nil
}

// makeCgroupPaths follows cAdvisor container/common/helpers.go MakeCgroupPaths.
func makeCgroupPaths(mountPoints map[string]string, name string) map[string]string {
	p := make(map[string]string, len(mountPoints))
	for k, v := range mountPoints {
		p[k] = path.Join(v, name)
	}
	return p
}

// cadvisorManager follows cAdvisor container/libcontainer/helpers.go NewCgroupManager (v1
// branch: fs.NewManager with Name and empty Resources and the given paths), with
// container/raw/handler.go newRawContainerHandler's deletion of "pids" for the root container
// (pids.current does not exist on a v1 root).
func cadvisorManager(mountPoints map[string]string, name string) (cgroups.Manager, map[string]string, error) {
	paths := makeCgroupPaths(mountPoints, name)
	if name == "/" {
		delete(paths, "pids")
	}
	m, err := fs.NewManager(&configs.Cgroup{Name: name, Resources: &configs.Resources{}}, paths)
	return m, paths, err
}

// resourceConfig follows kubernetes pkg/kubelet/cm/types.go ResourceConfig (the fields used).
type resourceConfig struct {
	Memory    *int64
	CPUShares *uint64
	CPUQuota  *int64
	CPUPeriod *uint64
	PidsLimit *int64
	// HugePageLimit: one limit for every page size (kubelet's pods get 0 for the sizes they
	// do not request; QoS cgroups get 1<<62, see setHugePagesUnbounded).
	HugePageLimit *uint64
}

// hugePagesUnbounded follows kubernetes pkg/kubelet/cm/qos_container_manager_linux.go
// (*qosContainerManagerImpl).setHugePagesUnbounded: int64(1 << 62) for every page size.
const hugePagesUnbounded = uint64(1) << 62

// toResources follows kubernetes pkg/kubelet/cm/cgroup_manager_linux.go
// (*cgroupManagerImpl).toResources for cgroup v1: SkipDevices and SkipFreezeOnSet are always
// set; hugetlb limits (maybeSetHugetlb) are set for every page size, 0 for sizes the pod does
// not request, and only when the hugetlb hierarchy is mounted.
func toResources(rc *resourceConfig, hugetlbMounted bool) *configs.Resources {
	r := &configs.Resources{SkipDevices: true, SkipFreezeOnSet: true}
	if rc == nil {
		return r
	}
	if rc.Memory != nil {
		r.Memory = *rc.Memory
	}
	if rc.CPUShares != nil {
		r.CpuShares = *rc.CPUShares
	}
	if rc.CPUQuota != nil {
		r.CpuQuota = *rc.CPUQuota
	}
	if rc.CPUPeriod != nil {
		r.CpuPeriod = *rc.CPUPeriod
	}
	if rc.PidsLimit != nil {
		r.PidsLimit = *rc.PidsLimit
	}
	if hugetlbMounted {
		var limit uint64
		if rc.HugePageLimit != nil {
			limit = *rc.HugePageLimit
		}
		for _, size := range cgroups.HugePageSizes() {
			r.HugetlbLimit = append(r.HugetlbLimit, &configs.HugepageLimit{Pagesize: size, Limit: limit})
		}
	}
	return r
}

// libctCgroupConfig follows kubernetes pkg/kubelet/cm/cgroup_manager_linux.go
// (*cgroupManagerImpl).libctCgroupConfig for the cgroupfs driver: Path is the cgroupfs name.
func libctCgroupConfig(name string, rc *resourceConfig, needResources, hugetlbMounted bool) *configs.Cgroup {
	c := &configs.Cgroup{Path: name}
	if needResources {
		c.Resources = toResources(rc, hugetlbMounted)
	} else {
		c.Resources = &configs.Resources{}
	}
	return c
}

// newManager follows runc libcontainer/cgroups/manager/new.go NewWithPaths as kubelet reaches
// it (manager.New(config)): on cgroup v1 without systemd that is fs.NewManager(config, nil).
// Called directly so that the test does not depend on the manager package's other imports.
func newManager(c *configs.Cgroup) (cgroups.Manager, error) {
	if cgroups.IsCgroup2UnifiedMode() {
		return nil, fmt.Errorf("cgroup v2 unified mode: not a v1 tree")
	}
	return fs.NewManager(c, nil)
}

// kubeletCreate follows kubernetes pkg/kubelet/cm/cgroup_manager_linux.go
// (*cgroupManagerImpl).Create: New, Apply(-1) ("a hack to create the cgroup directories"),
// Set(Resources). kubelet only logs a Set error (utilruntime.HandleError); this test fails on it.
func kubeletCreate(name string, rc *resourceConfig, hugetlbMounted bool) (applyErr, setErr error) {
	c := libctCgroupConfig(name, rc, true, hugetlbMounted)
	m, err := newManager(c)
	if err != nil {
		return err, nil
	}
	if err := m.Apply(-1); err != nil {
		return err, nil
	}
	return nil, m.Set(c.Resources)
}

// kubeletUpdate follows (*cgroupManagerImpl).Update: New, Set.
func kubeletUpdate(name string, rc *resourceConfig, hugetlbMounted bool) error {
	c := libctCgroupConfig(name, rc, true, hugetlbMounted)
	m, err := newManager(c)
	if err != nil {
		return err
	}
	return m.Set(c.Resources)
}

// kubeletDestroy follows (*cgroupManagerImpl).Destroy: New with empty Resources (so
// SkipDevices is false and the devices hierarchy must be mounted), Destroy.
func kubeletDestroy(name string) error {
	c := libctCgroupConfig(name, nil, false, false)
	if os.Getenv("KUBECG_CONTROLLERS") != "" && !has(controllers(), "devices") {
		// Diagnostic mode without a devices hierarchy: not what kubelet does.
		c.Resources.SkipDevices = true
	}
	m, err := newManager(c)
	if err != nil {
		return err
	}
	if err := m.Destroy(); err != nil {
		return fmt.Errorf("unable to destroy cgroup paths for cgroup %v : %v", name, err)
	}
	return nil
}

// kubeletValidate follows (*cgroupManagerImpl).Validate for v1: the cgroup exists in cpu,
// cpuacct, cpuset, memory, systemd, pids (and hugetlb when mounted).
func kubeletValidate(cs *cgroupSubsystems, name string) error {
	allow := map[string]bool{"cpu": true, "cpuacct": true, "cpuset": true, "memory": true, "systemd": true, "pids": true}
	if _, ok := cs.MountPoints["hugetlb"]; ok {
		allow["hugetlb"] = true
	}
	var missing []string
	for _, ctl := range sortedKeys(cs.MountPoints) {
		if !allow[ctl] {
			continue
		}
		p := path.Join(cs.MountPoints[ctl], name)
		if !cgroups.PathExists(p) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("cgroup %q has some missing paths: %v", name, strings.Join(missing, ", "))
	}
	return nil
}

// kubeletSystemRequirements follows kubernetes pkg/kubelet/cm/container_manager_linux.go
// validateSystemRequirements (v1 branch): cpu, cpuacct, cpuset and memory must be mounted
// (fatal for setupNode), and cpu.cfs_period_us / cpu.cfs_quota_us must exist (without them
// kubelet 1.26 records the soft requirement "CPU hardcapping unsupported"; this test fails).
func kubeletSystemRequirements(cs *cgroupSubsystems) error {
	var missing []string
	for _, s := range []string{"cpu", "cpuacct", "cpuset", "memory"} {
		if _, ok := cs.MountPoints[s]; !ok {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("failed to find required cgroup subsystems: %v", missing)
	}
	cpu := cs.MountPoints["cpu"]
	for _, f := range []string{"cpu.cfs_period_us", "cpu.cfs_quota_us"} {
		if _, err := os.Stat(path.Join(cpu, f)); err != nil {
			return fmt.Errorf("CPU hardcapping unsupported: %v", err)
		}
	}
	return nil
}
