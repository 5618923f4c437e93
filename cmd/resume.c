/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stddef.h>

#include "cmd.h"
#include "container.h"
#include "base/banned.h"

int cmd_resume(int argc, char **argv, const struct global_opts *g)
{
        static const struct option opts[] = {{}};
        struct error_info err = {0};
        const char *id;

        if (getopt_long(argc, argv, "", opts, NULL) != -1)
                return 1;
        if (cmd_one_id("resume", argc, argv, optind, &id))
                return 1;
        if (container_resume(g->root, id, &err) < 0)
                return cmd_fail(&err);
        return 0;
}
