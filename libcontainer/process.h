/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The workload's process (process.c): what the container's init and an exec'd
 * process both do between their namespaces and execve, in this order (each
 * step needs the privileges the next one gives up):
 *
 *   rlimits, ioPriority, scheduler, personality
 *   seccomp without no_new_privs        (needs CAP_SYS_ADMIN; filter.c)
 *   bounding set                        (needs CAP_SETPCAP)
 *   groups, gid, uid                    (PR_SET_KEEPCAPS keeps the caps)
 *   effective/permitted/inheritable, ambient capabilities
 *   no_new_privs, umask, cwd, the executable found on the container's PATH
 *   (seccomp with no_new_privs: last before the parent lets go, filter.c)
 *   … then every fd but stdio and the preserved ones closed on exec
 */

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "specs/spec.h"

struct syscall_filter;

/* What a process about to exec needs: the small context init.c and exec.c hand to process.c. */
struct process_ctx {
        const struct spec_process *process;
        const struct spec_linux *lx;         /* linux.personality, linux.seccomp; NULL: none */
        const struct syscall_filter *filter; /* linux.seccomp compiled by the parent; NULL: none */
        int sync_fd;      /* to the parent: the seccomp listener (SYNC_SECCOMP), the pty (SYNC_CONSOLE) */
        int lsm_fd;       /* /proc/thread-self/attr/…/exec, when the process has a label; else -EBADF */
        int listen_fds;   /* fds 3.. passed on with LISTEN_FDS/LISTEN_PID */
        int preserve_fds; /* fds passed on after those */
        int pty_master;   /* process.terminal (terminal.c): until handed to the parent */
        int pty_slave;    /* until it becomes fds 0, 1, 2 */
};

/* A context for p with every fd -EBADF. */
void process_ctx_init(struct process_ctx *pc, const struct spec_process *p, const struct spec_linux *lx);

/* linux.sysctl, written after pivot_root and before /proc/sys is made read-only. */
int process_apply_sysctl(int procfd, const struct spec_linux *lx, struct error_info *err);

/*
 * What the process needs of the host's /proc (procfd), done early, while /proc/self is still
 * ours: writes process.oomScoreAdj and opens the LSM's exec attribute into *ret_lsm_fd (-EBADF
 * without a label; process_exec() writes the label).
 */
int process_use_procfs(int procfd, const struct spec_process *p, int *ret_lsm_fd, struct error_info *err);

/* The steps above, from rlimits to cwd. */
int process_setup(const struct process_ctx *pc, struct error_info *err);

/* process.execCPUAffinity.initial/final (which): pid's allowed CPUs; list NULL: nothing. */
int process_set_affinity(pid_t pid, const char *list, const char *which, struct error_info *err);

/* args[0] found as runc finds it (PATH from the process's env); buf gets the path. */
int process_find_executable(const struct spec_process *p, char *buf, size_t size, struct error_info *err);

/* Execs the workload; on failure writes a struct error_info to report_fd and exits 127. */
__attribute__((noreturn)) void process_exec(const struct process_ctx *pc, int report_fd, const char *path);
