#!/bin/bash
# The mount(2) calls of containerd and runc that gVisor refuses (README, "Fix-ups for
# gVisor"), each in a scratch directory DIR: one line per case, the outcome as the
# kernel gives it. Run in a mount namespace of its own (unshare -m); the host kernel's
# lines are the oracle for fakesys's fix-ups. What it mounts it unmounts: gVisor's
# unshare -m leaves the sandbox's one mount namespace.
#   usage: mount_cases.sh DIR
set -u
d=$1
# outcome CASE CMD...: "CASE: ok" and its output, or "CASE: " and the last words of the
# error's first line.
outcome() {
	local name=$1 err
	shift
	if err=$("$@" 2>&1); then echo "$name: ok${err:+ $err}"; else
		err=${err%%$'\n'*}
		echo "$name: ${err##*: }"
	fi
}
# ctypes CODE ARG...: python3 with libc as l and its errno as strerror() (the raw syscalls of runc).
ctypes() {
	local code=$1
	shift
	python3 -c 'import ctypes, os, sys
l = ctypes.CDLL(None, use_errno=True)
def check(r):
    if r < 0:
        sys.exit(os.strerror(ctypes.get_errno()))
    return r
'"$code" "$@"
}
mkdir -p "$d"/{src/sub,rbind,rbind-sub,ro,fs,pts,fd}
echo f >"$d/src/file"
# containerd's snapshotters mount a layer so (mount -o rbind).
outcome "rbind-of-plain-directory" sh -c "mount --rbind '$d/src' '$d/rbind' && cat '$d/rbind/file'"
# runc and unshare(1) make every mount private or a slave first.
outcome "unshare-m" unshare -m true
outcome "make-rprivate" mount --make-rprivate /
outcome "make-rslave" mount --make-rslave /
# A recursive bind carries what is mounted beneath its source (the kernel does it).
outcome "rbind-carries-submount" sh -c "mount -t tmpfs sub '$d/src/sub' && echo g >'$d/src/sub/g' &&
	mount --rbind '$d/src' '$d/rbind-sub' && cat '$d/rbind-sub/sub/g'"
# runc remounts a bind read-only with MS_REC (which a remount ignores).
outcome "bind-remount-readonly-rec" ctypes '
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC = 1, 32, 4096, 16384
check(l.mount(sys.argv[1].encode(), sys.argv[2].encode(), None, MS_BIND, None))
try:
    check(l.mount(None, sys.argv[2].encode(), None, MS_REMOUNT | MS_BIND | MS_REC | MS_RDONLY, None))
    open(sys.argv[2] + "/new", "w")
except OSError as e:
    print(e.strerror)
finally:
    l.umount2(sys.argv[2].encode(), 2)' "$d/src" "$d/ro"
# runc mounts a container's /dev a tmpfs with strictatime, its /dev/pts a new devpts.
outcome "tmpfs-strictatime" sh -c "mount -t tmpfs -o strictatime,mode=755 tmpfs '$d/fs' && stat -f -c %T '$d/fs'"
outcome "devpts-newinstance" sh -c "mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts '$d/pts' &&
	stat -f -c %T '$d/pts'"
# runc mounts on /proc/self/fd/N of the directory it opened (and checked).
outcome "mount-on-fd-link" ctypes '
fd = os.open(sys.argv[1], os.O_PATH | os.O_DIRECTORY)
check(l.mount(b"tmpfs", b"/proc/self/fd/%d" % fd, b"tmpfs", 0, None))
print(os.stat(sys.argv[1]).st_dev != os.stat(os.path.dirname(sys.argv[1])).st_dev and "another filesystem" or "same filesystem")
l.umount2(b"/proc/self/fd/%d" % fd, 2)  # MNT_DETACH: the link itself, where gVisor mounted' "$d/fd"
# containerd's shim chowns a container's stdio pipes to its user (here: the owner).
outcome "fchown-pipe-to-owner" ctypes '
r, w = os.pipe()
check(l.fchown(r, os.getuid(), os.getgid()))
print(os.fstat(r).st_uid == os.getuid() and "owner kept" or "owner changed")'
umount -l "$d/pts" "$d/fs" "$d/rbind-sub" "$d/src/sub" "$d/rbind" 2>/dev/null
true
