/* fakesys: parse options, load the profile, open the store, trace CMD. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "learn.h"
#include "learn_profile.h"
#include "log.h"
#include "metrics.h"
#include "profile.h"
#include "provider.h"
#include "startup.h"
#include "stats.h"
#include "store.h"
#include "tracer.h"

#define FAKESYS_VERSION "0.1.0"
#define EXIT_USAGE 2
#define EXIT_TRACE_FAILED 125

static void usage(FILE *out)
{
	fputs("usage: fakesys [options] -- CMD [ARGS...]\n"
	      "       fakesys check [-p PROFILE...] [-s KEY=VALUE...] [-k RELEASE]\n"
	      "       fakesys learn [-o PROFILE] [-p PROFILE...] [--watch PREFIX...] -- CMD [ARGS...]\n"
	      "  -p, --profile NAME|FILE  load a profile (repeatable; later wins; default: " PROFILE_DEFAULT ")\n"
	      "  -s, --sysctl KEY=VALUE   set one sysctl value (repeatable, after profiles)\n"
	      "  -k, --kernel-release REL report kernel release REL (uname, osrelease, /proc/version)\n"
	      "      --store DIR          keep the fake store in DIR (shared between runs)\n"
	      "      --no-seccomp         stop at every syscall instead of filtering\n"
	      "      --no-fixups          no work-arounds for sandbox kernels (gVisor); each is\n"
	      "                           probed at start-up and on only where the kernel needs it\n"
	      "      --no-fixup NAME      not this one (repeatable): strip-no-automount,\n"
	      "                           statfs-enosys, no-openat2, child-subreaper, mount-rec,\n"
	      "                           mount-fd-target, mount-strictatime, pipe-chown,\n"
	      "                           devpts-single, keys-enosys, readonly-binds,\n"
	      "                           pivot-root-chroot, mount-ns-teardown\n"
	      "      --fixup NAME         this one on whatever the kernel says (repeatable)\n"
	      "  -v, --verbose            print each redirection to stderr\n"
	      "      --log FILE           append one JSON object per redirection to FILE\n"
	      "      --stats[=FILE]       at exit, a report of what fakesys did and cost: a table on\n"
	      "                           stderr, or JSON into FILE\n"
	      "      --metrics FILE       the same figures for Prometheus, rewritten in FILE every\n"
	      "      --metrics-interval S S seconds (default 10) and at exit\n"
	      "      --list-profiles      list the embedded profiles and exit\n"
	      "      --print-profile      print the effective rules and exit\n"
	      "  -h, --help               show this help\n"
	      "      --version            show the version\n",
	      out);
}

static _Noreturn void bad_usage(const char *what)
{
	msg("%s", what);
	usage(stderr);
	exit(EXIT_USAGE);
}

enum { OPT_STORE = 256, OPT_NO_SECCOMP, OPT_NO_FIXUPS, OPT_NO_FIXUP, OPT_FIXUP, OPT_LOG, OPT_STATS, OPT_METRICS,
       OPT_METRICS_INTERVAL, OPT_LIST, OPT_PRINT, OPT_VERSION };

static const struct option options[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "sysctl", required_argument, NULL, 's' },
	{ "kernel-release", required_argument, NULL, 'k' },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "no-fixups", no_argument, NULL, OPT_NO_FIXUPS },
	{ "no-fixup", required_argument, NULL, OPT_NO_FIXUP },
	{ "fixup", required_argument, NULL, OPT_FIXUP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "stats", optional_argument, NULL, OPT_STATS },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL },
	{ "list-profiles", no_argument, NULL, OPT_LIST },
	{ "print-profile", no_argument, NULL, OPT_PRINT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* fakesys check, in a private store: 0 if every rule can be served, else 1. */
