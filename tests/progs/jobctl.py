#!/usr/bin/python3
"""jobctl: job control under a pty.

Drives an interactive `bash --norc --noprofile -i` in a pseudo-terminal, runs
    PREFIX sh -c 'sleep 3; echo done-$((6*7))'
(PREFIX is e.g. "timeout 60 /path/to/fakesys --"), sends ^Z, expects bash to report
"Stopped", runs `fg`, expects "done-42" (the typed line only echoes "done-$((6*7))"),
then checks the job's exit status is 0.

With --newpgrp SIGHELPER, runs instead
    PREFIX SIGHELPER newpgrp
which takes the terminal for a process group of its own and stops itself: nobody
asked the job to stop, so the shell must not see it stop (fakesys, no longer in the
terminal's foreground, must not stop itself). Then SIGCONT to SIGHELPER alone must
let it finish, and the job's exit status be 0. Without PREFIX, the baseline runs
SIGHELPER under `sh -c`, which is to it what fakesys would be.

Usage: jobctl.py [--newpgrp SIGHELPER] PREFIX...
Exit 0 on success; 1 with a transcript on failure.
"""
import os
import pty
import select
import sys
import time

import signal

args = sys.argv[1:]
newpgrp = None
if args[:1] == ["--newpgrp"]:
    newpgrp = args[1]
    args = args[2:]
prefix = " ".join(args)
transcript = b""


def read_until(fd, needle, timeout):
    global transcript
    deadline = time.time() + timeout
    while time.time() < deadline:
        if needle in transcript:
            return True
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            transcript += data
    return needle in transcript


def fail(msg):
    sys.stdout.write("jobctl: %s\n--- transcript ---\n%s\n--- end ---\n"
                     % (msg, transcript.decode("utf-8", "replace")))
    sys.exit(1)


def process_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"


def newpgrp_case(fd, mark):
    run = prefix if prefix else "sh -c '\"$@\"; exit $?' sh"
    os.write(fd, run.encode() + b" " + newpgrp.encode() + b" newpgrp\n")
    if not read_until(fd, b"ready ", 10) or not read_until(fd, b"\n", 2):
        fail("the helper never became ready")
    line = transcript[transcript.index(b"ready ", mark):].split(b"\n")[0]
    hpid = int(line.split()[1].strip(b"\r"))
    deadline = time.time() + 5
    while process_state(hpid) not in ("T", "t") and time.time() < deadline:
        time.sleep(0.05)
    if process_state(hpid) not in ("T", "t"):
        fail("the helper did not stop (state %s)" % process_state(hpid))
    time.sleep(1.0)
    if b"Stopped" in transcript[mark:]:
        fail("the shell saw the job stop, though nobody asked it to")
    os.kill(hpid, signal.SIGCONT)
    if not read_until(fd, b"resumed", 10):
        fail("no 'resumed' after SIGCONT to the helper")
    os.write(fd, b"echo status-$?-end\n")
    if not read_until(fd, b"status-0-end", 10):
        fail("job's exit status is not 0")


pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ, PS1="PROMPT$ ", TERM="dumb")
    os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)

try:
    if not read_until(fd, b"PROMPT$ ", 10):
        fail("no prompt from bash")
    os.write(fd, b"stty -echoctl 2>/dev/null; echo started-$((1+1))\n")
    if not read_until(fd, b"started-2", 10):
        fail("bash does not run commands")
    mark = len(transcript)
    if newpgrp:
        newpgrp_case(fd, mark)
        os.write(fd, b"exit\n")
        print("jobctl: ok")
        sys.exit(0)
    os.write(fd, prefix.encode() + b" sh -c 'sleep 3; echo done-$((6*7))'\n")
    time.sleep(1.0)
    os.write(fd, b"\x1a")  # ^Z
    if not read_until(fd, b"Stopped", 10):
        fail("no 'Stopped' after ^Z")
    if b"done-42" in transcript[mark:]:
        fail("job finished before ^Z took effect")
    # While stopped, the job must not finish.
    time.sleep(3.5)
    if b"done-42" in transcript[mark:]:
        fail("job went on running while stopped")
    os.write(fd, b"fg\n")
    if not read_until(fd, b"done-42", 20):
        fail("no done-42 after fg")
    os.write(fd, b"echo status-$?-end\n")
    if not read_until(fd, b"status-0-end", 10):
        fail("job's exit status is not 0")
    os.write(fd, b"exit\n")
    print("jobctl: ok")
finally:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass
sys.exit(0)
