/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/fs.h"
#include "cmd.h"
#include "container.h"
#include "base/banned.h"

int cmd_run(int argc, char **argv, const struct global_opts *g)
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
        struct container_opts o = {.root = g->root, .systemd_cgroup = g->systemd_cgroup};
        struct error_info err = {0};
        int c, status = 0;
        long n;

        while ((c = getopt_long(argc, argv, "+b:d", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        o.bundle = optarg;
                        break;
                case 'd':
                        o.detach = true;
                        break;
                case OPT_PID_FILE:
                        o.pid_file = optarg;
                        break;
                case OPT_CONSOLE:
                        o.console_socket = optarg;
                        break;
                case OPT_NO_PIVOT:
                        o.no_pivot = true;
                        break;
                case OPT_NO_KEYRING:
                        o.no_new_keyring = true;
                        break;
                case OPT_PRESERVE:
                        if (parse_long(optarg, &n) < 0 || n < 0 || n > 65000)
                                return cmd_usage_error("run", "--preserve-fds: '%s' is not a count of fds",
                                                       optarg);
                        o.preserve_fds = (int) n;
                        break;
                case OPT_KEEP:
                        o.keep = true;
                        break;
                case OPT_NOSUB:
                        break; /* husk does not become a subreaper */
                default:
                        return 1;
                }
        }
        if (cmd_one_id("run", argc, argv, optind, &o.id))
                return 1;
        if (o.console_socket)
                return cmd_usage_error("run", "--console-socket: terminals are not supported yet");
        if (container_run(&o, &status, &err) < 0)
                return cmd_fail(&err);
        return status;
}
