/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent's side of starting a container's init: which namespaces are
 * made by clone3 and which are joined, the clone itself, and the parent's
 * half of sync points 1 and 2 (see sync.h).
 *
 * Two ways in:
 *  - the direct path (nothing to join but perhaps a pid namespace): one
 *    clone3 with every CLONE_NEW* flag; the child is the container's init.
 *  - the join path (a namespace given by path): the child joins them (user
 *    first), unshares the new ones (so they belong to the right user
 *    namespace), and forks the init with CLONE_PARENT when a new pid
 *    namespace is asked for, as runc's nsexec does.
 * The cgroup and time namespaces are always unshared by the child: the
 * cgroup one after the parent has moved it into its cgroup (so that cgroup
 * becomes its root), the time one so it can write the offsets before any
 * process lives in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "internal.h"
#include "namespaces/ns.h"
#include "specs/state.h"
#include "sync.h"
#include "base/banned.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

int spawn_plan(struct container *c, struct error_info *err)
{
        const struct spec_linux *lx = c->spec->linux;
        int new_flags = 0;

        for (int t = 0; t < _SPEC_NS_MAX; t++)
                c->ns_fds[t] = -EBADF;

        for (size_t i = 0; lx && i < lx->n_namespaces; i++) {
                const struct spec_namespace *ns = &lx->namespaces[i];
                if (ns->path && *ns->path) {
                        int fd = ns_open(ns->type, ns->path, err);
                        if (fd < 0)
                                return error_prefix(err, fd, "linux.namespaces[%zu]", i);
                        c->ns_fds[ns->type] = fd;
                        if (ns->type != SPEC_NS_PID)
                                c->join_path = true;
                } else
                        new_flags |= ns_clone_flag(ns->type);
        }

        if (c->ns_fds[SPEC_NS_MOUNT] >= 0)
                return error_set(err, EOPNOTSUPP, "linux.namespaces: joining a mount namespace by path");
        if (!(new_flags & CLONE_NEWNS))
                return error_set(err, EINVAL, "linux.namespaces: a new mount namespace is required");

        c->new_userns = new_flags & CLONE_NEWUSER;
        c->new_pidns = new_flags & CLONE_NEWPID;
        c->new_cgroupns = new_flags & CLONE_NEWCGROUP;
        c->new_timens = new_flags & CLONE_NEWTIME;
        new_flags &= ~(CLONE_NEWCGROUP | CLONE_NEWTIME);

        if (c->join_path) {
                c->clone_flags = 0;
                c->unshare_flags = new_flags;
        } else {
                c->clone_flags = new_flags;
                c->unshare_flags = 0;
        }
        log_debug("namespaces: clone flags 0x%x, unshare flags 0x%x, join path %s", c->clone_flags,
                  c->unshare_flags, c->join_path ? "yes" : "no");
        return 0;
}

/* clone3 with a pidfd, born in cgroup_fd when given and the kernel can. */
static pid_t do_clone3(int flags, int cgroup_fd, int *ret_pidfd, bool *ret_in_cgroup)
{
        struct clone_args args = {
                .flags = (uint64_t) flags | CLONE_PIDFD,
                .pidfd = (uint64_t) (uintptr_t) ret_pidfd,
                .exit_signal = SIGCHLD,
        };
        pid_t pid;

        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof args);
        /* FIXME: remove the fallback when kernel 5.7 (CLONE_INTO_CGROUP) is the baseline. */
        if (pid < 0 && cgroup_fd >= 0 && (errno == EINVAL || errno == E2BIG || errno == EOPNOTSUPP))
                return do_clone3(flags, -EBADF, ret_pidfd, ret_in_cgroup);
        *ret_in_cgroup = cgroup_fd >= 0;
        return pid;
}

/* setns(pid) only changes the pid namespace of our future children: do it around the clone. */
static int enter_pidns_for_children(struct container *c, int *ret_saved, struct error_info *err)
{
        *ret_saved = -EBADF;
        if (c->ns_fds[SPEC_NS_PID] < 0)
                return 0;
        int saved = openat(c->procfd, "self/ns/pid", O_RDONLY | O_CLOEXEC);
        if (saved < 0)
                return error_set(err, errno, "open /proc/self/ns/pid");
        if (setns(c->ns_fds[SPEC_NS_PID], CLONE_NEWPID) < 0) {
                (void) close(saved);
                return error_set(err, errno, "join pid namespace");
        }
        *ret_saved = saved;
        return 0;
}

/* linux.seccomp.listenerPath gets the init's listener fd with the state, status "creating". */
static int send_listener(const struct container *c, int fd, struct error_info *err)
{
        struct spec_state st = {
                .id = (char *) c->id,
                .status = (char *) "creating",
                .pid = c->pid,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .created = c->created,
                .owner = (char *) "",
                .annotations = c->spec->annotations,
                .n_annotations = c->spec->n_annotations,
        };
        return filter_send_listener(c->spec->linux->seccomp, &st, c->pid, fd, err);
}

