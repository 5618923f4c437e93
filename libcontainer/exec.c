/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk exec`: one more process in a running container, as a list of steps:
 *
 *   1 the container: state.json, status running (or paused with --ignore-paused),
 *     a pidfd of its init checked by start time
 *   2 the process (exec-plan.c): the config's process (the defaults), then
 *     --process or the command line's overrides
 *   3 the init's namespaces opened through /proc/PID/ns, kept only where they
 *     differ from ours; its cgroup from state.json (and --cgroup's sub-cgroup)
 *   4 husk becomes non-dumpable, joins the pid and time namespaces for its
 *     children (setns of those two only affects children), and clones the
 *     child straight into the cgroup2 cgroup (ns_clone(), CLONE_INTO_CGROUP)
 *   5 the parent puts the child into the v1 cgroups, then lets it go (sync)
 *   6 the child joins the user namespace first, then the others (mnt last;
 *     ns_join_all(), the order the init's join path uses), then process_setup() (rlimits, caps, user,
 * no_new_privs, umask, cwd), finds the executable on the container's PATH and execs with every fd but stdio
 * and the preserved ones closed; with a terminal, a pty opened in the container's /dev/ptmx becomes its
 * stdio and controlling terminal, and its master is sent to the parent (SYNC_CONSOLE) just before the exec
 *   7 the parent reads end-of-file (exec worked) or the child's error;
 *     the pty master goes to --console-socket, or is proxied to our stdio;
 *     -d: writes --pid-file and returns; else waits, forwarding signals
 *
 * The defaults come from the copy of config.json that create keeps in the
 * state dir (ROOT/ID/config.json; the bundle's is read only for a container
 * made before husk kept one).  Its linux.seccomp applies to the exec'd process
 * too (as runc): compiled here, loaded by the child (filter.c), the listener
 * fd sent on to listenerPath as soon as the child hands it over.  So do
 * linux.personality and the process's LSM label (--apparmor, --process-label,
 * or the config's), written right before execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "container.h"
#include "exec-plan.h"
#include "filter.h"
#include "process.h"
#include "security.h"
#include "namespaces/ns.h"
#include "seccomp/seccomp.h"
#include "specs/state.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "wait.h"
#include "base/banned.h"

/* ---- namespaces ---------------------------------------------------------------------- */

/*
 * The namespaces of the init to join: /proc/PID/ns/NAME of each type, kept where it is not
 * ours already (joining our own user namespace fails; the others would be no-ops).
 */
static int open_namespaces(int procfd, pid_t pid, int fds[_SPEC_NS_MAX], struct error_info *err)
{
        for (int t = 0; t < _SPEC_NS_MAX; t++) {
                char path[64], own[64];
                struct stat a, b;

                snprintf(path, sizeof path, "%d/ns/%s", (int) pid, ns_proc_name(t));
                snprintf(own, sizeof own, "self/ns/%s", ns_proc_name(t));
                _cleanup_close_ int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
                if (fd < 0 && errno == ENOENT && fstatat(procfd, own, &b, 0) < 0)
                        continue; /* the kernel has no such namespace type */
                if (fd < 0)
                        return error_set(err, errno, "open '/proc/%s'", path);
                if (fstat(fd, &a) < 0 || fstatat(procfd, own, &b, 0) < 0)
                        return error_set(err, errno, "stat '/proc/%s'", path);
                if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                        continue;
                fds[t] = TAKE_FD(fd);
        }
        return 0;
}

/* ---- --cgroup ------------------------------------------------------------------------- */

/*
 * --cgroup, as runc: one "SUB" alone (every hierarchy), or any number of
 * "CONTROLLER[,CONTROLLER…]:SUB" (those controllers' hierarchies; each controller once).
 */
static bool seen_has(const char *seen, const char *name)
{
        size_t len = strlen(name);

        for (const char *p = seen; *p; p = strchr(p, ',') + 1)
                if (!strncmp(p, name, len) && p[len] == ',')
                        return true;
        return false;
}

static int exec_sub_cgroup(struct cgroup *cg, char **args, size_t n, struct error_info *err)
{
        char seen[4096] = "";

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *copy = strdup(args[i]);
                char *colon, *list, *name;
                int r;

                if (!copy)
                        return error_set(err, ENOMEM, "--cgroup");
                colon = strchr(copy, ':');
                if (!colon) {
                        if (n != 1)
                                return error_set_reason(err, EINVAL,
                                                        "--cgroup: '%s' has no CONTROLLER: prefix (needed "
                                                        "when --cgroup is given more than once)",
                                                        args[i]);
                        r = cgroup_descend(cg, NULL, copy, err);
                        if (r < 0)
                                return error_prefix(err, r, "--cgroup '%s'", args[i]);
                        continue;
                }
                *colon = '\0';
                list = copy;
                while ((name = strsep(&list, ","))) {
                        if (!*name)
                                return error_set_reason(err, EINVAL,
                                                        "--cgroup: '%s' has an empty controller", args[i]);
                        /* seen: "cpu,memory," — each controller once. */
                        size_t len = strlen(name);
                        if (seen_has(seen, name))
                                return error_set_reason(err, EINVAL, "--cgroup: controller '%s' given twice",
                                                        name);
                        if (strlen(seen) + len + 2 < sizeof seen) {
                                strncat(seen, name, sizeof seen - strlen(seen) - 1);
                                strncat(seen, ",", sizeof seen - strlen(seen) - 1);
                        }
                        r = cgroup_descend(cg, name, colon + 1, err);
                        if (r < 0)
                                return error_prefix(err, r, "--cgroup '%s'", args[i]);
                }
        }
        return 0;
}

/* ---- the child ------------------------------------------------------------------------- */

struct exec_child {
        struct process_ctx proc; /* proc.sync_fd: our end of the sync socket */
        int ns_fds[_SPEC_NS_MAX];
        int procfd;
        const struct spec_seccomp *seccomp; /* the container's linux.seccomp, for the listener */
};

static int child_run(struct exec_child *k, char *exe, size_t size, struct error_info *err)
{
        char go;
        int r;

        /* sync: the parent has put us into every cgroup. */
        ssize_t n = read(k->proc.sync_fd, &go, 1);
        if (n != 1)
                return error_set(err, n < 0 ? errno : EPIPE, "wait for husk exec");
        r = process_use_procfs(k->procfd, k->proc.process, &k->proc.lsm_fd, err);
        if (r < 0)
                return r;
        k->procfd = safe_close(k->procfd);
        r = ns_join_all(k->ns_fds, "/proc/<init>/ns/", err);
        if (r < 0)
                return r;
        if (k->proc.process->terminal) {
                /* Our root is the container's now: its /dev/ptmx, given to the process's uid. */
                _cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (rootfd < 0)
                        return error_set(err, errno, "open the container's root");
                r = terminal_open_pty(&k->proc, rootfd, err);
                if (r < 0)
                        return r;
        }
        r = process_setup(&k->proc, err);
        if (r < 0)
                return r;
        r = process_find_executable(k->proc.process, exe, size, err);
        if (r < 0)
                return r;
        if (k->proc.process->terminal) {
                r = terminal_hand_over(&k->proc, err);
                if (r < 0)
                        return r;
        }
        return filter_load(&k->proc, true, err);
}

__attribute__((noreturn)) static void child_main(struct exec_child *k)
{
        struct error_info err = {0};
        char exe[PATH_MAX];

        /* If husk dies during the set-up, so does this half-made process. */
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (child_run(k, exe, sizeof exe, &err) < 0) {
                if (err.errnum <= 0)
                        err.errnum = EIO;
                (void) sync_send_error(k->proc.sync_fd, &err);
                _exit(1);
        }
        /* Closes everything of ours on exec; sync_fd is O_CLOEXEC: the parent reads EOF. */
        process_exec(&k->proc, k->proc.sync_fd, exe);
}

/* ---- the parent ------------------------------------------------------------------------ */

/* The container's state for a seccomp listener of the exec'd process pid. */
struct exec_listener {
        const struct spec_seccomp *seccomp; /* NULL: no filter */
        const struct spec_state *st;
};

/*
 * Waits for the child's end of the sync socket: end-of-file once execve() worked.  Before it
 * may come SYNC_CONSOLE with the pty master (*ret_master) and SYNC_SECCOMP with the seccomp
 * listener fd (sent on to l's listenerPath at once); instead of it SYNC_ERROR, or the bare
 * struct error_info process_exec() writes when execve() fails.
 */
static int wait_exec(int fd, pid_t pid, const struct exec_listener *l, int *ret_master,
                     struct error_info *err)
{
        for (;;) {
                union {
                        struct sync_msg m;
                        struct error_info e;
                } buf;
                union {
                        char data[CMSG_SPACE(sizeof(int))];
                        struct cmsghdr align;
                } control;
                struct iovec iov = {.iov_base = &buf, .iov_len = sizeof buf};
                struct msghdr mh = {
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = control.data,
                        .msg_controllen = sizeof control.data,
                };
                ssize_t n;
                int passed = -EBADF;

                do
                        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
                while (n < 0 && errno == EINTR);
                if (n == 0)
                        return 0;
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); n > 0 && c; c = CMSG_NXTHDR(&mh, c))
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                                memcpy(&passed, CMSG_DATA(c), sizeof passed);
                if (n == (ssize_t) sizeof buf.m && buf.m.type == SYNC_CONSOLE && passed >= 0) {
                        safe_close(*ret_master);
                        *ret_master = passed;
                        continue;
                }
                if (n == (ssize_t) sizeof buf.m && buf.m.type == SYNC_SECCOMP && l->seccomp) {
                        struct spec_state st = *l->st;
                        st.status = (char *) "running";
                        int r = filter_send_listener(l->seccomp, &st, pid, passed, err);
                        safe_close(passed);
                        if (r < 0)
                                return r;
                        continue;
                }
                safe_close(passed);
                if (n == (ssize_t) sizeof buf.m && buf.m.type == SYNC_ERROR && buf.m.err.errnum > 0) {
                        *err = buf.m.err;
                        return -err->errnum;
                }
                if (n == (ssize_t) sizeof buf.e && buf.e.errnum > 0) {
                        *err = buf.e;
                        return -err->errnum;
                }
                return error_set(err, n < 0 ? errno : EIO, "exec'd process %d failed before exec",
                                 (int) pid);
        }
}

/* The pty master: to --console-socket, else kept for the foreground proxy. */
static int hand_master(const struct container_exec_opts *o, int *master, struct error_info *err)
{
        if (*master < 0 || !o->console_socket)
                return 0;
        _cleanup_close_ int sock = terminal_connect(o->console_socket, err);
        if (sock < 0)
                return sock;
        int r = terminal_send_master(sock, *master, o->console_socket, err);
        *master = safe_close(*master);
        return r;
}

/* Step 1: the container must be running (or paused, with --ignore-paused). */
static int open_running(const struct container_exec_opts *o, struct spec_state **ret_st, int *ret_pidfd,
                        struct error_info *err)
{
        int r = state_id_check(o->id, err);
        if (r < 0)
                return r;
        _cleanup_close_ int dirfd = state_dir_open(o->root, o->id, false, err);
        if (dirfd < 0)
                return dirfd;
        r = state_read(dirfd, ret_st, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", o->id);
        enum container_status s = state_status(dirfd, *ret_st, false);
        if (s == STATUS_PAUSED && !o->ignore_paused)
                return error_set_reason(err, EINVAL,
                                        "cannot exec in container '%s': it is paused (resume it, or use "
                                        "--ignore-paused)",
                                        o->id);
        /* created: as runc, the process joins the namespaces of the init waiting for start. */
        if (s != STATUS_RUNNING && s != STATUS_PAUSED && s != STATUS_CREATED)
                return error_set_reason(err, EINVAL, "cannot exec in container '%s': it is %s, not running",
                                        o->id, container_status_name(s));
        *ret_pidfd = state_open_init(*ret_st);
        if (*ret_pidfd < 0)
                return error_set_reason(err, ESRCH, "cannot exec in container '%s': it is stopped", o->id);
        return 0;
}

/* Step 4's parent half: our children are born in the init's pid and time namespaces. */
static int join_for_children(int procfd, int fds[_SPEC_NS_MAX], struct error_info *err)
{
        static const enum spec_namespace_type types[] = {SPEC_NS_PID, SPEC_NS_TIME};

        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
                int r = ns_join_for_children(procfd, fds[types[i]], types[i], NULL, err);
                if (r < 0)
                        return r;
                fds[types[i]] = safe_close(fds[types[i]]);
        }
        return 0;
}

static bool alive(int pidfd)
{
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        return poll(&p, 1, 0) == 0;
}

/* Steps 3–7, with the plan made. */
static int spawn_exec(const struct container_exec_opts *o, const struct spec_state *st, int init_pidfd,
                      struct exec_child *k, int *ret_status, struct error_info *err)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_close_ int pidfd = -EBADF, parent_fd = -EBADF, master = -EBADF;
        struct terminal_proxy tty = {0};
        bool in_cgroup = false;
        int sv[2], r;
        const struct exec_listener listener = {
                .seccomp = k->seccomp,
                .st = st,
        };

        r = k->procfd = ns_open_procfs("/proc", err);
        if (r < 0)
                return r;
        r = open_namespaces(k->procfd, st->pid, k->ns_fds, err);
        if (r < 0)
                return r;
        /* Still the init state.json names (its pidfd is not readable): the namespaces are its. */
        if (!alive(init_pidfd))
                return error_set_reason(err, ESRCH, "cannot exec in container '%s': it is stopped", o->id);
        r = cgroup_deserialize(st->cgroup, &cg, err);
        if (r < 0)
                return r;
        r = exec_sub_cgroup(cg, o->cgroups, o->n_cgroups, err);
        if (r < 0)
                return r;

        /*
         * Until execve a process of the container must not reach us through /proc (our fds,
         * our binary) or ptrace: non-dumpable, inherited by the child with our memory.
         */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        r = join_for_children(k->procfd, k->ns_fds, err);
        if (r < 0)
                return r;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return error_set(err, errno, "socketpair");
        parent_fd = sv[0];
        k->proc.sync_fd = sv[1];

        pid_t pid = ns_clone(0, cgroup_v2_fd(cg), &pidfd, &in_cgroup);
        if (pid == 0) {
                parent_fd = safe_close(parent_fd);
                child_main(k);
        }
        k->proc.sync_fd = safe_close(k->proc.sync_fd);
        if (pid < 0)
                return error_set(err, errno, "clone the process to exec in container '%s'", o->id);

        /* sync: into the remaining cgroups, then the child may go on. */
        r = process_set_affinity(pid, k->proc.process->exec_cpu_affinity_initial, "initial", err);
        if (r >= 0)
                r = cgroup_enter(cg, pid, in_cgroup, err);
        /* Before the process may run anything: a pid file that cannot be written stops it. */
        bool pid_file = false;
        if (r >= 0 && o->pid_file) {
                r = write_pid_file(o->pid_file, pid, err);
                pid_file = r >= 0;
        }
        if (r >= 0 && write(parent_fd, "1", 1) != 1)
                r = errno == EPIPE || errno == ECONNRESET
                            /* It died before it was let go: the container's end took it along. */
                            ? error_set_reason(err, ESRCH,
                                               "exec in container '%s': the process was killed before it "
                                               "started (the container stopped meanwhile)",
                                               o->id)
                            : error_set(err, errno, "release the process to exec");
        if (r >= 0)
                r = wait_exec(parent_fd, pid, &listener, &master, err);
        if (r >= 0 && k->proc.process->terminal && master < 0)
                r = error_set_reason(err, EIO, "exec: the process sent no terminal");
        if (r >= 0)
                r = hand_master(o, &master, err);
        if (r < 0) {
                (void) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                (void) waitpid(pid, NULL, 0);
                if (pid_file)
                        (void) unlink(o->pid_file);
                return r;
        }
        log_debug("exec in container '%s': pid %d", o->id, (int) pid);
        if (o->detach) {
                *ret_status = 0;
                return 0;
        }
        if (master < 0)
                return wait_forwarding(pid, pidfd, NULL, ret_status, err);
        r = terminal_proxy_begin(&tty, master, err);
        if (r >= 0)
                r = wait_forwarding(pid, pidfd, &tty, ret_status, err);
        terminal_proxy_end(&tty);
        return r;
}

int container_exec(const struct container_exec_opts *o, int *ret_status, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_close_ int init_pidfd = -EBADF;
        struct exec_plan x = {0};
        struct syscall_filter *filter = NULL;
        struct exec_child k = {.procfd = -EBADF};
        sigset_t all, old;
        int r;

        for (int t = 0; t < _SPEC_NS_MAX; t++)
                k.ns_fds[t] = -EBADF;
        r = open_running(o, &st, &init_pidfd, err);
        if (r < 0)
                goto out;
        r = exec_plan_make(&x, st->bundle, o, err);
        if (r < 0)
                goto out;
        if (o->console_socket && !x.p.terminal) {
                r = error_set_reason(err, EINVAL, "--console-socket: needs a terminal (--tty)");
                goto out;
        }
        if (x.p.terminal && o->detach && !o->console_socket) {
                r = error_set_reason(err, EINVAL, "--tty with --detach needs --console-socket");
                goto out;
        }
        /* linux.personality and linux.seccomp apply to exec'd processes too (as runc). */
        process_ctx_init(&k.proc, &x.p, x.config ? x.config->linux : NULL);
        k.proc.preserve_fds = o->preserve_fds;
        r = filter_compile(x.config, o->root, &filter, err);
        if (r < 0)
                goto out;
        k.proc.filter = filter;
        if (filter)
                k.seccomp = x.config->linux->seccomp;

        /* Every signal waits for wait_forwarding(); process_exec() unblocks them before execve. */
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, &old);
        r = spawn_exec(o, st, init_pidfd, &k, ret_status, err);
        sigprocmask(SIG_SETMASK, &old, NULL);
out:
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                safe_close(k.ns_fds[t]);
        safe_close(k.procfd);
        syscall_filter_free(filter);
        exec_plan_done(&x);
        return r;
}
