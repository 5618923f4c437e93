/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * `husk exec`'s process, planned before anything is made (exec-plan.c): the
 * defaults from the config kept at create (ROOT/ID/config.json; the bundle's
 * for a container made before husk kept one), then --process or the command
 * line's changes (args, --cwd, --env, --user, --additional-gids, --cap,
 * --no-new-privs, --apparmor, --process-label, --tty).
 */

#include <stdint.h>

#include "base/error.h"
#include "container.h"
#include "specs/spec.h"

/* What the exec'd process is made of: owned parts and the process assembled from them. */
struct exec_plan {
        struct spec *config;       /* BUNDLE/config.json, NULL when unreadable with --process */
        struct spec_process *file; /* --process */
        struct spec_process p;     /* shallow: points into config, file and the arrays below */
        struct spec_capabilities caps;
        char **args, **env, **cap_arrays[4];
        uint32_t *gids;
};

/*
 * Fills x (zeroed by the caller) for o's container, whose bundle state.json names.  What a
 * process file leaves out (capabilities, rlimits, noNewPrivileges) comes from the config, as
 * runc does.  err names the flag or the file.  exec_plan_done() on every path.
 */
int exec_plan_make(struct exec_plan *x, const char *bundle, const struct container_exec_opts *o,
                   struct error_info *err);
void exec_plan_done(struct exec_plan *x);
