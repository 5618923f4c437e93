/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The state directory ROOT/ID: claimed with mkdir (so two `create`s of one
 * id cannot both win), locked with flock on the directory itself, holding
 * state.json written atomically.  Status is derived, never stored.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "specs/state.h"

enum container_status {
        STATUS_CREATING,
        STATUS_CREATED,
        STATUS_RUNNING,
        STATUS_PAUSED,
        STATUS_STOPPED,
};

const char *container_status_name(enum container_status s);

/* Creates ROOT (0700) and claims ROOT/ID; returns a locked dirfd. */
int state_dir_create(const char *root, const char *id, struct error_info *err);

/*
 * Opens ROOT/ID, locked when lock (kill, delete, start: wait for a create in
 * progress); "container 'ID' does not exist" when missing.  Readers (state,
 * list, ps) do not lock: state.json is replaced atomically.
 */
int state_dir_open(const char *root, const char *id, bool lock, struct error_info *err);

/* Removes ROOT/ID and everything in it. */
int state_dir_remove(const char *root, const char *id, struct error_info *err);

int state_write(int dirfd, const struct spec_state *st, struct error_info *err);
int state_read(int dirfd, struct spec_state **ret, struct error_info *err);

/*
 * Derives the status from the facts:
 *   pid 0 in state.json (set-up not finished): creating while the creator
 *     still holds the lock, else stopped (it died);  locked: we hold the
 *     lock ourselves, so the creator is gone;
 *   pid not alive, or alive with another start time (reused): stopped;
 *   exec.fifo present: created;  cgroup frozen: paused;  else running.
 */
enum container_status state_status(int dirfd, const struct spec_state *st, bool locked);

/* A pidfd of the init, checked to be the process state.json names (start time); -errno. */
int state_open_init(const struct spec_state *st);

/* Current time as RFC 3339 with nanoseconds, UTC. */
void state_now_rfc3339(char *buf, size_t size);
