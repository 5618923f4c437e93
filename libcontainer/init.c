/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's init, from clone3 to execve, as one straight path: init_run()
 * calls these steps in this order, and no step calls back into it.
 *
 *   sync 1: wait for the parent (id maps, cgroup)
 *   namespaces (enter_namespaces): the join path's joins (user first) and
 *     unshares, and the fork of the init into a new pid namespace; the time
 *     namespace and its offsets (entered now); oom_score_adj and the LSM's
 *     exec attribute through /proc; root of the user namespace; the cgroup
 *     namespace (after the parent moved us: our cgroup is its root)
 *   a session keyring of its own, hostname, domainname, loopback up
 *   mounts (rootfs_mount): the rootfs, config.json's mounts, /dev
 *   hooks before pivot_root (hooks_before_pivot_child): the parent runs
 *     prestart and createRuntime, then we run createContainer
 *   pivot_root (rootfs_pivot)
 *   sysctl (before readonlyPaths: /proc/sys is read-only after them)
 *   terminal: the pty from the container's devpts, its slave on /dev/console
 *   masked and read-only paths, root.readonly
 *   process (process_setup): rlimits, (seccomp without no_new_privs), user,
 *     capabilities, no_new_privs, cwd; the executable found
 *   terminal hand-over: the master to the parent, the slave our stdio
 *   seccomp with no_new_privs (the listener fd, if any, to the parent)
 *   sync 2: ready; sync 3: created → let go of the parent
 *   block opening exec.fifo until `start`; startContainer hooks; execve
 *
 * Until sync 3 every failure is sent to the parent as SYNC_ERROR, which
 * reports it; after it, failures go into exec.fifo for `start` to report.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>
#include <linux/sched.h>

#include "base/interrupt.h"
#include "base/cleanup.h"
#include "base/log.h"
#include "filter.h"
#include "hooks.h"
#include "init.h"
#include "sync.h"
#include "terminal.h"
#include "base/banned.h"

/*
 * The join path: namespaces given by path are joined first (user first, so
 * the others are joined with its privileges), then the new ones are made
 * so they belong to the right user namespace.  Returns 0 in the process
 * that goes on as the container's init.
 */
static int join_and_unshare(struct ns_plan *ns, int fd, struct error_info *err)
{
        struct sync_msg m;
        int r;

        r = ns_join_all(ns->fds, "linux.namespaces", err);
        if (r < 0)
                return r;
        if (ns->unshare_flags & CLONE_NEWUSER) {
                if (unshare(CLONE_NEWUSER) < 0)
                        return error_set(err, errno, "unshare the user namespace");
                r = sync_send(fd, SYNC_USERMAP_REQ, 0);
                if (r < 0)
                        return error_set(err, -r, "ask for id maps");
                r = sync_expect(fd, SYNC_USERMAP_ACK, &m, err);
                if (r < 0)
                        return r;
        }
        int rest = ns->unshare_flags & ~(CLONE_NEWUSER | CLONE_NEWPID);
        if (rest && unshare(rest) < 0)
                return error_set(err, errno, "unshare namespaces (flags 0x%x)", rest);
        if (!(ns->unshare_flags & CLONE_NEWPID))
                return 0;

        if (unshare(CLONE_NEWPID) < 0)
                return error_set(err, errno, "unshare the pid namespace");
        /* CLONE_PARENT: the init becomes husk's child, not ours. */
        pid_t pid = ns_clone(CLONE_PARENT, -EBADF, NULL, NULL);
        if (pid < 0)
                return error_set(err, errno, "fork the container's init");
        if (pid == 0) {
                /* Our parent is husk now (CLONE_PARENT): die with it, as the stage child does. */
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                return 0;
        }
        r = sync_send(fd, SYNC_INIT_PID, pid);
        _exit(r < 0 ? 1 : 0);
}

/*
 * A new time namespace with the config's offsets, entered now: before 6.x kernels an execve()
 * does not move the caller into time_for_children, only its children would be in it.
 */
