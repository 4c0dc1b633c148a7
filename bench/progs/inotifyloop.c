/* inotifyloop DIR N: N rounds of inotify_add_watch(DIR) and inotify_rm_watch on one
 * inotify fd. inotify_add_watch is traced since the cgroup tree (it was not before);
 * inotify_rm_watch is not. DIR is a plain directory that no rule names (what a file
 * watcher such as an editor, a build tool or systemd does on every directory it watches).
 * Exits 1 (after timing all N rounds) if any call failed, saying why once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long n = atol(argv[2]), failed = 0;
	int err = 0;
	int in = inotify_init1(IN_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "inotifyloop: inotify_init1: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		int wd = inotify_add_watch(in, argv[1], IN_CREATE | IN_DELETE);
		if (wd < 0 || inotify_rm_watch(in, wd) != 0) {
			failed++;
			err = errno;
		}
	}
	close(in);
	if (failed) {
		fprintf(stderr, "inotifyloop: %s: %ld of %ld rounds failed: %s\n", argv[1], failed, n, strerror(err));
		return 1;
	}
	return 0;
}
