#!/usr/bin/env python3
"""cAdvisor's raw watcher in miniature (cadvisor container/raw/watcher.go,
(*rawContainerWatcher).watchDirectory and processEvent): watch a cgroup directory with
IN_CREATE|IN_DELETE|IN_MOVED_FROM|IN_MOVED_TO, make and remove a child cgroup, and print
the events about the child. Usage: cg_inotify.py DIR"""
import ctypes, os, struct, sys, select

IN_CREATE, IN_DELETE, IN_MOVED_FROM, IN_MOVED_TO, IN_ISDIR = 0x100, 0x200, 0x40, 0x80, 0x40000000
NAMES = {IN_CREATE: "IN_CREATE", IN_DELETE: "IN_DELETE", IN_MOVED_FROM: "IN_MOVED_FROM", IN_MOVED_TO: "IN_MOVED_TO"}

libc = ctypes.CDLL(None, use_errno=True)
d = sys.argv[1]
fd = libc.inotify_init1(os.O_CLOEXEC)
if fd < 0:
    sys.exit("inotify_init1: " + os.strerror(ctypes.get_errno()))
if libc.inotify_add_watch(fd, d.encode(), IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) < 0:
    sys.exit("inotify_add_watch %s: %s" % (d, os.strerror(ctypes.get_errno())))
child = os.path.join(d, "fsk-watch")
os.mkdir(child)
os.rmdir(child)
events, buf = [], b""
while len(events) < 2 and select.select([fd], [], [], 5)[0]:
    buf += os.read(fd, 65536)
    while len(buf) >= 16:
        wd, mask, cookie, n = struct.unpack("iIII", buf[:16])
        name = buf[16:16 + n].rstrip(b"\0").decode()
        buf = buf[16 + n:]
        if name == "fsk-watch":
            kind = "|".join(v for k, v in NAMES.items() if mask & k)
            events.append(kind + ("|IN_ISDIR" if mask & IN_ISDIR else "") + " " + name)
print("\n".join(events))
