/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stddef.h>

#include "cmd.h"
#include "container.h"
#include "base/banned.h"

int cmd_delete(int argc, char **argv, const struct global_opts *g)
{
        static const struct option opts[] = {
                {"force", no_argument, NULL, 'f'},
                {},
        };
        struct error_info err = {0};
        const char *id;
        bool force = false;
        int c;

        while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
                if (c != 'f')
                        return 1;
                force = true;
        }
        if (cmd_one_id("delete", argc, argv, optind, &id))
                return 1;
        if (container_delete(g->root, id, force, &err) < 0)
                return cmd_fail(&err);
        return 0;
}
