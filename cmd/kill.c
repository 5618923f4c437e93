/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stddef.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "base/fs.h"
#include "cmd.h"
#include "container.h"
#include "base/banned.h"

/* "9", "KILL", "SIGKILL", "sigkill", "RTMIN+3" → the number; "0" checks that the process exists; -1 when
 * unknown. */
static int parse_signal(const char *s)
{
        long n;

        if (parse_long(s, &n) == 0)
                return n >= 0 && n < NSIG ? (int) n : -1;
        if (!strncasecmp(s, "SIG", 3))
                s += 3;
        for (int sig = 1; sig < NSIG; sig++) {
                const char *abbrev = sigabbrev_np(sig);
                if (abbrev && !strcasecmp(s, abbrev))
                        return sig;
        }
        if (!strncasecmp(s, "RTMIN+", 6) && parse_long(s + 6, &n) == 0 && SIGRTMIN + n <= SIGRTMAX)
                return SIGRTMIN + (int) n;
        if (!strncasecmp(s, "RTMAX-", 6) && parse_long(s + 6, &n) == 0 && SIGRTMAX - n >= SIGRTMIN)
                return SIGRTMAX - (int) n;
        return -1;
}

int cmd_kill(int argc, char **argv, const struct global_opts *g)
{
        static const struct option opts[] = {
                {"all", no_argument, NULL, 'a'},
                {},
        };
        struct error_info err = {0};
        bool all = false;
        int c, sig = SIGTERM;

        while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
                if (c != 'a')
                        return 1;
                all = true;
        }
        if (argc - optind < 1 || argc - optind > 2)
                return cmd_usage_error("kill", "usage: husk kill [--all] ID [SIGNAL]");
        if (argc - optind == 2) {
                sig = parse_signal(argv[optind + 1]);
                if (sig < 0)
                        return cmd_usage_error("kill", "'%s' is not a signal", argv[optind + 1]);
        }
        if (container_kill(g->root, argv[optind], sig, all, &err) < 0)
                return cmd_fail(&err);
        return 0;
}
