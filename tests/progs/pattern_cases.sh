#!/bin/bash
# Per-interface keys as procps sysctl and a shell use them, for two interfaces A and B. Run
# on the kernel (tests/run: inside unshare -n, with lo and a dummy interface) and on
# fakesys's pattern instances (group patterns); the output does not name the interfaces,
# so the two must print the same.
# Usage: pattern_cases.sh A B
A=$1 B=$2
c=/proc/sys/net/ipv4/conf c6=/proc/sys/net/ipv6/conf
names() { sed "s/\.$A\./.A./g; s/\.$B\./.B./g"; }
sysctl -w "net.ipv4.conf.$A.forwarding=1" | names
sysctl -n "net.ipv4.conf.$A.forwarding"
sysctl "net.ipv4.conf.$A.forwarding" | names
echo "B after A's write: $(cat "$c/$B/forwarding")"
sysctl -w "net.ipv4.conf.$B.forwarding=1" >/dev/null
echo 0 >"$c/$A/forwarding"
echo "A B: $(cat "$c/$A/forwarding") $(cat "$c/$B/forwarding")"
printf ' 1 \n' >"$c/$A/arp_notify"
echo "arp_notify, blanks around: $(cat "$c/$A/arp_notify")"
sysctl -w "net.ipv4.conf.$A.route_localnet=1" | names
sysctl -n "net.ipv4.conf.$A.route_localnet"
sysctl -w "net.ipv6.conf.$A.accept_dad=2" | names
sysctl -w "net.ipv6.conf.$B.accept_ra=0" | names
echo "accept_dad accept_ra: $(cat "$c6/$A/accept_dad") $(cat "$c6/$B/accept_ra")"
sysctl -q -w "net.ipv4.conf.$A.forwarding=1"
echo "quiet write: $(cat "$c/$A/forwarding")"
stat -c '%a %s %F' "$c/$A/forwarding" "$c6/$B/accept_ra"
