/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * state.json: the OCI state of a container (runtime.md) plus the facts husk
 * needs to find it again from another process.  Status is not stored: it is
 * derived from the facts by libcontainer (state.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "specs/spec.h"

struct error_info;

struct spec_state {
        char *id;
        char *status; /* only for output */
        pid_t pid;
        char *bundle;
        char *rootfs;
        char *created; /* RFC 3339, nanoseconds */
        char *owner;
        struct spec_kv *annotations;
        size_t n_annotations;
        /* husk's own facts */
        unsigned long long start_time; /* of pid, clock ticks since boot */
        char *cgroup;                  /* cgroup_serialize() text */
        bool systemd_cgroup;
        bool post_hooks; /* the config has poststart or poststop hooks (read again only then) */
};

enum spec_state_form {
        SPEC_STATE_FILE,  /* state.json: with husk's own facts, no status, compact */
        SPEC_STATE_PRINT, /* `husk state`: the OCI state (ociVersion, id, pid, status, bundle,
                             rootfs, created, owner, annotations), indented like runc's */
        SPEC_STATE_HOOK,  /* a hook's stdin: the OCI state on one line */
};

int spec_state_encode(const struct spec_state *st, enum spec_state_form form, char **ret);
/*
 * The container process state (runtime.md) a seccomp listener gets with the notification fd:
 * {ociVersion, fds: ["seccompFd"], pid, metadata, state: the OCI state of st}, on one line.
 */
int spec_process_state_encode(const struct spec_state *st, pid_t pid, const char *metadata, char **ret);
/* `husk list --format json`: an array of the OCI states, on one line. */
int spec_state_list_encode(struct spec_state *const *list, size_t n, char **ret);
int spec_state_decode(const char *json, struct spec_state **ret, struct error_info *err);
void spec_state_free(struct spec_state *st);
static inline void spec_state_freep(struct spec_state **st)
{
        spec_state_free(*st);
}

/* The version of the runtime-spec husk implements. */
#define HUSK_OCI_VERSION "1.3.0"
