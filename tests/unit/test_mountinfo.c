/* Unit test of src/mountinfo.c on mountinfo text as Linux writes it (show_mountinfo:
   space, tab, newline and backslash in a mount point as \040 \011 \012 \134; optional
   fields "shared:N", "master:N" before " - ").
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <string.h>

#include "mountinfo.h"
#include "unit.h"

static const char private_ns[] =
	"22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw\n"
	"23 22 0:22 / /proc rw,nosuid - proc proc rw\n"
	"24 22 0:23 / /tmp/a\\040b rw - tmpfs tmpfs rw\n"
	"25 22 0:24 / /srv/layer rw - tmpfs tmpfs rw\n"
	"26 25 0:25 / /srv/layer/sub rw - tmpfs tmpfs rw\n";

static const char shared_ns[] =
	"22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"23 22 0:22 / /proc rw,nosuid shared:12 - proc proc rw\n";

static const char slave_ns[] =
	"22 1 0:21 / / rw,relatime master:1 - ext4 /dev/sda1 rw\n";

int main(void)
{
	struct mount_entry m = {0};
	check(mount_holding(private_ns, "/tmp/a b/f", &m) && m.id == 24 && !strcmp(m.point, "/tmp/a b") &&
	          !strcmp(m.fstype, "tmpfs"),
	      "an escaped space in a mount point is decoded");
	check(mount_holding(private_ns, "/tmp/a\\040b", &m) && m.id == 22, "the escape itself names no mount");
	check(mount_beneath(private_ns, "/srv/layer"), "a submount lies beneath its parent mount");
	check(!mount_beneath(private_ns, "/srv/layer/sub"), "nothing beneath the deepest mount");
	check(!mount_beneath(private_ns, "/srv/lay"), "a name prefix is not a parent directory");
	check(!mount_beneath(private_ns, "/srv/layer/sub/x"), "nothing beneath a directory inside a mount");
	check(mount_beneath(private_ns, "/"), "every other mount lies beneath /");
	check(!mount_beneath("22 1 0:21 / / rw - ext4 /dev/sda1 rw\n", "/"), "a lone root has nothing beneath it");
	check(!mount_any_propagation(private_ns), "private mounts: no propagation");
	check(mount_any_propagation(shared_ns), "a shared: tag is propagation");
	check(mount_any_propagation(slave_ns), "a master: tag is propagation");
	check(!mount_any_propagation("22 1 0:21 / /shared:x rw - ext4 /dev/sda1 rw\n"),
	      "a mount point spelling shared: is not a tag");
	return failures != 0;
}
