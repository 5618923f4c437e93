/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The container's init, from clone3 to execve (init.c).  The parent fills the
 * context from its struct container before the clone; the child gets a copy
 * of it with its memory and owns it from then on.
 */

#include <stdbool.h>

#include "namespaces/ns.h"
#include "process.h"
#include "rootfs.h"
#include "specs/spec.h"
#include "specs/state.h"

struct init_ctx {
        const struct spec *spec;
        struct spec_state st; /* the container as its hooks see it; pid set at SYNC_HOOKS_DONE */
        struct ns_plan ns;    /* what to join and unshare; the fds are ours to close */
        struct rootfs_ctx rootfs;
        struct process_ctx proc; /* proc.sync_fd is our end of the sync socket */
        int procfd;              /* the host's /proc: sysctl, oom_score_adj, id maps, exec.fifo */
        int fifo_fd;             /* O_PATH of exec.fifo */
        bool no_new_keyring;
        char *start_hook_state; /* for startContainer hooks, made before pivot_root */
};

/* Sets the container up as init.c's steps say, waits for `start`, execs; never returns. */
__attribute__((noreturn)) void init_main(struct init_ctx *ctx);
