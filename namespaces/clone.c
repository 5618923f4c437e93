/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one clone3 of husk.  Every process husk makes goes through ns_clone():
 * the container's init, an exec'd process, the join path's second init, the
 * hooks, the helper that holds a user namespace for an idmapping.
 *
 * One fallback policy, for the two ways clone3 can be refused:
 *   - CLONE_INTO_CGROUP (kernel 5.7+, cgroup v2 only) refused for any reason
 *     but a lack of memory or processes (an old kernel, a cgroup with
 *     controllers in its subtree_control): the clone is tried again without
 *     it and *ret_in_cgroup says false, so the caller writes cgroup.procs.
 *   - ENOSYS: a kernel before 5.3, or a seccomp profile that answers clone3
 *     so (docker-like profiles do, for libcs to fall back to clone): without
 *     namespace flags, fork() and pidfd_open() stand in for it.
 */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces/ns.h"
#include "base/banned.h"

static pid_t clone3_once(uint64_t flags, int cgroup_fd, int *ret_pidfd)
{
        struct clone_args args = {
                .flags = flags | (ret_pidfd ? CLONE_PIDFD : 0),
                .pidfd = (uint64_t) (uintptr_t) ret_pidfd,
                /* The kernel refuses one with CLONE_PARENT: the child then signals our parent as we do. */
                .exit_signal = flags & CLONE_PARENT ? 0 : SIGCHLD,
        };

        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        return (pid_t) syscall(SYS_clone3, &args, sizeof args);
}

/* fork() where clone3 is refused: only for a plain child (no namespace or parent flags). */
static pid_t fork_instead(uint64_t flags, int *ret_pidfd)
{
        if (flags) {
                errno = ENOSYS;
                return -1;
        }
        pid_t pid = fork();
        if (pid <= 0 || !ret_pidfd)
                return pid;
        *ret_pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (*ret_pidfd < 0) {
                int e = errno;
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                errno = e;
                return -1;
        }
        return pid;
}

pid_t ns_clone(uint64_t flags, int cgroup_fd, int *ret_pidfd, bool *ret_in_cgroup)
{
        pid_t pid = clone3_once(flags, cgroup_fd, ret_pidfd);

        /* FIXME: remove the retry without the cgroup when kernel 5.7 is the baseline. */
        if (pid < 0 && cgroup_fd >= 0 && errno != ENOMEM && errno != EAGAIN && errno != ENOSYS) {
                cgroup_fd = -EBADF;
                pid = clone3_once(flags, cgroup_fd, ret_pidfd);
        }
        if (pid < 0 && errno == ENOSYS) {
                cgroup_fd = -EBADF;
                pid = fork_instead(flags, ret_pidfd);
        }
        if (ret_in_cgroup)
                *ret_in_cgroup = pid >= 0 && cgroup_fd >= 0;
        return pid;
}
