/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent's side of starting a container's init: the clone (namespaces
 * per the plan of namespaces/, born in the cgroup), then the parent's half of
 * sync points 1, 2 and 3 (see sync.h).  The child gets struct init_ctx, made
 * here from struct container, and runs init_main().
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "filter.h"
#include "hooks.h"
#include "init.h"
#include "spawn.h"
#include "sync.h"
#include "base/banned.h"

void container_init(struct container *c, const struct container_opts *o)
{
        *c = (struct container){
                .opts = o,
                .state_dirfd = -EBADF,
                .procfd = -EBADF,
                .fifo_fd = -EBADF,
                .pidfd = -EBADF,
                .sync_fd = -EBADF,
                .console_sock = -EBADF,
                .console_master = -EBADF,
        };
        mount_plan_init(&c->mounts);
        ns_plan_init(&c->ns);
}

struct spec_state container_record(const struct container *c)
{
        return (struct spec_state){
                .id = (char *) c->opts->id,
                .pid = c->pid,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .created = c->created,
                .owner = (char *) "",
                .annotations = c->spec->annotations,
                .n_annotations = c->spec->n_annotations,
        };
}

/* What the init needs of c; its end of the sync socket is child_fd. */
static void init_ctx_make(const struct container *c, int child_fd, struct init_ctx *ctx)
{
        *ctx = (struct init_ctx){
                .spec = c->spec,
                .st = container_record(c),
                .ns = c->ns,
                .rootfs =
                        {
                                .spec = c->spec,
                                .bundle = c->bundle,
                                .rootfs = c->rootfs,
                                .plan = (struct mount_plan *) &c->mounts,
                                .cgroup = c->cgroup,
                                .userns = c->ns.new_user,
                                .no_pivot = c->opts->no_pivot,
                        },
                .procfd = c->procfd,
                .fifo_fd = c->fifo_fd,
                .no_new_keyring = c->opts->no_new_keyring,
        };
        process_ctx_init(&ctx->proc, c->spec->process, c->spec->linux);
        ctx->proc.filter = c->filter;
        ctx->proc.sync_fd = child_fd;
        ctx->proc.listen_fds = c->opts->listen_fds;
        ctx->proc.preserve_fds = c->opts->preserve_fds;
}

/* linux.seccomp.listenerPath gets the init's listener fd with the state, status "creating". */
static int send_listener(const struct container *c, int fd, struct error_info *err)
{
        struct spec_state st = container_record(c);

        st.status = (char *) "creating";
        return filter_send_listener(c->spec->linux->seccomp, &st, c->pid, fd, err);
}

/* The join path: the init, forked by the stage child, is our child too (CLONE_PARENT). */
static int track_init(struct container *c, pid_t pid, struct error_info *err)
{
        c->pid = pid;
        safe_close(c->pidfd);
        c->pidfd = (int) syscall(SYS_pidfd_open, c->pid, 0);
        if (c->pidfd < 0)
                return error_set(err, errno, "pidfd_open %d", (int) c->pid);
        /* The stage child exits right after telling us. */
        (void) waitpid(c->stage_pid, NULL, 0);
        return 0;
}

/* One message of the init between sync 1 and sync 2; 1 at sync 2 (ready), 0 to go on. */
static int serve_one(struct container *c, const struct sync_msg *m, int *passed, struct error_info *err)
{
        int r;

        switch ((enum sync_type) m->type) {
        case SYNC_USERMAP_REQ:
                /* The stage child made the user namespace: it is our direct child. */
                r = ns_write_id_maps(c->procfd, c->stage_pid, c->spec->linux, err);
                if (r < 0)
                        return r;
                r = sync_send(c->sync_fd, SYNC_USERMAP_ACK, 0);
                return r < 0 ? error_set(err, -r, "write to container init") : 0;
        case SYNC_INIT_PID:
                return track_init(c, m->pid, err);
        case SYNC_HOOKS: {
                struct spec_state st = container_record(c);
                r = hooks_before_pivot_parent(&c->spec->hooks, &st, err);
                if (r < 0)
                        return r;
                r = sync_send(c->sync_fd, SYNC_HOOKS_DONE, c->pid);
                return r < 0 ? error_set(err, -r, "write to container init") : 0;
        }
        case SYNC_CONSOLE:
                if (*passed < 0)
                        return error_set_reason(err, EPROTO, "container init sent no pty master");
                safe_close(c->console_master);
                c->console_master = TAKE_FD(*passed);
                return 0;
        case SYNC_SECCOMP:
                /* At once: the init may already wait in a notified syscall. */
                return send_listener(c, *passed, err);
        case SYNC_READY: /* sync 2 */
                if (c->spec->process->terminal && c->console_master < 0)
                        return error_set_reason(err, EPROTO, "container init made no terminal");
                return 1;
        case SYNC_ERROR:
                if (err)
                        *err = m->err;
                return -(m->err.errnum > 0 ? m->err.errnum : EIO);
        case SYNC_GO:
        case SYNC_USERMAP_ACK:
        case SYNC_HOOKS_DONE:
        case SYNC_CREATED:
                break;
        }
        return error_set(err, EPROTO, "unexpected message %u from container init", m->type);
}