static int run_check(struct ruleset *rules)
{
	char err[512];
	struct store *store = store_open(NULL, rules, err, sizeof err);
	if (store && providers_setup(store, rules, err, sizeof err) < 0) {
		store_close(store);
		store = NULL;
	}
	if (!store) {
		msg("%s", err);
		rules_free(rules);
		return EXIT_USAGE;
	}
	store_ready(store);
	int bad = check_rules(rules, store, stdout);
	store_close(store);
	rules_free(rules);
	return bad ? 1 : 0;
}

/* --stats: the table on stderr, or JSON into path. */
static void report_stats(const char *path)
{
	if (!path) {
		stats_print_table(stderr);
		return;
	}
	FILE *f = fopen(path, "we");
	if (f)
		stats_print_json(f);
	if (!f || fclose(f) != 0)
		msg("--stats=%s: %s", path, strerror(errno));
}

/* A profile, sysctl or kernel release, applied in command-line order. */
struct profile_arg {
	enum { ARG_PROFILE, ARG_SYSCTL, ARG_KERNEL_RELEASE } kind;
	const char *text;
};

/* The rules of the profiles, sysctls and kernel release in args, after the default
   profile if with_default. 0, or EXIT_USAGE after a message. */
static int load_rules(const struct profile_arg *args, size_t nargs, bool with_default, struct ruleset *rules)
{
	struct profile_builder *b = profile_builder_new();
	char err[512];
	int rc = with_default ? profile_add(b, PROFILE_DEFAULT, err, sizeof err) : 0;
	for (size_t i = 0; i < nargs && rc == 0; i++) {
		const char *text = args[i].text;
		switch (args[i].kind) {
		case ARG_PROFILE: rc = profile_add(b, text, err, sizeof err); break;
		case ARG_SYSCTL: rc = profile_add_sysctl(b, text, err, sizeof err); break;
		case ARG_KERNEL_RELEASE: rc = profile_add_kernel_release(b, text, err, sizeof err); break;
		}
	}
	/* profile_finish frees the builder, so it runs even after an error. */
	char later_err[sizeof err];
	int finished = profile_finish(b, rules, rc == 0 ? err : later_err, sizeof err);
	if (rc == 0)
		rc = finished;
	else if (finished == 0)
		rules_free(rules);
	if (rc < 0) {
		msg("%s", err);
		return EXIT_USAGE;
	}
	return 0;
}

/* Opens the store for the rules while the fix-ups are probed, and runs CMD under the
   tracer; returns its status, or EXIT_USAGE after a message if the store cannot be
   made. */
static int trace(struct tracer_config *tc, const char *store_dir, const enum fixup_setting fixups[FIXUP_COUNT])
{
	char err[512];
	struct fixup_probes probes;
	struct cmd_child child;
	fixups_start(&probes, fixups);
	bool forked = startup_fork(tc, &child, &probes) == 0;
	fixups_cmd_forked(&probes);
	struct store *store = forked ? store_open(store_dir, tc->rules, err, sizeof err) : NULL;
	bool cmd_fit;
	tc->fixups = fixups_finish(&probes, &cmd_fit);
	if (forked && !cmd_fit) {
		/* The probes could not put CMD's process back as it was forked: a fresh one. */
		startup_cancel(&child);
		forked = startup_fork(tc, &child, NULL) == 0;
	}
	if (!forked) {
		store_close(store);
		return 125;
	}
	if (store && providers_setup(store, tc->rules, err, sizeof err) < 0) {
		store_close(store);
		store = NULL;
	}
	if (!store) {
		msg("%s", err);
		startup_cancel(&child);
		return EXIT_USAGE;
	}
	store_ready(store);
	tc->store = store;
	tc->child = &child;
	int status = tracer_run(tc);
	store_close(store);
	return status;
}

static void learn_usage(FILE *out)
{
	fputs("usage: fakesys learn [-o PROFILE] [-p PROFILE...] [--watch PREFIX...] -- CMD [ARGS...]\n"
	      "  -o, --output FILE        write the learned profile to FILE (atomically; default: stdout)\n"
	      "  -p, --profile NAME|FILE  run CMD with this profile (repeatable; default: none)\n"
	      "      --watch PREFIX       also learn from failures under PREFIX (repeatable; /proc, /sys always)\n"
	      "      --stats              print stop and tracer-call counters at exit\n"
	      "  -h, --help               show this help\n",
	      out);
}

