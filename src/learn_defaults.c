/* The table of defaults; see learn_defaults.h. Each value is the one a kernel built with
   the upstream defaults (defconfig) prints at boot; the source says where it is stated.
   Values the kernel computes at boot from the machine (fs.file-max, threads-max,
   inotify watches, conntrack sizes) have no common default and are not listed. */
#include <stddef.h>
#include <string.h>
#include "learn_defaults.h"

#define SYSCTL_DOC "Documentation/admin-guide/sysctl/"
#define NET_DOC "Documentation/networking/"

static const struct learn_default table[] = {
	{ "/proc/sys/fs/inotify/max_user_instances", "128", "fs/notify/inotify/inotify_user.c (inotify_max_user_instances)" },
	{ "/proc/sys/kernel/keys/maxbytes", "20000", "security/keys/key.c (key_quota_maxbytes)" },
	{ "/proc/sys/kernel/keys/maxkeys", "200", "security/keys/key.c (key_quota_maxkeys)" },
	{ "/proc/sys/kernel/keys/root_maxbytes", "25000000", "security/keys/key.c (key_quota_root_maxbytes)" },
	{ "/proc/sys/kernel/keys/root_maxkeys", "1000000", "security/keys/key.c (key_quota_root_maxkeys)" },
	{ "/proc/sys/kernel/panic", "0", "kernel/panic.c (panic_timeout = CONFIG_PANIC_TIMEOUT, default 0)" },
	{ "/proc/sys/kernel/panic_on_oops", "0", "kernel/panic.c (CONFIG_PANIC_ON_OOPS_VALUE, default 0)" },
	{ "/proc/sys/kernel/pid_max", "32768", "include/linux/threads.h (PID_MAX_DEFAULT; more with over 32 cpus)" },
	{ "/proc/sys/kernel/randomize_va_space", "2", SYSCTL_DOC "kernel.rst (randomize_va_space)" },
	{ "/proc/sys/net/bridge/bridge-nf-call-ip6tables", "1", "net/bridge/br_netfilter_hooks.c (brnf_call_ip6tables)" },
	{ "/proc/sys/net/bridge/bridge-nf-call-iptables", "1", "net/bridge/br_netfilter_hooks.c (brnf_call_iptables)" },
	{ "/proc/sys/net/core/somaxconn", "4096", NET_DOC "ip-sysctl.rst (somaxconn, since Linux 5.4)" },
	{ "/proc/sys/net/ipv4/conf/all/route_localnet", "0", NET_DOC "ip-sysctl.rst (route_localnet)" },
	{ "/proc/sys/net/ipv4/ip_forward", "0", NET_DOC "ip-sysctl.rst (ip_forward)" },
	{ "/proc/sys/net/ipv4/ip_local_port_range", "32768\t60999", NET_DOC "ip-sysctl.rst (ip_local_port_range)" },
	{ "/proc/sys/net/ipv6/conf/all/forwarding", "0", NET_DOC "ip-sysctl.rst (conf/all/forwarding)" },
	{ "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_close_wait", "60", NET_DOC "nf_conntrack-sysctl.rst" },
	{ "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established", "432000", NET_DOC "nf_conntrack-sysctl.rst" },
	{ "/proc/sys/vm/dirty_background_ratio", "10", "mm/page-writeback.c (dirty_background_ratio)" },
	{ "/proc/sys/vm/dirty_ratio", "20", "mm/page-writeback.c (vm_dirty_ratio)" },
	{ "/proc/sys/vm/max_map_count", "65530", SYSCTL_DOC "vm.rst (max_map_count)" },
	{ "/proc/sys/vm/overcommit_kbytes", "0", "mm/util.c (sysctl_overcommit_kbytes)" },
	{ "/proc/sys/vm/overcommit_memory", "0", SYSCTL_DOC "vm.rst (overcommit_memory)" },
	{ "/proc/sys/vm/overcommit_ratio", "50", "mm/util.c (sysctl_overcommit_ratio)" },
	{ "/proc/sys/vm/panic_on_oom", "0", SYSCTL_DOC "vm.rst (panic_on_oom)" },
	{ "/proc/sys/vm/swappiness", "60", SYSCTL_DOC "vm.rst (swappiness)" },
	{ "/sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never", "mm/Kconfig (TRANSPARENT_HUGEPAGE_ALWAYS is the default choice)" },
	{ "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "2097152", "mm/huge_memory.c (HPAGE_PMD_SIZE with 4 KiB pages: x86_64, arm64)" },
};

/* Checked on a mainline kernel, where each is absent. */
static const struct { const char *path, *who; } probes[] = {
	{ "/proc/self/ctty", "procps-ng (a file only some patched kernels have; else the tty of /proc/PID/stat)" },
	{ "/sys/fs/selinux", "libselinux (no selinuxfs: SELinux is off)" },
};

const char *learn_probe_of(const char *path)
{
	for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
		size_t n = strlen(probes[i].path);
		if (!strncmp(path, probes[i].path, n) && (path[n] == '/' || path[n] == '\0'))
			return probes[i].who;
	}
	return NULL;
}

const struct learn_default *learn_default_of(const char *path)
{
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (!strcmp(table[i].path, path))
			return &table[i];
	return NULL;
}
