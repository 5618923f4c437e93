/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One function per verb, each a list of named steps; the details of each step
 * live in one file: bundle.c (config.json, checks), rootfs-plan.c and
 * rootfs-prepare.c (the mounts), state.c (the state directory, state.json,
 * exec.fifo, the kept config), cgroups/, namespaces/, spawn.c (the clone and
 * the parent's side of the sync), init.c (the child's side), hooks.c, wait.c.
 * docs/ARCHITECTURE.md follows `husk run` through them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/interrupt.h"
#include "base/log.h"
#include "bundle.h"
#include "cgroups/cgroup.h"
#include "filter.h"
#include "hooks.h"
#include "namespaces/ns.h"
#include "seccomp/seccomp.h"
#include "spawn.h"
#include "state.h"
#include "terminal.h"
#include "wait.h"
#include "base/banned.h"

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
        mount_plan_free(&c->mounts);
        ns_plan_close(&c->ns);
        safe_close(c->console_sock);
        safe_close(c->console_master);
        safe_close(c->sync_fd);
        safe_close(c->pidfd);
        safe_close(c->procfd);
        safe_close(c->fifo_fd);
        safe_close(c->state_dirfd);
        cgroup_free(c->cgroup);
        spec_free(c->spec);
        free(c->bundle);
        free(c->rootfs);
        free(c->created);
        syscall_filter_free(c->filter);
}

/*
 * `run` let go of the state dir's lock while its workload ran: take it again, on our own
 * directory only.  false when another husk deleted the container meanwhile (it removed the
 * cgroup and the state dir, and the id may now be a newer container's: nothing to touch).
 */
static bool reclaim(struct container *c)
{
        struct stat st;

        c->state_dirfd = state_dir_open(c->opts->root, c->opts->id, true, NULL);
        if (c->state_dirfd < 0)
                return false;
        if (fstat(c->state_dirfd, &st) < 0 || st.st_dev != c->state_dev || st.st_ino != c->state_ino) {
                c->state_dirfd = safe_close(c->state_dirfd);
                return false;
        }
        return true;
}

/*
 * Undoes a create (or ends a run): the init killed and reaped, its cgroup and
 * state dir removed; the poststop hooks run once an init was made (the spec
 * goes on to the delete step after a failed create).  Goes on after a failure;
 * returns 0 or the first -errno with err set (NULL: failures are warnings).
 */
static int run_rollback(struct container *c, bool spawned, struct error_info *err)
{
        struct error_info e;
        int r, ret = 0;

        if (c->pid > 0) {
                (void) kill(c->pid, SIGKILL);
                (void) waitpid(c->pid, NULL, 0);
        }
        if (c->stage_pid > 0 && c->stage_pid != c->pid)
                (void) waitpid(c->stage_pid, NULL, 0);
        if (c->claimed && c->state_dirfd < 0 && !reclaim(c))
                return 0;
        if (c->cgroup) {
                kill_leftovers(c->cgroup);
                r = cgroup_destroy(c->cgroup, &e);
                if (r < 0 && !err)
                        log_warn("%s, ignoring", e.msg);
                else if (r < 0 && ret == 0)
                        ret = r, *err = e;
        }
        if (spawned && c->spec && hooks_any(&c->spec->hooks, SPEC_HOOK_POSTSTOP)) {
                struct spec_state st = container_record(c);
                _cleanup_free_ char *state = state_hook_json(&st, "stopped");
                if (state)
                        hooks_run_warn(&c->spec->hooks, SPEC_HOOK_POSTSTOP, state);
        }
        if (c->claimed) {
                r = state_dir_remove(c->opts->root, c->opts->id, c->state_dirfd, &e);
                if (r < 0 && !err)
                        log_warn("%s, ignoring", e.msg);
                else if (r < 0 && ret == 0)
                        ret = r, *err = e;
        }
        return ret;
}

/* ---- the steps of create ------------------------------------------------------------------ */

/* Everything that can be checked before anything is made: a bad config leaves nothing behind. */
static int load(struct container *c, struct error_info *err)
{
        const struct container_opts *o = c->opts;
        int r;

        r = state_id_check(o->id, err);
        if (r < 0)
                return r;
        r = bundle_load(o->bundle, &c->bundle, &c->spec, &c->rootfs, err);
        if (r < 0)
                return r;
        r = bundle_check_terminal(c->spec, o->console_socket, c->foreground, err);
        if (r < 0)
                return r;
        r = mount_plan_make(c->spec, &c->mounts, err);
        if (r < 0)
                return r;
        /* Compiled once, here; the init inherits the BPF. */
        return filter_compile(c->spec, o->root, &c->filter, err);
}

/* The state dir (ours to remove on failure from here), the console socket, /proc. */
static int claim(struct container *c, struct error_info *err)
{
        const struct container_opts *o = c->opts;
        char created[64];
        int r;

        r = c->state_dirfd = state_dir_create(o->root, o->id, err);
        if (r < 0)
                return r;
        c->claimed = true;
        /* Which directory is ours, should `run` have to find it again (reclaim). */
        struct stat st;
        if (fstat(c->state_dirfd, &st) < 0)
                return error_set(err, errno, "stat state directory '%s/%s'", o->root, o->id);
        c->state_dev = st.st_dev;
        c->state_ino = st.st_ino;
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
        return r < 0 ? r : 0;
}

