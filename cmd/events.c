/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"
#include "base/banned.h"

/* A Go-style duration as runc takes it: "5s", "500ms", "1m", "1h", "1m30s"; a bare number is seconds. */
static int parse_duration_ms(const char *s, unsigned *ret)
{
        double total = 0;
        const char *p = s;

        if (!*s)
                return -EINVAL;
        if (s[strspn(s, "0123456789.")] == '\0') {
                total = strtod(s, NULL) * 1000;
                p = "";
        }
        while (*p) {
                char *end;
                double v = strtod(p, &end);
                if (end == p || v < 0)
                        return -EINVAL;
                p = end;
                if (!strncmp(p, "ms", 2)) {
                        total += v;
                        p += 2;
                } else if (*p == 's') {
                        total += v * 1000;
                        p++;
                } else if (*p == 'm') {
                        total += v * 60000;
                        p++;
                } else if (*p == 'h') {
                        total += v * 3600000;
                        p++;
                } else {
                        return -EINVAL;
                }
        }
        if (total < 1 || total > 86400000.0)
                return -ERANGE;
        *ret = (unsigned) total;
        return 0;
}

static int print_line(const char *json, void *userdata)
{
        if (printf("%s\n", json) < 0 || fflush(stdout) != 0)
                return -EPIPE; /* the reader went away: stop */
        return 0;
}

int cmd_events(int argc, char **argv, const struct global_opts *g)
{
        enum { OPT_INTERVAL = 256, OPT_STATS };
        static const struct option opts[] = {
                {"interval", required_argument, NULL, OPT_INTERVAL},
                {"stats", no_argument, NULL, OPT_STATS},
                {},
        };
        struct error_info err = {0};
        unsigned interval_ms = 5000;
        bool stats = false;
        const char *id;
        int c;

        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case OPT_INTERVAL:
                        if (parse_duration_ms(optarg, &interval_ms) < 0)
                                return cmd_usage_error("events",
                                                       "--interval: '%s' is not a duration from 1ms to 24h "
                                                       "(like 5s, 500ms, 1m)",
                                                       optarg);
                        break;
                case OPT_STATS:
                        stats = true;
                        break;
                default:
                        return 1;
                }
        }
        if (cmd_one_id("events", argc, argv, optind, &id))
                return 1;
        int r = container_events(g->root, id, stats, interval_ms, print_line, NULL, &err);
        if (r == -EPIPE)
                return 0;
        if (r < 0)
                return cmd_fail(&err);
        return 0;
}
