#!/bin/bash
# A bind remounted read-only as runc does (MS_REMOUNT|MS_BIND|MS_RDONLY on /proc/self/fd/N,
# README "Fix-ups for gVisor": readonly-binds), and every kind of change tried beneath it
# in a scratch directory DIR: one line per case, the outcome as the kernel gives it
# ("CASE: ok" or "CASE: " and the error). Run in a mount namespace of its own (unshare
# -m); the host kernel's lines are the oracle for fakesys's fix-up. What it mounts it
# unmounts: gVisor's unshare -m leaves the sandbox's one mount namespace.
#   usage: readonly_cases.sh DIR
set -u
rm -rf "$1"
mkdir -p "$1"
exec python3 - "$1" <<'PY'
import ctypes, os, sys
d = sys.argv[1]
l = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
AT_FDCWD, AT_REMOVEDIR, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW = -100, 0x200, 0x1000, 0x100
NR = {"creat": 85, "utimes": 235, "openat2": 437, "faccessat2": 439, "renameat2": 316, "futimesat": 261}

def check(r):
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r

def b(p):
    return p.encode()

def case(name, fn):
    try:
        r = fn()
        print(f"{name}: ok" + (f" {r}" if isinstance(r, str) else ""))
    except OSError as e:
        print(f"{name}: {e.strerror}")
    sys.stdout.flush()

def mount(src, target, fstype, flags):
    return check(l.mount(src and b(src), b(target), fstype and b(fstype), ctypes.c_ulong(flags), None))

def remount(target, flags):
    # runc's way: the target is the fd link of the directory it opened.
    fd = os.open(target, os.O_PATH)
    try:
        return mount(None, f"/proc/self/fd/{fd}", None, MS_REMOUNT | MS_BIND | flags)
    finally:
        os.close(fd)

def syscall(name, *args):
    return check(l.syscall(NR[name], *args))

def with_fd(path, flags, fn):
    fd = os.open(path, flags)
    try:
        return fn(fd)
    finally:
        os.close(fd)

def openat2(dirfd, path, flags):
    how = (ctypes.c_uint64 * 3)(flags, 0, 0)
    os.close(syscall("openat2", dirfd, b(path), how, ctypes.c_size_t(24)))

src, ro, rox, out = f"{d}/src", f"{d}/ro", f"{d}/rox", f"{d}/out"
for p in (f"{src}/dir", f"{src}/sub", ro, rox, out, f"{d}/plain"):
    os.makedirs(p)
for p in (f"{src}/file", f"{src}/other", f"{out}/file"):
    with open(p, "w") as f:
        f.write("f\n")
os.symlink("file", f"{src}/link")
os.mkfifo(f"{src}/fifo")
mount(src, ro, None, MS_BIND)
kept = os.open(f"{ro}/other", os.O_WRONLY)

case("remount-missing", lambda: remount(f"{d}/missing", MS_RDONLY))
case("remount-not-a-mount-point", lambda: remount(f"{d}/plain", MS_RDONLY))
# Linux refuses while a file of the mount is open for writing.
case("remount-with-writer", lambda: remount(ro, MS_RDONLY))
os.close(kept)
case("remount-readonly", lambda: remount(ro, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_REC))
case("open-read", lambda: with_fd(f"{ro}/file", os.O_RDONLY, lambda fd: os.read(fd, 9).decode().strip()))
case("open-write", lambda: with_fd(f"{ro}/file", os.O_WRONLY, lambda fd: None))
case("open-rdwr", lambda: with_fd(f"{ro}/file", os.O_RDWR, lambda fd: None))
case("open-rdonly-trunc", lambda: with_fd(f"{ro}/file", os.O_RDONLY | os.O_TRUNC, lambda fd: None))
case("open-creat-existing-rdonly", lambda: with_fd(f"{ro}/file", os.O_RDONLY | os.O_CREAT, lambda fd: None))
case("open-creat-excl-existing", lambda: with_fd(f"{ro}/file", os.O_WRONLY | os.O_CREAT | os.O_EXCL, lambda fd: None))
case("open-creat-new", lambda: with_fd(f"{ro}/new", os.O_WRONLY | os.O_CREAT, lambda fd: None))
case("open-creat-in-missing-dir", lambda: with_fd(f"{ro}/nodir/new", os.O_WRONLY | os.O_CREAT, lambda fd: None))
case("open-write-missing", lambda: with_fd(f"{ro}/missing", os.O_WRONLY, lambda fd: None))
case("open-write-dir", lambda: with_fd(f"{ro}/dir", os.O_WRONLY, lambda fd: None))
case("open-write-fifo", lambda: with_fd(f"{ro}/fifo", os.O_WRONLY | os.O_NONBLOCK, lambda fd: None))
case("open-write-through-link", lambda: with_fd(f"{ro}/link", os.O_WRONLY, lambda fd: None))
case("openat-dirfd-write", lambda: with_fd(ro, os.O_RDONLY | os.O_DIRECTORY,
                                           lambda dfd: os.close(os.open("file", os.O_WRONLY, dir_fd=dfd))))
