#!/bin/bash
# Write, read and stat cases on one sysctl file, printing what each leaves behind. Run on a
# real per-network-namespace key (inside `unshare -n`) it gives the kernel's answers; run
# under fakesys on a fake it must print the same (tests/progs/integration.sh, group writes).
# Usage: write_cases.sh KEYFILE
K=$1
PY=/usr/bin/python3
r() { cat "$K"; }
s() { echo "$1" >"$K"; }
py() { "$PY" -c "import os, fcntl, threading; K='$K'; $1" 2>&1; }
s 100; printf 7 1<>"$K"; echo "O_RDWR, 7 over 100: $(r)"
s 10; py "open(K, 'r+').write('5')"; echo "open r+, 5 over 10: $(r)"
s 64; exec 3>"$K"; echo 70 >&3; echo 80 >&3; exec 3>&-; echo "two writes on one fd: $(r)"
s 64; exec 3<>"$K"; read -r -n1 _ <&3; echo 90 >&3; exec 3>&-; echo "read, then write: $(r)"
s 64; py "fd = os.open(K, os.O_RDWR); os.read(fd, 100); os.lseek(fd, 0, 0); print(os.write(fd, b'77'))"; echo "read, lseek 0, write: $(r)"
s 64; py "fd = os.open(K, os.O_WRONLY); print(os.pwrite(fd, b'33', 2))"; echo "pwrite at 2: $(r)"
s 64; py "fd = os.open(K, os.O_WRONLY); print(os.pwrite(fd, b'34', 0))"; echo "pwrite at 0: $(r)"
s 64; exec 3>>"$K"; echo 70 >&3; echo 81 >&3; exec 3>&-; echo "O_APPEND, two writes: $(r)"
s 64; py "fd = os.open(K, os.O_WRONLY); print(os.writev(fd, [b'4', b'5']))"; echo "writev 4 5: $(r)"
s 64; py "fd = os.open(K, os.O_WRONLY); os.ftruncate(fd, 0); print('ftruncate ok')"; echo "ftruncate: $(r)"
s 64; py "fd = os.open(K, os.O_WRONLY); print(os.write(fd, b''))"; echo "empty write: $(r)"
s 64; py "fd = os.open(K, os.O_WRONLY | os.O_TRUNC); print(fcntl.fcntl(fd, fcntl.F_GETFL) & 3)"; echo "O_TRUNC alone: $(r)"
s 64; py "fd = os.open(K, os.O_WRONLY); print(fcntl.fcntl(fd, fcntl.F_GETFL) & 3); os.write(os.dup(fd), b'44')"; echo "F_GETFL, write on a dup: $(r)"
s 64; py "
fd = os.open(K, os.O_WRONLY)
try: os.read(fd, 1)
except OSError as e: print('read of O_WRONLY: errno', e.errno)
if os.fork() == 0:
    os.write(fd, b'55'); os._exit(0)
os.wait()"; echo "write by a fork child: $(r)"
s 64; py "
fd = os.open(K, os.O_WRONLY)
t = threading.Thread(target=lambda: os.write(fd, b'66')); t.start(); t.join()"; echo "write by another thread: $(r)"
s 64; py "fd = os.open(K, os.O_RDWR); os.write(fd, b'12'); print(len(os.read(fd, 100)))"; echo "write, then read on O_RDWR: $(r)"
echo "stat: size $(stat -c %s "$K"), mode $(stat -c %a "$K"), $(stat -c %F "$K")"
# Python's os.stat, not coreutils: gVisor refuses coreutils' AT_NO_AUTOMOUNT on real paths.
py "print('stat: on /proc device' if os.stat(K).st_dev == os.stat('/proc').st_dev else 'stat: elsewhere')"