static int enter_new_timens(int procfd, const struct spec_linux *lx, struct error_info *err)
{
        if (unshare(CLONE_NEWTIME) < 0)
                return error_set(err, errno, "unshare the time namespace");
        int r = ns_write_time_offsets(procfd, lx, err);
        if (r < 0)
                return error_prefix(err, r, "linux.timeOffsets");
        _cleanup_close_ int tfd = openat(procfd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
        if (tfd < 0 || setns(tfd, CLONE_NEWTIME) < 0)
                return error_set(err, errno, "enter the new time namespace");
        return 0;
}

/* Every namespace of the plan, and what must happen while /proc/self is still ours. */
static int enter_namespaces(struct init_ctx *ctx, struct error_info *err)
{
        struct ns_plan *ns = &ctx->ns;
        int r;

        if (ns->join_path) {
                r = join_and_unshare(ns, ctx->proc.sync_fd, err);
                if (r < 0)
                        return r;
        }
        /*
         * Before the uid change below: changing credentials makes us non-dumpable, and then
         * /proc/self belongs to an id the user namespace does not map.
         */
        if (ns->new_time) {
                r = enter_new_timens(ctx->procfd, ctx->spec->linux, err);
                if (r < 0)
                        return r;
        }
        r = process_use_procfs(ctx->procfd, ctx->spec->process, &ctx->proc.lsm_fd, err);
        if (r < 0)
                return r;
        if (ns->new_user) {
                /* Files we create must belong to the container's root, not an unmapped id. */
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        return error_set(err, errno, "become root in the user namespace (is 0 mapped?)");
                if (setgroups(0, NULL) < 0 && errno != EPERM)
                        return error_set(err, errno, "drop supplementary groups");
        }
        if (ns->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
                return error_set(err, errno, "unshare the cgroup namespace");
        return 0;
}

/*
 * A session keyring of the container's own, so it cannot read the caller's
 * keys (runc does the same unless --no-new-keyring).  Kernels without
 * keyrings (ENOSYS) have nothing to share.
 */
static int join_session_keyring(const char *id, struct error_info *err)
{
        char name[1100];

        snprintf(name, sizeof name, "_ses.%s", id);
        long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
        if (key < 0) {
                if (errno == ENOSYS)
                        return 0;
                return error_set(err, errno, "join a new session keyring '%s'", name);
        }
        /* possessor: all; user: view, read, write, search, link, setattr; group and other: none */
        if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f3f0000, 0, 0) < 0)
                return error_set(err, errno, "set the permissions of session keyring '%s'", name);
        return 0;
}

/* The keyring, hostname, domainname and loopback device of the new namespaces. */
static int set_identity(const struct init_ctx *ctx, struct error_info *err)
{
        const struct spec *s = ctx->spec;
        int r;

        if (!ctx->no_new_keyring) {
                r = join_session_keyring(ctx->st.id, err);
                if (r < 0)
                        return r;
        }
        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return error_set(err, errno, "hostname: set '%s'", s->hostname);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                return error_set(err, errno, "domainname: set '%s'", s->domainname);
        if (ctx->ns.new_net)
                return ns_loopback_up(err);
        return 0;
}

/* process.terminal, after pivot_root: the pty from the container's devpts, on /dev/console. */
static int open_terminal(struct init_ctx *ctx, int rootfd, struct error_info *err)
{
        if (!ctx->spec->process->terminal)
                return 0;
        int r = terminal_open_pty(&ctx->proc, rootfd, err);
        if (r < 0)
                return r;
        return rootfs_bind_console(rootfd, ctx->proc.pty_slave, err);
}

static int init_run(struct init_ctx *ctx, char *exe, size_t exe_size, struct error_info *err)
{
        const struct spec *s = ctx->spec;
        int fd = ctx->proc.sync_fd;
        _cleanup_close_ int rootfd = -EBADF, newroot = -EBADF;
        struct sync_msg m;
        int r;

        /* sync 1. */
        r = sync_expect(fd, SYNC_GO, &m, err);
        if (r < 0)
                return r;
        r = enter_namespaces(ctx, err);
        if (r < 0)
                return r;
        r = set_identity(ctx, err);
        if (r < 0)
                return r;
        r = rootfs_mount(&ctx->rootfs, &rootfd, err);
        if (r < 0)
                return r;
        /* The moment of prestart, createRuntime and createContainer hooks: mounted, not pivoted. */
        r = hooks_before_pivot_child(&s->hooks, fd, &ctx->st, &ctx->start_hook_state, err);
        if (r < 0)
                return r;
        r = rootfs_pivot(&ctx->rootfs, rootfd, &newroot, err);
        if (r < 0)
                return r;
        rootfd = safe_close(rootfd);
        ns_plan_close(&ctx->ns);
        r = process_apply_sysctl(ctx->procfd, s->linux, err);
        if (r < 0)
                return r;
        r = open_terminal(ctx, newroot, err);
        if (r < 0)
                return r;
        r = rootfs_mask_paths(newroot, s->linux, err);
        if (r < 0)
                return r;
        r = rootfs_make_readonly(newroot, s, err);
        if (r < 0)
                return r;
        r = process_setup(&ctx->proc, err);
        if (r < 0)
                return r;
        r = process_find_executable(s->process, exe, exe_size, err);
        if (r < 0)
                return r;
        /* Last: from here our own messages (stderr) would land on the container's terminal. */
        if (s->process->terminal) {
                r = terminal_hand_over(&ctx->proc, err);
                if (r < 0)
                        return r;
        }
        /* With no_new_privs: as late as the parent still listens for the seccomp listener fd. */
        r = filter_load(&ctx->proc, true, err);
        if (r < 0)
                return r;
        /* sync 2. */
        r = sync_send(fd, SYNC_READY, 0);
        if (r < 0)
                return error_set(err, -r, "tell the parent we are ready");
        /* sync 3. */
        r = sync_expect(fd, SYNC_CREATED, &m, err);
        if (r < 0)
                return r;
        /* Created: the container outlives the husk that made it. */
        (void) prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
        return 0;
}