case("openat2-write", lambda: openat2(AT_FDCWD, f"{ro}/file", os.O_WRONLY))
case("creat", lambda: os.close(syscall("creat", b(f"{ro}/new"), 0o644)))
case("truncate", lambda: os.truncate(f"{ro}/file", 0))
case("truncate-missing", lambda: os.truncate(f"{ro}/missing", 0))
case("truncate-dir", lambda: os.truncate(f"{ro}/dir", 0))
case("mkdir", lambda: os.mkdir(f"{ro}/newdir"))
case("mkdir-existing", lambda: os.mkdir(f"{ro}/dir"))
case("mkdirat", lambda: with_fd(ro, os.O_RDONLY, lambda dfd: os.mkdir("newdir", dir_fd=dfd)))
case("mknod-fifo", lambda: os.mkfifo(f"{ro}/newfifo"))
case("unlink", lambda: os.unlink(f"{ro}/file"))
case("unlink-missing", lambda: os.unlink(f"{ro}/missing"))
case("unlinkat", lambda: with_fd(ro, os.O_RDONLY, lambda dfd: os.unlink("file", dir_fd=dfd)))
case("rmdir", lambda: os.rmdir(f"{ro}/dir"))
case("unlinkat-removedir", lambda: with_fd(ro, os.O_RDONLY, lambda dfd: os.rmdir("dir", dir_fd=dfd)))
case("rmdir-mount-point", lambda: os.rmdir(ro))
case("rename-within", lambda: os.rename(f"{ro}/file", f"{ro}/moved"))
case("rename-missing-within", lambda: os.rename(f"{ro}/missing", f"{ro}/moved"))
case("rename-out-of", lambda: os.rename(f"{ro}/file", f"{out}/moved"))
case("rename-into", lambda: os.rename(f"{out}/file", f"{ro}/moved"))
case("renameat2-within", lambda: syscall("renameat2", AT_FDCWD, b(f"{ro}/file"), AT_FDCWD, b(f"{ro}/moved"), 0))
case("link-within", lambda: os.link(f"{ro}/file", f"{ro}/hard"))
case("link-into", lambda: os.link(f"{out}/file", f"{ro}/hard"))
case("link-missing-old", lambda: os.link(f"{ro}/missing", f"{ro}/hard"))
case("symlink", lambda: os.symlink("file", f"{ro}/newlink"))
case("symlink-existing", lambda: os.symlink("file", f"{ro}/link"))
case("chmod", lambda: os.chmod(f"{ro}/file", 0o600))
case("chmod-missing", lambda: os.chmod(f"{ro}/missing", 0o600))
case("chmod-mount-point", lambda: os.chmod(ro, 0o755))
case("chown", lambda: os.chown(f"{ro}/file", os.getuid(), os.getgid()))
case("lchown", lambda: os.lchown(f"{ro}/link", os.getuid(), os.getgid()))
case("fchownat-empty-path", lambda: with_fd(f"{ro}/file", os.O_RDONLY,
                                            lambda fd: check(l.fchownat(fd, b"", os.getuid(), os.getgid(), AT_EMPTY_PATH))))
