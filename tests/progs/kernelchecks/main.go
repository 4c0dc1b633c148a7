// kernelchecks: what a container stack asks of the kernel's identity before it starts a
// container, run on Debian's own Go packages, built in GOPATH mode:
//
//	GO111MODULE=off GOPATH=$dir:/usr/share/gocode CGO_ENABLED=0 go build -o kernelchecks .
//
// It prints one line per check:
//
//	release R                   uname(2)'s release, as docker's kernel.GetKernelVersion parses it
//	k3s unprivileged BOOL       k3s's setupContainerdConfig (pkg/agent/containerd/config_linux.go)
//	                            turns on containerd's enable_unprivileged_ports and _icmp with
//	                            kernel.CheckKernelVersion(4, 11, 0) of docker's pkg/parsers/kernel
//	seccomp ptrace BOOL         containerd's default seccomp profile (contrib/seccomp,
//	                            DefaultProfile) allows ptrace from kernel 4.8 on
//	last cap N                  runc's libcontainer/capabilities builds its capability map up to
//	                            gocapability's CAP_LAST_CAP, read from /proc/sys/kernel/cap_last_cap
//	                            (63 when the file is missing)
//	capabilities applied | ...  capabilities.New, ApplyBoundingSet and ApplyCaps (as runc's
//	                            finalizeNamespace does) for the capabilities this process holds
//	                            plus the three newest; runc warns of those the kernel lacks
//
// The exit status is 1 if a step fails.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/containerd/containerd/contrib/seccomp"
	"github.com/docker/docker/pkg/parsers/kernel"
	"github.com/opencontainers/runc/libcontainer/capabilities"
	"github.com/opencontainers/runc/libcontainer/configs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/syndtr/gocapability/capability"
)

func main() {
	v, err := kernel.GetKernelVersion()
	if err != nil {
		fmt.Println("release:", err)
		os.Exit(1)
	}
	fmt.Printf("release %s\n", v)
	fmt.Printf("k3s unprivileged %t\n", kernel.CheckKernelVersion(4, 11, 0))
	fmt.Printf("seccomp ptrace %t\n", allows(seccomp.DefaultProfile(&specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{}}}), "ptrace"))

	self, err := capability.NewPid2(0)
	if err == nil {
		err = self.Load()
	}
	if err != nil {
		fmt.Println("capabilities of this process:", err)
		os.Exit(1)
	}
	want := []string{"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"}
	for _, c := range capability.List() {
		if c <= capability.CAP_LAST_CAP && self.Get(capability.PERMITTED, c) {
			want = append(want, "CAP_"+strings.ToUpper(c.String()))
		}
	}
	fmt.Printf("last cap %d\n", capability.CAP_LAST_CAP)
	caps, err := capabilities.New(&configs.Capabilities{Bounding: want, Effective: want, Permitted: want, Inheritable: want})
	if err == nil {
		err = caps.ApplyBoundingSet()
	}
	if err == nil {
		err = caps.ApplyCaps()
	}
	if err != nil {
		fmt.Println("capabilities:", err)
		os.Exit(1)
	}
	fmt.Println("capabilities applied")
}

// allows says whether the profile lets name through unconditionally.
func allows(p *specs.LinuxSeccomp, name string) bool {
	for _, s := range p.Syscalls {
		for _, n := range s.Names {
			if n == name && s.Action == specs.ActAllow && len(s.Args) == 0 {
				return true
			}
		}
	}
	return false
}
