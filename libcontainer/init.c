/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's init, from clone3 to execve, as one straight path.  The
 * order is fixed and each step's reason is given where it happens:
 *
 *   sync 1: wait for the parent (id maps, cgroup)
 *   join path: join namespaces (user first), unshare the new ones, fork
 *              the init into a new pid namespace
 *   time namespace and its offsets (entered at execve), oom_score_adj
 *   become root of the user namespace
 *   cgroup namespace (after the parent moved us: our cgroup is its root)
 *   a session keyring of its own, hostname, domainname, loopback up
 *   rootfs: mounts, devices, pivot_root, masked/read-only paths
 *     (with hooks, before pivot_root: the parent runs prestart and
 *      createRuntime, then we run createContainer)
 *   process: sysctl, rlimits, (seccomp without no_new_privs), user,
 *     capabilities, no_new_privs, cwd
 *   terminal: the pty's master to the parent, the slave our stdio and
 *     controlling terminal (made in rootfs, after pivot_root)
 *   seccomp with no_new_privs (the listener fd, if any, to the parent)
 *   sync 2: ready; sync 3: created → let go of the parent
 *   block opening exec.fifo until `start`; startContainer hooks; execve
 *
 * Until sync 3 every failure is sent to the parent as SYNC_ERROR, which
 * reports it; after it, failures go into exec.fifo for `start` to report.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>
#include <linux/sched.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "hooks.h"
#include "internal.h"
#include "namespaces/ns.h"
#include "sync.h"
#include "terminal.h"
#include "base/banned.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * The join path: namespaces given by path are joined first (user first, so
 * the others are joined with its privileges), then the new ones are made
 * so they belong to the right user namespace.  Returns 0 in the process
 * that goes on as the container's init.
 */
static int join_and_unshare(struct container *c, int fd, struct error_info *err)
{
        struct sync_msg m;
        int r;

        if (c->ns_fds[SPEC_NS_USER] >= 0) {
                r = ns_join_fd(c->ns_fds[SPEC_NS_USER], SPEC_NS_USER, "linux.namespaces user", err);
                if (r < 0)
                        return r;
        }
        for (int t = 0; t < _SPEC_NS_MAX; t++) {
                if (t == SPEC_NS_USER || t == SPEC_NS_PID || c->ns_fds[t] < 0)
                        continue;
                r = ns_join_fd(c->ns_fds[t], (enum spec_namespace_type) t, spec_namespace_name(t), err);
                if (r < 0)
                        return r;
        }
        if (c->unshare_flags & CLONE_NEWUSER) {
                if (unshare(CLONE_NEWUSER) < 0)
                        return error_set(err, errno, "unshare the user namespace");
                r = sync_send(fd, SYNC_USERMAP_REQ, 0);
                if (r < 0)
                        return error_set(err, -r, "ask for id maps");
                r = sync_expect(fd, SYNC_USERMAP_ACK, &m, err);
                if (r < 0)
                        return r;
        }
        int rest = c->unshare_flags & ~(CLONE_NEWUSER | CLONE_NEWPID);
        if (rest && unshare(rest) < 0)
                return error_set(err, errno, "unshare namespaces (flags 0x%x)", rest);
        if (!(c->unshare_flags & CLONE_NEWPID))
                return 0;

        if (unshare(CLONE_NEWPID) < 0)
                return error_set(err, errno, "unshare the pid namespace");
        /* CLONE_PARENT: the init becomes husk's child, not ours. */
        struct clone_args args = {.flags = CLONE_PARENT};
        pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof args);
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

static int set_names(const struct spec *s, struct error_info *err)
{
        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return error_set(err, errno, "hostname: set '%s'", s->hostname);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                return error_set(err, errno, "domainname: set '%s'", s->domainname);
        return 0;
}