/* state.json as it stands: pid 0 until the init is ready (the status is then "creating"). */
static int write_state(struct container *c, struct error_info *err)
{
        _cleanup_free_ char *cg = NULL;
        struct spec_state st = container_record(c);
        int r = cgroup_serialize(c->cgroup, &cg);

        if (r < 0)
                return error_set(err, -r, "serialize cgroup");
        st.pid = c->start_time ? c->pid : 0;
        st.start_time = c->start_time;
        st.cgroup = cg;
        st.systemd_cgroup = c->opts->systemd_cgroup;
        st.post_hooks = hooks_any(&c->spec->hooks, SPEC_HOOK_POSTSTART) ||
                        hooks_any(&c->spec->hooks, SPEC_HOOK_POSTSTOP);
        return state_write(c->state_dirfd, &st, err);
}

/* Where the cgroup goes in every hierarchy, and which of its directories are still missing. */
static int plan_cgroup(struct container *c, struct error_info *err)
{
        return cgroup_plan(c->spec->linux ? c->spec->linux->cgroups_path : NULL, c->opts->id,
                           c->opts->systemd_cgroup, &c->cgroup, err);
}

/* The cgroup recorded before it is made: a husk killed from here on leaves what `delete --force` undoes. */
static int record_plan(struct container *c, struct error_info *err)
{
        int r = write_state(c, err);

        if (r < 0) {
                cgroup_free(c->cgroup); /* planned only: nothing to remove */
                c->cgroup = NULL;
        }
        return r;
}

static int make_cgroup(struct container *c, struct error_info *err)
{
        return cgroup_make(c->cgroup, err);
}

