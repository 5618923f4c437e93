/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "cmd.h"
#include "container.h"
#include "base/banned.h"

/*
 * systemd's socket activation (sd_listen_fds): LISTEN_FDS fds from 3 on are
 * passed to the container's process, as runc does, when LISTEN_PID is unset
 * or ours.
 */
static int listen_fds(void)
{
        const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
        long n, p;

        if (!fds || parse_long(fds, &n) < 0 || n <= 0 || n > 65000)
                return 0;
        if (pid && (parse_long(pid, &p) < 0 || p != (long) getpid()))
                return 0;
        return (int) n;
}

int cmd_parse_create(const char *verb, int argc, char **argv, bool is_run, struct container_opts *o)
{
        enum {
                OPT_PID_FILE = 256,
                OPT_CONSOLE,
                OPT_NO_PIVOT,
                OPT_NO_KEYRING,
                OPT_PRESERVE,
                OPT_KEEP,
                OPT_NOSUB
        };
        static const struct option opts[] = {
                {"bundle", required_argument, NULL, 'b'},
                {"detach", no_argument, NULL, 'd'},
                {"pid-file", required_argument, NULL, OPT_PID_FILE},
                {"console-socket", required_argument, NULL, OPT_CONSOLE},
                {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
                {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
                {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
                {"keep", no_argument, NULL, OPT_KEEP},
                {"no-subreaper", no_argument, NULL, OPT_NOSUB},
                {},
        };
        int c;
        long n;

        while ((c = getopt_long(argc, argv, is_run ? "b:d" : "b:", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        o->bundle = optarg;
                        break;
                case 'd':
                        if (!is_run)
                                return cmd_usage_error(verb, "unknown option '--detach'");
                        o->detach = true;
                        break;
                case OPT_PID_FILE:
                        o->pid_file = optarg;
                        break;
                case OPT_CONSOLE:
                        o->console_socket = optarg;
                        break;
                case OPT_NO_PIVOT:
                        o->no_pivot = true;
                        break;
                case OPT_NO_KEYRING:
                        o->no_new_keyring = true;
                        break;
                case OPT_PRESERVE:
                        if (parse_long(optarg, &n) < 0 || n < 0 || n > 65000)
                                return cmd_usage_error(verb, "--preserve-fds: '%s' is not a count of fds",
                                                       optarg);
                        o->preserve_fds = (int) n;
                        break;
                case OPT_KEEP:
                        if (!is_run)
                                return cmd_usage_error(verb, "unknown option '--keep'");
                        o->keep = true;
                        break;
                case OPT_NOSUB:
                        break; /* husk does not become a subreaper */
                default:
                        return 1;
                }
        }
        if (cmd_one_id(verb, argc, argv, optind, &o->id))
                return 1;
        o->listen_fds = listen_fds();
        return 0;
}

int cmd_create(int argc, char **argv, const struct global_opts *g)
{
        struct container_opts o = {.root = g->root, .systemd_cgroup = g->systemd_cgroup};
        struct error_info err = {0};

        if (cmd_parse_create("create", argc, argv, false, &o))
                return 1;
        if (container_create(&o, &err) < 0)
                return cmd_fail(&err);
        return 0;
}
