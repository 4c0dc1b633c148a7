/* fakesys: parse options, load the profile, open the store, trace CMD. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "profile.h"
#include "provider.h"
#include "stats.h"
#include "store.h"
#include "tracer.h"

#define FAKESYS_VERSION "0.1.0"
#define EXIT_USAGE 2
#define EXIT_TRACE_FAILED 125

static void usage(FILE *out)
{
	fputs("usage: fakesys [options] -- CMD [ARGS...]\n"
	      "  -p, --profile NAME|FILE  load a profile (repeatable; later wins; default: " PROFILE_DEFAULT ")\n"
	      "  -s, --sysctl KEY=VALUE   set one sysctl value (repeatable, after profiles)\n"
	      "      --store DIR          keep the fake store in DIR (shared between runs)\n"
	      "      --no-seccomp         stop at every syscall instead of filtering\n"
	      "      --no-fixups          no work-arounds for sandbox kernels (gVisor); each is\n"
	      "                           probed at start-up and on only where the kernel needs it\n"
	      "      --no-fixup NAME      not this one (repeatable): strip-no-automount,\n"
	      "                           statfs-enosys, no-openat2, child-subreaper\n"
	      "      --fixup NAME         this one on whatever the kernel says (repeatable)\n"
	      "  -v, --verbose            print each redirection to stderr\n"
	      "      --log FILE           append one JSON object per redirection to FILE\n"
	      "      --stats              print stop and tracer-call counters at exit\n"
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

enum { OPT_STORE = 256, OPT_NO_SECCOMP, OPT_NO_FIXUPS, OPT_NO_FIXUP, OPT_FIXUP, OPT_LOG, OPT_STATS, OPT_LIST, OPT_PRINT, OPT_VERSION };

static const struct option options[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "sysctl", required_argument, NULL, 's' },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "no-fixups", no_argument, NULL, OPT_NO_FIXUPS },
	{ "no-fixup", required_argument, NULL, OPT_NO_FIXUP },
	{ "fixup", required_argument, NULL, OPT_FIXUP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "list-profiles", no_argument, NULL, OPT_LIST },
	{ "print-profile", no_argument, NULL, OPT_PRINT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* A profile or sysctl source, applied in command-line order. */
struct profile_arg {
	bool sysctl;
	const char *text;
};

int main(int argc, char **argv)
{
	struct profile_arg *profile_args = calloc((size_t)argc, sizeof *profile_args);
	if (!profile_args)
		die_oom();
	size_t nprofile_args = 0;
	bool any_profile = false, verbose = false, want_stats = false, print = false;
	enum fixup_setting fixup_settings[FIXUP_COUNT] = { FIXUP_PROBE };
	const char *store_dir = NULL, *log_path = NULL;
	struct tracer_config tc = { 0 };

	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+p:s:vh", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile_args[nprofile_args++] = (struct profile_arg){ false, optarg };
			any_profile = true;
			break;
		case 's':
			profile_args[nprofile_args++] = (struct profile_arg){ true, optarg };
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
		case OPT_STATS: want_stats = true; break;
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
				         strchr("ps", optopt) ? "needs an argument" : "unknown option");
			else
				snprintf(what, sizeof what, "%s: unknown option or missing argument", argv[optind - 1]);
			free(profile_args);
			bad_usage(what);
		}
		}
	}

	struct profile_builder *b = profile_builder_new();
	char err[512];
	int rc = any_profile ? 0 : profile_add(b, PROFILE_DEFAULT, err, sizeof err);
	for (size_t i = 0; i < nprofile_args && rc == 0; i++)
		rc = profile_args[i].sysctl ? profile_add_sysctl(b, profile_args[i].text, err, sizeof err)
		                       : profile_add(b, profile_args[i].text, err, sizeof err);
	free(profile_args);
	/* profile_finish frees the builder, so it runs even after an error. */
	struct ruleset rules;
	char later_err[sizeof err];
	int finished = profile_finish(b, &rules, rc == 0 ? err : later_err, sizeof err);
	if (rc == 0)
		rc = finished;
	else if (finished == 0)
		rules_free(&rules);
	if (rc < 0) {
		msg("%s", err);
		return EXIT_USAGE;
	}
	if (print) {
		profile_print(&rules, stdout);
		rules_free(&rules);
		return 0;
	}

	if (optind >= argc || strcmp(argv[optind - 1], "--") != 0) {
		rules_free(&rules);
		bad_usage(optind >= argc ? "missing -- CMD" : "missing -- before CMD");
	}

	struct store *store = store_open(store_dir, &rules, err, sizeof err);
	if (store && providers_setup(store, &rules, err, sizeof err) < 0) {
		store_close(store);
		store = NULL;
	}
	if (!store) {
		msg("%s", err);
		rules_free(&rules);
		return EXIT_USAGE;
	}
	if (audit_open(verbose, log_path) < 0) {
		store_close(store);
		rules_free(&rules);
		return EXIT_USAGE;
	}

	tc.argv = argv + optind;
	tc.fixups = fixups_choose(fixup_settings);
	tc.rules = &rules;
	tc.store = store;
	int status = tracer_run(&tc);

	store_close(store);
	audit_close();
	rules_free(&rules);
	if (want_stats)
		stats_print(stderr);
	return status;
}
