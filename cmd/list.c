/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"
#include "specs/state.h"
#include "base/banned.h"

static size_t width(size_t have, const char *s)
{
        size_t n = strlen(s ? s : "");
        return n > have ? n : have;
}

/* runc's table: columns as wide as their widest cell, at least 12, three spaces apart. */
static void print_table(struct spec_state *const *list, size_t n)
{
        size_t w[5] = {12, 12, 12, 12, 12};
        char pid[16];

        w[0] = width(w[0], "ID");
        for (size_t i = 0; i < n; i++) {
                snprintf(pid, sizeof pid, "%d", (int) list[i]->pid);
                w[0] = width(w[0], list[i]->id);
                w[1] = width(w[1], pid);
                w[2] = width(w[2], list[i]->status);
                w[3] = width(w[3], list[i]->bundle);
                w[4] = width(w[4], list[i]->created);
        }
        printf("%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", (int) w[0], "ID", (int) w[1], "PID", (int) w[2],
               "STATUS", (int) w[3], "BUNDLE", (int) w[4], "CREATED", "OWNER");
        for (size_t i = 0; i < n; i++) {
                snprintf(pid, sizeof pid, "%d", (int) list[i]->pid);
                printf("%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", (int) w[0], list[i]->id, (int) w[1], pid,
                       (int) w[2], list[i]->status, (int) w[3], list[i]->bundle, (int) w[4],
                       list[i]->created, list[i]->owner ? list[i]->owner : "");
        }
}

static int by_id(const void *a, const void *b)
{
        return strcmp((*(struct spec_state *const *) a)->id, (*(struct spec_state *const *) b)->id);
}

int cmd_list(int argc, char **argv, const struct global_opts *g)
{
        static const struct option opts[] = {
                {"format", required_argument, NULL, 'f'},
                {"quiet", no_argument, NULL, 'q'},
                {},
        };
        struct error_info err = {0};
        struct spec_state **list = NULL;
        const char *format = "table";
        bool quiet = false;
        size_t n = 0;
        int c;

        while ((c = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        format = optarg;
                        break;
                case 'q':
                        quiet = true;
                        break;
                default:
                        return 1;
                }
        }
        if (optind != argc)
                return cmd_usage_error("list", "takes no arguments, got '%s'", argv[optind]);
        if (strcmp(format, "table") && strcmp(format, "json"))
                return cmd_usage_error("list", "--format: '%s' is not one of table, json", format);
        if (container_list(g->root, &list, &n, &err) < 0)
                return cmd_fail(&err);
        if (n)
                qsort(list, n, sizeof *list, by_id);
        if (quiet) {
                for (size_t i = 0; i < n; i++)
                        printf("%s\n", list[i]->id);
        } else if (!strcmp(format, "json")) {
                char *json = NULL;
                if (spec_state_list_encode(list, n, &json) < 0) {
                        container_list_free(list, n);
                        return cmd_usage_error("list", "out of memory");
                }
                printf("%s\n", json);
                free(json);
        } else
                print_table(list, n);
        container_list_free(list, n);
        return 0;
}
