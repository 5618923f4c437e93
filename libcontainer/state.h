/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The state directory ROOT/ID: claimed with mkdir (so two `create`s of one
 * id cannot both win), locked with flock on the directory itself, holding
 * state.json written atomically, exec.fifo until the start, and the config
 * as it was at create.  Status is derived, never stored.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "specs/spec.h"
#include "specs/state.h"

enum container_status {
        STATUS_CREATING,
        STATUS_CREATED,
        STATUS_RUNNING,
        STATUS_PAUSED,
        STATUS_STOPPED,
};

const char *container_status_name(enum container_status s);

/* Checks a container id, the name of its state dir: [A-Za-z0-9][A-Za-z0-9_.+-]*, at most 1024 bytes. */
int state_id_check(const char *id, struct error_info *err);

/* Creates ROOT (0700) and claims ROOT/ID; returns a locked dirfd. */
int state_dir_create(const char *root, const char *id, struct error_info *err);

/*
 * Opens ROOT/ID, locked when lock (kill, delete, start: wait for a create in
 * progress); "container 'ID' does not exist" when missing, or when it was removed while we
 * waited for its lock (a container made since under the same id is another one).  Readers (state,
 * list, ps) do not lock: state.json is replaced atomically.
 */
int state_dir_open(const char *root, const char *id, bool lock, struct error_info *err);

/*
 * Removes ROOT/ID and everything in it, when it is still the directory dirfd names (locked by
 * the caller); 0 without removing anything when it is gone or a newer container's.
 */
int state_dir_remove(const char *root, const char *id, int dirfd, struct error_info *err);

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

/* Reads field 22 of /proc/PID/stat (start time in clock ticks) through procfd; 0 when gone. */
unsigned long long proc_start_time(int procfd, pid_t pid);

/* Thaws the container's cgroup if it is frozen (delete --force of a paused one); best effort. */
void state_thaw(const struct spec_state *st);

/* The state JSON a hook gets on stdin: st with status; malloc'ed, NULL on ENOMEM. */
char *state_hook_json(const struct spec_state *st, const char *status);

/*
 * exec.fifo: the init blocks opening it for writing until `start` opens it for reading.
 * state_fifo_make() creates it in dirfd (0622: the init opens it whatever user it has
 * become; the 0700 state dir keeps everyone else out) and returns an O_PATH fd of it, which
 * the init reopens for writing through /proc, never by name.
 */
int state_fifo_make(int dirfd, struct error_info *err);

/*
 * The start: opens exec.fifo, which releases the init (pidfd); it writes one byte and execs.
 * The fifo is removed then (the status becomes "running"); end-of-file says the execve()
 * worked, a struct error_info from the init says what stopped it (returned in err).
 */
int state_fifo_release(int dirfd, int pidfd, const char *id, struct error_info *err);

/*
 * Later husk processes need the config as it was at create (the runtime-spec: changes after
 * create have no effect): poststart and poststop hooks, and the process exec starts from.
 * state_keep_config() copies BUNDLE/config.json into the state dir; state_kept_config()
 * parses that copy, NULL (with a warning when it exists) when it cannot be read.
 */
int state_keep_config(int dirfd, const char *bundle, struct error_info *err);
struct spec *state_kept_config(int dirfd, const char *root, const char *id);
