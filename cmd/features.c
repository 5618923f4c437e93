/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "container.h"
#include "base/banned.h"

int cmd_features(int argc, char **argv, const struct global_opts *g)
{
        struct error_info err = {0};
        char *json = NULL;
        int r;

        if (argc > 1)
                return cmd_usage_error("features", "takes no arguments");
        r = container_features_json(&json);
        if (r < 0) {
                error_set(&err, -r, "make the features JSON");
                return cmd_fail(&err);
        }
        printf("%s\n", json);
        free(json);
        return 0;
}