static int init_run(struct container *c, int fd, char *exe, size_t exe_size, struct error_info *err)
{
        struct sync_msg m;
        int r;

        /* sync 1. */
        r = sync_expect(fd, SYNC_GO, &m, err);
        if (r < 0)
                return r;

        if (c->join_path) {
                r = join_and_unshare(c, fd, err);
                if (r < 0)
                        return r;
        }

        /*
         * Before the uid change below: changing credentials makes us
         * non-dumpable, and then /proc/self belongs to an id the user
         * namespace does not map.
         */
        if (c->new_timens) {
                if (unshare(CLONE_NEWTIME) < 0)
                        return error_set(err, errno, "unshare the time namespace");
                r = ns_write_time_offsets(c->procfd, c->spec->linux, err);
                if (r < 0)
                        return error_prefix(err, r, "linux.timeOffsets");
                /*
                 * Enter it now: before 6.x kernels an execve() does not move the caller into
                 * time_for_children, only its children would be in the new namespace.
                 */
                _cleanup_close_ int tfd =
                        openat(c->procfd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
                if (tfd < 0 || setns(tfd, CLONE_NEWTIME) < 0)
                        return error_set(err, errno, "enter the new time namespace");
        }
        r = process_use_procfs(c->procfd, c->spec->process, &c->lsm_fd, err);
        if (r < 0)
                return r;

        if (c->new_userns) {
                /* Files we create must belong to the container's root, not an unmapped id. */
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        return error_set(err, errno, "become root in the user namespace (is 0 mapped?)");
                if (setgroups(0, NULL) < 0 && errno != EPERM)
                        return error_set(err, errno, "drop supplementary groups");
        }

        if (c->new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
                return error_set(err, errno, "unshare the cgroup namespace");

        if (!c->opts->no_new_keyring) {
                r = join_session_keyring(c->id, err);
                if (r < 0)
                        return r;
        }
        r = set_names(c->spec, err);
        if (r < 0)
                return r;
        if (c->clone_flags & CLONE_NEWNET || c->unshare_flags & CLONE_NEWNET) {
                r = ns_loopback_up(err);
                if (r < 0)
                        return r;
        }

        r = rootfs_setup(c, err);
        if (r < 0)
                return r;
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                c->ns_fds[t] = safe_close(c->ns_fds[t]);

        r = process_setup(c, err);
        if (r < 0)
                return r;
        r = process_find_executable(c->spec->process, exe, exe_size, err);
        if (r < 0)
                return r;
        /* Last: from here our own messages (stderr) would land on the container's terminal. */
        if (c->spec->process->terminal) {
                r = terminal_hand_over(c, fd, err);
                if (r < 0)
                        return r;
        }

        /* With no_new_privs: as late as the parent still listens for the seccomp listener fd. */
        r = filter_load(c, true, err);
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

int init_hooks_before_pivot(struct container *c, struct error_info *err)
{
        const struct spec_hooks *h = &c->spec->hooks;
        struct sync_msg m;
        int r;

        if (!hooks_any(h, SPEC_HOOK_PRESTART) && !hooks_any(h, SPEC_HOOK_CREATE_RUNTIME) &&
            !hooks_any(h, SPEC_HOOK_CREATE_CONTAINER) && !hooks_any(h, SPEC_HOOK_START_CONTAINER))
                return 0;
        r = sync_send(c->child_sync_fd, SYNC_HOOKS, 0);
        if (r < 0)
                return error_set(err, -r, "ask the parent to run the createRuntime hooks");
        r = sync_expect(c->child_sync_fd, SYNC_HOOKS_DONE, &m, err);
        if (r < 0)
                return r;
        c->pid = m.pid; /* ours, as the host sees it: for the state the hooks get */
        if (hooks_any(h, SPEC_HOOK_CREATE_CONTAINER)) {
                _cleanup_free_ char *state = container_hook_state(c, "creating");
                if (!state)
                        return error_set(err, ENOMEM, "encode the state for hooks");
                r = hooks_run(h, SPEC_HOOK_CREATE_CONTAINER, state, err);
                if (r < 0)
                        return r;
        }
        /* Made now: after pivot_root, the host's paths (bundle, rootfs) are out of reach. */
        if (hooks_any(h, SPEC_HOOK_START_CONTAINER)) {
                c->start_hook_state = container_hook_state(c, "created");
                if (!c->start_hook_state)
                        return error_set(err, ENOMEM, "encode the state for hooks");
        }
        return 0;
}

/*
 * Created: block until `start` opens exec.fifo for reading.  The fifo is
 * reopened for writing through the host's /proc (the container may have no
 * /proc of its own); its write end is O_CLOEXEC, so `start` reads end-of-file
 * once execve() worked, or the error that stopped us.
 */
__attribute__((noreturn)) static void wait_for_start(struct container *c, const char *exe)
{
        struct error_info err = {0};
        char path[32];
        int fd;

        snprintf(path, sizeof path, "self/fd/%d", c->fifo_fd);
        do
                fd = openat(c->procfd, path, O_WRONLY | O_CLOEXEC);
        while (fd < 0 && errno == EINTR);
        if (fd < 0) {
                dprintf(2, "husk: container init: open exec.fifo: %s\n", strerror(errno));
                _exit(1);
        }
        c->procfd = safe_close(c->procfd); /* the host's /proc: not ours to keep past this point */
        c->fifo_fd = safe_close(c->fifo_fd);
        if (write(fd, "0", 1) != 1)
                _exit(1);
        if (c->start_hook_state &&
            hooks_run(&c->spec->hooks, SPEC_HOOK_START_CONTAINER, c->start_hook_state, &err) < 0) {
                (void) write(fd, &err, sizeof err);
                _exit(1);
        }
        process_exec(c, fd, exe);
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
static void close_inherited_fds(struct container *c)
{
        size_t n_mounts = c->mount_fds ? c->spec->n_mounts : 0;
        _cleanup_free_ int *keep = malloc((_SPEC_NS_MAX + 8 + n_mounts) * sizeof *keep);
        int n = 0;
        unsigned first = 3 + (unsigned) c->opts->listen_fds + (unsigned) c->opts->preserve_fds;

        if (!keep)
                _exit(1); /* the parent reads the sync socket's end and reports the init's failure */
        keep[n++] = c->child_sync_fd;
        keep[n++] = c->rootfs_tree; /* the parent's detached mounts (rootfs-prepare.c) */
        for (size_t i = 0; i < n_mounts; i++)
                keep[n++] = c->mount_fds[i];
        keep[n++] = c->procfd;
        keep[n++] = c->fifo_fd;
        keep[n++] = log_fd();
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                keep[n++] = c->ns_fds[t];
        qsort(keep, (size_t) n, sizeof keep[0], cmp_int);
        for (int i = 0; i < n; i++) {
                if (keep[i] < (int) first)
                        continue;
                if ((unsigned) keep[i] > first)
                        (void) close_range(first, (unsigned) keep[i] - 1, 0);
                first = (unsigned) keep[i] + 1;
        }
        (void) close_range(first, ~0U, 0);
        c->state_dirfd = -EBADF;
}

void init_main(struct container *c)
{
        struct error_info err = {0};
        char exe[PATH_MAX];
        int fd = c->child_sync_fd;

        close_inherited_fds(c);
        /* Modes of files we create are the config's, not our umask's. */
        umask(0);
        /* If husk dies, so does its half-made container. */
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

        if (init_run(c, fd, exe, sizeof exe, &err) < 0) {
                if (err.errnum == 0)
                        err.errnum = EIO;
                (void) sync_send_error(fd, &err);
                _exit(1);
        }
        c->child_sync_fd = safe_close(c->child_sync_fd); /* the parent reads EOF: created */
        wait_for_start(c, exe);
}