/* The config as it is now, for the later hooks and exec; exec.fifo, for start. */
static int keep_config(struct container *c, struct error_info *err)
{
        int r = state_keep_config(c->state_dirfd, c->bundle, err);
        if (r < 0)
                return r;
        r = c->fifo_fd = state_fifo_make(c->state_dirfd, err);
        return r < 0 ? r : 0;
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

/* The parent's share of the rootfs: idmapped binds and the overlay, as detached mounts. */
static int prepare_rootfs(struct container *c, struct error_info *err)
{
        const struct rootfs_where where = {
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .root = c->opts->root,
                .id = c->opts->id,
                .state_dirfd = c->state_dirfd,
                .procfd = c->procfd,
        };

        return rootfs_prepare(c->spec, &where, &c->mounts, err);
}

/* The namespaces to make and the ones to join (opened now, by path). */
static int plan_namespaces(struct container *c, struct error_info *err)
{
        return ns_plan_make(c->spec->linux, &c->ns, err);
}

/*
 * Last chance to be interrupted: `run` in the foreground blocks every signal from here, to
 * forward them to the init once it runs (the init unblocks them before its execve).
 */
static int hold_signals(struct container *c, struct error_info *err)
{
        sigset_t all;

        if (c->foreground) {
                sigfillset(&all);
                sigprocmask(SIG_BLOCK, &all, NULL);
        }
        return interrupt_check(err, "before the container was created");
}

/* The init attached its copies: ours would only keep the overlay's superblock alive. */
static int release_mounts(struct container *c, struct error_info *err)
{
        mount_plan_release(&c->mounts);
        return 0;
}

/* The pty master from the init goes to --console-socket; nothing of it stays with us. */
static int hand_console(struct container *c, struct error_info *err)
{
        if (c->console_sock < 0)
                return 0;
        int r = terminal_send_master(c->console_sock, c->console_master, c->opts->console_socket, err);
        if (r < 0)
                return r;
        c->console_master = safe_close(c->console_master);
        c->console_sock = safe_close(c->console_sock);
        return 0;
}

/* The init is ready: its start time makes state.json's pid valid; then the --pid-file. */
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

typedef int create_step(struct container *c, struct error_info *err);

/* The create operation, in order, up to the init blocked on exec.fifo. */
static create_step *const create_steps[] = {
        load,  /* every check that needs nothing made */
        claim, /* ROOT/ID, locked; c->claimed */
        plan_cgroup,
        record_plan, /* the first state.json */
        make_cgroup,
        keep_config, /* and exec.fifo */
        apply_resources,
        prepare_rootfs,
        plan_namespaces,
        hold_signals,
        spawn_init, /* sync 1, hooks, the terminal, sync 2 */
        release_mounts,
        hand_console,
        record_state,  /* state.json with the init's pid; --pid-file */
        spawn_release, /* sync 3 */
};

/*
 * Runs the steps; a caught SIGINT, SIGTERM, SIGHUP or SIGQUIT ends it between two (or
 * interrupts a step that blocks).  The state dir stays locked (c->state_dirfd) for the
 * caller; c->claimed says whether it is ours to remove on failure.
 */
static int do_create(struct container *c, struct error_info *err)
{
        for (size_t i = 0; i < ARRAY_SIZE(create_steps); i++) {
                int r = interrupt_check(err, "during the create");
                if (r == 0)
                        r = create_steps[i](c, err);
                if (r < 0) {
                        if (interrupt_pending())
                                (void) interrupt_check(err, "during the create");
                        return r;
                }
        }
        log_debug("container '%s' created, pid %d", c->opts->id, (int) c->pid);
        return 0;
}

int container_create(const struct container_opts *o, struct error_info *err)
{
        struct container c;
        int r;

        container_init(&c, o);
        c.foreground = false;
        /*
         * A console-socket receiver or a pipe that goes away must give an error, not kill us
         * half-way: SIGPIPE stays blocked (the init unblocks every signal before its exec).
         */
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        sigprocmask(SIG_BLOCK, &pipe, NULL);
        interrupt_catch();
        r = do_create(&c, err);
        if (r < 0) {
                run_rollback(&c, c.pid > 0, NULL);
                container_release(&c);
                return r;
        }
        /* The init is re-parented to our caller's subreaper (or init) when we exit. */
        container_release(&c);
        return 0;
}

static void run_poststop(int dirfd, const char *root, const struct spec_state *st)
{
        if (!st->post_hooks)
                return;
        _cleanup_(spec_freep) struct spec *s = state_kept_config(dirfd, root, st->id);
        if (!s || !hooks_any(&s->hooks, SPEC_HOOK_POSTSTOP))
                return;
        _cleanup_free_ char *state = state_hook_json(st, "stopped");
        if (state)
                hooks_run_warn(&s->hooks, SPEC_HOOK_POSTSTOP, state);
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
        int r = state_id_check(id, err);

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
        r = state_fifo_release(fd, pidfd, id, err);
        if (r < 0)
                return r;
        /* Parsing the kept config again only for the hooks it is known to have. */
        _cleanup_(spec_freep) struct spec *kept = st->post_hooks ? state_kept_config(fd, root, id) : NULL;
        _cleanup_free_ char *state = kept ? state_hook_json(st, "running") : NULL;
        run_poststart(kept, state);
        return 0;
}

int container_run(const struct container_opts *o, int *ret_status, struct error_info *err)
{
        struct container c;
        struct terminal_proxy tty = {0};
        bool proxy = false;
        int r, status = 0;

        container_init(&c, o);
        c.foreground = !o->detach;
        /* Interruptible until the init exists; then (hold_signals) every signal is for it. */
        interrupt_catch();
        r = do_create(&c, err);
        if (r < 0)
                goto fail;
        /* The terminal stayed with us (no --console-socket): it is our stdio's. */
        if (c.console_master >= 0) {
                proxy = true;
                r = terminal_proxy_begin(&tty, c.console_master, err);
                if (r < 0)
                        goto fail;
        }
        r = state_fifo_release(c.state_dirfd, c.pidfd, o->id, err);
        if (r < 0)
                goto fail;
        log_debug("container '%s' running, pid %d", o->id, (int) c.pid);
        if (hooks_any(&c.spec->hooks, SPEC_HOOK_POSTSTART)) {
                struct spec_state st = container_record(&c);
                _cleanup_free_ char *state = state_hook_json(&st, "running");
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
        *ret_status = status;
        if (!o->keep) {
                /* The delete step; the init is reaped already. */
                pid_t pid = c.pid;
                c.pid = 0;
                r = run_rollback(&c, pid > 0, err);
                if (r < 0)
                        (void) error_prefix(err, r,
                                            "the container exited with status %d, but removing it failed",
                                            status);
        }
        container_release(&c);
        return r < 0 ? r : 0;

fail:
        if (proxy)
                terminal_proxy_end(&tty);
        run_rollback(&c, c.pid > 0, NULL);
        container_release(&c);
        return r;
}

/* ---- state, list, kill, delete, ps ----------------------------------------- */

static int open_container(const char *root, const char *id, bool lock, int *ret_dirfd,
                          struct spec_state **ret, struct error_info *err)
{
        int r = state_id_check(id, err);
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

                if (de->d_name[0] == '.' || state_id_check(de->d_name, NULL) < 0)
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
                state_thaw(st); /* frozen by the v1 freezer, a process cannot die */
                return 0;
        }
        r = cgroup_pids(cg, &pids, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                (void) kill(pids[i], sig);
        if (sig == SIGKILL)
                state_thaw(st);
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
        int r = state_id_check(id, err);

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
                return state_dir_remove(root, id, fd, err);
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
                        state_thaw(st);              /* a frozen (paused) process cannot die */
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
        return state_dir_remove(root, id, fd, err);
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

int container_features_json(char **ret)
{
        const char *archs[64], *flags[16];
        struct spec_features_seccomp sc = {
                .enabled = true,
                .actions = spec_seccomp_actions,
                .operators = spec_seccomp_ops,
                .archs = archs,
                .known_flags = spec_seccomp_flags,
                .supported_flags = flags,
        };

        syscall_filter_archs(archs, ARRAY_SIZE(archs));
        syscall_filter_supported_flags(flags, ARRAY_SIZE(flags));
        return spec_features_json(&sc, ret);
}
