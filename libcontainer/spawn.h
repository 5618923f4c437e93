/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The parent's view of a container being made (container.c builds it, spawn.c
 * starts its init): what the parent owns, from the config to the init's pid.
 * The init gets only the small context of init.h, made from it by spawn_init().
 */

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "container.h"
#include "namespaces/ns.h"
#include "rootfs.h"
#include "specs/spec.h"
#include "specs/state.h"

struct cgroup;
struct syscall_filter;

struct container {
        const struct container_opts *opts;
        struct spec *spec;
        char *bundle;    /* absolute */
        char *rootfs;    /* absolute, real path */
        char *created;   /* RFC 3339 */
        int state_dirfd; /* ROOT/ID, locked */
        bool claimed;    /* ROOT/ID is ours: made by this call, removed by its rollback */
        dev_t state_dev; /* ROOT/ID's identity: a later one of the same id is another container */
        ino_t state_ino;
        int procfd;  /* the host's /proc, checked to be procfs */
        int fifo_fd; /* O_PATH of ROOT/ID/exec.fifo; the init reopens it for writing */
        struct cgroup *cgroup;
        struct mount_plan mounts;      /* options parsed; the detached mounts the init attaches */
        struct syscall_filter *filter; /* linux.seccomp compiled; NULL: none */
        struct ns_plan ns;

        /* Set by spawn_init(). */
        pid_t pid; /* the container's init, in our pid namespace */
        int pidfd;
        pid_t stage_pid;               /* join path: our direct child, which forks the init */
        int sync_fd;                   /* our end of the sync socket */
        unsigned long long start_time; /* of pid, from /proc/PID/stat; 0 until set-up is done */

        /* process.terminal. */
        bool foreground;    /* `run` without -d: we outlive the set-up and wait */
        int console_sock;   /* connected --console-socket */
        int console_master; /* the pty's master, from the init (SYNC_CONSOLE) */
};

/* A container of o with every fd -EBADF and nothing made. */
void container_init(struct container *c, const struct container_opts *o);

/*
 * What hooks, the seccomp listener and state.json are told of c: borrowed strings, no status
 * (state_hook_json() adds one).  pid is c->pid; cgroup is NULL (state.json adds it).
 */
struct spec_state container_record(const struct container *c);

/*
 * Starts the init (namespaces per c->ns, born in c's cgroup) and serves it until it is set up
 * and waits (sync 1 to sync 2, see sync.h): id maps, prestart and createRuntime hooks, the
 * pty master, the seccomp listener.  On failure err holds the init's own error.
 */
int spawn_init(struct container *c, struct error_info *err);

/* Sync 3: the init lets go of us and blocks on exec.fifo; returns once it has closed its end. */
int spawn_release(struct container *c, struct error_info *err);