case("utime", lambda: os.utime(f"{ro}/file"))
case("utimes", lambda: syscall("utimes", b(f"{ro}/file"), None))
case("futimesat", lambda: with_fd(ro, os.O_RDONLY, lambda dfd: syscall("futimesat", dfd, b"file", None)))
case("utimensat-fd", lambda: with_fd(f"{ro}/file", os.O_RDONLY, lambda fd: os.utime(fd)))
case("setxattr", lambda: os.setxattr(f"{ro}/file", "user.fakesys", b"1"))
case("lsetxattr", lambda: os.setxattr(f"{ro}/file", "user.fakesys", b"1", follow_symlinks=False))
case("removexattr", lambda: os.removexattr(f"{ro}/file", "user.fakesys"))
case("lremovexattr", lambda: os.removexattr(f"{ro}/file", "user.fakesys", follow_symlinks=False))
case("fsetxattr", lambda: with_fd(f"{ro}/file", os.O_RDONLY, lambda fd: os.setxattr(fd, "user.fakesys", b"1")))
case("fremovexattr", lambda: with_fd(f"{ro}/file", os.O_RDONLY, lambda fd: os.removexattr(fd, "user.fakesys")))
case("fchmod", lambda: with_fd(f"{ro}/file", os.O_RDONLY, lambda fd: os.fchmod(fd, 0o600)))
case("fchown", lambda: with_fd(f"{ro}/file", os.O_RDONLY, lambda fd: os.fchown(fd, os.getuid(), os.getgid())))
case("access-w", lambda: check(l.access(b(f"{ro}/file"), os.W_OK)))
case("access-r", lambda: check(l.access(b(f"{ro}/file"), os.R_OK)))
case("access-w-fifo", lambda: check(l.access(b(f"{ro}/fifo"), os.W_OK)))
case("access-w-missing", lambda: check(l.access(b(f"{ro}/missing"), os.W_OK)))
case("faccessat2-w", lambda: syscall("faccessat2", AT_FDCWD, b(f"{ro}/dir"), os.W_OK, 0))
case("statvfs-says-readonly", lambda: str(os.statvfs(f"{ro}/dir").f_flag & os.ST_RDONLY))
case("fstatvfs-says-readonly", lambda: with_fd(f"{ro}/file", os.O_RDONLY, lambda fd: str(os.fstatvfs(fd).f_flag & os.ST_RDONLY)))
case("statvfs-source-writable", lambda: str(os.statvfs(f"{src}/dir").f_flag & os.ST_RDONLY))
# What stays writable: the bind's source, a sibling whose name starts alike, and a mount
# made beneath the read-only one.
case("write-source", lambda: with_fd(f"{src}/new", os.O_WRONLY | os.O_CREAT, lambda fd: None))
case("write-sibling", lambda: with_fd(f"{rox}/new", os.O_WRONLY | os.O_CREAT, lambda fd: None))
case("submount-writable", lambda: (mount("tmpfs", f"{ro}/sub", "tmpfs", 0), os.mkdir(f"{ro}/sub/x"),
                                   check(l.umount2(b(f"{ro}/sub"), 2))) and None)
# runc chroots into the container: the same mount, reached from another root.
def chrooted(path, flags):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.chroot(d)
            os.close(os.open(path, flags))
            msg = "ok"
        except OSError as e:
            msg = e.strerror
        os.write(w, msg.encode())
        os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    msg = os.read(r, 200).decode()
    os.close(r)
    if msg != "ok":
        raise OSError(0, msg)
case("chrooted-open-write", lambda: chrooted("/ro/file", os.O_WRONLY))
case("chrooted-open-write-source", lambda: chrooted("/src/file", os.O_WRONLY))
case("remount-writable", lambda: remount(ro, 0))
case("write-after-writable-remount", lambda: with_fd(f"{ro}/after-rw", os.O_WRONLY | os.O_CREAT, lambda fd: None))
case("remount-readonly-again", lambda: remount(ro, MS_RDONLY))
case("umount", lambda: check(l.umount2(b(ro), 0)))
case("write-after-umount", lambda: with_fd(f"{ro}/after-umount", os.O_WRONLY | os.O_CREAT, lambda fd: None))
l.umount2(b(ro), 2)
print("files:", " ".join(sorted(os.listdir(src))))
PY
