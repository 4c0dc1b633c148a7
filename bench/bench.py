#!/usr/bin/env python3
"""fakesys benchmark helper (driven by bench/run).

  bench.py measure --env host|gvisor --fakesys PATH --progs DIR [--pin] [--rounds N] ...
      Runs every workload under every configuration, round-robin, and prints one
      Markdown table (plus a '#json ' line that bench/run keeps for --write).
  bench.py report FILE... > docs/performance.md
      Builds docs/performance.md from the '#json ' lines of earlier passes.

Standard library only: it must also run inside gVisor.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# ---------------------------------------------------------------- configurations
# (id, column title, what the peer is)
CONFIGS = [
    ("native", "native", "the workload alone"),
    ("fakesys", "fakesys", "fakesys, default profile (seccomp stops on path syscalls only)"),
    ("fakesys-noseccomp", "fakesys --no-seccomp", "fakesys stopping at every syscall entry and exit"),
    ("strace", "strace -f", "`strace -f -qq -o /dev/null`: every-syscall ptrace, observes only"),
    ("strace-seccomp", "strace --seccomp-bpf", "`strace -f -qq --seccomp-bpf -e trace=%file -o /dev/null`: "
     "observes only, same stop pattern as seccomp-accelerated PRoot"),
    ("proot", "PRoot", "Debian `proot` (no seccomp acceleration: stops at every syscall) with one "
     "`-b FAKE:/proc/sys/KEY` per key of the default profile"),
    ("proot-upstream", "PRoot upstream", "upstream PRoot built from its source (seccomp acceleration on: "
     "stops only at the syscalls it translates), same binds as PRoot"),
]
PEERS = ("strace", "strace-seccomp", "proot", "proot-upstream")
PROOTS = ("proot", "proot-upstream")  # the peers that also redirect
# Not in the default run: fakesys built from an earlier commit, side by side with the
# current build (bench/run --before REV), so that a change's cost shows in one run.
BEFORE = ("fakesys-before", "fakesys before", "fakesys built from an earlier commit (`--fakesys-before`), "
          "default profile")

# ---------------------------------------------------------------- workloads
# (id, description, argv builder, host N, gVisor N). N is the loop count / size; None
# leaves the workload out of that environment's passes.
MAKE_FILES_FN = 8  # functions per generated C file


def workloads(progs, tmp):
    p = lambda name: os.path.join(progs, name)
    shloop = "i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done"
    return [
        ("startup", "getppid 1: start-up and exit cost alone",
         lambda n: [p("getppid"), str(n)], 1, 1),
        ("getppid", "static C loop of getppid (never intercepted)",
         lambda n: [p("getppid"), str(n)], 500000, 3000),
        ("open-plain", "open/read/close /etc/passwd (intercepted, not redirected)",
         lambda n: [p("openread"), "/etc/passwd", str(n)], 40000, 1200),
        ("open-redirected", "open/read/close /proc/sys/kernel/panic (redirected)",
         lambda n: [p("openread"), "/proc/sys/kernel/panic", str(n)], 40000, 1200),
        ("stat-plain", "newfstatat /etc/passwd (intercepted, not redirected)",
         lambda n: [p("statloop"), "/etc/passwd", str(n)], 100000, 2500),
        ("readdir-keys", "opendir/readdir/closedir /proc/sys/kernel/keys (dir with fake entries)",
         lambda n: [p("readdir"), "/proc/sys/kernel/keys", str(n)], 20000, 600),
        ("fork-exec", "dash loop: fork+exec /bin/true",
         lambda n: ["/bin/sh", "-c", shloop % n], 150, 30),
        ("vfork-exec", "static C loop: vfork+execve /bin/true",
         lambda n: [p("vforkloop"), str(n)], 150, 30),
        ("go-8-goroutines", "static Go: 8 goroutines x N x (read /etc/passwd, read kernel/panic, sha256)",
         lambda n: [p("goload"), str(n)], 500, 40),
        ("find", "find DIR -type f (host: /usr/share, 69k files; gVisor: /usr/share/locale, 3k files)",
         lambda n: ["find", n, "-type", "f"], "/usr/share", "/usr/share/locale"),
        ("make-j2", "make -j2 -B of a generated C project with N files",
         lambda n: ["make", "-s", "-j2", "-B", "-C", make_project(tmp, n)], 8, 2),
        # the calls traced since the cgroup tree (mkdir, mkdirat, rmdir, unlinkat with
        # AT_REMOVEDIR, statfs, fstatfs, inotify_add_watch), on paths that no rule names
        ("open-tmp", "open/read/close of a file in /tmp (intercepted, not redirected)",
         lambda n: [p("openread"), tmp_file(tmp), str(n)], 40000, 1200),
        # these work in tmpfs (/dev/shm): on the host's ext4 /tmp one mkdir costs
        # 100-400 µs and varies more than a stop costs (a first run there had native
        # tar -x + rm -rf slower than either fakesys)
        ("mkdir-rmdir", "static C loop: mkdir, rmdir, mkdirat, unlinkat(AT_REMOVEDIR) of a dir in /dev/shm (4 calls a round)",
         lambda n: [p("dirloop"), os.path.join(shm_dir(tmp), "dirloop"), str(n)], 20000, 1000),
        ("statfs", "static C loop: statfs(/tmp) and fstatfs(fd of /tmp) (2 calls a round)",
         lambda n: [p("statfsloop"), "/tmp", str(n)], 100000, 1500),
        ("inotify-watch", "static C loop: inotify_add_watch and inotify_rm_watch of a dir in /dev/shm",
         lambda n: [p("inotifyloop"), shm_dir(tmp), str(n)], 20000, 1000),
        # a tree of 1,200 tasks, all alive at once, against the same tree a few at a time:
        # what the number of tasks costs each tool's stops (the kernel's wait4 scans
        # every tracee). Run only when named (--workloads): under the peers that stop at
        # every syscall one round of them took 16 minutes on the host; not in gVisor at
        # all. tests/stress.sh measures fakesys's scale on both.
        ("scale-tree", "200 processes x 6 threads, all alive at once, each thread N x (open/read/close of two /tmp files)",
         lambda n: [p("scale_tree"), "-p", "200", "-t", "6", "-m", str(n), "-f", ten_file(tmp), "-d", tmp], 10, None),
        ("scale-tree-2-at-once", "the same tree, 2 processes (12 tasks) alive at a time",
         lambda n: [p("scale_tree"), "-p", "200", "-t", "6", "-m", str(n), "-c", "2", "-f", ten_file(tmp), "-d", tmp], 10, None),
        ("tar-x-rm-rf", "tar -xf of a tree of N directories with one file each into /dev/shm, then rm -rf of it",
         lambda n: ["/bin/sh", "-c", "tar -xf \"$1\" -C \"$2\" && rm -rf \"$2/tree\"", "sh"] +
         tar_tree(tmp, n), 900, 100),
        ("mkdir-p-rm-rf", "mkdir -p of N directories (3 levels) in /dev/shm, then rm -rf of them",
         lambda n: ["/bin/sh", "-c", "mkdir -p \"$@\" && rm -rf \"$0\"", os.path.join(shm_dir(tmp), "mkp")] +
         mkdir_paths(os.path.join(shm_dir(tmp), "mkp"), n), 900, 100),
    ]


ONLY_WHEN_NAMED = ("scale-tree", "scale-tree-2-at-once")


def shm_dir(tmp):
    """A directory on tmpfs (/dev/shm) when there is one, else in tmp; removed at the end."""
    link = os.path.join(tmp, "shm")
    if not os.path.islink(link) and not os.path.isdir(link):
        try:
            os.symlink(tempfile.mkdtemp(prefix="fakesys-bench.", dir="/dev/shm"), link)
        except OSError:
            os.mkdir(link)
    return os.path.realpath(link)


def tmp_file(tmp):
    """A small plain file in the bench's /tmp directory."""
    path = os.path.join(tmp, "plain.txt")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("a plain file in /tmp that no rule names\n" * 20)
    return path


