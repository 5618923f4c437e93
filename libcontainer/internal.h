/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the files of libcontainer share: the container being made. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "container.h"
#include "specs/spec.h"

struct cgroup;
struct mount_opts;
struct spec_state;
struct syscall_filter;

struct container {
        const struct container_opts *opts;
        const char *id;
        struct spec *spec;
        char *bundle;    /* absolute */
        char *rootfs;    /* absolute, real path */
        int state_dirfd; /* ROOT/ID */
        int procfd;      /* the host's /proc, checked to be procfs */
        int fifo_fd;     /* O_PATH of ROOT/ID/exec.fifo; the init reopens it for writing */
        int lsm_fd;      /* child: /proc/thread-self/attr/…/exec, when the process has a label */
        struct cgroup *cgroup;
        struct mount_opts *mount_opts; /* one per spec->mounts[], parsed by the parent */
        int *mount_fds;  /* one per spec->mounts[]: a detached idmapped tree made by the parent, or -EBADF */
        int rootfs_tree; /* the overlay rootfs (io.husk.rootfs.layers), detached, made by the parent; or
                            -EBADF */
        struct syscall_filter *filter; /* linux.seccomp compiled by the parent; NULL: none */

        /* The namespace plan, made by spawn_plan(). */
        int clone_flags;          /* CLONE_NEW* given to clone3 */
        int unshare_flags;        /* CLONE_NEW* the child unshares (join path) */
        int ns_fds[_SPEC_NS_MAX]; /* namespaces to join, opened by the parent; -EBADF: none */
        bool join_path;           /* the child joins namespaces and may fork the init */
        bool new_userns;
        bool new_pidns;
        bool new_cgroupns;
        bool new_timens;

        /* Set by spawn. */
        pid_t pid; /* the container's init, in our pid namespace */
        int pidfd;
        pid_t stage_pid;               /* join path: our direct child, which forks the init */
        int sync_fd;                   /* parent's end */
        int child_sync_fd;             /* child's end (closed in the parent after clone) */
        unsigned long long start_time; /* of pid, from /proc/PID/stat */
        char *created;                 /* RFC 3339 */
        char *start_hook_state;        /* the child's: state for startContainer hooks */

        /* process.terminal (terminal.c). */
        bool foreground;    /* `run` without -d: the parent outlives the set-up and waits */
        int console_sock;   /* parent: connected --console-socket */
        int console_master; /* parent: the pty's master, from the init (SYNC_CONSOLE) */
        int pty_master;     /* child: until handed to the parent */
        int pty_slave;      /* child: until it becomes fds 0, 1, 2 */
};

/* container.c: the parent's hooks before pivot_root (prestart, createRuntime), for spawn.c. */
int container_hooks_before_pivot(struct container *c, struct error_info *err);

/* The state JSON a hook gets on stdin, with status; malloc'ed, NULL on ENOMEM. */
char *container_hook_state(const struct container *c, const char *status);

/* spawn.c: the parent side. */
int spawn_plan(struct container *c, struct error_info *err);
int spawn_init(struct container *c, struct error_info *err);

/* init.c: the child side; never returns. */
__attribute__((noreturn)) void init_main(struct container *c);
/* init.c, called by rootfs_setup() before pivot_root: the hooks of that moment. */
int init_hooks_before_pivot(struct container *c, struct error_info *err);

/* rootfs.c: the mount namespace, run by the child. */
int rootfs_setup(struct container *c, struct error_info *err);
/*
 * rootfs-prepare.c, run by the parent before the clone: what needs the host's privileges or
 * paths, as detached mounts the init attaches (c->mount_fds: idmapped binds; c->rootfs_tree: the
 * overlay rootfs, see overlay.h).  Checks the mounts' idmap options against their mappings.
 */
