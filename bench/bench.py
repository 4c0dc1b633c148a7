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
]
PEERS = ("strace", "strace-seccomp", "proot")

# ---------------------------------------------------------------- workloads
# (id, description, argv builder, host N, gVisor N). N is the loop count / size.
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
    ]


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
        "strace": ["strace", "-f", "-qq", "-o", "/dev/null"],
        "strace-seccomp": ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=%file", "-o", "/dev/null"],
        "proot": ["proot"] + binds,
    }


def run_once(argv, errpath):
    with open(errpath, "wb") as err:
        t0 = time.perf_counter()
        rc = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        t = time.perf_counter() - t0
    with open(errpath, "rb") as f:
        text = f.read().decode(errors="replace")
    return t, rc, text


STATS_RE = re.compile(r"fakesys: stats: .*?stops=(\d+) tracer_calls=(\d+) intercepted=(\d+) redirected=(\d+)")


def parse_stats(text):
    m = STATS_RE.search(text)
    if not m:
        return None
    stops, calls, inter, redir = (int(x) for x in m.groups())
    return {"stops": stops, "calls": calls, "intercepted": inter, "redirected": redir}


def first_line(text):
    """The most telling stderr line: the workload's own message before a tool's chatter."""
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("fakesys: stats")]
    own = [l for l in lines if not l.startswith(("strace:", "proot", "fakesys:"))]
    return ((own or lines or [""])[0])[:160]


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
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(args, tmp):
    gvisor = args.env == "gvisor"
    pre = prefixes(args, tmp)
    configs = [c for c in CONFIGS if c[0] in args.configs.split(",")]
    wls = [w for w in workloads(args.progs, tmp) if not args.workloads or w[0] in args.workloads.split(",")]
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
    stats = {}
    if args.stats:
        for w in wls:
            cmd = w[2](sizes[w[0]])
            for mode, extra in (("fakesys", []), ("fakesys-noseccomp", ["--no-seccomp"])):
                t, rc, err = run_once(pin + [args.fakesys, "--stats"] + extra + ["--"] + cmd, errpath)
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
                       "stats": {m: stats[(w[0], m)] for m in ("fakesys", "fakesys-noseccomp")
                                 if (w[0], m) in stats}}
                      for w in wls],
        "seconds": time.time() - t_start, "units": units,
    }
    result["cost_model"] = cost_model(result)
    print(table(result))
    print()
    print("#json " + json.dumps(result), flush=True)


# ---------------------------------------------------------------- analysis
NOISE = 0.03  # peer overheads below 3 % of native are noise: no overhead ratio


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
    for w in result["workloads"]:
        s = w["stats"].get("fakesys")
        med = w["median"]
        if not s or "error" in s or "fakesys" not in med or "native" not in med:
            continue
        extra = med["fakesys"] - med["native"]
        model = (s["stops"] * stop_us + s["calls"] * call_us) / 1e6
        rows.append({"id": w["id"], "extra_s": extra, "model_s": model,
                     # a per-call figure means nothing for the few calls of start-up alone
                     "per_int_us": extra / s["intercepted"] * 1e6 if s["intercepted"] >= 100 else None})
    return {"call_us": call_us, "stop_us": stop_us, "rows": rows}


def cost_table(result):
    u, cm = result.get("units"), result.get("cost_model")
    if not u or not cm:
        return "Unit costs: ptcost did not run."
    out = ["Unit costs (bench/progs/ptcost): getppid %.3f µs, getppid under an allow-all seccomp "
           "filter %.3f µs, one ptrace syscall stop+resume %.1f µs, one seccomp stop+resume %s µs, "
           "one tracer call (GETREGS / PEEKDATA / pread of /proc/PID/mem) %.1f / %.1f / %.1f µs."
           % (u["syscall_us"], u["seccomp_us"], u["stop_us"],
              "%.1f" % u["secstop_us"] if "secstop_us" in u else "?",
              u["getregs_us"], u["peek_us"], u["pread_us"]), "",
           "| workload | fakesys − native (s) | model: stops × seccomp stop + calls × call (s) | "
           "per intercepted syscall (µs) |", "|---|---:|---:|---:|"]
    for r in cm["rows"]:
        out.append("| %s | %.3f | %.3f | %s |" % (r["id"], r["extra_s"], r["model_s"],
                                                   "%.1f" % r["per_int_us"] if r["per_int_us"] else "—"))
    return "\n".join(out)


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
               "and PRoot; \"overhead / PRoot's\" is the same against PRoot alone, the one peer that "
               "also redirects (— where the peer is within 3 %% of native). Stops, calls, intercepted "
               "and redirected syscalls come from one extra `fakesys --stats` run (whole run, start-up "
               "and fork/exec/exit events included)."
               % (result["rounds"], result["slow_seconds"], result["slow_rounds"]))
    out.append("")
    head = ["workload", "N", "native s"] + [c[1] for c in cfgs if c[0] != "native"] + \
           ["overhead / best peer", "overhead / PRoot's", "stops / int.", "calls / int.", "int. (redir.)"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    notes = []
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
        ratio, best = overhead_ratio(med)
        if ratio is not None:
            row.append("%.2f (vs %s)" % (ratio, dict((c[0], c[1]) for c in cfgs)[best]))
        else:
            row.append("— (best peer ≈ native)" if best else "—")
        ratio, _ = overhead_ratio(med, ("proot",))
        row.append("%.2f" % ratio if ratio is not None else "—")
        s = w["stats"].get("fakesys")
        if s and "error" not in s and s["intercepted"]:
            row += ["%.2f" % (s["stops"] / s["intercepted"]), "%.2f" % (s["calls"] / s["intercepted"]),
                    "%d (%d)" % (s["intercepted"], s["redirected"])]
        else:
            row += ["—", "—", "—"]
        if "native" in w["notes"]:
            row[2] += " ¹"
        out.append("| " + " | ".join(row) + " |")
        for cid, note in w["notes"].items():
            notes.append("%s under %s: %s" % (w["id"], dict((c[0], c[1]) for c in cfgs)[cid], note))
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


# ---------------------------------------------------------------- report
def report(args):
    results = []
    for path in args.files:
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
    facts = dict(a.split("=", 1) for a in args.facts)
    o = []
    o.append("# Performance")
    o.append("")
    o.append("Generated on %s by `sh bench/run --write` (or `--report`, from the results kept by "
             "earlier runs); when each pass ran is listed below. Do not edit by hand: rerun it. "
             "The last section is the exception: it comes from bench/analysis.md." % facts.get("date", "?"))
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
    o.append("## Cost model")
    o.append("")
    o.append(COST_TEXT)
    o.append("")
    for r in results:
        o.append("### %s" % title(r))
        o.append("")
        o.append(cost_table(r))
        o.append("")
    if args.analysis and os.path.exists(args.analysis):
        o.append(open(args.analysis).read().rstrip())
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
    m.add_argument("--workloads", default="")
    m.add_argument("--no-stats", dest="stats", action="store_false")
    m.add_argument("--facts", default="")
    r = sub.add_parser("report")
    r.add_argument("--facts", nargs="*", default=[], help="KEY=VALUE")
    r.add_argument("--analysis", help="a Markdown file appended at the end")
    r.add_argument("files", nargs="+")
    args = ap.parse_args()
    if args.cmd == "measure":
        measure(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
