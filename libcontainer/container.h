/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * libcontainer's public interface: one function per verb, called by cmd/.
 * Each returns 0 or -errno and fills err; cmd/ prints the error once.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

struct container_opts {
        const char *root; /* state root, e.g. /run/husk */
        const char *id;
        const char *bundle; /* NULL: current directory */
        const char *pid_file;
        const char *console_socket;
        int preserve_fds; /* fds 3.. passed on, after the LISTEN_FDS ones */
        int listen_fds;   /* from LISTEN_FDS: fds 3.. passed on, with LISTEN_FDS/LISTEN_PID set */
        bool detach;
        bool no_pivot;
        bool no_new_keyring;
        bool keep; /* run: keep the state dir after the workload exits */
        bool systemd_cgroup;
};

/* `husk features`: the features JSON (malloc'ed), with what seccomp/ and the kernel support. */
int container_features_json(char **ret);

struct spec_state;

/*
 * `husk create`: sets the container up and leaves its init blocked before
 * exec (on ROOT/ID/exec.fifo).  Returns once the status is "created"; the
 * init outlives us, re-parented to our subreaper.
 */
int container_create(const struct container_opts *o, struct error_info *err);

/* `husk start`: releases a created container's init; it execs the workload. */
int container_start(const char *root, const char *id, struct error_info *err);

/*
 * `husk run`: creates the container, starts it, and (unless detach) waits for
 * it, forwarding signals.  *ret_status is the workload's exit status
 * (128+N when killed by signal N), or 0 with detach.
 */
int container_run(const struct container_opts *o, int *ret_status, struct error_info *err);

/* `husk state`: the OCI state JSON (malloc'ed) of a container. */
int container_state(const char *root, const char *id, char **ret_json, struct error_info *err);

/* `husk list`: the state of every container under root, status derived; owner filled. */
int container_list(const char *root, struct spec_state ***ret, size_t *ret_n, struct error_info *err);
void container_list_free(struct spec_state **list, size_t n);

/* `husk ps`: the pids in the container's cgroup (and below it). */
int container_ps(const char *root, const char *id, pid_t **ret_pids, size_t *ret_n, struct error_info *err);

/* `husk kill`: sends sig to the init (all: to every process of its cgroup). */
int container_kill(const char *root, const char *id, int sig, bool all, struct error_info *err);

/* `husk delete`: removes a stopped container; force kills a running one first. */
int container_delete(const char *root, const char *id, bool force, struct error_info *err);

/* ---- resources.c: pause, resume, update, events --------------------------------------- */

struct spec_resources;

/* `husk pause`: freezes every process of a running container; "is not running" otherwise. */
int container_pause(const char *root, const char *id, struct error_info *err);

/* `husk resume`: thaws a paused container; "is not paused" otherwise. */
int container_resume(const char *root, const char *id, struct error_info *err);

/*
 * `husk update`: writes the fields r sets into the cgroup of a created, running or paused
 * container (devices are not updated).  err names the field, file, value and reason.
 */
int container_update(const char *root, const char *id, const struct spec_resources *r,
                     struct error_info *err);

/*
 * `husk events`: calls fn with one JSON line per event (no newline).  stats_only: one
 * "stats" event and return.  Otherwise a "stats" event every interval_ms and an "oom" event
 * for each OOM kill, until the container stops (then 0) or fn returns < 0 (that value).
 * The state directory is not kept locked meanwhile.
 */
typedef int (*container_event_fn)(const char *json, void *userdata);
int container_events(const char *root, const char *id, bool stats_only, unsigned interval_ms,
                     container_event_fn fn, void *userdata, struct error_info *err);

/* ---- exec.c ------------------------------------------------------------------------------ */

struct container_exec_opts {
        const char *root;
        const char *id;
        const char *process_file; /* --process: the whole process; then args, cwd, env, user… unset */
        char **args;              /* COMMAND ARG…, replacing config.json's process.args */
        size_t n_args;
        const char *cwd;
        char **env; /* K=V, each set over config.json's process.env */
        size_t n_env;
        bool has_user, has_gid;
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        char **caps; /* added to the bounding, effective, permitted (and ambient) sets */
        size_t n_caps;
        bool no_new_privs;
        const char *apparmor_profile; /* --apparmor */
        const char *process_label;    /* --process-label (SELinux) */
        bool tty;
        const char *console_socket;
        bool detach;
        const char *pid_file;
        int preserve_fds;
        char **cgroups; /* --cgroup: "SUB" or "CONTROLLER[,…]:SUB" */
        size_t n_cgroups;
        bool ignore_paused;
};

/*
 * `husk exec`: runs a process in the namespaces and cgroup of a running container's init,
 * with config.json's process (BUNDLE/config.json as it is now) changed as o says, or with
 * o->process_file.  Returns once the process has exec'd with detach (writing pid_file), else
 * once it has exited, *ret_status being its status (128+N for signal N).  A process that
 * cannot be set up or exec'd is not left behind; err says why (a missing executable in the
 * words engines recognise).
 */
int container_exec(const struct container_exec_opts *o, int *ret_status, struct error_info *err);