int rootfs_prepare(struct container *c, struct error_info *err);
/* Closes what rootfs_prepare() opened; safe to call twice. */
void rootfs_prepare_release(struct container *c);
/* Parses mount(8)-style options into flags, propagation and data. */
struct mount_opts {
        unsigned long flags;       /* MS_* applied at mount time */
        unsigned long propagation; /* MS_SHARED, MS_SLAVE, … (| MS_REC) */
        bool bind;
        bool recursive_bind;
        uint64_t rec_set, rec_clr; /* MOUNT_ATTR_* for the whole tree (rro, rnosuid, …) */
        bool rec_atime;            /* rec_set holds an atime mode (ratime, rnoatime, …) */
        bool idmap;                /* idmap or ridmap: a bind whose ids go through a mapping */
        bool recursive_idmap;      /* ridmap: every mount of an rbind tree is idmapped */
        bool tmpcopyup;            /* a tmpfs filled with what was underneath */
        char data[1024];           /* the options mount(2) hands to the file system */
};
int mount_opts_parse(char *const *options, size_t n, struct mount_opts *ret, struct error_info *err);
/*
 * tmpcopyup.c: copies what a tmpfs covers (below: a directory fd opened before the mount) into
 * it (top: the tmpfs's root), by fd: directories, files, symlinks, device nodes, with modes,
 * owners and times.  dest names the mount in errors.
 */
int tmpcopyup(int below, int top, const char *dest, struct error_info *err);

/* process.c: the workload's process, run by the child after pivot_root. */
/* linux.sysctl, written after pivot_root and before /proc/sys is made read-only. */
int process_apply_sysctl(int procfd, const struct spec_linux *lx, struct error_info *err);
int process_setup(struct container *c, struct error_info *err);
/*
 * What the process needs of the host's /proc (procfd), done early, while /proc/self is still
 * ours: writes process.oomScoreAdj and opens the LSM's exec attribute into *ret_lsm_fd (-EBADF
 * without a label; process_exec() writes the label).
 */
int process_use_procfs(int procfd, const struct spec_process *p, int *ret_lsm_fd, struct error_info *err);
/* process.execCPUAffinity.initial/final (which): pid's allowed CPUs; list NULL: nothing. */
int process_set_affinity(pid_t pid, const char *list, const char *which, struct error_info *err);
int process_find_executable(const struct spec_process *p, char *buf, size_t size, struct error_info *err);
/* Execs the workload; on failure writes a struct error_info to report_fd and exits 127. */
__attribute__((noreturn)) void process_exec(struct container *c, int report_fd, const char *path);

/* filter.c: linux.seccomp (see the comment at its top for the order). */
/*
 * The parent: compiles s->linux->seccomp, or takes it from root's cache; *ret NULL when there
 * is none.  err names the field.
 */
int filter_compile(const struct spec *s, const char *root, struct syscall_filter **ret,
                   struct error_info *err);
/*
 * The child: loads c->filter when late == process.noNewPrivileges (false: before the
 * capabilities go, true: last before sync 2 / execve), and sends the listener fd, if any, to
 * the parent on c->child_sync_fd (SYNC_SECCOMP) at once.
 */
int filter_load(struct container *c, bool late, struct error_info *err);
/* The parent: sends the container process state for st (pid: the process of fd) and fd to
 * s->listener_path. */
int filter_send_listener(const struct spec_seccomp *s, const struct spec_state *st, pid_t pid, int fd,
                         struct error_info *err);

/* resources.c: the container's cgroup is frozen (husk pause). */
bool container_is_paused(const struct spec_state *st);
/* Thaws the container's cgroup if it is frozen (delete --force of a paused one); best effort. */
void container_thaw(const struct spec_state *st);

/* Reads field 22 of /proc/PID/stat (start time in clock ticks); 0 when gone. */
unsigned long long proc_start_time(int procfd, pid_t pid);

/* wait.c: what run and exec share once the process runs. */
struct terminal_proxy;
/* Writes pid to path atomically (a temporary file renamed over it). */
int write_pid_file(const char *path, pid_t pid, struct error_info *err);
/* A wait status as a shell's exit status: the code, or 128+N for signal N. */
int exit_status(int status);
/*
 * Waits for pid (our child), passing every signal we get on to it through pidfd (every signal
 * is blocked already).  With tty, copies its terminal to and from our stdio meanwhile, SIGWINCH
 * resizes it, and its output is drained before we return.  *ret_status: exit_status().
 */
int wait_forwarding(pid_t pid, int pidfd, struct terminal_proxy *tty, int *ret_status,
                    struct error_info *err);
