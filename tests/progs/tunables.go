// tunables: does what kubelet's setupKernelTunables does (KernelTunableModify),
// using only Go's standard library, so it behaves like a static Go binary (k3s).
//
// Usage: tunables MODE
//
//	once        read the six keys; write each one that differs; read back and check
//	goroutines  16 goroutines run "once" at the same time, 20 rounds each
//	child       "once", then re-exec itself in mode "check" (a child process must see the values)
//	check       only read the six keys; each must hold the wanted value (no writes)
//	readdir     os.ReadDir of /proc/sys/kernel/keys, /proc/sys/kernel and /proc/sys/vm must list
//	            the fake keys; os.Stat / os.Lstat / DirEntry.Info on each key must work
//
// Prints "wrote KEY" for every write it made and "ok MODE" at the end.
// Exit 0 on success; 1 with a message on failure.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

const sysctlBase = "/proc/sys"

type tunable struct {
	key  string
	want int
}

// Same keys and values as kubelet's setupKernelTunables.
var desired = []tunable{
	{"vm/overcommit_memory", 1},
	{"vm/panic_on_oom", 0},
	{"kernel/panic", 10},
	{"kernel/panic_on_oops", 1},
	{"kernel/keys/root_maxkeys", 1000000},
	{"kernel/keys/root_maxbytes", 25000000},
}

// getSysctl is k8s.io/component-helpers/node/util/sysctl GetSysctl.
func getSysctl(key string) (int, error) {
	data, err := os.ReadFile(path.Join(sysctlBase, key))
	if err != nil {
		return -1, err
	}
	val, err := strconv.Atoi(strings.Trim(string(data), " \n"))
	if err != nil {
		return -1, fmt.Errorf("%s: bad value %q: %v", key, string(data), err)
	}
	return val, nil
}

// setSysctl is SetSysctl: os.WriteFile(path, []byte(strconv.Itoa(v)), 0640), which opens with
// O_WRONLY|O_CREATE|O_TRUNC (Go adds O_CLOEXEC). Spelled out to make the flags explicit.
func setSysctl(key string, v int) error {
	f, err := os.OpenFile(path.Join(sysctlBase, key), os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_CLOEXEC, 0640)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte(strconv.Itoa(v)))
	if err1 := f.Close(); err == nil {
		err = err1
	}
	return err
}

var outMu sync.Mutex

func say(format string, a ...interface{}) {
	outMu.Lock()
	fmt.Printf(format+"\n", a...)
	outMu.Unlock()
}

// setupKernelTunables returns every error, like kubelet (which joins them).
func setupKernelTunables(verbose bool) []error {
	var errs []error
	for _, t := range desired {
		val, err := getSysctl(t.key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if val == t.want {
			continue
		}
		if err := setSysctl(t.key, t.want); err != nil {
			errs = append(errs, err)
			continue
		}
		if verbose {
			say("wrote %s", strings.ReplaceAll(t.key, "/", "."))
		}
		// Read back and check.
		got, err := getSysctl(t.key)
		if err != nil {
			errs = append(errs, fmt.Errorf("read back %s: %v", t.key, err))
			continue
		}
		if got != t.want {
			errs = append(errs, fmt.Errorf("read back %s: got %d, want %d", t.key, got, t.want))
		}
	}
	return errs
}

func checkOnly() []error {
	var errs []error
	for _, t := range desired {
		val, err := getSysctl(t.key)
		if err != nil {
			errs = append(errs, err)
		} else if val != t.want {
			errs = append(errs, fmt.Errorf("%s = %d, want %d", t.key, val, t.want))
		}
	}
	return errs
}

func readdirMode() []error {
	var errs []error
	want := map[string][]string{
		"/proc/sys/kernel/keys": {"root_maxbytes", "root_maxkeys"},
		"/proc/sys/kernel":      {"keys", "panic", "panic_on_oops"},
		"/proc/sys/vm":          {"overcommit_memory", "panic_on_oom"},
	}
	dirs := make([]string, 0, len(want))
	for d := range want {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("ReadDir %s: %v", d, err))
			continue
		}
		have := map[string]os.DirEntry{}
		names := []string{}
		for _, e := range ents {
			have[e.Name()] = e
			names = append(names, e.Name())
		}
		say("readdir %s: %s", d, strings.Join(names, " "))
		for _, n := range want[d] {
			e, ok := have[n]
			if !ok {
				errs = append(errs, fmt.Errorf("ReadDir %s: %s missing (have %v)", d, n, names))
				continue
			}
			if _, err := e.Info(); err != nil {
				errs = append(errs, fmt.Errorf("DirEntry.Info %s/%s: %v", d, n, err))
			}
		}
	}
	if fi, err := os.Stat("/proc/sys/kernel/keys"); err != nil {
		errs = append(errs, fmt.Errorf("Stat /proc/sys/kernel/keys: %v", err))
	} else if !fi.IsDir() {
		errs = append(errs, fmt.Errorf("Stat /proc/sys/kernel/keys: not a directory (%v)", fi.Mode()))
	}
	for _, t := range desired {
		p := path.Join(sysctlBase, t.key)
		for _, st := range []func(string) (os.FileInfo, error){os.Stat, os.Lstat} {
			fi, err := st(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("stat %s: %v", p, err))
				continue
			}
			if !fi.Mode().IsRegular() {
				errs = append(errs, fmt.Errorf("stat %s: not a regular file (%v)", p, fi.Mode()))
			}
		}
	}
	return errs
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tunables once|goroutines|child|check|readdir|uname")
		os.Exit(2)
	}
	mode := os.Args[1]
	var errs []error
	switch mode {
	case "once":
		errs = setupKernelTunables(true)
	case "check":
		errs = checkOnly()
	case "child":
		errs = setupKernelTunables(true)
		if len(errs) == 0 {
			exe, err := os.Executable()
			if err != nil {
				exe = os.Args[0]
			}
			cmd := exec.Command(exe, "check")
			cmd.Stdout = os.Stdout
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				errs = append(errs, fmt.Errorf("child %s check: %v", exe, err))
			}
		}
	case "goroutines":
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for r := 0; r < 20; r++ {
					e := setupKernelTunables(false)
					if len(e) > 0 {
						mu.Lock()
						errs = append(errs, e...)
						mu.Unlock()
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(errs) == 0 {
			errs = checkOnly()
		}
	case "readdir":
		errs = readdirMode()
	case "uname":
		// The node's kernel version, as cAdvisor's machine.KernelVersion (machine/info.go)
		// reads it for kubelet's node status: uname(2), through Go's syscall package.
		var u syscall.Utsname
		if err := syscall.Uname(&u); err != nil {
			errs = append(errs, err)
			break
		}
		var release []byte
		for _, c := range u.Release {
			if c == 0 {
				break
			}
			release = append(release, byte(c))
		}
		fmt.Println(string(release))
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintf(os.Stderr, "tunables %s: %v\n", mode, e)
		}
		fmt.Printf("FAILED %s (%d errors)\n", mode, len(errs))
		os.Exit(1)
	}
	fmt.Printf("ok %s\n", mode)
}
