package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// runConcurrent: 16 readers do what cAdvisor's housekeeping goroutines do (one per container:
// container/libcontainer/handler.go GetStats through the fs manager, and
// container/common/helpers.go ListContainers reading the hierarchy's directories) on the
// root and on long-lived kubelet cgroups, while one writer does what kubelet's pod lifecycle
// does (pod_container_manager_linux.go EnsureExists → Create, Update, Destroy) on short-lived
// pod cgroups and updates the long-lived pod's limits. Any error fails.
func runConcurrent(secs float64) {
	e := discover()
	if e == nil {
		return
	}
	if !allowCreate() {
		fail("create", "refusing to create cgroups: set KUBECG_ALLOW_CREATE=1 (only where /sys/fs/cgroup is a sandbox's or a fake)")
		return
	}
	t := &tree{e: e}
	defer t.bestEffortCleanup()
	stable := "/kubepods/burstable/" + podUID("s")
	if !t.create("create:kubepods", "/kubepods", &resourceConfig{CPUShares: u64p(numCPU() * 1024)}) ||
		!t.create("create:kubepods/burstable", "/kubepods/burstable", &resourceConfig{HugePageLimit: u64p(hugePagesUnbounded)}) ||
		!t.create("create:stable-pod", stable, podResources()) {
		return
	}

	// The memory limits the writer alternates between, as the kernel prints them.
	limits := []int64{podMemory, 256 << 20}
	validLimit := map[uint64]bool{}
	for _, l := range limits {
		validLimit[memoryReadback(l)] = true
	}

	var (
		stop     int32
		reads    int64
		listings int64
		cycles   int64
		errMu    sync.Mutex
		errs     []string
		wg       sync.WaitGroup
	)
	report := func(who string, err error) {
		errMu.Lock()
		defer errMu.Unlock()
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf("%s: %v", who, err))
		}
		atomic.StoreInt32(&stop, 1)
	}
	targets := []string{"/", "/kubepods", "/kubepods/burstable", stable}

	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := targets[i%len(targets)]
			// One manager per housekeeping goroutine, as cAdvisor has one per container.
			m, _, err := cadvisorManager(e.cadvisor, name)
			if err != nil {
				report(name, err)
				return
			}
			for atomic.LoadInt32(&stop) == 0 {
				st, err := m.GetStats()
				if err != nil {
					report("GetStats "+name, err)
					return
				}
				atomic.AddInt64(&reads, 1)
				if name == stable && has(e.ctls, "memory") && !validLimit[st.MemoryStats.Usage.Limit] {
					report("GetStats "+name, fmt.Errorf("memory limit %d is none of the values written", st.MemoryStats.Usage.Limit))
					return
				}
				if i%4 == 1 {
					// cAdvisor's ListContainers: read the child directories.
					if _, err := os.ReadDir(e.ctlPath(e.ctls[0], "/kubepods/burstable")); err != nil {
						report("ReadDir", err)
						return
					}
					atomic.AddInt64(&listings, 1)
				}
			}
		}(i)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		deadline := time.Now().Add(time.Duration(secs * float64(time.Second)))
		for n := 0; time.Now().Before(deadline) && atomic.LoadInt32(&stop) == 0; n++ {
			pod := "/kubepods/burstable/" + podUID(fmt.Sprintf("c%d", n%10))
			applyErr, setErr := kubeletCreate(pod, e.only(podResources()), e.hugetlb)
			if applyErr != nil || setErr != nil {
				report("Create "+pod, fmt.Errorf("apply: %v, set: %v", applyErr, setErr))
				_ = kubeletDestroy(pod)
				return
			}
			rc := podResources()
			rc.Memory = &limits[n%2]
			rc = e.only(rc)
			if err := kubeletUpdate(stable, rc, e.hugetlb); err != nil {
				report("Update "+stable, err)
				return
			}
			if err := kubeletDestroy(pod); err != nil {
				report("Destroy "+pod, err)
				return
			}
			if err := t.gone(pod); err != nil {
				report("Destroy "+pod, err)
				return
			}
			atomic.AddInt64(&cycles, 1)
		}
		atomic.StoreInt32(&stop, 1)
	}()
	wg.Wait()

	if len(errs) > 0 {
		for _, s := range errs {
			fail("concurrent", "%s", s)
		}
	} else if reads == 0 || cycles == 0 {
		fail("concurrent", "%d GetStats, %d create/update/destroy cycles: nothing ran", reads, cycles)
	} else {
		ok("concurrent", "%d GetStats and %d listings by 16 readers, %d create/update/destroy cycles in %gs",
			reads, listings, cycles, secs)
	}
	t.destroyAll("")
}