/* fakesys learn: CMD runs once, with only the given profiles; the profile it needs is
   written at the end (learn.h). Exits with CMD's status. */
static int learn_command(int argc, char **argv)
{
	static const struct option learn_options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "profile", required_argument, NULL, 'p' },
		{ "watch", required_argument, NULL, 'w' },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct profile_arg *profile_args = calloc((size_t)argc, sizeof *profile_args);
	char **profiles = calloc((size_t)argc, sizeof *profiles), **watch = calloc((size_t)argc, sizeof *watch);
	if (!profile_args || !profiles || !watch)
		die_oom();
	size_t nprofiles = 0, nwatch = 0;
	const char *out_path = NULL, *bad = NULL;
	bool want_stats = false;
	char what[PATH_MAX + 64];
	int c;
	opterr = 0;
	while (!bad && (c = getopt_long(argc, argv, "+o:p:h", learn_options, NULL)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 'p':
			profile_args[nprofiles] = (struct profile_arg){ ARG_PROFILE, optarg };
			profiles[nprofiles++] = optarg;
			break;
		case 'w':
			if (optarg[0] != '/') {
				snprintf(what, sizeof what, "learn: --watch %s: not an absolute path", optarg);
				bad = what;
			}
			watch[nwatch++] = optarg;
			break;
		case OPT_STATS: want_stats = true; break;
		case 'h':
			learn_usage(stdout);
			free(profile_args), free(profiles), free(watch);
			return 0;
		default:
			snprintf(what, sizeof what, "learn: %s: unknown option or missing argument (see fakesys learn --help)",
			         argv[optind - 1]);
			bad = what;
		}
	}
	if (!bad && (optind >= argc || strcmp(argv[optind - 1], "--") != 0))
		bad = optind >= argc ? "learn: missing -- CMD" : "learn: missing -- before CMD";
	struct ruleset rules;
	int status = bad ? EXIT_USAGE : load_rules(profile_args, nprofiles, false, &rules);
	free(profile_args);
	if (bad)
		msg("%s", bad);
	struct learn_output out;
	char err[PATH_MAX + 128];
	if (status == 0 && learn_output_open(&out, out_path, err, sizeof err) < 0) {
		msg("%s", err);
		rules_free(&rules);
		status = EXIT_USAGE;
	}
	if (status != 0) {
		free(profiles), free(watch);
		return status;
	}
	struct learner *learner = learn_new(watch, nwatch);
	static const enum fixup_setting probe_all[FIXUP_COUNT] = { FIXUP_PROBE };
	struct tracer_config tc = { .argv = argv + optind, .rules = &rules, .learner = learner };
	status = trace(&tc, NULL, probe_all);
	/* A profile is written even if CMD failed: that is what it is for. Not if CMD never
	   ran (it could not be traced, found or executed). */
	if (!tracer_cmd_executed)
		learn_output_abort(&out);
	else if (learn_output_write(&out, learner, profiles, nprofiles, argv + optind, err, sizeof err) < 0) {
		msg("%s", err);
		status = EXIT_TRACE_FAILED;
	}
	learn_free(learner);
	rules_free(&rules);
	free(profiles), free(watch);
	if (want_stats)
		stats_print_table(stderr);
	return status;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "learn"))
		return learn_command(argc - 1, argv + 1);

	/* fakesys check: the same profile options, and a report instead of CMD. */
	bool check = argc > 1 && !strcmp(argv[1], "check");
	if (check)
		argc--, argv++;
	struct profile_arg *profile_args = calloc((size_t)argc, sizeof *profile_args);
	if (!profile_args)
		die_oom();
	size_t nprofile_args = 0;
	bool any_profile = false, verbose = false, want_stats = false, print = false;
	enum fixup_setting fixup_settings[FIXUP_COUNT] = { FIXUP_PROBE };
	const char *store_dir = NULL, *log_path = NULL, *stats_path = NULL, *metrics_path = NULL;
	double metrics_interval = 10;
	struct tracer_config tc = { 0 };

	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+p:s:k:vh", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile_args[nprofile_args++] = (struct profile_arg){ ARG_PROFILE, optarg };
			any_profile = true;
			break;
		case 's':
			profile_args[nprofile_args++] = (struct profile_arg){ ARG_SYSCTL, optarg };
			break;
		case 'k':
			profile_args[nprofile_args++] = (struct profile_arg){ ARG_KERNEL_RELEASE, optarg };
			break;
		case 'v': verbose = true; break;
		case OPT_STORE: store_dir = optarg; break;
		case OPT_NO_SECCOMP: tc.no_seccomp = true; break;
		case OPT_NO_FIXUPS:
			for (int i = 0; i < FIXUP_COUNT; i++)
				fixup_settings[i] = FIXUP_OFF;
			break;
		case OPT_NO_FIXUP:
		case OPT_FIXUP: {
			int i = fixup_index(optarg);
			if (i < 0) {
				msg("%s %s: unknown fix-up (known: %s)", c == OPT_FIXUP ? "--fixup" : "--no-fixup", optarg,
				    fixup_names());
				free(profile_args);
				return EXIT_USAGE;
			}
			fixup_settings[i] = c == OPT_FIXUP ? FIXUP_ON : FIXUP_OFF;
			break;
		}
		case OPT_LOG: log_path = optarg; break;
		case OPT_STATS:
			want_stats = true;
			stats_path = optarg;
			break;
		case OPT_METRICS: metrics_path = optarg; break;
		case OPT_METRICS_INTERVAL: {
			char *end;
			metrics_interval = strtod(optarg, &end);
			if (end == optarg || *end) {
				free(profile_args);
				msg("--metrics-interval: '%s' is not a number of seconds", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case OPT_PRINT: print = true; break;
		case OPT_LIST:
			free(profile_args);
			profile_list(stdout);
			return 0;
		case 'h':
			free(profile_args);
			usage(stdout);
			return 0;
		case OPT_VERSION:
			free(profile_args);
			puts("fakesys " FAKESYS_VERSION);
			return 0;
		default: {
			char what[128];
			if (optopt && optopt < 256)
				snprintf(what, sizeof what, "option -%c: %s", optopt,
				         strchr("psk", optopt) ? "needs an argument" : "unknown option");
			else
				snprintf(what, sizeof what, "%s: unknown option or missing argument", argv[optind - 1]);
			free(profile_args);
			bad_usage(what);
		}
		}
	}

	struct ruleset rules;
	int rc = load_rules(profile_args, nprofile_args, !any_profile, &rules);
	free(profile_args);
	if (rc != 0)
		return rc;
	if (print) {
		profile_print(&rules, stdout);
		rules_free(&rules);
		return 0;
	}

	if (check) {
		if (optind < argc) {
			rules_free(&rules);
			bad_usage("check takes no command");
		}
		return run_check(&rules);
	}
	if (optind >= argc || strcmp(argv[optind - 1], "--") != 0) {
		rules_free(&rules);
		bad_usage(optind >= argc ? "missing -- CMD" : "missing -- before CMD");
	}

	if (metrics_path) {
		char err[512];
		if (metrics_open(metrics_path, metrics_interval, err, sizeof err) < 0) {
			msg("%s", err);
			rules_free(&rules);
			return EXIT_USAGE;
		}
	}
	if (audit_open(verbose, log_path) < 0) {
		rules_free(&rules);
		return EXIT_USAGE;
	}
	tc.argv = argv + optind;
	tc.rules = &rules;
	int status = trace(&tc, store_dir, fixup_settings);
	audit_close();
	rules_free(&rules);
	metrics_close();
	if (want_stats)
		report_stats(stats_path);
	return status;
}
