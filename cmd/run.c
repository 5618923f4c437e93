/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "container.h"
#include "base/banned.h"

int cmd_run(int argc, char **argv, const struct global_opts *g)
{
        struct container_opts o = {.root = g->root, .systemd_cgroup = g->systemd_cgroup};
        struct error_info err = {0};
        int status = 0;

        if (cmd_parse_create("run", argc, argv, true, &o))
                return 1;
        if (container_run(&o, &status, &err) < 0) {
                int r = cmd_fail(&err);
                /* Ran, but not removed: a failing workload's own status is not masked. */
                return status > 0 ? status : r;
        }
        return status;
}