/* The parent's side between sync 1 and sync 2. */
static int serve_until_ready(struct container *c, struct error_info *err)
{
        for (;;) {
                _cleanup_close_ int passed = -EBADF;
                struct sync_msg m;

                int r = sync_recv_fd(c->sync_fd, &m, &passed);
                if (r < 0)
                        return error_set(err, -r, "read from container init");
                if (r == 0)
                        return error_set_reason(err, EPIPE, "container init exited during set-up");
                r = serve_one(c, &m, &passed, err);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
}

/* The clone, around which we stand in the pid namespace given by path (setns affects children only). */
static int clone_init(struct container *c, int child_fd, bool *ret_in_cgroup, struct error_info *err)
{
        struct init_ctx ctx;
        int saved, r;

        r = ns_join_for_children(c->procfd, c->ns.fds[SPEC_NS_PID], SPEC_NS_PID, &saved, err);
        if (r < 0)
                return r;
        init_ctx_make(c, child_fd, &ctx);
        /*
         * Until the workload's execve, no process of the container may reach into ours through
         * /proc (our fds, our binary) or ptrace: non-dumpable, inherited by the init with our memory.
         */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        pid_t pid = ns_clone(c->ns.clone_flags, cgroup_v2_fd(c->cgroup), &c->pidfd, ret_in_cgroup);
        if (pid == 0) {
                (void) close(c->sync_fd);
                init_main(&ctx);
        }
        r = pid < 0 ? errno : 0;
        /* Back to our own pid namespace for later children (hooks). */
        ns_leave_for_children(saved, SPEC_NS_PID);
        if (pid < 0)
                return error_set(err, r, "clone3 (flags 0x%llx)", (unsigned long long) c->ns.clone_flags);
        c->pid = pid;
        return 0;
}

int spawn_init(struct container *c, struct error_info *err)
{
        _cleanup_close_ int child_fd = -EBADF;
        bool in_cgroup = false;
        int sv[2], r;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return error_set(err, errno, "socketpair");
        c->sync_fd = sv[0];
        child_fd = sv[1];
        log_debug("namespaces: clone flags 0x%llx, unshare flags 0x%x, join path %s",
                  (unsigned long long) c->ns.clone_flags, c->ns.unshare_flags,
                  c->ns.join_path ? "yes" : "no");
        r = clone_init(c, child_fd, &in_cgroup, err);
        if (r < 0)
                return r;
        child_fd = safe_close(child_fd);
        log_debug("container init cloned: pid %d%s", (int) c->pid, in_cgroup ? ", born in its cgroup" : "");
        if (c->ns.join_path)
                c->stage_pid = c->pid;
        if (c->ns.new_user && !c->ns.join_path) {
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

int spawn_release(struct container *c, struct error_info *err)
{
        /* sync 3: the init lets go of us and waits on exec.fifo. */
        int r = sync_send(c->sync_fd, SYNC_CREATED, 0);
        if (r < 0)
                return error_set(err, -r, "tell the container's init it is created");
        r = sync_expect_eof(c->sync_fd, err);
        if (r < 0)
                return r;
        c->sync_fd = safe_close(c->sync_fd);
        return 0;
}
