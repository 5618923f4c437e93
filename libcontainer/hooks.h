/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * OCI hooks (config.md "POSIX-platform Hooks").  Each hook is run as a child
 * of the calling process, so in the caller's namespaces: the parent runs
 * prestart, createRuntime, poststart and poststop (the runtime namespace),
 * the container's init runs createContainer and startContainer (the
 * container namespace).  The hook gets the container's state JSON on stdin,
 * its own args and env (nothing of ours), and its stdout and stderr are kept
 * (up to a few KiB) to explain a failure.
 */

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "specs/spec.h"

/*
 * Runs the hooks of one kind in order, stopping at the first failure: an exit
 * status other than 0, a death by signal, an exec failure, or its timeout
 * (the hook is then killed).  err names the hook ("hooks.createRuntime[1]
 * '/usr/bin/x'"), the reason and what it printed.  Returns 0 or -errno.
 */
int hooks_run(const struct spec_hooks *hooks, enum spec_hook_kind kind, const char *state_json,
              struct error_info *err);

/* As hooks_run(), but a failing hook is only a warning and the rest still run (poststart, poststop). */
void hooks_run_warn(const struct spec_hooks *hooks, enum spec_hook_kind kind, const char *state_json);

/* true when there are hooks of that kind. */
static inline bool hooks_any(const struct spec_hooks *hooks, enum spec_hook_kind kind)
{
        return hooks->n_hooks[kind] > 0;
}

struct spec_state;

/*
 * The parent, at the init's SYNC_HOOKS (mounts made, before pivot_root): prestart, then
 * createRuntime, with st's state (status "creating").
 */
int hooks_before_pivot_parent(const struct spec_hooks *h, const struct spec_state *st,
                              struct error_info *err);

/*
 * The init, with its mounts made, before pivot_root, when there are hooks of any kind that
 * runs before the start: asks the parent for its hooks (sync_fd: SYNC_HOOKS, SYNC_HOOKS_DONE,
 * which brings st->pid, our pid on the host), runs createContainer, and makes the state the
 * startContainer hooks will get (*ret_start_state, malloc'ed; NULL when there are none).
 */
int hooks_before_pivot_child(const struct spec_hooks *h, int sync_fd, struct spec_state *st,
                             char **ret_start_state, struct error_info *err);