def ten_file(tmp):
    """A /tmp file holding "10\n", what scale_tree expects of the file it reads."""
    path = os.path.join(tmp, "ten.txt")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("10\n")
    return path


def tree_shape(n):
    """n leaf directories as side x side (side = ceil(sqrt(n)))."""
    side = 1
    while side * side < n:
        side += 1
    return side


def mkdir_paths(top, n):
    side = tree_shape(n)
    return [os.path.join(top, "a%02d" % i, "b%02d" % j, "c")
            for i in range(side) for j in range(side)][:n]


def tar_tree(tmp, n):
    """A tarball of tree/dII/eJJ/f (n leaf directories, one file each) and an empty
    directory to extract it into: [tarball, outdir]."""
    tarball = os.path.join(tmp, "tree%d.tar" % n)
    out = os.path.join(shm_dir(tmp), "tarout")
    if not os.path.exists(tarball):
        src = os.path.join(tmp, "tarsrc%d" % n)
        side = tree_shape(n)
        for k in range(n):
            d = os.path.join(src, "tree", "d%02d" % (k // side), "e%02d" % (k % side))
            os.makedirs(d)
            with open(os.path.join(d, "f"), "w") as f:
                f.write("x\n")
        subprocess.check_call(["tar", "-cf", tarball, "-C", src, "tree"])
        shutil.rmtree(src)
    os.makedirs(out, exist_ok=True)
    return [tarball, out]


def make_project(tmp, nfiles):
    """A small C project: nfiles sources, one header, a Makefile linking them."""
    d = os.path.join(tmp, "proj%d" % nfiles)
    if os.path.isdir(d):
        return d
    os.makedirs(d)
    with open(os.path.join(d, "lib.h"), "w") as f:
        f.write("#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\n")
        for i in range(nfiles):
            for k in range(MAKE_FILES_FN):
                f.write("int f%d_%d(int);\n" % (i, k))
    for i in range(nfiles):
        with open(os.path.join(d, "m%d.c" % i), "w") as f:
            f.write('#include "lib.h"\n')
            for k in range(MAKE_FILES_FN):
                f.write("int f%d_%d(int x) { char b[64]; snprintf(b, sizeof b, \"%%d\", x * %d);"
                        " return (int)strlen(b) + atoi(b) %% 7; }\n" % (i, k, k + 1))
    with open(os.path.join(d, "main.c"), "w") as f:
        f.write('#include "lib.h"\nint main(void) { int s = 0;\n')
        for i in range(nfiles):
            f.write("  s += f%d_0(%d);\n" % (i, i))
        f.write('  printf("%d\\n", s); return 0; }\n')
    objs = " ".join("m%d.o" % i for i in range(nfiles)) + " main.o"
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write("CFLAGS = -O2\nprog: %s\n\t$(CC) -o $@ %s\n%%.o: %%.c lib.h\n\t$(CC) $(CFLAGS) -c -o $@ $<\n"
                % (objs, objs))
    return d


# ---------------------------------------------------------------- helpers
def profile_keys(profile):
    """The sysctl keys of a profile file (sysctl.d lines 'a.b.c = v'), as (path, value)."""
    keys = []
    for line in open(profile):
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        key, value = (s.strip() for s in line.split("=", 1))
        if " " in key:  # 'file PATH', 'real-first KEY', ...: not a plain sysctl line
            continue
        keys.append(("/proc/sys/" + key.replace(".", "/"), value))
    return keys


def prefixes(args, tmp):
    fk = args.fakesys
    binds = []
    fakes = os.path.join(tmp, "fakes")
    os.makedirs(fakes, exist_ok=True)
    for path, value in profile_keys(args.profile):
        fake = os.path.join(fakes, path[len("/proc/sys/"):].replace("/", "."))
        with open(fake, "w") as f:
            f.write(value + "\n")
        binds += ["-b", "%s:%s" % (fake, path)]
    return {
        "native": [],
        "fakesys": [fk, "--"],
        "fakesys-noseccomp": [fk, "--no-seccomp", "--"],
        "fakesys-before": [args.fakesys_before or "fakesys-before-not-given", "--"],
        "strace": ["strace", "-f", "-qq", "-o", "/dev/null"],
        "strace-seccomp": ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=%file", "-o", "/dev/null"],
        "proot": ["proot"] + binds,
        "proot-upstream": [args.proot_upstream or "proot-upstream-not-given"] + binds,
    }


STRACES = ("strace", "strace-seccomp")


def strace_traced(argv, cmd, tmp):
    """Whether strace (argv, writing to /dev/null) traces cmd: its trace, written to a
    file instead, holds cmd's own execve returning 0."""
    path = os.path.join(tmp, "strace-check")
    argv = [path if a == "/dev/null" else a for a in argv]
    subprocess.call(argv + cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
    want = 'execve("%s"' % cmd[0]
    try:
        with open(path, errors="replace") as f:
            return any(want in l and l.rstrip().endswith("= 0") for l in f)
    except OSError:
        return False
    finally:
        if os.path.exists(path):
            os.unlink(path)


def run_once(argv, errpath):
    with open(errpath, "wb") as err:
        t0 = time.perf_counter()
        rc = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        t = time.perf_counter() - t0
    with open(errpath, "rb") as f:
        text = f.read().decode(errors="replace")
    return t, rc, text


STATS_RE = re.compile(r"fakesys: stats: .*?stops=(\d+) tracer_calls=(\d+) intercepted=(\d+) redirected=(\d+)")


CPU_RE = re.compile(r"fakesys: stats: .*?tracer cpu ([\d.]+) s user, ([\d.]+) s system.*?tracer max RSS (\d+) KiB")


def parse_stats(text):
    m = STATS_RE.search(text)
    if not m:
        return None
    stops, calls, inter, redir = (int(x) for x in m.groups())
    out = {"stops": stops, "calls": calls, "intercepted": inter, "redirected": redir}
    cpu = CPU_RE.search(text)
    if cpu:
        out["cpu_s"] = float(cpu.group(1)) + float(cpu.group(2))
        out["rss_kib"] = int(cpu.group(3))
    return out


def first_line(text):
    """The most telling stderr line: the workload's own message before a tool's chatter."""
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("fakesys: stats")]
    own = [l for l in lines if not l.startswith(("strace:", "proot", "fakesys:"))]
    return ((own or lines or [""])[0])[:160]


def proot_version(path):
    """The version line of a PRoot build, e.g. 'v5.4.0-5f780cba' (version and upstream commit)."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    m = re.search(r"v\d+\.\d+\S*", out)
    return m.group(0) if m else "?"


def machine_facts():
    facts = {"uname_r": os.uname().release, "nproc": os.cpu_count(),
             "affinity": len(os.sched_getaffinity(0)), "cpu": "?"}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                facts["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return facts


# ---------------------------------------------------------------- measure
def measure(args):
    tmp = tempfile.mkdtemp(prefix="fakesys-bench.")
    try:
        return _measure(args, tmp)
    finally:
        shm = os.path.join(tmp, "shm")
        if os.path.islink(shm):
            shutil.rmtree(os.path.realpath(shm), ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(args, tmp):
    gvisor = args.env == "gvisor"
    pre = prefixes(args, tmp)
    configs = [c for c in CONFIGS + [BEFORE] if c[0] in args.configs.split(",")]
    if any(c[0] == "fakesys-before" for c in configs):
        if not args.fakesys_before:
            sys.exit("bench.py: configuration fakesys-before needs --fakesys-before PATH")
        # native, before, after: the three columns of a before/after table
        configs.sort(key=lambda c: ("native", "fakesys-before", "fakesys").index(c[0])
                     if c[0] in ("native", "fakesys-before", "fakesys") else 9)
    if any(c[0] == "proot-upstream" for c in configs) and not args.proot_upstream:
        sys.exit("bench.py: configuration proot-upstream needs --proot-upstream PATH")
    wls = [w for w in workloads(args.progs, tmp)
           if (w[0] in args.workloads.split(",") if args.workloads else w[0] not in ONLY_WHEN_NAMED)]
    wls = [w for w in wls if (w[4] if gvisor else w[3]) is not None]
    pin = ["taskset", "-c", "0"] if args.pin else []
    errpath = os.path.join(tmp, "stderr")
    times = {(w[0], c[0]): [] for w in wls for c in configs}
    notes = {}
    sizes = {}
    for w in wls:
        n = w[4] if gvisor else w[3]
        if isinstance(n, int) and args.scale != 1.0:
            n = max(1, int(n * args.scale))
        sizes[w[0]] = n
        w[2](n)  # create generated inputs (make project) before timing
    units = unit_costs(args, pin)
    t_start = time.time()
    for r in range(args.rounds):
        for w in wls:
            cmd = w[2](sizes[w[0]])
            # rotate the order each round so no configuration always runs first
            order = configs[r % len(configs):] + configs[:r % len(configs)]
            for c in order:
                done = times[(w[0], c[0])]
                if r >= args.slow_rounds and done and min(done) > args.slow_seconds:
                    continue  # a very slow cell: its first rounds are enough for a median
                t, rc, err = run_once(pin + pre[c[0]] + cmd, errpath)
                times[(w[0], c[0])].append(t)
                if rc != 0 and (w[0], c[0]) not in notes:
                    notes[(w[0], c[0])] = "exit %d: %s" % (rc, first_line(err))
        print("round %d/%d done after %.0f s" % (r + 1, args.rounds, time.time() - t_start),
              file=sys.stderr, flush=True)
    # A peer that lost the program is no peer: strace --seccomp-bpf in gVisor (runsc
    # 20221219) reports a "stray" exec event and traces nothing of a program it starts.
    untraced = {w[0]: [c[0] for c in configs if c[0] in STRACES and not strace_traced(
        pin + pre[c[0]], w[2](sizes[w[0]]), tmp)] for w in wls}
    stats = {}
    if args.stats:
        for w in wls:
            cmd = w[2](sizes[w[0]])
            for mode, fk, extra in (("fakesys", args.fakesys, []),
                                    ("fakesys-noseccomp", args.fakesys, ["--no-seccomp"]),
                                    ("fakesys-before", args.fakesys_before, [])):
                if mode == "fakesys-before" and not any(c[0] == mode for c in configs):
                    continue
                t, rc, err = run_once(pin + [fk, "--stats"] + extra + ["--"] + cmd, errpath)
                s = parse_stats(err)
                if s is None:
                    s = {"error": "no stats line (exit %d): %s" % (rc, first_line(err))}
                stats[(w[0], mode)] = s
    result = {
        "env": args.env, "pinned": args.pin or args.pinned_outside, "pin_how": args.pin_how,
        "rounds": args.rounds, "slow_seconds": args.slow_seconds,
        "slow_rounds": args.slow_rounds, "facts": machine_facts(), "extra_facts": args.facts,
        "configs": [list(c) for c in configs],
        "workloads": [{"id": w[0], "desc": w[1], "n": sizes[w[0]],
                       "median": {c[0]: statistics.median(times[(w[0], c[0])]) for c in configs},
                       "all": {c[0]: times[(w[0], c[0])] for c in configs},
                       "notes": {c[0]: notes[(w[0], c[0])] for c in configs if (w[0], c[0]) in notes},
                       "untraced": untraced[w[0]],
                       "stats": {m: stats[(w[0], m)] for m in ("fakesys", "fakesys-noseccomp", "fakesys-before")
                                 if (w[0], m) in stats}}
                      for w in wls],
        "seconds": time.time() - t_start, "units": units,
        "proot_upstream": proot_version(args.proot_upstream) if args.proot_upstream else None,
        "before": args.before_label or None, "after": args.after_label or None,
    }
    result["cost_model"] = cost_model(result)
    print(before_after_table(result) if result["before"] else table(result))
    print()
    print("#json " + json.dumps(result), flush=True)


# ---------------------------------------------------------------- analysis
NOISE = 0.03  # peer overheads below 3 % of native are noise: no overhead ratio


def traced_peers(w, peers=PEERS):
    """The peers that traced workload w (strace_traced)."""
    return [p for p in peers if p not in w.get("untraced", [])]


def overhead_ratio(med, peers=PEERS):
    """(fakesys - native) / (best peer - native), and the best peer's id."""
    peers = [(med[p], p) for p in peers if p in med]
    if "native" not in med or "fakesys" not in med or not peers:
        return None, None
    best_t, best = min(peers)
    nat = med["native"]
    if best_t - nat <= NOISE * nat:
        return None, best
    return (med["fakesys"] - nat) / (best_t - nat), best


def unit_costs(args, pin):
    """Run progs/ptcost once: the unit costs (µs) of a syscall, a stop and a tracer call."""
    n = "2000" if args.env == "gvisor" else "50000"
    try:
        out = subprocess.run(pin + [os.path.join(args.progs, "ptcost"), n], capture_output=True,
                             text=True, timeout=300).stdout
        return {k: float(v) for k, v in (kv.split("=") for kv in out.split())}
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def cost_model(result):
    """Per workload: fakesys's measured extra time against the model
    stops x stop_us + tracer_calls x call_us, from --stats counts and ptcost's unit costs."""
    u = result.get("units")
    if not u:
        return None
    call_us = (u["getregs_us"] + u["peek_us"] + u["pread_us"]) / 3
    stop_us = u.get("secstop_us", u["stop_us"])  # fakesys's stops are seccomp stops
    rows = []
    # the start-up row's share (one short program's spawn, attach and exit) is taken out of the
    # other rows before they are held against a floor, which has no start-up in it
    su = next((w for w in result["workloads"] if w["id"] == "startup"), None)
    su_extra = su_stops = 0.0
    if su and "fakesys" in su["median"] and su["stats"].get("fakesys", {}).get("stops") is not None:
        su_extra = su["median"]["fakesys"] - su["median"]["native"]
        su_stops = su["stats"]["fakesys"]["stops"]
    for w in result["workloads"]:
        s = w["stats"].get("fakesys")
        med = w["median"]
        if not s or "error" in s or "fakesys" not in med or "native" not in med:
            continue
        extra = med["fakesys"] - med["native"]
        model = (s["stops"] * stop_us + s["calls"] * call_us) / 1e6
        # the floors: fakesys's stops, each a bare seccomp stop; then one tracer call more per
        # intercepted syscall (the least a tracer can do to see which path it is)
        floor_stop = s["stops"] * stop_us / 1e6
        floor_call = floor_stop + s["intercepted"] * call_us / 1e6
        base, base_stop = (0.0, 0.0) if w["id"] == "startup" else (su_extra, su_stops * stop_us / 1e6)
        steady_stop, steady_call = floor_stop - base_stop, floor_call - base_stop
        if w["id"] == "startup" or s["intercepted"] < 100:
            steady_stop = steady_call = 0.0  # start-up work or nothing intercepted: no per-stop floor
        rows.append({"id": w["id"], "extra_s": extra, "model_s": model,
                     "floor_stop_s": floor_stop, "floor_call_s": floor_call, "native_s": med["native"],
                     "steady_stop_s": steady_stop,
                     "x_floor_stop": (extra - base) / steady_stop if steady_stop > 0 else None,
                     "x_floor_call": (extra - base) / steady_call if steady_call > 0 else None,
                     # a per-call figure means nothing for the few calls of start-up alone
                     "per_int_us": extra / s["intercepted"] * 1e6 if s["intercepted"] >= 100 else None})
    return {"call_us": call_us, "stop_us": stop_us, "rows": rows}


def cost_table(result):
    u, cm = result.get("units"), result.get("cost_model")
    if not u or not cm:
        return "Unit costs: ptcost did not run."
    out = ["Unit costs (bench/progs/ptcost): getppid %.3f µs, getppid under an allow-all seccomp "
           "filter %.3f µs, one ptrace syscall stop+resume %.1f µs, one seccomp stop+resume %s µs, "
           "one tracer call (GETREGS / PEEKDATA / pread of /proc/PID/mem) %.1f / %.1f / %.1f µs, "
           "the least tracer's start-up %s ms."
           % (u["syscall_us"], u["seccomp_us"], u["stop_us"],
              "%.1f" % u["secstop_us"] if "secstop_us" in u else "?",
              u["getregs_us"], u["peek_us"], u["pread_us"],
              "%.3f" % (u["startup_us"] / 1e3) if "startup_us" in u else "?"), "",
           "Floors: *stop floor* = native + fakesys's stops × one seccomp stop; *call floor* = the "
           "stop floor + one tracer call per intercepted syscall. \"× floor\" is fakesys's overhead "
           "(fakesys − native) as a multiple of the floor's overhead (floor − native), both with the "
           "start-up row's share taken out; none for the start-up row and rows with under 100 "
           "intercepted syscalls.", "",
           "| workload | fakesys − native (s) | model: stops × seccomp stop + calls × call (s) | "
           "per intercepted syscall (µs) | stop floor (s) | × stop floor | call floor (s) | × call floor |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in cm["rows"]:
        out.append("| %s | %.3f | %.3f | %s | %s | %s | %s | %s |" % (
            r["id"], r["extra_s"], r["model_s"], "%.1f" % r["per_int_us"] if r["per_int_us"] else "—",
            "%.3f" % (r["native_s"] + r["floor_stop_s"]) if "floor_stop_s" in r else "—",
            fmt_ratio(r.get("x_floor_stop")),
            "%.3f" % (r["native_s"] + r["floor_call_s"]) if "floor_call_s" in r else "—",
            fmt_ratio(r.get("x_floor_call"))))
    return "\n".join(out)


def cpu_per_int_us(s):
    """The tracer's CPU time (user + system) per intercepted syscall: a spinning wait shows here."""
    if not s or "cpu_s" not in s or s.get("intercepted", 0) < 100:
        return None  # start-up alone: too few calls for a per-call figure
    return s["cpu_s"] / s["intercepted"] * 1e6


def fmt_cpu(s):
    x = cpu_per_int_us(s)
    return "%.1f" % x if x is not None else "—"


def fmt_ratio(x):
    if x is None:
        return "—"
    return "%.2f" % x if x < 10 else "%.0f" % x


def title(result):
    env = "host (Linux %s)" % result["facts"]["uname_r"] if result["env"] == "host" else "gVisor (runsc)"
    pin = "pinned (%s)" % result["pin_how"] if result["pinned"] else "unpinned"
    return "%s, %s" % (env, pin)


def steady_getppid(result):
    w = {x["id"]: x["median"] for x in result["workloads"]}
    if "getppid" not in w or "startup" not in w:
        return None
    g, s = w["getppid"], w["startup"]
    if g["native"] - s["native"] <= 0:
        return None
    names = dict((c[0], c[1]) for c in result["configs"])
    return ", ".join("%s %.2fx" % (names[c], (g[c] - s[c]) / (g["native"] - s["native"]))
                     for c in ("fakesys", "strace-seccomp") if c in g and c in s)


def table(result, with_cost=True):
    cfgs = result["configs"]
    out = ["### %s" % title(result), ""]
    out.append("Median wall time of %d interleaved rounds (cells slower than %g s: only the first %d); "
               "the configuration columns are ratios to native. \"overhead / best peer\" is "
               "(fakesys − native) / (best peer − native), best of strace -f, strace --seccomp-bpf "
               "and both PRoots; \"overhead / best PRoot's\" is the same against the faster PRoot, the "
               "peers that also redirect (— where the peer is within 3 %% of native). Stops, calls, intercepted "
               "and redirected syscalls, the tracer's CPU time (user + system) and its peak RSS come "
               "from one extra `fakesys --stats` run (whole run, start-up and fork/exec/exit events "
               "included)."
               % (result["rounds"], result["slow_seconds"], result["slow_rounds"]))
    out.append("")
    head = ["workload", "N", "native s"] + [c[1] for c in cfgs if c[0] != "native"] + \
           ["overhead / best peer", "overhead / best PRoot's", "stops / int.", "calls / int.", "int. (redir.)",
            "tracer CPU µs / int.", "tracer RSS KiB"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    notes, untraced = [], []
    for w in result["workloads"]:
        med = w["median"]
        nat = med.get("native")
        row = [w["id"], str(w["n"]), ("%.4f" if nat and nat < 0.01 else "%.3f") % nat if nat is not None else "—"]
        for c in cfgs:
            if c[0] == "native":
                continue
            cell = fmt_ratio(med[c[0]] / nat) if nat else "%.3f s" % med[c[0]]
            if c[0] in w["notes"]:
                cell += " ¹"
            row.append(cell)
        ratio, best = overhead_ratio(med, traced_peers(w))
        if ratio is not None:
            row.append("%.2f (vs %s)" % (ratio, dict((c[0], c[1]) for c in cfgs)[best]))
        else:
            row.append("— (best peer ≈ native)" if best else "—")
        ratio, _ = overhead_ratio(med, traced_peers(w, PROOTS))
        row.append("%.2f" % ratio if ratio is not None else "—")
        s = w["stats"].get("fakesys")
        if s and "error" not in s and s["intercepted"]:
            row += ["%.2f" % (s["stops"] / s["intercepted"]), "%.2f" % (s["calls"] / s["intercepted"]),
                    "%d (%d)" % (s["intercepted"], s["redirected"])]
        else:
            row += ["—", "—", "—"]
        row += [fmt_cpu(s), str(s["rss_kib"]) if s and "rss_kib" in s else "—"]
        if "native" in w["notes"]:
            row[2] += " ¹"
        out.append("| " + " | ".join(row) + " |")
        for cid, note in w["notes"].items():
            notes.append("%s under %s: %s" % (w["id"], dict((c[0], c[1]) for c in cfgs)[cid], note))
        for cid in w.get("untraced", []):
            untraced.append("%s under %s" % (w["id"], dict((c[0], c[1]) for c in cfgs)[cid]))
        for mode, s in w["stats"].items():
            if "error" in s:
                notes.append("%s, %s --stats: %s" % (w["id"], mode, s["error"]))
    if notes:
        out.append("")
        out.append("¹ non-zero exit (timed anyway). Where native fails with ENOENT (gVisor has no "
                   "such file), the ratios compare calls that fail fast with fakesys and PRoot doing "
                   "the real open/read; strace only observes the failing calls, so PRoot is the one "
                   "peer doing the same work there:")
        out += ["- " + n for n in notes]
    if untraced:
        out.append("")
        out.append("Peers that did not trace the workload (their trace, written to a file in one extra "
                   "run, lacks the program's own execve), so they are no peer there and are left out of "
                   "the best peer: " + "; ".join(untraced) + ".")
    steady = steady_getppid(result)
    if steady:
        out.append("")
        out.append("getppid with the start-up row subtracted ((getppid − startup) / same for native), "
                   "i.e. the cost of a non-path syscall alone: " + steady + ".")
    if with_cost:
        out.append("")
        out.append(cost_table(result))
    out.append("")
    out.append("Measured in %.0f s%s." % (result["seconds"], "; host load average (1/5/15 min) " +
                                          result["host_load"] if result.get("host_load") else ""))
    return "\n".join(out)


# ---------------------------------------------------------------- before / after
def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * q
    i = int(k)
    return xs[i] if i + 1 >= len(xs) else xs[i] + (xs[i + 1] - xs[i]) * (k - i)


def paired(w, a, b):
    """Per-round ratios a/b of one workload: the two ran in the same round, next to each
    other, so load that comes and goes cancels out. Their median and quartiles."""
    rs = [x / y for x, y in zip(w["all"][a], w["all"][b]) if y > 0]
    return quantile(rs, 0.5), quantile(rs, 0.25), quantile(rs, 0.75), len(rs)


def fmt_stats(s):
    if not s or "error" in s or not s["intercepted"]:
        return "—", "—"
    return ("%.2f / %.2f" % (s["stops"] / s["intercepted"], s["calls"] / s["intercepted"]),
            "%d" % s["intercepted"])


def before_after_table(result):
    """fakesys before and after a change, each against native, from one interleaved pass."""
    out = ["### %s: before %s, after %s" % (title(result), result["before"].split()[0], result.get("after") or "this build"), ""]
    out.append("Median wall time of %d interleaved rounds (native, before and after in every round, "
               "order rotated); before and after are ratios to native. \"after / before\" is the median "
               "(and quartiles) of the per-round ratios after ÷ before. Stops / calls per intercepted "
               "syscall and the intercepted count come from one extra `--stats` run of each build "
               "(whole run: start-up and fork/exec/exit events included)." % result["rounds"])
    out.append("")
    out.append("| workload | N | native s | before | after | after / before (quartiles) | "
               "stops / calls per int., before | after | int. before | int. after |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes, untraced = [], []
    for w in result["workloads"]:
        med = w["median"]
        nat = med.get("native")
        row = [w["id"], str(w["n"]), ("%.4f" if nat < 0.01 else "%.3f") % nat]
        for c in ("fakesys-before", "fakesys"):
            row.append(("%.3f" % (med[c] / nat)) + (" ¹" if c in w["notes"] else ""))
        m, q1, q3, _ = paired(w, "fakesys", "fakesys-before")
        row.append("%.3f (%.3f–%.3f)" % (m, q1, q3))
        sb, ib = fmt_stats(w["stats"].get("fakesys-before"))
        sa, ia = fmt_stats(w["stats"].get("fakesys"))
        row += [sb, sa, ib, ia]
        out.append("| " + " | ".join(row) + " |")
        for cid, note in w["notes"].items():
            notes.append("%s under %s: %s" % (w["id"], cid, note))
        for mode, s in w["stats"].items():
            if "error" in s:
                notes.append("%s, %s --stats: %s" % (w["id"], mode, s["error"]))
    if notes:
        out.append("")
        out.append("¹ non-zero exit (timed anyway):")
        out += ["- " + n for n in notes]
    rows = [r for r in extra_stop_rows(result)]
    if rows:
        out.append("")
        out.append("Where after intercepts more calls than before, the extra time per extra stop: "
                   "(after − before, medians) ÷ (int. after − int. before): " +
                   "; ".join("%s %+d stops, %+.3f s, %s" % r for r in rows) + ".")
    out.append("")
    out.append("Measured in %.0f s%s." % (result["seconds"], "; host load average (1/5/15 min) " +
                                          result["host_load"] if result.get("host_load") else ""))
    return "\n".join(out)


def extra_stop_rows(result):
    for w in result["workloads"]:
        sa, sb = w["stats"].get("fakesys"), w["stats"].get("fakesys-before")
        if not sa or not sb or "error" in sa or "error" in sb:
            continue
        d = sa["intercepted"] - sb["intercepted"]
        if d < 50:
            continue
        dt = w["median"]["fakesys"] - w["median"]["fakesys-before"]
        yield (w["id"], d, dt, "%.1f µs each" % (dt / d * 1e6))


def before_after_section(files):
    """The docs/performance.md section for a before/after run (bench/run --before REV)."""
    results = load_results(files)
    if not results:
        return ""
    r0 = results[0]
    o = ["## %s" % BEFORE_AFTER_TITLE, ""]
    o.append("Generated by `sh bench/run --before %s --write` (the passes below); "
             "do not edit by hand: rerun it." % r0["before"].split()[0])
    o.append("")
    o.append("fakesys built from %s against this build, both against native, side by side in one "
             "run per environment (the gVisor passes use both static builds). The new workloads use "
             "only the calls that the cgroup tree added to the seccomp filter, on paths and fds that "
             "no rule names, so any difference in them is the cost of the new stops alone:" % r0["before"].split()[0])
    o.append("")
    descs = {}  # id -> [(desc, [passes])], in order of appearance
    for r in results:
        for w in r["workloads"]:
            ds = descs.setdefault(w["id"], [])
            for d in ds:
                if d[0] == w["desc"]:
                    d[1].append(title(r))
                    break
            else:
                ds.append((w["desc"], [title(r)]))
    for wid, ds in descs.items():
        if len(ds) == 1:
            o.append("- **%s**: %s" % (wid, ds[0][0]))
        else:
            o.append("- **%s**: " % wid + "; ".join("%s (%s)" % (d, ", ".join(ps)) for d, ps in ds))
    o.append("")
    for r in results:
        o.append("- %s: %s" % (title(r), r.get("meta", "?")))
    o.append("")
    for r in results:
        o.append(before_after_table(r))
        o.append("")
    o.append("What these numbers mean is in the analysis at the end (generated from the data).")
    o.append("")
    return "\n".join(o)


BEFORE_AFTER_TITLE = "cgroup issue: new traced calls"


def splice(args):
    """Replace (or add, before '## Analysis') the before/after section of docs/performance.md,
    leaving the rest (the generated analysis included) as it is."""
    doc = open(args.doc, encoding="utf-8").read()
    sec = before_after_section(args.files).rstrip() + "\n"
    head = "## %s\n" % BEFORE_AFTER_TITLE
    if head in doc:
        a = doc.index(head)
        b = doc.find("\n## ", a + len(head))
        doc = doc[:a] + sec + (doc[b + 1:] if b >= 0 else "")
    elif "\n## Analysis" in doc:
        a = doc.index("\n## Analysis") + 1
        doc = doc[:a] + sec + "\n" + doc[a:]
    else:
        doc = doc.rstrip() + "\n\n" + sec
    sys.stdout.write(doc)


def load_results(files):
    results = []
    for path in files:
        load = None
        for line in open(path, encoding="utf-8", errors="replace"):
            if line.startswith("#json "):
                results.append(json.loads(line[6:]))
            elif line.startswith("#load "):
                load = line[6:].strip()
            elif line.startswith("#meta ") and results:
                results[-1]["meta"] = line[6:].strip()
        if load and results:
            results[-1]["host_load"] = load
    for r in results:  # from the kept data, so that a newer model also applies to older passes
        r["cost_model"] = cost_model(r)
    return results


# ---------------------------------------------------------------- plot
PLOT_COLOURS = ("#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def plot_svg(result):
    """One pass as an SVG: per workload, each tool's overhead ((tool − native) / native) as a
    horizontal bar on a log scale (the spread runs from ~1 % to ~100x). Hand-built: no dependency."""
    import math
    cfgs = [c for c in result["configs"] if c[0] != "native"]
    wls = [w for w in result["workloads"] if w["median"].get("native")]
    lo, hi = 0.01, 100.0
    for w in wls:
        for c in cfgs:
            o = w["median"][c[0]] / w["median"]["native"] - 1
            hi = max(hi, o)
    decades = list(range(int(math.floor(math.log10(lo))), int(math.ceil(math.log10(hi))) + 1))
    left, width, bar, gap, top = 130, 560, 5, 8, 40
    legend_h = 16 * len(cfgs)
    height = top + len(wls) * (len(cfgs) * bar + gap) + 30 + legend_h

    def x(o):
        o = max(o, 10.0 ** decades[0])
        return left + width * (math.log10(o) - decades[0]) / (decades[-1] - decades[0])

    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="11">' % (left + width + 20, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="16" font-size="13">%s: overhead vs native, (tool − native) / native, log scale'
           '</text>' % (left, esc(title(result)))]
    axis_y = top + len(wls) * (len(cfgs) * bar + gap)
    for d in decades:
        xd = x(10.0 ** d)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ccc"/>' % (xd, top - 4, xd, axis_y))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                   % (xd, axis_y + 14, "%g" % (10.0 ** d)))
    y = top
    for w in wls:
        nat = w["median"]["native"]
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                   % (left - 6, y + len(cfgs) * bar / 2 + 4, esc(w["id"])))
        for i, c in enumerate(cfgs):
            o = w["median"][c[0]] / nat - 1
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s: %.3g</title></rect>'
                       % (left, y, max(x(o) - left, 0.5), bar, PLOT_COLOURS[i % len(PLOT_COLOURS)],
                          esc(w["id"]), esc(c[1]), o))
            y += bar
        y += gap
    y = axis_y + 30
    for i, c in enumerate(cfgs):
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>'
                   % (left, y, PLOT_COLOURS[i % len(PLOT_COLOURS)], left + 14, y + 9, esc(c[1])))
        y += 16
    out.append("</svg>")
    return "\n".join(out) + "\n"


def plot_name(result):
    return "performance-%s-%s.svg" % (result["env"], "pinned" if result["pinned"] else "unpinned")


# ---------------------------------------------------------------- generated analysis
ANALYSIS_FIXED = """\
Fixed explanation (not derived from the data):

- A seccomp stop is the floor of any ptrace tool that must see a path before the kernel uses it:
  the tracee has to stop and the tracer has to wake up, look, and resume it. The stop floor
  counts only those stops; the call floor adds the one register read needed to see which
  syscall it is. Nothing a tracer does can go below the stop floor without leaving ptrace.
- Unpinned, each stop also pays a cross-CPU wake-up of the tracer and back; pinned, the two
  share one CPU and a stop is a plain context switch. That is why the floors differ per pass.
- Targets: an intercepted syscall costs 1 stop and at most 2 tracer calls, 3 when redirected
  (issue 3); fakesys's overhead at most half the best peer's on every workload (issue 11)."""


def peer_floor_multiple(result, w, peer, floor):
    """The peer's overhead on w as a multiple of fakesys's stop floor, with the peer's own
    start-up share taken out as fakesys's is: below 2, half of it is under the floor."""
    su = next((x for x in result["workloads"] if x["id"] == "startup"), None)
    med = w["median"]
    if not floor.get("steady_stop_s") or peer not in med:
        return None
    base = su["median"][peer] - su["median"]["native"] if su and peer in su["median"] else 0.0
    return (med[peer] - med["native"] - base) / floor["steady_stop_s"]


def filter_floor(result, w, peer):
    """For a loop of N syscalls no tool stops (getppid): the seccomp filter's entry cost,
    N × (getppid under an allow-all filter − getppid alone) from ptcost, against the
    overhead past start-up of fakesys and of the peer."""
    u = result.get("units") or {}
    su = next((x for x in result["workloads"] if x["id"] == "startup"), None)
    if not isinstance(w["n"], int) or "seccomp_us" not in u or not su:
        return "its floor is the seccomp filter"
    floor = w["n"] * (u["seccomp_us"] - u["syscall_us"]) / 1e6
    past = lambda c: (w["median"][c] - w["median"]["native"]) - (su["median"][c] - su["median"]["native"])
    if floor <= 0 or peer not in su["median"]:
        return "its floor is the seccomp filter (ptcost measured no cost for it)"
    if floor < 0.05 * w["median"]["native"]:
        return ("its floor is the seccomp filter's entry cost, %d × %.3f µs (ptcost) = %.4f s, under 5 %% "
                "of native: too little for this pass to resolve against start-up's spread" % (
                    w["n"], u["seccomp_us"] - u["syscall_us"], floor))
    return ("its floor is the seccomp filter's entry cost, %d × %.3f µs (ptcost) = %.3f s; past start-up, "
            "fakesys's overhead is %sx that floor, the best peer's %sx" % (
                w["n"], u["seccomp_us"] - u["syscall_us"], floor, fmt_ratio(past("fakesys") / floor),
                fmt_ratio(past(peer) / floor)))


def startup_floor(result, w, peer):
    """For the start-up row: what the least tracer adds to a program that exits at once (ptcost's
    startup_us), against the overhead of fakesys and of the peer."""
    u = result.get("units") or {}
    if "startup_us" not in u:
        return "ptcost measured no start-up floor"
    floor = u["startup_us"] / 1e6
    if floor <= 0:
        return ("the least tracer's start-up (ptcost) is within the spread of its runs: traced − untraced "
                "medians %.3f ms" % (floor * 1e3))
    over = lambda c: (w["median"][c] - w["median"]["native"]) / floor
    return ("its floor is the least tracer's start-up (ptcost: seized before the exec, a filter, followed "
            "to the exit), %.3f ms; fakesys's overhead is %sx that floor, the best peer's %sx" % (
                floor * 1e3, fmt_ratio(over("fakesys")), fmt_ratio(over(peer))))


def analysis(results):
    """The analysis section, every statement computed from the passes' data."""
    o = ["## Analysis", "", "Generated from the results above; rerun `sh bench/run --report` to refresh it.", ""]
    for r in results:
        o.append("### %s" % title(r))
        o.append("")
        names = dict((c[0], c[1]) for c in r["configs"])
        floors = {x["id"]: x for x in (r.get("cost_model") or {}).get("rows", [])}
        met, missed, none = [], [], []
        for w in r["workloads"]:
            ratio, best = overhead_ratio(w["median"], traced_peers(w))
            if ratio is None:
                none.append(w["id"])
            elif ratio <= 0.5:
                met.append("%s (%.2f vs %s)" % (w["id"], ratio, names[best]))
            else:
                f = floors.get(w["id"], {})
                if f.get("x_floor_stop") and f.get("x_floor_call"):
                    how = "fakesys's overhead is %sx the stop floor's, %sx the call floor's" % (
                        fmt_ratio(f["x_floor_stop"]), fmt_ratio(f["x_floor_call"]))
                    peer_x = peer_floor_multiple(r, w, best, f)
                    if peer_x is not None:
                        # only where the floor holds: a polling wait (adaptive_wait.c) makes a
                        # stop cheaper than ptcost's blocking one, and fakesys then lies below it
                        how += "; the best peer's is %sx%s" % (fmt_ratio(peer_x), (
                            ": half of it lies below the stop floor, out of reach of any tracer "
                            "that stops as often as fakesys" if peer_x < 2 and f["x_floor_stop"] >= 1
                            else ""))
                elif w["id"] == "startup":
                    how = "start-up work (spawn, attach, filter, exit), not stops; " + startup_floor(r, w, best)
                else:
                    how = "no stops past start-up, so no stop floor: " + filter_floor(r, w, best)
                missed.append("%s: %.2f vs %s; %s" % (w["id"], ratio, names[best], how))
        n = len(met) + len(missed)
        o.append("- Goal overhead / best peer ≤ 0.5: met by %d of %d workloads%s." % (
            len(met), n, (": " + ", ".join(met)) if met else ""))
        if missed:
            o.append("- Not met:")
            o += ["  - " + m for m in missed]
        if none:
            o.append("- No ratio (best peer within 3 %% of native): %s." % ", ".join(none))
        over = []
        for w in r["workloads"]:
            st = w["stats"].get("fakesys")
            if not st or "error" in st or st["intercepted"] < 100:
                continue
            sp, cp = st["stops"] / st["intercepted"], st["calls"] / st["intercepted"]
            limit = 3 if st["redirected"] * 2 > st["intercepted"] else 2
            if sp > 1.05 or cp > limit + 0.05:
                over.append("%s %.2f stops, %.2f calls (target 1, ≤ %d)" % (w["id"], sp, cp, limit))
        o.append("- Stops and calls per intercepted syscall above the targets: %s." % (
            "; ".join(over) if over else "none"))
        su = next((w for w in r["workloads"] if w["id"] == "startup"), None)
        if su and su["median"].get("native"):
            m = su["median"]
            ratio, best = overhead_ratio(m, traced_peers(su))
            o.append("- Start-up (one short program): fakesys %.2fx native%s." % (
                m["fakesys"] / m["native"], ", overhead / best peer %.2f (vs %s)" % (ratio, names[best])
                if ratio is not None else ""))
        cpus = [(cpu_per_int_us(w["stats"].get("fakesys")), w["id"]) for w in r["workloads"]]
        cpus = sorted(c for c in cpus if c[0] is not None)
        wall = {x["id"]: x["per_int_us"] for x in floors.values() if x.get("per_int_us")}
        if cpus:
            o.append("- Tracer CPU per intercepted syscall: %.1f µs (%s) to %.1f µs (%s), median %.1f µs." % (
                cpus[0][0], cpus[0][1], cpus[-1][0], cpus[-1][1], statistics.median(c[0] for c in cpus)))
            spin = ["%s (CPU %.1f µs > wall %.1f µs)" % (i, c, wall[i]) for c, i in cpus if i in wall and c > wall[i]]
            o.append("- Tracer CPU above the wall-clock overhead per call (a wait that burns CPU): %s." % (
                ", ".join(spin) if spin else "none"))
        o.append("")
    o.append(ANALYSIS_FIXED)
    return "\n".join(o)


# ---------------------------------------------------------------- report
def report(args):
    results = load_results(args.files)
    facts = dict(a.split("=", 1) for a in args.facts)
    o = []
    o.append("# Performance")
    o.append("")
    o.append("Generated on %s by `sh bench/run --write` (or `--report`, from the results kept by "
             "earlier runs); when each pass ran is listed below. Do not edit by hand: rerun it. "
             "The plots next to it are generated too." % facts.get("date", "?"))
    o.append("")
    o.append("## Machine")
    o.append("")
    host = next((r for r in results if r["env"] == "host"), None)
    gv = next((r for r in results if r["env"] == "gvisor"), None)
    if host:
        f = host["facts"]
        o.append("- host: Linux %s, %s CPUs (nproc), %s" % (f["uname_r"], f["nproc"], f["cpu"]))
    if gv:
        f = gv["facts"]
        o.append("- gVisor: %s; the sandbox reports Linux %s, %s CPUs" % (facts.get("runsc", "runsc ?"),
                                                                          f["uname_r"], f["nproc"]))
    for r in results:
        o.append("- %s: %s" % (title(r), r.get("meta", "?")))
    for k in ("strace", "proot", "cc", "go"):
        if k in facts:
            o.append("- %s: %s" % (k, facts[k]))
    pu = next((r["proot_upstream"] for r in results if r.get("proot_upstream")), None)
    if pu:
        o.append("- PRoot upstream: `proot --version` %s: built outside this project from the upstream "
                 "PRoot source (github proot-me/proot at that commit) with `make -C src proot` against "
                 "Debian's libtalloc-dev; its seccomp acceleration is on by default (Debian's proot has "
                 "it off). Nothing of it is part of fakesys." % pu)
    o.append("")
    o.append("## What runs")
    o.append("")
    o.append("Columns (each is one configuration of the same workload command):")
    o.append("")
    for c in CONFIGS:
        o.append("- **%s**: %s" % (c[1], c[2]))
    o.append("")
    o.append("Workloads (N = loop count or size; host and gVisor sizes differ, since a syscall "
             "costs ~100x more in gVisor):")
    o.append("")
    for w in (results[0]["workloads"] if results else []):
        o.append("- **%s**: %s" % (w["id"], w["desc"]))
    o.append("")
    o.append("Method: every workload under every configuration, round-robin (the order of the "
             "configurations rotates each round), median wall time of the rounds, measured from "
             "spawn to exit by a Python helper. *Pinned* means `taskset -c 0` around the whole "
             "command on the host, and `taskset -c 0 runsc ...` around the whole sandbox in gVisor "
             "(the sentry then runs on one host CPU; taskset inside gVisor would not pin anything "
             "real). The gVisor runs use `runsc --rootless --network=none do` and the static "
             "build `build/fakesys-static`.")
    o.append("")
    o.append("Targets from issue 3 (reported, not asserted): non-path syscalls ≤ 1.05x native; an "
             "intercepted non-matching path syscall 1 stop, ≤ 2 tracer calls, no exit stop; a "
             "redirected one 1 stop, ≤ 3 tracer calls; fakesys overhead at most half the best "
             "peer's (overhead / best peer ≤ 0.5) on every workload.")
    o.append("")
    o.append("## Results")
    o.append("")
    for r in results:
        o.append(table(r, with_cost=False))
        o.append("")
        if args.svg_dir:
            with open(os.path.join(args.svg_dir, plot_name(r)), "w", encoding="utf-8") as f:
                f.write(plot_svg(r))
            o.append("![%s: each tool's overhead per workload](%s)" % (title(r), plot_name(r)))
            o.append("")
    o.append("## Cost model")
    o.append("")
    o.append(COST_TEXT)
    o.append("")
    for r in results:
        o.append("### %s" % title(r))
        o.append("")
        o.append(cost_table(r))
        o.append("")
    if args.before_files:
        o.append(before_after_section(args.before_files).rstrip())
        o.append("")
    o.append(analysis(results))
    o.append("")
    print("\n".join(o))


COST_TEXT = """\
A traced run costs roughly `native + stops × c_stop + tracer_calls × c_call`
(+ fixed start-up and exit work):

- **c_stop** is one ptrace stop and resume: the tracee's switch to the tracer, its waitpid,
  and PTRACE_CONT / PTRACE_SYSCALL back. When tracer and tracee sit on different CPUs each
  stop also pays a cross-CPU wake-up, which is why pinned runs often stop faster.
- **c_call** is one tracer request on a stopped tracee (GETREGS, SETREGS, PEEKDATA, POKEDATA, a
  pread of /proc/PID/mem).
- With seccomp, fakesys stops only at path syscalls, once each (no exit stop unless needed), so
  its overhead is about `path syscalls × (c_stop + 2..3 × c_call)`, plus fork/exec/exit events;
  every other syscall only runs the seccomp filter (the "allow-all seccomp" unit cost below is
  that floor). A peer that stops at every syscall pays `2 × c_stop` plus its own calls on
  *every* syscall, which is why getppid, fork/exec and Go (futex, mmap, rt_sigprocmask...)
  separate the tools most.
- In gVisor every stop and every tracer call goes through the sentry: c_call costs about as
  much as a whole native syscall there (~15–20 µs), so the number of tracer calls per
  intercepted syscall matters almost as much as the number of stops.

Each table: the unit costs measured by `bench/progs/ptcost` in that environment, then for
every workload fakesys's measured extra time against the model, using the `--stats` counts
(`call` = the mean of the three tracer-call costs)."""


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--env", choices=("host", "gvisor"), required=True)
    m.add_argument("--fakesys", required=True)
    m.add_argument("--progs", required=True)
    m.add_argument("--profile", required=True, help="profile whose keys PRoot binds")
    m.add_argument("--rounds", type=int, default=5)
    m.add_argument("--scale", type=float, default=1.0, help="multiply every loop count")
    m.add_argument("--pin", action="store_true", help="taskset -c 0 around each command")
    m.add_argument("--pinned-outside", action="store_true", help="label only: pinned by the caller")
    m.add_argument("--pin-how", default="taskset -c 0 around the whole command")
    m.add_argument("--slow-seconds", type=float, default=5.0)
    m.add_argument("--slow-rounds", type=int, default=3,
                   help="cells slower than --slow-seconds run only this many rounds")
    m.add_argument("--configs", default=",".join(c[0] for c in CONFIGS))
    m.add_argument("--fakesys-before", help="fakesys built from an earlier commit (configuration fakesys-before)")
    m.add_argument("--after-label", default="", help="this build's commit, for a before/after table")
    m.add_argument("--before-label", default="",
                   help="that commit, and what changed since: makes the pass a before/after table")
    m.add_argument("--proot-upstream", help="upstream PRoot built from its source (configuration proot-upstream)")
    m.add_argument("--workloads", default="")
    m.add_argument("--no-stats", dest="stats", action="store_false")
    m.add_argument("--facts", default="")
    r = sub.add_parser("report")
    r.add_argument("--facts", nargs="*", default=[], help="KEY=VALUE")
    r.add_argument("--svg-dir", help="where the plots go (docs/, next to performance.md)")
    r.add_argument("--before-file", dest="before_files", action="append", default=[],
                   help="a pass of bench/run --before (repeatable): their section is kept in the report")
    r.add_argument("files", nargs="+")
    sp = sub.add_parser("splice", help="put the before/after section into an existing docs/performance.md")
    sp.add_argument("--doc", required=True)
    sp.add_argument("files", nargs="+")
    args = ap.parse_args()
    if args.cmd == "measure":
        measure(args)
    elif args.cmd == "splice":
        splice(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
