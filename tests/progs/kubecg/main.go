// kubecg: kubelet 1.26's ContainerManager cgroup steps and cAdvisor's cgroup reads, run on
// Debian's real runc 1.1.5 libcontainer (golang-github-opencontainers-runc-dev), built in
// GOPATH mode:
//
//	GO111MODULE=off GOPATH=$dir:/usr/share/gocode CGO_ENABLED=0 go build -o kubecg .
//
// Modes:
//
//	kubecg check       discovery, root stats, a kubepods/burstable/pod<uid> child created,
//	                   set, read back, stats, pid moved in and out, destroyed
//	kubecg concurrent  16 goroutines read stats while kubelet-like Create/Set/Destroy run
//	kubecg readdir     os.ReadDir of /sys/fs/cgroup, recursively: one path per line, sorted
//
// Each step prints "ok STEP[: detail]" or "FAIL STEP: error"; the exit status is 1 if any step
// failed. The kernel (or whatever serves /sys/fs/cgroup) is the oracle: values read back are
// compared with what the Linux kernel prints for them (see expect.go).
//
// Safety: check and concurrent create cgroups. They refuse to unless KUBECG_ALLOW_CREATE=1 is
// set, so that running this binary by hand on a host with real cgroup v1 hierarchies does not
// create kubepods there by accident (tests set it only where /sys/fs/cgroup is a sandbox's or
// fakesys's).
//
// Diagnostics, never used by the suite:
//
//	KUBECG_CONTROLLERS=a,b,...  the controllers required and checked (default: the nine that
//	                            kubelet and cAdvisor need). For validating this program on a
//	                            kernel where only some v1 controllers can be mounted.
//	KUBECG_RUNC_TESTMODE=1      sets runc's cgroups.TestMode, which skips the fstatfs
//	                            "is this cgroupfs" check in cgroups.OpenFile: shows what would
//	                            fail next in a sandbox whose fstatfs is ENOSYS.
//	KUBECG_SYNC_DIR=DIR         check: after the child is created and set, create DIR/applied
//	                            and wait (up to 60 s) for DIR/go, so that a test can look at
//	                            the real host tree while the child exists.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/opencontainers/runc/libcontainer/cgroups"
	"github.com/sirupsen/logrus"
)

// The controllers kubelet and cAdvisor need (fakesys issue 8: "No caller may find a controller
// missing").
var allControllers = []string{"cpu", "cpuacct", "cpuset", "memory", "pids", "devices", "freezer", "blkio", "hugetlb"}

var failed bool

func ok(step string, format string, a ...interface{}) {
	if format == "" {
		fmt.Printf("ok %s\n", step)
		return
	}
	fmt.Printf("ok %s: %s\n", step, oneLine(fmt.Sprintf(format, a...)))
}

func fail(step string, format string, a ...interface{}) {
	failed = true
	fmt.Printf("FAIL %s: %s\n", step, oneLine(fmt.Sprintf(format, a...)))
}

// step reports err as ok/FAIL and returns err == nil.
func step(name string, err error, format string, a ...interface{}) bool {
	if err != nil {
		fail(name, "%v", err)
		return false
	}
	ok(name, format, a...)
	return true
}

func oneLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return strings.ReplaceAll(s, "\n", `\n`)
}

func controllers() []string {
	if v := os.Getenv("KUBECG_CONTROLLERS"); v != "" {
		return strings.Split(v, ",")
	}
	return allControllers
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kubecg check | concurrent [SECONDS] | readdir [DIR]")
	os.Exit(2)
}

func main() {
	// runc logs through logrus; keep its warnings on stderr, not mixed into our steps.
	logrus.SetOutput(os.Stderr)
	logrus.SetLevel(logrus.WarnLevel)
	if os.Getenv("KUBECG_RUNC_TESTMODE") == "1" {
		cgroups.TestMode = true
		fmt.Println("note: KUBECG_RUNC_TESTMODE=1: runc's cgroupfs check in OpenFile is off")
	}
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "check":
		runCheck()
	case "concurrent":
		secs := 3.0
		if len(os.Args) > 2 {
			if _, err := fmt.Sscanf(os.Args[2], "%g", &secs); err != nil || secs <= 0 || secs > 600 {
				usage()
			}
		}
		runConcurrent(secs)
	case "readdir":
		dir := "/sys/fs/cgroup"
		if len(os.Args) > 2 {
			dir = os.Args[2]
		}
		runReaddir(dir)
	default:
		usage()
	}
	if failed {
		os.Exit(1)
	}
}
