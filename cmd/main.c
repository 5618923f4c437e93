/* SPDX-License-Identifier: GPL-2.0-or-later */
/* husk: global options and the table of verbs (crun's src/crun.c and git's git.c idea). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cmd.h"
#include "libcontainer/selfexe.h"
#include "specs/state.h"
#include "base/banned.h"

static const struct verb {
        const char *name;
        int (*fn)(int argc, char **argv, const struct global_opts *g);
        const char *help;
        const char *usage;
} verbs[] = {
        {"create", cmd_create, "create a container (its process waits for start)",
         "[-b BUNDLE] [--pid-file FILE] [--console-socket SOCKET] [--preserve-fds N] [--no-pivot] "
         "[--no-new-keyring] ID"},
        {"start", cmd_start, "start a created container", "ID"},
        {"run", cmd_run, "create and run a container",
         "[-b BUNDLE] [-d] [--pid-file FILE] [--console-socket SOCKET] [--preserve-fds N] [--no-pivot] "
         "[--no-new-keyring] [--keep] ID"},
        {"exec", cmd_exec, "run a process in a running container",
         "[-p|--process FILE] [-d] [--pid-file FILE] [--cwd DIR] [-e K=V]... [-u UID[:GID]] [-g GID]... "
         "[--cap CAP]... [--no-new-privs] [--preserve-fds N] [--cgroup [CTRL:]SUB] [--ignore-paused] "
         "[-t] [--console-socket SOCKET] ID [COMMAND [ARG...]]"},
        {"state", cmd_state, "print the state of a container", "ID"},
        {"kill", cmd_kill, "send a signal to a container's init", "[--all] ID [SIGNAL]"},
        {"delete", cmd_delete, "delete a stopped container (or a running one with --force)",
         "[-f|--force] ID"},
        {"list", cmd_list, "list containers", "[--format table|json] [-q]"},
        {"ps", cmd_ps, "list the processes of a container", "[--format table|json] ID [PS ARGS...]"},
        {"pause", cmd_pause, "freeze every process of a container", "ID"},
        {"resume", cmd_resume, "thaw a paused container", "ID"},
        {"update", cmd_update, "change the resource limits of a container",
         "[-r FILE|-] [--memory N] [--cpu-quota N] [--pids-limit N] ... ID"},
        {"events", cmd_events, "print a container's statistics and OOM events (JSON)",
         "[--stats] [--interval DURATION] ID"},
        {"spec", cmd_spec, "write a default config.json", "[-b BUNDLE] [--rootless]"},
        {"features", cmd_features, "print the features this husk implements (JSON)", ""},
};

static void usage(FILE *f)
{
        fprintf(f, "usage: husk [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
                   "            [--systemd-cgroup] [--rootless auto|true|false] COMMAND [ARGS]\n\n"
                   "commands:\n");
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
                fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].help);
        fprintf(f, "\nSee husk(8) and husk-COMMAND(8).\n");
}

int cmd_fail(const struct error_info *err)
{
        char buf[2048];

        log_error("%s", error_format(err, buf, sizeof buf));
        /* runc prints the error on stderr too when it logs to a file. */
        if (log_fd() >= 0) {
                char esc[4200];
                log_escape(esc, sizeof esc, buf, false);
                fprintf(stderr, "husk: %s\n", esc);
        }
        return 1;
}

int cmd_usage_error(const char *verb, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        fprintf(stderr, "husk%s%s: %s\n", verb ? " " : "", verb ? verb : "", msg);
        return 1;
}

int cmd_one_id(const char *verb, int argc, char **argv, int optind_, const char **ret)
{
        if (argc - optind_ != 1)
                return cmd_usage_error(verb, "expects exactly one container id (got %d arguments)",
                                       argc - optind_);
        *ret = argv[optind_];
        return 0;
}

int main(int argc, char **argv)
{
        enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };
        static const struct option opts[] = {
                {"root", required_argument, NULL, OPT_ROOT},
                {"log", required_argument, NULL, OPT_LOG},
                {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
                {"debug", no_argument, NULL, OPT_DEBUG},
                {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
                {"rootless", required_argument, NULL, OPT_ROOTLESS},
                {"criu", required_argument, NULL, OPT_CRIU},
                {"version", no_argument, NULL, 'v'},
                {"help", no_argument, NULL, 'h'},
                {},
        };
        struct global_opts g = {.root = "/run/husk"};
        const char *log_path = NULL;
        enum log_format fmt = LOG_FORMAT_TEXT;
        int c;

        while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
                switch (c) {
                case OPT_ROOT:
                        g.root = optarg;
                        break;
                case OPT_LOG:
                        log_path = optarg;
                        break;
                case OPT_LOG_FORMAT:
                        if (!strcmp(optarg, "json"))
                                fmt = LOG_FORMAT_JSON;
                        else if (strcmp(optarg, "text") != 0)
                                return cmd_usage_error(NULL, "--log-format: '%s' is not text or json",
                                                       optarg);
                        break;
                case OPT_DEBUG:
                        g.debug = true;
                        break;
                case OPT_SYSTEMD:
                        g.systemd_cgroup = true;
                        break;
                case OPT_ROOTLESS:
                        if (strcmp(optarg, "auto") && strcmp(optarg, "true") && strcmp(optarg, "false"))
                                return cmd_usage_error(NULL, "--rootless: '%s' is not auto, true or false",
                                                       optarg);
                        break;
                case OPT_CRIU:
                        break; /* accepted for runc compatibility; checkpointing is not implemented */
                case 'v':
                        printf("husk version %s\ncommit: %s\nspec: %s\n", HUSK_VERSION, HUSK_COMMIT,
                               HUSK_OCI_VERSION);
                        return 0;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 1;
                }
        }
        /* Verbs that enter a container run from a binary the container cannot write (selfexe.c). */
        if (optind < argc && (!strcmp(argv[optind], "create") || !strcmp(argv[optind], "run") ||
                              !strcmp(argv[optind], "exec"))) {
                struct error_info err = {0};
                if (selfexe_protect(argv, &err) < 0)
                        return cmd_fail(&err);
        }
        if (log_open(log_path, fmt, g.debug) < 0) {
                fprintf(stderr, "husk: open log file '%s': %s\n", log_path, strerror(errno));
                return 1;
        }
        if (optind >= argc) {
                usage(stderr);
                return 1;
        }
        int first = optind;
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
                if (!strcmp(argv[first], verbs[i].name)) {
                        if (argc - first == 2 &&
                            (!strcmp(argv[first + 1], "--help") || !strcmp(argv[first + 1], "-h"))) {
                                printf("usage: husk %s %s\n\n%s.  See husk-%s(8).\n", verbs[i].name,
                                       verbs[i].usage, verbs[i].help, verbs[i].name);
                                return 0;
                        }
                        /* Each verb sees argv from its own name on; optind = 0 resets getopt. */
                        optind = 0;
                        return verbs[i].fn(argc - first, argv + first, &g);
                }
        return cmd_usage_error(NULL, "unknown command '%s' (see husk --help)", argv[optind]);
}
