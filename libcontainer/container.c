/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One function per verb, each a list of steps; the details of each step
 * live in one file (spawn.c, init.c, rootfs.c, process.c, state.c, and the
 * folders below).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "hooks.h"
#include "internal.h"
#include "security.h"
#include "namespaces/ns.h"
#include "seccomp/seccomp.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "base/banned.h"

int container_id_check(const char *id, struct error_info *err)
{
        size_t n = id ? strlen(id) : 0;

        if (n == 0 || n > 1024)
                return error_set_reason(err, EINVAL,
                                        "invalid container id '%s': must be 1 to 1024 characters",
                                        id ? id : "");
        for (size_t i = 0; i < n; i++) {
                char ch = id[i];
                bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                          (i > 0 && strchr("_.+-", ch));
                if (!ok)
                        return error_set_reason(
                                err, EINVAL,
                                "invalid container id '%s': use letters, digits and _.+- (not first)", id);
        }
        return 0;
}

/* Fields this build parses but does not apply yet: refused, never ignored. */
static int check_supported(const struct spec *s, struct error_info *err)
{
        const struct spec_linux *lx = s->linux;

#define REFUSE(cond, field)                                                                                 \
        do {                                                                                                \
                if (cond)                                                                                   \
                        return error_set_reason(err, EOPNOTSUPP,                                            \
                                                "config.json: %s: not supported by this husk yet", field);  \
        } while (0)

        if (!lx)
                return 0;
        REFUSE(lx->intel_rdt, "linux.intelRdt");
        REFUSE(lx->memory_policy, "linux.memoryPolicy");
        REFUSE(lx->n_net_devices, "linux.netDevices");
#undef REFUSE
        return 0;
}

/*
 * linux.mountLabel (security.c has checked that SELinux is there): the file systems the
 * container gets fresh instances of carry it as their context, as runc labels them.
 */
static int add_mount_label(const struct spec *s, const struct spec_mount *m, struct mount_opts *mo)
{
        const char *label = s->linux ? s->linux->mount_label : NULL;
        size_t used = strlen(mo->data);

        if (!label || !*label || mo->bind || !m->type ||
            (strcmp(m->type, "tmpfs") && strcmp(m->type, "devpts") && strcmp(m->type, "mqueue")))
                return 0;
        int w = snprintf(mo->data + used, sizeof mo->data - used, "%scontext=\"%s\"", used ? "," : "",
                         label);
        if (w < 0 || (size_t) w >= sizeof mo->data - used)
                return -E2BIG;
        return 0;
}

/* The mount options of every mount, parsed once here, before anything is made; the init applies them. */
static int plan_mounts(struct container *c, struct error_info *err)
{
        const struct spec *s = c->spec;

        c->mount_opts = calloc(s->n_mounts ? s->n_mounts : 1, sizeof *c->mount_opts);
        if (!c->mount_opts)
                return error_set(err, ENOMEM, "plan the mounts");
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                struct mount_opts *mo = &c->mount_opts[i];
                struct error_info e = {0};
                int r = mount_opts_parse(m->options, m->n_options, mo, &e);
                if (r < 0)
                        return error_set_reason(err, -r, "config.json: mounts[%zu] ('%s'): %s", i,
                                                m->destination, e.msg);
                if (m->type && !strcmp(m->type, "bind"))
                        mo->bind = true;
                if (mo->bind && mo->data[0])
                        return error_set_reason(err, EINVAL,
                                                "config.json: mounts[%zu] ('%s'): options '%s': unknown "
                                                "(a bind mount takes no file system options)",
                                                i, m->destination, mo->data);
                if (mo->tmpcopyup && (mo->bind || !m->type || strcmp(m->type, "tmpfs") != 0))
                        return error_set_reason(err, EINVAL,
                                                "config.json: mounts[%zu] ('%s'): tmpcopyup: only for "
                                                "tmpfs mounts",
                                                i, m->destination);
                r = add_mount_label(s, m, mo);
                if (r < 0)
                        return error_set_reason(err, -r,
                                                "config.json: mounts[%zu] ('%s'): linux.mountLabel: "
                                                "the options are too long with it",
                                                i, m->destination);
        }
        return 0;
}

