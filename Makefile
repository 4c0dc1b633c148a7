# fakesys build. `make` builds build/fakesys; see README.md for the rest.
CC      ?= cc
PREFIX  ?= /usr/local
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc
LDLIBS  += -lseccomp

ARCH    := $(shell uname -m)
SRCS    := $(wildcard src/*.c) src/arch/$(ARCH).c
LIBSRCS := $(filter-out src/main.c,$(SRCS))
PROFILES := $(sort $(wildcard profiles/*.conf))

all: build/fakesys

build/profiles.c: $(PROFILES) tools/embed-profiles.sh
	@mkdir -p build
	sh tools/embed-profiles.sh $(PROFILES) > $@.tmp && mv $@.tmp $@

build/fakesys: $(SRCS) build/profiles.c $(wildcard src/*.h src/arch/*.h)
	$(CC) $(CFLAGS) -o $@ $(SRCS) build/profiles.c $(LDFLAGS) $(LDLIBS)

# One self-contained binary to drop into any sandbox image.
build/fakesys-static: $(SRCS) build/profiles.c $(wildcard src/*.h src/arch/*.h)
	$(CC) $(CFLAGS) -static -o $@ $(SRCS) build/profiles.c $(LDFLAGS) $(LDLIBS)

# The same tool under AddressSanitizer and UndefinedBehaviorSanitizer.
build/asan/fakesys: $(SRCS) build/profiles.c $(wildcard src/*.h src/arch/*.h)
	@mkdir -p build/asan
	$(CC) $(CFLAGS) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o $@ $(SRCS) build/profiles.c $(LDFLAGS) $(LDLIBS)

static: build/fakesys-static
asan: build/asan/fakesys

# fakesys, the k3s launcher (tools/fakesys-k3s, docs/k3s.md) and their man pages.
install: build/fakesys
	install -D -m 0755 build/fakesys $(DESTDIR)$(PREFIX)/bin/fakesys
	install -D -m 0755 tools/fakesys-k3s $(DESTDIR)$(PREFIX)/bin/fakesys-k3s
	install -D -m 0644 man/fakesys.1 $(DESTDIR)$(PREFIX)/share/man/man1/fakesys.1
	install -D -m 0644 man/fakesys-k3s.1 $(DESTDIR)$(PREFIX)/share/man/man1/fakesys-k3s.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/fakesys $(DESTDIR)$(PREFIX)/bin/fakesys-k3s \
	    $(DESTDIR)$(PREFIX)/share/man/man1/fakesys.1 $(DESTDIR)$(PREFIX)/share/man/man1/fakesys-k3s.1

check: all
	sh tests/run

# Benchmarks against native, strace, Debian's PRoot and upstream PRoot (FAKESYS_PROOT_UPSTREAM=PATH),
# on the host and in gVisor (bench/).
bench: build/fakesys build/fakesys-static
	$(MAKE) -C bench

# Builds and runs fakesys on its default profile, with and without gVisor.
demo:
	sh tools/demo.sh

clean:
	rm -rf build

.PHONY: all static asan install uninstall check bench demo clean