/*
 * The parent's side between sync 1 and sync 2: the join path's messages, the
 * hooks the parent runs before pivot_root, the terminal's master, and sync 2
 * itself.
 */
static int serve_until_ready(struct container *c, struct error_info *err)
{
        struct sync_msg m;
        int r;

        for (;;) {
                _cleanup_close_ int passed = -EBADF;

                r = sync_recv_fd(c->sync_fd, &m, &passed);
                if (r < 0)
                        return error_set(err, -r, "read from container init");
                if (r == 0)
                        return error_set_reason(err, EPIPE, "container init exited during set-up");
                switch ((enum sync_type) m.type) {
                case SYNC_USERMAP_REQ:
                        /* The stage child made the user namespace: it is our direct child. */
                        r = ns_write_id_maps(c->procfd, c->stage_pid, c->spec->linux, err);
                        if (r < 0)
                                return r;
                        r = sync_send(c->sync_fd, SYNC_USERMAP_ACK, 0);
                        if (r < 0)
                                return error_set(err, -r, "write to container init");
                        continue;
                case SYNC_INIT_PID:
                        /* The init is our child too (CLONE_PARENT); track it from now on. */
                        c->pid = m.pid;
                        safe_close(c->pidfd);
                        c->pidfd = (int) syscall(SYS_pidfd_open, c->pid, 0);
                        if (c->pidfd < 0)
                                return error_set(err, errno, "pidfd_open %d", (int) c->pid);
                        /* The stage child exits right after telling us. */
                        (void) waitpid(c->stage_pid, NULL, 0);
                        continue;
                case SYNC_HOOKS:
                        r = container_hooks_before_pivot(c, err);
                        if (r < 0)
                                return r;
                        r = sync_send(c->sync_fd, SYNC_HOOKS_DONE, c->pid);
                        if (r < 0)
                                return error_set(err, -r, "write to container init");
                        continue;
                case SYNC_CONSOLE:
                        if (passed < 0)
                                return error_set_reason(err, EPROTO, "container init sent no pty master");
                        safe_close(c->console_master);
                        c->console_master = TAKE_FD(passed);
                        continue;
                case SYNC_SECCOMP:
                        /* At once: the init may already wait in a notified syscall. */
                        r = send_listener(c, passed, err);
                        if (r < 0)
                                return r;
                        continue;
                case SYNC_READY: /* sync 2 */
                        if (c->spec->process->terminal && c->console_master < 0)
                                return error_set_reason(err, EPROTO, "container init made no terminal");
                        return 0;
                case SYNC_ERROR:
                        if (err)
                                *err = m.err;
                        return -(m.err.errnum > 0 ? m.err.errnum : EIO);
                case SYNC_GO:
                case SYNC_USERMAP_ACK:
                case SYNC_HOOKS_DONE:
                case SYNC_CREATED:
                        break;
                }
                return error_set(err, EPROTO, "unexpected message %u from container init", m.type);
        }
}

int spawn_init(struct container *c, struct error_info *err)
{
        int sv[2], r, saved_pidns;
        bool in_cgroup;
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return error_set(err, errno, "socketpair");
        c->sync_fd = sv[0];
        c->child_sync_fd = sv[1];

        r = enter_pidns_for_children(c, &saved_pidns, err);
        if (r < 0)
                return r;

        c->pidfd = -EBADF;
        /*
         * Until the workload's execve, no process of the container may reach into ours through
         * /proc (our fds, our binary) or ptrace: non-dumpable, inherited by the init with our memory.
         */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        pid = do_clone3(c->clone_flags, cgroup_v2_fd(c->cgroup), &c->pidfd, &in_cgroup);
        if (pid == 0) {
                c->sync_fd = safe_close(c->sync_fd);
                init_main(c);
        }
        r = pid < 0 ? errno : 0;
        if (saved_pidns >= 0) {
                /* Back to our own pid namespace for later children (hooks). */
                (void) setns(saved_pidns, CLONE_NEWPID);
                (void) close(saved_pidns);
        }
        if (pid < 0)
                return error_set(err, r, "clone3 (flags 0x%x)", c->clone_flags);
        c->pid = pid;
        c->child_sync_fd = safe_close(c->child_sync_fd);
        log_debug("container init cloned: pid %d%s", (int) c->pid, in_cgroup ? ", born in its cgroup" : "");

        if (c->join_path)
                c->stage_pid = c->pid;

        if (c->new_userns && !c->join_path) {
                r = ns_write_id_maps(c->procfd, c->pid, c->spec->linux, err);
                if (r < 0)
                        return r;
        }
        /* Before the cgroup: on v1 and hybrid hosts joining the cpuset resets the affinity. */
        r = process_set_affinity(c->pid, c->spec->process->exec_cpu_affinity_initial, "initial", err);
        if (r < 0)
                return r;
        r = cgroup_enter(c->cgroup, c->pid, in_cgroup, err);
        if (r < 0)
                return r;

        /* sync 1. */
        r = sync_send(c->sync_fd, SYNC_GO, 0);
        if (r < 0)
                return error_set(err, -r, "write to container init");

        return serve_until_ready(c, err);
}
