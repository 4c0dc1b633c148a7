/* Shared by the C test programs: one open/read/close of a (possibly fake) file. */
#ifndef FAKESYS_TEST_READ_VALUE_H
#define FAKESYS_TEST_READ_VALUE_H

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* Reads at most len-1 bytes of path into buf, NUL-terminated. Returns the byte count, or
   -errno. */
static ssize_t read_value(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = 0;
	return n;
}

#endif