/*
 * process.terminal and --console-socket go together as in runc: a terminal
 * that outlives husk (create, run -d) needs a socket to go to, and a socket
 * needs a terminal to receive.  `run` in the foreground without a socket
 * proxies the terminal to husk's own stdin and stdout.
 */
static int check_terminal(const struct container *c, struct error_info *err)
{
        const char *sock = c->opts->console_socket;

        if (c->spec->process->terminal && !sock && !c->foreground)
                return error_set_reason(
                        err, EINVAL,
                        "config.json: process.terminal is true: --console-socket is required "
                        "when husk does not stay attached (create, run -d)");
        if (!c->spec->process->terminal && sock)
                return error_set_reason(err, EINVAL,
                                        "--console-socket '%s': config.json's process.terminal is false: "
                                        "there is no terminal to send",
                                        sock);
        return 0;
}

/* Reads BUNDLE/config.json and finds the rootfs. */
static int load_bundle(struct container *c, struct error_info *err)
{
        char path[PATH_MAX];
        struct stat st;
        int r;

        c->bundle = realpath(c->opts->bundle ? c->opts->bundle : ".", NULL);
        if (!c->bundle)
                return error_set(err, errno, "bundle '%s'", c->opts->bundle ? c->opts->bundle : ".");
        snprintf(path, sizeof path, "%s/config.json", c->bundle);
        r = spec_load(path, &c->spec, err);
        if (r < 0)
                return r;
        if (!c->spec->process)
                return error_set_reason(err, EINVAL, "config.json: process: required to run a container");
        if (!c->spec->root_path)
                return error_set_reason(err, EINVAL, "config.json: root.path: required");

        if (c->spec->root_path[0] == '/')
                snprintf(path, sizeof path, "%s", c->spec->root_path);
        else
                snprintf(path, sizeof path, "%s/%s", c->bundle, c->spec->root_path);
        c->rootfs = realpath(path, NULL);
        if (!c->rootfs)
                return error_set(err, errno, "config.json: root.path: '%s'", path);
        if (stat(c->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
                return error_set(err, ENOTDIR, "config.json: root.path: '%s'", path);
        r = check_supported(c->spec, err);
        if (r < 0)
                return r;
        r = security_check(c->spec, err);
        if (r < 0)
                return r;
        return plan_mounts(c, err);
}

/* Limits are set before the init is born into the cgroup (placement comes with clone3). */
static int apply_resources(struct container *c, struct error_info *err)
{
        const struct spec_linux *lx = c->spec->linux;

        if (!lx || !lx->resources)
                return 0;
        int r = cgroup_apply_resources(c->cgroup, lx->resources, false, err);
        if (r < 0)
                return r;
        return cgroup_apply_devices(c->cgroup, lx->resources->devices, lx->resources->n_devices, lx->devices,
                                    lx->n_devices, err);
}

/* ---- state.json, exec.fifo, hooks ------------------------------------------ */

/* state.json as it stands: pid 0 until the init is ready (the status is then "creating"). */
static int write_state(struct container *c, struct error_info *err)
{
        _cleanup_free_ char *cg = NULL;
        int r = cgroup_serialize(c->cgroup, &cg);

        if (r < 0)
                return error_set(err, -r, "serialize cgroup");
        struct spec_state st = {
                .id = (char *) c->id,
                .pid = c->start_time ? c->pid : 0,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .created = c->created,
                .owner = "",
                .annotations = c->spec->annotations,
                .n_annotations = c->spec->n_annotations,
                .start_time = c->start_time,
                .cgroup = cg,
                .systemd_cgroup = c->opts->systemd_cgroup,
                .post_hooks = hooks_any(&c->spec->hooks, SPEC_HOOK_POSTSTART) ||
                              hooks_any(&c->spec->hooks, SPEC_HOOK_POSTSTOP),
        };
        return state_write(c->state_dirfd, &st, err);
}

static int record_state(struct container *c, struct error_info *err)
{
        c->start_time = proc_start_time(c->procfd, c->pid);
        if (c->start_time == 0)
                return error_set_reason(err, ESRCH, "container init %d exited during set-up", (int) c->pid);
        int r = write_state(c, err);
        if (r < 0)
                return r;
        if (c->opts->pid_file)
                return write_pid_file(c->opts->pid_file, c->pid, err);
        return 0;
}

char *container_hook_state(const struct container *c, const char *status)
{
        char *json = NULL;
        struct spec_state st = {
                .id = (char *) c->id,
                .status = (char *) status,
                .pid = c->pid,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .created = c->created,
                .owner = "",
                .annotations = c->spec->annotations,
                .n_annotations = c->spec->n_annotations,
        };
        return spec_state_encode(&st, SPEC_STATE_HOOK, &json) < 0 ? NULL : json;
}

int container_hooks_before_pivot(struct container *c, struct error_info *err)
{
        const struct spec_hooks *h = &c->spec->hooks;

        if (!hooks_any(h, SPEC_HOOK_PRESTART) && !hooks_any(h, SPEC_HOOK_CREATE_RUNTIME))
                return 0;
        _cleanup_free_ char *state = container_hook_state(c, "creating");
        if (!state)
                return error_set(err, ENOMEM, "encode the state for hooks");
        int r = hooks_run(h, SPEC_HOOK_PRESTART, state, err);
        if (r < 0)
                return r;
        return hooks_run(h, SPEC_HOOK_CREATE_RUNTIME, state, err);
}

/*
 * Later husk processes need the config as it was at create (the runtime-spec:
 * changes after create have no effect): poststart and poststop hooks, and the
 * process exec starts from.  Keep our own copy of it.
 */
static int keep_config(struct container *c, struct error_info *err)
{
        char path[PATH_MAX];
        _cleanup_free_ char *json = NULL;

        snprintf(path, sizeof path, "%s/config.json", c->bundle);
        int r = read_file_alloc(AT_FDCWD, path, &json, NULL);
        if (r < 0)
                return error_set(err, -r, "read '%s'", path);
        r = write_file_atomic_at(c->state_dirfd, "config.json", json, 0600);
        if (r < 0)
                return error_set(err, -r, "keep a copy of config.json");
        return 0;
}

/* The config kept by keep_config() (for its hooks), or NULL when it cannot be read. */
static struct spec *kept_config(int dirfd, const char *root, const char *id)
{
        char path[PATH_MAX];
        struct spec *s = NULL;
        struct error_info err = {0};
        struct stat st;

        if (fstatat(dirfd, "config.json", &st, 0) < 0)
                return NULL;
        snprintf(path, sizeof path, "%s/%s/config.json", root, id);
        if (spec_load(path, &s, &err) < 0) {
                char buf[2048];
                log_warn("container '%s': its hooks cannot be read: %s", id,
                         error_format(&err, buf, sizeof buf));
                return NULL;
        }
        return s;
}

/* The state JSON for hooks of a container we only know from state.json. */
static char *stored_hook_state(const struct spec_state *st, const char *status)
{
        struct spec_state copy = *st;
        char *json = NULL;

        copy.status = (char *) status;
        return spec_state_encode(&copy, SPEC_STATE_HOOK, &json) < 0 ? NULL : json;
}

static void run_poststop(int dirfd, const char *root, const struct spec_state *st)
{
        if (!st->post_hooks)
                return;
        _cleanup_(spec_freep) struct spec *s = kept_config(dirfd, root, st->id);
        if (!s || !hooks_any(&s->hooks, SPEC_HOOK_POSTSTOP))
                return;
        _cleanup_free_ char *state = stored_hook_state(st, "stopped");
        if (state)
                hooks_run_warn(&s->hooks, SPEC_HOOK_POSTSTOP, state);
}

/*
 * exec.fifo: the init blocks opening it for writing until `start` opens it
 * for reading.  0622 so that the init can open it whatever user it has
 * become; the state dir (0700) keeps everyone else out, and the init reaches
 * it through an O_PATH fd, not by name.
 */
static int make_fifo(struct container *c, struct error_info *err)
{
        if (mkfifoat(c->state_dirfd, "exec.fifo", 0622) < 0)
                return error_set(err, errno, "create exec.fifo");
        if (fchmodat(c->state_dirfd, "exec.fifo", 0622, 0) < 0)
                return error_set(err, errno, "chmod exec.fifo");
        c->fifo_fd = openat(c->state_dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
        if (c->fifo_fd < 0)
                return error_set(err, errno, "open exec.fifo");
        return 0;
}

/*
 * The start: opening exec.fifo releases the init, which writes one byte and
 * execs.  The fifo is removed then (the status becomes "running"); end-of-file
 * says the execve() worked, a struct error_info says what stopped it.
 */
static int release_init(int dirfd, int pidfd, const char *id, struct error_info *err)
{
        _cleanup_close_ int fifo = openat(dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        struct error_info child = {0};
        size_t got = 0;
        bool released = false;
        char byte;

        if (fifo < 0)
                return error_set(err, errno, "container '%s': open exec.fifo", id);
        for (;;) {
                struct pollfd p[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
                if (poll(p, released ? 1 : 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_set(err, errno, "container '%s': wait on exec.fifo", id);
                }
                if (!released) {
                        if (!(p[0].revents & (POLLIN | POLLHUP)) && (p[1].revents & POLLIN))
                                return error_set_reason(
                                        err, ESRCH, "container '%s': its init exited before the start", id);
                        ssize_t n = read(fifo, &byte, 1);
                        if (n < 0 && errno == EAGAIN)
                                continue;
                        if (n != 1)
                                return error_set_reason(
                                        err, ESRCH, "container '%s': its init exited before the start", id);
                        released = true;
                        (void) unlinkat(dirfd, "exec.fifo", 0);
                        continue;
                }
                ssize_t n = read(fifo, (char *) &child + got, sizeof child - got);
                if (n < 0 && errno == EAGAIN)
                        continue;
                if (n < 0)
                        return error_set(err, errno, "container '%s': read exec.fifo", id);
                if (n == 0)
                        break;
                got += (size_t) n;
                if (got == sizeof child)
                        break;
        }
        if (got == 0)
                return 0;
        if (got == sizeof child && child.errnum > 0) {
                *err = child;
                return -child.errnum;
        }
        return error_set_reason(err, EIO, "container '%s': its init failed before exec", id);
}

/* ---- create, start, run -------------------------------------------------- */

/*
 * Kills whatever is left in the container's cgroup (no pid namespace: nobody
 * else will): at once with cgroup.kill where the kernel has it, else one by one.
 */
static void kill_leftovers(struct cgroup *cg)
{
        if (!cg)
                return;
        (void) cgroup_kill_all(cg, NULL);
        for (int round = 0; round < 50; round++) {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0;

                if (cgroup_pids(cg, &pids, &n, NULL) < 0 || n == 0)
                        return;
                for (size_t i = 0; i < n; i++)
                        (void) kill(pids[i], SIGKILL);
                usleep(2000);
        }
}

static void container_release(struct container *c)
{
        rootfs_prepare_release(c); /* before spec_free: it reads the number of mounts */
        safe_close(c->console_sock);
        safe_close(c->console_master);
        safe_close(c->sync_fd);
        safe_close(c->child_sync_fd);
        safe_close(c->pidfd);
        safe_close(c->procfd);
        safe_close(c->fifo_fd);
        safe_close(c->state_dirfd);
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                safe_close(c->ns_fds[t]);
        cgroup_free(c->cgroup);
        spec_free(c->spec);
        free(c->bundle);
        free(c->rootfs);
        free(c->mount_opts);
        free(c->created);
        syscall_filter_free(c->filter);
}

/*
 * Undoes a create (or ends a run): the init killed and reaped, its cgroup and
 * state dir removed; the poststop hooks run once an init was made (the spec
 * goes on to the delete step after a failed create).
 */
static void run_rollback(struct container *c, bool claimed, bool spawned)
{
        struct error_info ignored;

        if (c->pid > 0) {
                (void) kill(c->pid, SIGKILL);
                (void) waitpid(c->pid, NULL, 0);
        }
        if (c->stage_pid > 0 && c->stage_pid != c->pid)
                (void) waitpid(c->stage_pid, NULL, 0);
        if (c->cgroup) {
                kill_leftovers(c->cgroup);
                if (cgroup_destroy(c->cgroup, &ignored) < 0)
                        log_warn("%s, ignoring", ignored.msg);
        }
        if (spawned && c->spec && hooks_any(&c->spec->hooks, SPEC_HOOK_POSTSTOP)) {
                _cleanup_free_ char *state = container_hook_state(c, "stopped");
                if (state)
                        hooks_run_warn(&c->spec->hooks, SPEC_HOOK_POSTSTOP, state);
        }
        if (claimed && state_dir_remove(c->opts->root, c->id, &ignored) < 0)
                log_warn("%s, ignoring", ignored.msg);
}

static void container_init_fields(struct container *c, const struct container_opts *o)
{
        *c = (struct container){
                .opts = o,
                .id = o->id,
                .state_dirfd = -EBADF,
                .procfd = -EBADF,
                .fifo_fd = -EBADF,
                .lsm_fd = -EBADF,
                .pidfd = -EBADF,
                .sync_fd = -EBADF,
                .child_sync_fd = -EBADF,
                .console_sock = -EBADF,
                .console_master = -EBADF,
                .pty_master = -EBADF,
                .pty_slave = -EBADF,
                .rootfs_tree = -EBADF,
        };
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                c->ns_fds[t] = -EBADF;
}

/*
 * The create operation, up to the init blocked on exec.fifo.  The state dir
 * stays locked (c->state_dirfd) for the caller.  *ret_claimed says whether the
 * state dir is ours to remove on failure.
 */
static int do_create(struct container *c, bool *ret_claimed, struct error_info *err)
{
        const struct container_opts *o = c->opts;
        char created[64];
        int r;

        r = container_id_check(o->id, err);
        if (r < 0)
                return r;
        r = load_bundle(c, err);
        if (r < 0)
                return r;
        r = check_terminal(c, err);
        if (r < 0)
                return r;
        /* Compiled once, here: a bad profile leaves nothing behind; the init inherits the BPF. */
        r = filter_compile(c->spec, o->root, &c->filter, err);
        if (r < 0)
                return r;
        r = c->state_dirfd = state_dir_create(o->root, o->id, err);
        if (r < 0)
                return r;
        *ret_claimed = true;
        /* Connected before anything is made: a wrong path fails fast. */
        if (o->console_socket) {
                r = c->console_sock = terminal_connect(o->console_socket, err);
                if (r < 0)
                        return r;
        }
        state_now_rfc3339(created, sizeof created);
        c->created = strdup(created);
        if (!c->created)
                return error_set(err, ENOMEM, "create");
        r = c->procfd = ns_open_procfs("/proc", err);
        if (r < 0)
                return r;
        r = cgroup_create(c->spec->linux ? c->spec->linux->cgroups_path : NULL, o->id, o->systemd_cgroup,
                          &c->cgroup, err);
        if (r < 0)
                return r;
        /* From here a husk killed half-way leaves a state.json that `delete --force` can undo. */
        r = write_state(c, err);
        if (r < 0)
                return r;
        r = keep_config(c, err);
        if (r < 0)
                return r;
        r = make_fifo(c, err);
        if (r < 0)
                return r;
        r = apply_resources(c, err);
        if (r < 0)
                return r;
        r = rootfs_prepare(c, err); /* idmapped binds, the overlay rootfs */
        if (r < 0)
                return r;
        r = spawn_plan(c, err);
        if (r < 0)
                return r;
        r = spawn_init(c, err); /* sync 1, hooks, the terminal, sync 2 */
        if (r < 0)
                return r;
        /* The init attached its copies: ours would only keep the overlay's superblock alive. */
        rootfs_prepare_release(c);
        if (c->console_sock >= 0) {
                r = terminal_send_master(c->console_sock, c->console_master, o->console_socket, err);
                if (r < 0)
                        return r;
                /* The receiver holds the terminal now; nothing of it stays with us. */
                c->console_master = safe_close(c->console_master);
                c->console_sock = safe_close(c->console_sock);
        }
        r = record_state(c, err);
        if (r < 0)
                return r;
        /* sync 3: the init lets go of us and waits on exec.fifo. */
        r = sync_send(c->sync_fd, SYNC_CREATED, 0);
        if (r < 0)
                return error_set(err, -r, "tell the container's init it is created");
        r = sync_expect_eof(c->sync_fd, err);
        if (r < 0)
                return r;
        c->sync_fd = safe_close(c->sync_fd);
        log_debug("container '%s' created, pid %d", o->id, (int) c->pid);
        return 0;
}

int container_create(const struct container_opts *o, struct error_info *err)
{
        struct container c;
        bool claimed = false;
        int r;

        container_init_fields(&c, o);
        c.foreground = false;
        /*
         * A console-socket receiver or a pipe that goes away must give an error, not kill us
         * half-way: SIGPIPE stays blocked (the init unblocks every signal before its exec).
         */
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        sigprocmask(SIG_BLOCK, &pipe, NULL);
        r = do_create(&c, &claimed, err);
        if (r < 0) {
                run_rollback(&c, claimed, c.pid > 0);
                container_release(&c);
                return r;
        }
        /* The init is re-parented to our caller's subreaper (or init) when we exit. */
        container_release(&c);
        return 0;
}

/* poststart: a failure is a warning (runtime-spec). */
static void run_poststart(const struct spec *s, char *state)
{
        if (state && s && hooks_any(&s->hooks, SPEC_HOOK_POSTSTART))
                hooks_run_warn(&s->hooks, SPEC_HOOK_POSTSTART, state);
}

int container_start(const char *root, const char *id, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r = container_id_check(id, err);

        if (r < 0)
                return r;
        r = fd = state_dir_open(root, id, true, err);
        if (r < 0)
                return r;
        r = state_read(fd, &st, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", id);
        enum container_status s = state_status(fd, st, true);
        if (s != STATUS_CREATED)
                return error_set_reason(err, EINVAL, "cannot start container '%s': it is %s, not created",
                                        id, container_status_name(s));
        _cleanup_close_ int pidfd = state_open_init(st);
        if (pidfd < 0)
                return error_set(err, -pidfd, "container '%s'", id);
        r = release_init(fd, pidfd, id, err);
        if (r < 0)
                return r;
        /* Parsing the kept config again only for the hooks it is known to have. */
        _cleanup_(spec_freep) struct spec *kept = st->post_hooks ? kept_config(fd, root, id) : NULL;
        _cleanup_free_ char *state = kept ? stored_hook_state(st, "running") : NULL;
        run_poststart(kept, state);
        return 0;
}

int container_run(const struct container_opts *o, int *ret_status, struct error_info *err)
{
        struct container c;
        struct terminal_proxy tty = {0};
        bool claimed = false, proxy = false;
        sigset_t all;
        int r, status = 0;

        container_init_fields(&c, o);
        c.foreground = !o->detach;
        /* Every signal waits for wait_forwarding(); the init unblocks them before execve. */
        if (!o->detach) {
                sigfillset(&all);
                sigprocmask(SIG_BLOCK, &all, NULL);
        }
        r = do_create(&c, &claimed, err);
        if (r < 0)
                goto fail;
        /* The terminal stayed with us (no --console-socket): it is our stdio's. */
        if (c.console_master >= 0) {
                proxy = true;
                r = terminal_proxy_begin(&tty, c.console_master, err);
                if (r < 0)
                        goto fail;
        }
        r = release_init(c.state_dirfd, c.pidfd, o->id, err);
        if (r < 0)
                goto fail;
        log_debug("container '%s' running, pid %d", o->id, (int) c.pid);
        if (hooks_any(&c.spec->hooks, SPEC_HOOK_POSTSTART)) {
                _cleanup_free_ char *state = container_hook_state(&c, "running");
                run_poststart(c.spec, state);
        }
        /* Started: let `state`, `kill` and `delete` in while we wait (closing drops the flock). */
        c.state_dirfd = safe_close(c.state_dirfd);

        if (o->detach) {
                *ret_status = 0;
                container_release(&c);
                return 0;
        }
        r = wait_forwarding(c.pid, c.pidfd, proxy ? &tty : NULL, &status, err);
        if (proxy)
                terminal_proxy_end(&tty);
        if (r < 0)
                goto fail;
        if (!o->keep) {
                /* The delete step; the init is reaped already. */
                pid_t pid = c.pid;
                c.pid = 0;
                run_rollback(&c, claimed, pid > 0);
        }
        *ret_status = status;
        container_release(&c);
        return 0;

fail:
        if (proxy)
                terminal_proxy_end(&tty);
        run_rollback(&c, claimed, c.pid > 0);
        container_release(&c);
        return r;
}

/* ---- state, list, kill, delete, ps ----------------------------------------- */

static int open_container(const char *root, const char *id, bool lock, int *ret_dirfd,
                          struct spec_state **ret, struct error_info *err)
{
        int r = container_id_check(id, err);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = state_dir_open(root, id, lock, err);
        if (fd < 0)
                return fd;
        r = state_read(fd, ret, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", id);
        *ret_dirfd = TAKE_FD(fd);
        return 0;
}

/* Fills st->status (and zeroes the pid of a stopped container) from the facts. */
static void derive_status(int dirfd, struct spec_state *st, bool locked)
{
        enum container_status s = state_status(dirfd, st, locked);

        free(st->status);
        st->status = strdup(container_status_name(s));
        if (s == STATUS_STOPPED)
                st->pid = 0;
}

int container_state(const char *root, const char *id, char **ret_json, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r = open_container(root, id, false, &fd, &st, err);

        if (r < 0)
                return r;
        derive_status(fd, st, false);
        r = spec_state_encode(st, SPEC_STATE_PRINT, ret_json);
        if (r < 0)
                return error_set(err, -r, "encode the state of '%s'", id);
        return 0;
}

int container_list(const char *root, struct spec_state ***ret, size_t *ret_n, struct error_info *err)
{
        _cleanup_(closedirp) DIR *d = opendir(root);
        struct spec_state **list = NULL;
        size_t n = 0;
        struct dirent *de;

        if (!d) {
                if (errno == ENOENT) {
                        *ret = NULL;
                        *ret_n = 0;
                        return 0;
                }
                return error_set(err, errno, "open state root '%s'", root);
        }
        while ((de = readdir(d))) {
                struct spec_state *st = NULL;
                struct stat sb;

                if (de->d_name[0] == '.' || container_id_check(de->d_name, NULL) < 0)
                        continue;
                _cleanup_close_ int fd =
                        openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &sb) < 0)
                        continue; /* deleted meanwhile */
                if (state_read(fd, &st, NULL) < 0) {
                        /* Claimed, state.json not yet written: being created, or its creator died. */
                        st = calloc(1, sizeof *st);
                        if (!st)
                                goto enomem;
                        st->id = strdup(de->d_name);
                        st->bundle = strdup("");
                        st->created = strdup("");
                }
                derive_status(fd, st, false);
                free(st->owner);
                struct passwd *pw = getpwuid(sb.st_uid);
                if (pw)
                        st->owner = strdup(pw->pw_name);
                else if (asprintf(&st->owner, "#%u", (unsigned) sb.st_uid) < 0)
                        st->owner = NULL;
                struct spec_state **grown = realloc(list, (n + 1) * sizeof *list);
                if (!grown) {
                        spec_state_free(st);
                        goto enomem;
                }
                list = grown;
                list[n++] = st;
        }
        *ret = list;
        *ret_n = n;
        return 0;
enomem:
        container_list_free(list, n);
        return error_set(err, ENOMEM, "list containers");
}

void container_list_free(struct spec_state **list, size_t n)
{
        for (size_t i = 0; i < n; i++)
                spec_state_free(list[i]);
        free(list);
}

static int signal_all(const struct spec_state *st, int sig, struct error_info *err)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = cgroup_deserialize(st->cgroup, &cg, err);

        if (r < 0)
                return r;
        if (sig == SIGKILL && cgroup_kill_all(cg, NULL) == 0) {
                container_thaw(st); /* frozen by the v1 freezer, a process cannot die */
                return 0;
        }
        r = cgroup_pids(cg, &pids, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                (void) kill(pids[i], sig);
        if (sig == SIGKILL)
                container_thaw(st);
        return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r = open_container(root, id, true, &fd, &st, err);

        if (r < 0)
                return r;
        enum container_status s = state_status(fd, st, true);
        if (all) {
                if (s == STATUS_STOPPED && st->pid == 0)
                        return 0; /* never ran: nothing to signal */
                return signal_all(st, sig, err);
        }
        if (s == STATUS_STOPPED)
                return error_set_reason(err, ESRCH, "container '%s' is not running", id);
        _cleanup_close_ int pidfd = state_open_init(st);
        if (pidfd < 0)
                return error_set(err, -pidfd, "container '%s' is not running", id);
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                return error_set(err, errno, "send signal %d to container '%s' (pid %d)", sig, id,
                                 (int) st->pid);
        return 0;
}

int container_delete(const char *root, const char *id, bool force, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        int r = container_id_check(id, err);

        if (r < 0)
                return r;
        _cleanup_close_ int fd = state_dir_open(root, id, true, err);
        /* As runc: forcing the removal of what is not there is not an error (engines clean up twice). */
        if (fd == -ENOENT && force)
                return 0;
        if (fd < 0)
                return fd;
        r = state_read(fd, &st, err);
        /* We hold the lock and there is no state.json: its creator died before it had made anything. */
        if (r == -ENOENT && force)
                return state_dir_remove(root, id, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", id);

        enum container_status s = state_status(fd, st, true);
        if (s != STATUS_STOPPED) {
                if (!force && s != STATUS_CREATED)
                        return error_set_reason(err, EBUSY,
                                                "cannot delete container '%s' that is not stopped: %s", id,
                                                container_status_name(s));
                /* A created container has not run anything yet: runc deletes it without --force too. */
                _cleanup_close_ int pidfd = state_open_init(st);
                if (pidfd >= 0) {
                        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
                        (void) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                        container_thaw(st);          /* a frozen (paused) process cannot die */
                        (void) poll(&pfd, 1, 10000); /* readable once the process has exited */
                }
        }
        r = cgroup_deserialize(st->cgroup, &cg, err);
        if (r < 0)
                return r;
        kill_leftovers(cg);
        r = cgroup_destroy(cg, err);
        if (r < 0)
                return r;
        run_poststop(fd, root, st);
        return state_dir_remove(root, id, err);
}

int container_ps(const char *root, const char *id, pid_t **ret_pids, size_t *ret_n, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r = open_container(root, id, false, &fd, &st, err);

        if (r < 0)
                return r;
        r = cgroup_deserialize(st->cgroup, &cg, err);
        if (r < 0)
                return r;
        return cgroup_pids(cg, ret_pids, ret_n, err);
}
