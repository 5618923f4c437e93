/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "container.h"
#include "base/banned.h"

int cmd_start(int argc, char **argv, const struct global_opts *g)
{
        struct error_info err = {0};
        const char *id;

        if (cmd_one_id("start", argc, argv, 1, &id))
                return 1;
        if (container_start(g->root, id, &err) < 0)
                return cmd_fail(&err);
        return 0;
}