/*
 * Created: block until `start` opens exec.fifo for reading.  The fifo is
 * reopened for writing through the host's /proc (the container may have no
 * /proc of its own); its write end is O_CLOEXEC, so `start` reads end-of-file
 * once execve() worked, or the error that stopped us.
 */
__attribute__((noreturn)) static void wait_for_start(struct init_ctx *ctx, const char *exe)
{
        struct error_info err = {0};
        char path[32];
        int fd;

        snprintf(path, sizeof path, "self/fd/%d", ctx->fifo_fd);
        do
                fd = openat(ctx->procfd, path, O_WRONLY | O_CLOEXEC);
        while (fd < 0 && errno == EINTR);
        if (fd < 0) {
                dprintf(2, "husk: container init: open exec.fifo: %s\n", strerror(errno));
                _exit(1);
        }
        ctx->procfd = safe_close(ctx->procfd); /* the host's /proc: not ours to keep past this point */
        ctx->fifo_fd = safe_close(ctx->fifo_fd);
        if (write(fd, "0", 1) != 1)
                _exit(1);
        if (ctx->start_hook_state &&
            hooks_run(&ctx->spec->hooks, SPEC_HOOK_START_CONTAINER, ctx->start_hook_state, &err) < 0) {
                (void) write(fd, &err, sizeof err);
                _exit(1);
        }
        process_exec(&ctx->proc, fd, exe);
}

static int cmp_int(const void *a, const void *b)
{
        return *(const int *) a - *(const int *) b;
}

/*
 * Of what husk had open, the init keeps only what it uses.  The state dir's
 * fd above all must go: its flock would otherwise live on in the init and
 * keep `start`, `kill` and `delete` waiting.
 */
static void close_inherited_fds(const struct init_ctx *ctx)
{
        const struct mount_plan *plan = ctx->rootfs.plan;
        size_t n_mounts = plan->fds ? plan->n : 0;
        _cleanup_free_ int *keep = malloc((_SPEC_NS_MAX + 8 + n_mounts) * sizeof *keep);
        int n = 0;
        unsigned first = 3 + (unsigned) ctx->proc.listen_fds + (unsigned) ctx->proc.preserve_fds;

        if (!keep)
                _exit(1); /* the parent reads the sync socket's end and reports the init's failure */
        keep[n++] = ctx->proc.sync_fd;
        keep[n++] = plan->rootfs_tree; /* the parent's detached mounts (rootfs-prepare.c) */
        for (size_t i = 0; i < n_mounts; i++)
                keep[n++] = plan->fds[i];
        keep[n++] = ctx->procfd;
        keep[n++] = ctx->fifo_fd;
        keep[n++] = log_fd();
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                keep[n++] = ctx->ns.fds[t];
        qsort(keep, (size_t) n, sizeof keep[0], cmp_int);
        for (int i = 0; i < n; i++) {
                if (keep[i] < (int) first)
                        continue;
                if ((unsigned) keep[i] > first)
                        (void) close_range(first, (unsigned) keep[i] - 1, 0);
                first = (unsigned) keep[i] + 1;
        }
        (void) close_range(first, ~0U, 0);
}

void init_main(struct init_ctx *ctx)
{
        struct error_info err = {0};
        char exe[PATH_MAX];
        int fd = ctx->proc.sync_fd;

        close_inherited_fds(ctx);
        /* husk's handlers would swallow what `husk kill` sends a created container. */
        interrupt_reset();
        /* Modes of files we create are the config's, not our umask's. */
        umask(0);
        /* If husk dies, so does its half-made container. */
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

        if (init_run(ctx, exe, sizeof exe, &err) < 0) {
                if (err.errnum == 0)
                        err.errnum = EIO;
                (void) sync_send_error(fd, &err);
                _exit(1);
        }
        ctx->proc.sync_fd = safe_close(ctx->proc.sync_fd); /* the parent reads EOF: created */
        wait_for_start(ctx, exe);
}
