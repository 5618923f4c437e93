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
