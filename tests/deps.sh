#!/bin/sh
# Install everything fakesys's build and test suite need on a fresh Debian 12 machine.
# Run as root. Fast when everything is already installed (no apt work at all).
set -eu

PKGS="build-essential libseccomp-dev pkg-config golang-go busybox-static runsc proot
strace clang python3 procps groff man-db coreutils findutils dash bash
util-linux iproute2 make gcc libc6-dev libclang-rt-14-dev valgrind file
binutils golang-github-opencontainers-runc-dev
golang-github-sirupsen-logrus-dev golang-golang-x-sys-dev containerd
containernetworking-plugins fuse-overlayfs fuse3 iptables nftables conntrack
prometheus golang-github-docker-docker-dev golang-github-containerd-containerd-dev buildah"

# The packages of $PKGS that are not installed, space-separated.
not_installed() {
	for p in $PKGS; do
		case "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" in
		ii*) ;;
		*) printf ' %s' "$p" ;;
		esac
	done
}

missing=$(not_installed)

if [ -z "$missing" ]; then
	echo "deps: all packages already installed"
	exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: FATAL: missing packages ($missing) and not root; run tests/deps.sh as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update; then
	echo "deps: FATAL: apt-get update failed" >&2
	exit 1
fi
# shellcheck disable=SC2086
if ! apt-get install -y --no-install-recommends $missing; then
	echo "deps: FATAL: apt-get install failed for:$missing" >&2
	exit 1
fi

# Verify: every package must now be installed.
still=$(not_installed)
if [ -n "$still" ]; then
	echo "deps: FATAL: still not installed after apt-get:$still" >&2
	exit 1
fi
echo "deps: done"
