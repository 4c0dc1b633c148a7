/* readdir DIR N: N rounds of opendir/readdir to the end/closedir.
 * Exits 1 if any opendir failed, saying why once. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long n = atol(argv[2]), failed = 0, entries = 0;
	int err = 0;
	for (long i = 0; i < n; i++) {
		DIR *d = opendir(argv[1]);
		if (!d) {
			failed++;
			err = errno;
			continue;
		}
		while (readdir(d))
			entries++;
		closedir(d);
	}
	if (failed) {
		fprintf(stderr, "readdir: %s: %ld of %ld failed: %s\n", argv[1], failed, n, strerror(err));
		return 1;
	}
	return entries ? 0 : 1;
}
