/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "container.h"
#include "base/banned.h"

int cmd_state(int argc, char **argv, const struct global_opts *g)
{
        struct error_info err = {0};
        const char *id;
        char *json = NULL;

        if (cmd_one_id("state", argc, argv, 1, &id))
                return 1;
        if (container_state(g->root, id, &json, &err) < 0)
                return cmd_fail(&err);
        printf("%s\n", json);
        free(json);
        return 0;
}
