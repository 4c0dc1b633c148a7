/* openread PATH N: N rounds of open(PATH)/read/close.
 * Exits 1 (after timing all N rounds) if any open failed, saying why once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *path = argv[1];
	long n = atol(argv[2]), failed = 0;
	int err = 0;
	char buf[4096];
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			failed++;
			err = errno;
			continue;
		}
		if (read(fd, buf, sizeof buf) < 0)
			failed++;
		close(fd);
	}
	if (failed) {
		fprintf(stderr, "openread: %s: %ld of %ld failed: %s\n", path, failed, n, strerror(err));
		return 1;
	}
	return 0;
}
