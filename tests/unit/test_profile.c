/* Unit test of src/profile.c: the profile format, the merging of sources, the error
   messages, --print-profile round trips and the embedded profiles.
   Prints "ok - name" / "not ok - name" per check; exits 1 if any check failed. */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "unit.h"


/* Writes text to T/name and returns the full path. */
static const char *put(const char *name, const char *text, size_t len)
{
	const char *p = tpath(name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		perror(p), exit(2);
	close(fd);
	return p;
}

static const char *put_str(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

static char err[1024];

/* Loads the sources in order ("sysctl:KEY=VALUE" is a --sysctl, anything else a -p) and
   always finishes, as main does. Returns 0, or -1 with the first error in err. */
static int build(struct ruleset *rs, const char *const *sources)
{
	struct profile_builder *b = profile_builder_new();
	int rc = 0;
	err[0] = '\0';
	for (; *sources && rc == 0; sources++)
		rc = !strncmp(*sources, "sysctl:", 7) ? profile_add_sysctl(b, *sources + 7, err, sizeof err)
		                                      : profile_add(b, *sources, err, sizeof err);
	char later[sizeof err];
	int finished = profile_finish(b, rs, rc == 0 ? err : later, sizeof later);
	if (rc == 0)
		return finished;
	if (finished == 0)
		rules_free(rs);
	return rc;
}

/* Loads T/t.conf with the given text (up to its NUL, or len bytes). */
static int build_bytes(struct ruleset *rs, const char *text, size_t len)
{
	const char *sources[] = { put("t.conf", text, len), NULL };
	return build(rs, sources);
}

static int build_text(struct ruleset *rs, const char *text)
{
	const char *sources[] = { put_str("t.conf", text), NULL };
	return build(rs, sources);
}

static const struct rule *rule(const struct ruleset *rs, const char *path)
{
	struct match m = rules_match(rs, path);
	return m.kind == MATCH_FILE ? m.rule : NULL;
}

static bool has_value(const struct ruleset *rs, const char *path, const char *content)
{
	const struct rule *r = rule(rs, path);
	return r && r->content_len == strlen(content) && !memcmp(r->content, content, r->content_len) &&
	       r->content[r->content_len] == '\0';
}

/* The profile text must fail with exactly this message (%s in want stands for T). */
static void expect_error(const char *name, const char *text, const char *want)
{
	struct ruleset rs;
	char full[2048];
	snprintf(full, sizeof full, want, T, T, T);
	int rc = build_text(&rs, text);
	check(rc < 0 && !strcmp(err, full), "error: %s (got \"%s\")", name, rc < 0 ? err : "success");
	if (rc == 0)
		rules_free(&rs);
}

static void test_embedded(void)
{
	struct ruleset rs;
	const char *def[] = { PROFILE_DEFAULT, NULL };
	check(build(&rs, def) == 0, "default: loads");
	check(rs.nrules == 6, "default: exactly six rules (got %zu)", rs.nrules);
	check(has_value(&rs, "/proc/sys/vm/overcommit_memory", "1\n") && has_value(&rs, "/proc/sys/vm/panic_on_oom", "0\n") &&
	      has_value(&rs, "/proc/sys/kernel/panic", "10\n") && has_value(&rs, "/proc/sys/kernel/panic_on_oops", "1\n") &&
	      has_value(&rs, "/proc/sys/kernel/keys/root_maxkeys", "1000000\n") &&
	      has_value(&rs, "/proc/sys/kernel/keys/root_maxbytes", "25000000\n"),
	      "default: kubelet's six values");
	bool all = true;
	for (size_t i = 0; i < rs.nrules; i++)
		all &= rs.rules[i].sysctl && rs.rules[i].policy == POLICY_STORE && !strncmp(rs.rules[i].origin, "default.conf:", 13);
	check(all, "default: store-policy sysctls with origins default.conf:N");
	rules_free(&rs);

	const char *k3s[] = { "k3s", NULL };
	check(build(&rs, k3s) == 0, "k3s: loads");
	size_t k3s_rules = rs.nrules;
	rules_free(&rs);
	const char *cg[] = { "cgroups", NULL };
	check(build(&rs, cg) == 0, "cgroups: loads");
	size_t cg_rules = rs.nrules;
	check(rules_match(&rs, "/sys/fs/cgroup/memory/x/memory.stat").kind == MATCH_TREE &&
	      rules_match(&rs, "/sys/fs/cgroup").kind == MATCH_TREE && rules_match(&rs, "/sys/fs").kind == MATCH_DIR &&
	      rules_match(&rs, "/sys/fs/cgroupx").kind == MATCH_NONE,
	      "cgroups: everything below /sys/fs/cgroup is the tree");
	rules_free(&rs);
	/* kubelet's own 3, kube-proxy's 9, containerd's 2, cni's 8, fuse-overlayfs's 2, runc's 1,
	   k3s's 5 and its kernel release (osrelease, /proc/version) */
	check(build(&rs, k3s) == 0 && k3s_rules == 6 + cg_rules + 32,
	      "k3s: default's 6 rules, cgroups' %zu, plus 32 (got %zu)", cg_rules, k3s_rules);
	check(has_value(&rs, "/proc/sys/kernel/panic", "10\n"), "k3s: includes default");
	const struct rule *r = rule(&rs, "/proc/sys/net/ipv4/ip_forward");
	check(r && r->policy == POLICY_REAL_FIRST && has_value(&rs, r->path, "1\n"), "k3s: ip_forward is real-first 1");
	r = rule(&rs, "/proc/sys/net/ipv4/conf/all/route_localnet");
	check(r && r->policy == POLICY_STORE && has_value(&rs, r->path, "1\n"),
	      "k3s: route_localnet 1 from the store (gVisor has no net.ipv4.conf)");
	check(rules_match(&rs, "/proc/sys/net/ipv4/conf/cni0/arp_notify").kind == MATCH_FILE &&
	      has_value(&rs, "/proc/sys/kernel/overflowuid", "65534\n") &&
	      has_value(&rs, "/proc/sys/net/ipv4/ping_group_range", "0\t2147483647\n"),
	      "k3s: includes cni's patterns, fuse-overlayfs and containerd");
	r = rule(&rs, "/proc/sys/net/netfilter/nf_conntrack_max");
	check(r && r->policy == POLICY_STORE && has_value(&rs, r->path, "131072\n"), "k3s: nf_conntrack_max 131072 from the store");
	r = rule(&rs, "/sys/module/nf_conntrack/parameters/hashsize");
	check(r && !r->sysctl && has_value(&rs, r->path, "32768\n"), "k3s: hashsize file 32768");
	check(has_value(&rs, "/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n") &&
	      has_value(&rs, "/proc/sys/net/ipv6/conf/default/forwarding", "1\n") &&
	      has_value(&rs, "/proc/sys/kernel/pid_max", "4194304\n"),
	      "k3s: bridge, ipv6 forwarding, pid_max");
	rules_free(&rs);

	char *list;
	size_t len;
	FILE *f = open_memstream(&list, &len);
	profile_list(f);
	fclose(f);
	check(!strncmp(list, "cgroups\ta cgroup v1 tree", 24) && strstr(list, "\ndefault\tkubelet's kernel tunables") &&
	          strstr(list, "\nk3s\ta k3s node") && strstr(list, "\nkubelet\tkubelet with cAdvisor"),
	      "list: name<TAB>description per embedded profile");
	free(list);
}

static void test_sysctl_syntax(void)
{
	struct ruleset rs;
	int rc = build_text(&rs,
	                    "# comment\n"
	                    "  ; another comment\n"
	                    "\n"
	                    "   \t\n"
	                    "kernel.panic=5\n"
	                    "  vm/overcommit_memory   =   2  \n"
	                    "net/ipv4/conf/eth0.1/forwarding = 1\n"
	                    "net.ipv4.conf.eth0/2.forwarding = 0\n"
	                    "-kernel.pid_max = 99\n"
	                    "kernel.domainname =\n"
	                    "net.ipv4.tcp_rmem = 4096\t87380 6291456\n"
	                    "fs.x-y:z@w+v_u = 1\n"
	                    "kernel.hostname = a = b\n"
	                    "real-first net.ipv4.ip_forward = 1\n"
	                    "kernel.last = no newline");
	check(rc == 0, "sysctl: the file loads (%s)", err);
	if (rc < 0)
		return;
	check(has_value(&rs, "/proc/sys/kernel/panic", "5\n"), "sysctl: dotted key, no blanks");
	check(has_value(&rs, "/proc/sys/vm/overcommit_memory", "2\n"), "sysctl: slash key, blanks trimmed");
	check(has_value(&rs, "/proc/sys/net/ipv4/conf/eth0.1/forwarding", "1\n"), "sysctl: slash form keeps dots");
	check(has_value(&rs, "/proc/sys/net/ipv4/conf/eth0.2/forwarding", "0\n"), "sysctl: dotted form, slash is a dot");
	check(has_value(&rs, "/proc/sys/kernel/pid_max", "99\n"), "sysctl: leading - accepted");
	check(has_value(&rs, "/proc/sys/kernel/domainname", "\n"), "sysctl: empty value");
	check(has_value(&rs, "/proc/sys/net/ipv4/tcp_rmem", "4096\t87380 6291456\n"), "sysctl: inner blanks kept");
	check(has_value(&rs, "/proc/sys/fs/x-y:z@w+v_u", "1\n"), "sysctl: key characters _ : @ + -");
	check(has_value(&rs, "/proc/sys/kernel/hostname", "a = b\n"), "sysctl: split at the first '='");
	check(has_value(&rs, "/proc/sys/kernel/last", "no newline\n"), "sysctl: last line without newline");
	const struct rule *r = rule(&rs, "/proc/sys/net/ipv4/ip_forward");
	check(r && r->policy == POLICY_REAL_FIRST && r->sysctl, "sysctl: real-first prefix");
	r = rule(&rs, "/proc/sys/kernel/panic");
	char origin[PATH_MAX + 8];
	snprintf(origin, sizeof origin, "%s/t.conf:5", T);
	check(r && r->sysctl && r->policy == POLICY_STORE && !strcmp(r->origin, origin), "sysctl: origin FILE:LINE");
	rules_free(&rs);

	expect_error("bad key: empty component", "kernel..panic = 1\n", "%s/t.conf:1: unknown key syntax 'kernel..panic'");
	expect_error("bad key: trailing dot", "kernel. = 1\n", "%s/t.conf:1: unknown key syntax 'kernel.'");
	expect_error("bad key: leading slash", "/kernel/panic = 1\n", "%s/t.conf:1: unknown key syntax '/kernel/panic'");
	expect_error("bad key: glob in a name", "net.ipv4.conf.eth*.rp_filter = 1\n",
	             "%s/t.conf:1: bad pattern net.ipv4.conf.eth*.rp_filter: '*' must be a whole component (it matches any one name)");
	expect_error("bad key: dot-dot component", "net/ipv4/../x = 1\n", "%s/t.conf:1: unknown key syntax 'net/ipv4/../x'");
	expect_error("bad key: blank inside", "kernel.panic 1 = 2\n", "%s/t.conf:1: unknown key syntax 'kernel.panic 1'");
	expect_error("bad key: empty", " = 2\n", "%s/t.conf:1: unknown key syntax ''");
	expect_error("missing =", "\n# x\nkernel.panic 1\n", "%s/t.conf:3: missing '='");
	expect_error("unknown directive", "includ default\n", "%s/t.conf:1: unknown directive 'includ'");
	expect_error("real-first alone", "real-first\n", "%s/t.conf:1: real-first needs a sysctl, file or dir rule after it");
	expect_error("real-first include", "real-first include default\n",
	             "%s/t.conf:1: real-first needs a sysctl, file or dir rule after it");
	char want[PATH_MAX + 32];
	snprintf(want, sizeof want, "%s/t.conf:2: NUL byte in the line", T);
	check(build_bytes(&rs, "\nkernel.panic = 1\0x\n", 20) < 0 && !strcmp(err, want), "error: NUL byte (got \"%s\")", err);
}

static void test_file_rules(void)
{
	put_str("content.txt", "from a file\n");
	struct ruleset rs;
	int rc = build_text(&rs,
	                    "file /proc/diskstats = a\\tb\\nc\\\\d\\x41\\x7e\\x00z\n"
	                    "file /a/one =  two spaces  \n"
	                    "file /a/none =\n"
	                    "file   /a/tight=x\n"
	                    "file /proc/sys/kernel/x = 7\\n\n"
	                    "file /sys/copied < content.txt  \n"
	                    "real-first file /proc/self/status = fake\n"
	                    "dir /sys/fs/cgroup\n"
	                    "real-first dir /sys/empty  \n");
	check(rc == 0, "file: the file loads (%s)", err);
	if (rc < 0)
		return;
	const struct rule *r = rule(&rs, "/proc/diskstats");
	check(r && r->content_len == 11 && !memcmp(r->content, "a\tb\nc\\dA~\0z", 11) && !r->sysctl,
	      "file: escapes \\t \\n \\\\ \\xHH decoded, no newline added");
	check(has_value(&rs, "/a/one", " two spaces  "), "file: one space dropped, the rest verbatim");
	check(has_value(&rs, "/a/none", ""), "file: empty content");
	check(has_value(&rs, "/a/tight", "x"), "file: no blanks around =");
	r = rule(&rs, "/proc/sys/kernel/x");
	check(r && r->sysctl && has_value(&rs, r->path, "7\n"), "file: under /proc/sys is a sysctl");
	check(has_value(&rs, "/sys/copied", "from a file\n"), "file: < FILE relative to the profile's directory");
	r = rule(&rs, "/proc/self/status");
	check(r && r->policy == POLICY_REAL_FIRST, "file: real-first, /proc/self allowed");
	struct match m = rules_match(&rs, "/sys/fs/cgroup");
	check(m.kind == MATCH_DIR && m.dir->rule && m.dir->rule->kind == RULE_DIR && !m.dir->rule->content, "dir: a dir rule");
	m = rules_match(&rs, "/sys/empty");
	check(m.kind == MATCH_DIR && m.dir->rule && m.dir->rule->policy == POLICY_REAL_FIRST, "dir: real-first dir");
	rules_free(&rs);

	expect_error("relative path", "file proc/x = 1\n",
	             "%s/t.conf:1: bad path proc/x: it must be absolute and canonical (no '.' or '..' component, no '//', no trailing '/', not '/')");
	expect_error("double slash", "dir /proc//x\n",
	             "%s/t.conf:1: bad path /proc//x: it must be absolute and canonical (no '.' or '..' component, no '//', no trailing '/', not '/')");
	expect_error("trailing slash", "dir /proc/x/\n",
	             "%s/t.conf:1: bad path /proc/x/: it must be absolute and canonical (no '.' or '..' component, no '//', no trailing '/', not '/')");
	expect_error("root", "dir /\n",
	             "%s/t.conf:1: bad path /: it must be absolute and canonical (no '.' or '..' component, no '//', no trailing '/', not '/')");
	expect_error("dot component", "file /proc/./x = 1\n",
	             "%s/t.conf:1: bad path /proc/./x: it must be absolute and canonical (no '.' or '..' component, no '//', no trailing '/', not '/')");
	expect_error("dot-dot component", "file /proc/../x = 1\n",
	             "%s/t.conf:1: bad path /proc/../x: it must be absolute and canonical (no '.' or '..' component, no '//', no trailing '/', not '/')");
	expect_error("/proc/PID", "file /proc/1/status = 1\n",
	             "%s/t.conf:1: bad path /proc/1/status: use /proc/self, not /proc/PID or /proc/thread-self");
	expect_error("/proc/thread-self", "dir /proc/thread-self\n",
	             "%s/t.conf:1: bad path /proc/thread-self: use /proc/self, not /proc/PID or /proc/thread-self");
	expect_error("missing path", "file = 1\n", "%s/t.conf:1: missing path");
	expect_error("missing = or <", "file /x 1\n", "%s/t.conf:1: expected '=' or '<' after the path");
	expect_error("read-only dir", "read-only dir /proc/x\n", "%s/t.conf:1: read-only needs a sysctl or file rule after it");
	expect_error("read-only before real-first", "read-only real-first kernel.x = 1\n",
	             "%s/t.conf:1: read-only needs a sysctl or file rule after it");
	expect_error("two holes", "generated /sys/block/{disk}/x{cpu} = block\n",
	             "%s/t.conf:1: a path may hold one {cpu} or one {disk}, not more");
	expect_error("two {cpu} holes", "generated /sys/x{cpu}y{cpu} = topology\n",
	             "%s/t.conf:1: a path may hold one {cpu} or one {disk}, not more");
	expect_error("two {disk} holes", "generated /sys/block/{disk}/{disk} = block\n",
	             "%s/t.conf:1: a path may hold one {cpu} or one {disk}, not more");
	expect_error("dir with extra text", "dir /x y\n", "%s/t.conf:1: unexpected text after the path");
	expect_error("bad escape", "file /x = a\\q\n", "%s/t.conf:1: bad escape in content (use \\n, \\t, \\\\ or \\xHH)");
	expect_error("short \\x escape", "file /x = \\x4\n", "%s/t.conf:1: bad escape in content (use \\n, \\t, \\\\ or \\xHH)");
	expect_error("trailing backslash", "file /x = a\\\n", "%s/t.conf:1: bad escape in content (use \\n, \\t, \\\\ or \\xHH)");
	expect_error("unreadable content file", "file /x < missing.txt\n",
	             "%s/t.conf:1: cannot read %s/missing.txt: No such file or directory");
	expect_error("missing content file name", "file /x <\n", "%s/t.conf:1: missing file name after '<'");
}

static void test_merging(void)
{
	struct ruleset rs;
	const char *a = put_str("a.conf", "kernel.panic = 1\nkernel.panic_on_oops = 2\nfile /x/y = file\n");
	const char *b = put_str("b.conf", "kernel.panic = 3\ndir /x/y\n");
	const char *s1[] = { a, b, "sysctl: kernel.panic_on_oops = 9 ", NULL };
	check(build(&rs, s1) == 0, "merge: loads (%s)", err);
	check(has_value(&rs, "/proc/sys/kernel/panic", "3\n"), "merge: a later profile wins");
	check(has_value(&rs, "/proc/sys/kernel/panic_on_oops", "9\n"), "merge: --sysctl wins, trimmed");
	const struct rule *r = rule(&rs, "/proc/sys/kernel/panic_on_oops");
	check(r && !strcmp(r->origin, "--sysctl  kernel.panic_on_oops = 9 "), "merge: --sysctl origin");
	check(rules_match(&rs, "/x/y").kind == MATCH_DIR, "merge: a later dir replaces a file");
	check(rs.nrules == 3, "merge: one rule per path (got %zu)", rs.nrules);
	bool sorted = true;
	for (size_t i = 1; i < rs.nrules; i++)
		sorted &= strcmp(rs.rules[i - 1].path, rs.rules[i].path) < 0;
	check(sorted, "merge: rules sorted by path");
	rules_free(&rs);

	const char *s2[] = { "sysctl:kernel.panic=0", PROFILE_DEFAULT, "sysctl:kernel.panic=1", "k3s", NULL };
	check(build(&rs, s2) == 0 && has_value(&rs, "/proc/sys/kernel/panic", "1\n"),
	      "merge: the last --sysctl wins over profiles added after it");
	rules_free(&rs);

	/* An include is its own source: the includer may override it. */
	put_str("base.conf", "kernel.panic = 1\n");
	check(build_text(&rs, "include base.conf\nkernel.panic = 2\n") == 0 && has_value(&rs, "/proc/sys/kernel/panic", "2\n"),
	      "merge: a rule after an include overrides it");
	rules_free(&rs);

	expect_error("duplicate in one source", "# x\nkernel.panic = 1\nkernel/panic = 2\n",
	             "%s/t.conf:3: duplicate rule for /proc/sys/kernel/panic (first at %s/t.conf:2)");
	expect_error("duplicate file and dir in one source", "file /a = 1\ndir /a\n",
	             "%s/t.conf:2: duplicate rule for /a (first at %s/t.conf:1)");
	expect_error("file used as a directory", "file /a/b = 1\nfile /a/b-c = 1\nfile /a/b/c = 2\n",
	             "%s/t.conf:3: /a/b/c is below /a/b, which is a file (at %s/t.conf:1)");
	const char *s3[] = { a, "sysctl:kernel/panic_on_oops/x=1", NULL };
	char want[1024];
	snprintf(want, sizeof want,
	         "--sysctl kernel/panic_on_oops/x=1: /proc/sys/kernel/panic_on_oops/x is below /proc/sys/kernel/panic_on_oops, which is a file (at %s:2)", a);
	check(build(&rs, s3) < 0 && !strcmp(err, want), "error: conflict across sources (got \"%s\")", err);

	const char *s4[] = { "sysctl:kernel.panic", NULL };
	check(build(&rs, s4) < 0 && !strcmp(err, "--sysctl kernel.panic: missing '='"), "error: --sysctl without = (got \"%s\")", err);
	const char *s5[] = { "sysctl:file /x=1", NULL };
	check(build(&rs, s5) < 0 && !strcmp(err, "--sysctl file /x=1: unknown key syntax 'file /x'"),
	      "error: --sysctl with a bad key (got \"%s\")", err);
	/* Errors after rules were added still leave nothing behind (run under ASan). */
	const char *s6[] = { PROFILE_DEFAULT, "nosuch", NULL };
	check(build(&rs, s6) < 0 && !strcmp(err, "nosuch: unknown profile (see --list-profiles)"), "error: unknown profile (got \"%s\")", err);
}

static void test_includes(void)
{
	struct ruleset rs;
	mkdir(tpath("d"), 0700);
	put_str("d/inner.conf", "include default\nfile /v < value\n");
	put_str("d/value", "inner value");
	check(build_text(&rs, "include d/inner.conf\n") == 0 && has_value(&rs, "/v", "inner value") &&
	      has_value(&rs, "/proc/sys/kernel/panic", "10\n"),
	      "include: files relative to the including profile, embedded by name (%s)", err);
	rules_free(&rs);

	put_str("c1.conf", "kernel.panic = 1\ninclude c2.conf\n");
	put_str("c2.conf", "include ./c1.conf\n");
	const char *cyc[] = { put_str("c0.conf", "include c1.conf\n"), NULL };
	char want[1024];
	snprintf(want, sizeof want, "%s/c2.conf:1: include cycle: %s/./c1.conf includes itself", T, T);
	check(build(&rs, cyc) < 0 && !strcmp(err, want), "include: cycle detected (got \"%s\")", err);
	expect_error("self include", "include t.conf\n", "%s/t.conf:1: include cycle: %s/t.conf includes itself");
	expect_error("unknown included profile", "\ninclude nosuch\n", "%s/t.conf:2: unknown profile nosuch (see --list-profiles)");
	expect_error("unreadable included file", "include nosuch.conf\n",
	             "%s/t.conf:1: cannot read %s/nosuch.conf: No such file or directory");
	expect_error("include without a name", "include  \n", "%s/t.conf:1: include needs a profile name or file");
	expect_error("include of a directory", "include d/\n", "%s/t.conf:1: cannot read %s/d/: Is a directory");

	const char *missing[] = { tpath("nosuch.conf"), NULL };
	snprintf(want, sizeof want, "%s: cannot read: No such file or directory", missing[0]);
	check(build(&rs, missing) < 0 && !strcmp(err, want), "error: unreadable profile file (got \"%s\")", err);
}

/* --print-profile output, loaded again, gives the same rules. */
/* Pattern rules: syntax, precedence (a literal rule wins, then the later pattern) and errors. */
static void test_patterns(void)
{
	struct ruleset rs;
	const char *a = put_str("pa.conf", "net.ipv4.conf.*.forwarding = 1\n"
	                                   "net/ipv4/conf/*/arp_notify = 2\n"
	                                   "real-first file /proc/sys/net/ipv4/conf/*/route_localnet = 3\\n\n"
	                                   "file /proc/sys/net/ipv4/conf/lo/* = 4\\n\n"
	                                   "net.ipv4.conf.all.forwarding = 5\n");
	const char *b = put_str("pb.conf", "net.ipv4.conf.eth0.* = 6\n");
	const char *src[] = { "sysctl:net.ipv4.conf.*.arp_notify=7", a, b, NULL };
	int rc = build(&rs, src);
	check(rc == 0, "patterns: load (%s)", err);
	if (rc < 0)
		return;
	check(has_value(&rs, "/proc/sys/net/ipv4/conf/cni0/forwarding", "1\n"), "patterns: dotted sysctl key");
	check(has_value(&rs, "/proc/sys/net/ipv4/conf/all/forwarding", "5\n"), "patterns: a literal rule wins");
	check(has_value(&rs, "/proc/sys/net/ipv4/conf/lo/forwarding", "4\n"), "patterns: the later pattern wins");
	check(has_value(&rs, "/proc/sys/net/ipv4/conf/eth0/forwarding", "6\n"), "patterns: a later source wins");
	check(has_value(&rs, "/proc/sys/net/ipv4/conf/eth0/arp_notify", "7\n") &&
	      has_value(&rs, "/proc/sys/net/ipv4/conf/x/arp_notify", "7\n"), "patterns: --sysctl wins over every profile");
	const struct rule *r = rule(&rs, "/proc/sys/net/ipv4/conf/veth1234abcd/route_localnet");
	check(r && r->pattern && r->policy == POLICY_REAL_FIRST && r->sysctl, "patterns: real-first file rule");
	check(rules_match(&rs, "/proc/sys/net/ipv4/conf/cni0").kind == MATCH_DIR, "patterns: an instance's dir");
	rules_free(&rs);

	expect_error("pattern in a dir rule", "\ndir /proc/sys/net/*/conf\n",
	             "%s/t.conf:2: bad pattern /proc/sys/net/*/conf: '*' is allowed in sysctl and file rules only");
	expect_error("pattern in a tree", "cgroupfs /sys/fs/*\n",
	             "%s/t.conf:1: bad pattern /sys/fs/*: '*' is allowed in sysctl and file rules only");
	expect_error("pattern in a generated file", "generated /sys/devices/*/x = boot_id\n",
	             "%s/t.conf:1: bad pattern /sys/devices/*/x: '*' is allowed in sysctl and file rules only");
	expect_error("glob in a file rule", "file /sys/class/net/eth*/mtu = 1\n",
	             "%s/t.conf:1: bad pattern /sys/class/net/eth*/mtu: '*' must be a whole component (it matches any one name)");
	expect_error("pattern first", "file /*/x = 1\n", "%s/t.conf:1: bad pattern /*/x: the first component cannot be '*'");
	expect_error("pattern for processes", "file /proc/*/status = 1\n",
	             "%s/t.conf:1: bad pattern /proc/*/status: /proc/self names the process's own files, '*' cannot stand for processes");
	expect_error("pattern over links", "file /proc/self/fd/* = 1\n",
	             "%s/t.conf:1: bad pattern /proc/self/fd/*: it matches /proc/self/fd/0, and /proc/self/fd/0 is a link: name "
	             "what it leads to (/proc/self/..., not /proc/mounts, /proc/net, /dev/fd, fd/N, cwd or root)");
	expect_error("pattern below a file", "file /sys/a/x = 1\nfile /sys/a/*/y = 2\n",
	             "%s/t.conf:2: /sys/a/*/y may lie below /sys/a/x, which is a file (at %s/t.conf:1)");
	expect_error("file below a pattern", "file /sys/a/*/y = 2\nfile /sys/a/b/y/z = 1\n",
	             "%s/t.conf:2: /sys/a/b/y/z may lie below /sys/a/*/y, which is a file (at %s/t.conf:1)");
	expect_error("pattern below a tree", "cgroupfs /sys/fs/cgroup\nfile /sys/fs/*/x = 1\n",
	             "%s/t.conf:2: /sys/fs/*/x may lie below /sys/fs/cgroup, which is a cgroupfs tree (at %s/t.conf:1)");
	expect_error("duplicate pattern", "net.ipv4.conf.*.forwarding = 1\nnet/ipv4/conf/*/forwarding = 2\n",
	             "%s/t.conf:2: duplicate rule for /proc/sys/net/ipv4/conf/*/forwarding (first at %s/t.conf:1)");
}

static void test_print(void)
{
	struct ruleset rs, again;
	const char *pconf = put_str("p.conf",
	        "file /proc/diskstats = \\x01a\\tb\\\\c\\n\\x7f\xc3\xa9 \n"
	        "file /proc/sys/kernel/two = a\\nb\\n\n"
	        "file /proc/sys/kernel/blank =  x\\n\n"
	        "file /proc/sys/kernel/nonl = x\n"
	        "file /proc/sys/single = 1\\n\n"
	        "file /proc/sys/a.b/c = 1\\n\n"
	        "file /proc/sys/-x/y = 1\\n\n"
	        "file /proc/sys/x/y~z = 1\\n\n"
	        "real-first net/ipv4/conf/*/forwarding = 0\n"
	        "file /proc/sys/net/ipv6/conf/*/accept_ra = 1\\n\n"
	        "real-first dir /sys/d\n"
	        "real-first read-only kernel.osrelease = 5.15.0\n"
	        "read-only file /sys/ro = 1\\n\n"
	        "net/ipv4/conf/eth0.1/forwarding = 1\n");
	const char *src[] = { "k3s", pconf, "sysctl:kernel.msg=multi\nline", NULL };
	if (build(&rs, src) < 0) {
		check(false, "print: source loads (%s)", err);
		return;
	}
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	profile_print(&rs, f);
	fclose(f);
	check(strstr(text, "# default.conf:9\nvm.overcommit_memory = 1\n") != NULL, "print: origin comment, dotted sysctl");
	check(strstr(text, "\nreal-first net.ipv4.ip_forward = 1\n") != NULL, "print: real-first sysctl");
	check(strstr(text, "\nnet/ipv4/conf/eth0.1/forwarding = 1\n") != NULL, "print: slash form for a dotted component");
	check(strstr(text, "\nfile /sys/module/nf_conntrack/parameters/hashsize = 32768\\n\n") != NULL, "print: file rule escaped");
	check(strstr(text, "\nfile /proc/sys/kernel/blank =  x\\n\n") != NULL, "print: a blank-led value stays a file rule");
	check(strstr(text, "\n# --sysctl kernel.msg=multi\\nline\n") != NULL, "print: an origin stays on one line");
	check(strstr(text, "\nreal-first dir /sys/d\n") != NULL, "print: dir rule");
	check(strstr(text, "\nreal-first net.ipv4.conf.*.forwarding = 0\n") != NULL, "print: a pattern sysctl");
	check(strstr(text, "\nnet.ipv6.conf.*.accept_ra = 1\n") != NULL, "print: a pattern file rule under /proc/sys");
	check(strstr(text, "\nreal-first read-only kernel.osrelease = 5.15.0\n") != NULL, "print: read-only after real-first");
	check(strstr(text, "\nread-only file /sys/ro = 1\\n\n") != NULL, "print: read-only file rule");
	const char *printed = put("printed.conf", text, len);
	free(text);
	const char *reload[] = { printed, NULL };
	int rc = build(&again, reload);
	bool same = rc == 0 && again.nrules == rs.nrules;
	for (size_t i = 0; same && i < rs.nrules; i++) {
		const struct rule *x = &rs.rules[i], *y = &again.rules[i];
		same = !strcmp(x->path, y->path) && x->kind == y->kind && x->policy == y->policy && x->sysctl == y->sysctl &&
		       x->read_only == y->read_only &&
		       x->content_len == y->content_len && (!x->content_len || !memcmp(x->content, y->content, x->content_len));
		if (!same)
			printf("# differs: %s\n", x->path);
	}
	check(same, "print: reparses to the same rules (%s)", rc < 0 ? err : "loaded");
	if (rc == 0)
		rules_free(&again);
	rules_free(&rs);
}

int main(void)
{
	make_scratch_dir("fakesys-test_profile");
	test_embedded();
	test_sysctl_syntax();
	test_file_rules();
	test_merging();
	test_includes();
	test_patterns();
	test_print();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", T);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", T);
	return failures != 0;
}
