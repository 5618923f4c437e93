/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One function per verb, each a list of steps; the details of each step
 * live in one file (spawn.c, init.c, rootfs.c, process.c, state.c, and the
 * folders below).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
#include "internal.h"
#include "namespaces/ns.h"
#include "state.h"
#include "sync.h"
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
        const struct spec_process *p = s->process;
        const struct spec_linux *lx = s->linux;

#define REFUSE(cond, field)                                                                                 \
        do {                                                                                                \
                if (cond)                                                                                   \
                        return error_set_reason(err, EOPNOTSUPP,                                            \
                                                "config.json: %s: not supported by this husk yet", field);  \
        } while (0)

        REFUSE(p->terminal, "process.terminal (set it to false)");
        REFUSE(p->apparmor_profile && *p->apparmor_profile, "process.apparmorProfile");
        REFUSE(p->selinux_label && *p->selinux_label, "process.selinuxLabel");
        REFUSE(p->scheduler, "process.scheduler");
        REFUSE(p->io_priority, "process.ioPriority");
        REFUSE(p->exec_cpu_affinity_initial || p->exec_cpu_affinity_final, "process.execCPUAffinity");
        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++)
                REFUSE(s->hooks.n_hooks[k], "hooks");
        for (size_t i = 0; i < s->n_mounts; i++)
                REFUSE(s->mounts[i].n_uid_mappings || s->mounts[i].n_gid_mappings,
                       "mounts[].uidMappings (idmapped mounts)");
        if (!lx)
                return 0;
        REFUSE(lx->seccomp, "linux.seccomp");
        REFUSE(lx->mount_label && *lx->mount_label, "linux.mountLabel");
        REFUSE(lx->personality, "linux.personality");
        REFUSE(lx->intel_rdt, "linux.intelRdt");
        REFUSE(lx->memory_policy, "linux.memoryPolicy");
        REFUSE(lx->n_net_devices, "linux.netDevices");
#undef REFUSE
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
                struct error_info e = {0};
                int r = mount_opts_parse(s->mounts[i].options, s->mounts[i].n_options, &c->mount_opts[i],
                                         &e);
                if (r < 0)
                        return error_set_reason(err, -r, "config.json: mounts[%zu].%s", i, e.msg);
                if (s->mounts[i].type && !strcmp(s->mounts[i].type, "bind"))
                        c->mount_opts[i].bind = true;
        }
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

static int write_pid_file(const char *path, pid_t pid, struct error_info *err)
{
        char buf[32], dir[PATH_MAX], *slash;
        const char *name = path;
        int r;

        snprintf(buf, sizeof buf, "%d", (int) pid);
        snprintf(dir, sizeof dir, "%s", path);
        slash = strrchr(dir, '/');
        if (slash) {
                *slash = '\0';
                name = path + (slash - dir) + 1;
        }
        _cleanup_close_ int dirfd =
                open(slash ? (dir[0] ? dir : "/") : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return error_set(err, errno, "pid file '%s'", path);
        r = write_file_atomic_at(dirfd, name, buf, 0644);
        if (r < 0)
                return error_set(err, -r, "write pid file '%s'", path);
        return 0;
}

static int record_state(struct container *c, struct error_info *err)
{
        _cleanup_free_ char *cg = NULL;
        char created[64];
        int r;

        c->start_time = proc_start_time(c->procfd, c->pid);
        state_now_rfc3339(created, sizeof created);
        r = cgroup_serialize(c->cgroup, &cg);
        if (r < 0)
                return error_set(err, -r, "serialize cgroup");
        struct spec_state st = {
                .id = (char *) c->id,
                .pid = c->pid,
                .bundle = c->bundle,
                .rootfs = c->rootfs,
                .created = created,
                .owner = "",
                .annotations = c->spec->annotations,
                .n_annotations = c->spec->n_annotations,
                .start_time = c->start_time,
                .cgroup = cg,
                .systemd_cgroup = c->opts->systemd_cgroup,
        };
        r = state_write(c->state_dirfd, &st, err);
        if (r < 0)
                return r;
        if (c->opts->pid_file)
                return write_pid_file(c->opts->pid_file, c->pid, err);
        return 0;
}

/* sync 3: let the init exec, and learn whether execve worked (EOF) or not (an error). */
static int start_and_confirm(struct container *c, struct error_info *err)
{
        int r = sync_send(c->sync_fd, SYNC_START, 0);

        if (r < 0)
                return error_set(err, -r, "start the container's init");
        r = sync_expect_exec(c->sync_fd, err);
        if (r < 0)
                return r;
        c->sync_fd = safe_close(c->sync_fd);
        return 0;
}

static int exit_status(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

/* Waits for the init, passing every signal we receive on to it.  Signals are blocked already. */
static int wait_forwarding(struct container *c, int *ret_status, struct error_info *err)
{
        struct signalfd_siginfo si;
        sigset_t all;

        sigfillset(&all);
        _cleanup_close_ int sfd = signalfd(-1, &all, SFD_CLOEXEC);
        if (sfd < 0)
                return error_set(err, errno, "signalfd");

        for (;;) {
                int status;
                pid_t w;

                /* Reap first: the init may have exited before we got here. */
                while ((w = waitpid(-1, &status, WNOHANG)) > 0)
                        if (w == c->pid) {
                                *ret_status = exit_status(status);
                                log_debug("container init %d exited: status %d", (int) w, *ret_status);
                                return 0;
                        }
                if (w < 0 && errno == ECHILD)
                        return error_set(err, ECHILD, "lost the container's init %d", (int) c->pid);

                ssize_t n = read(sfd, &si, sizeof si);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n != sizeof si)
                        return error_set(err, n < 0 ? errno : EIO, "read signalfd");
                if (si.ssi_signo == SIGCHLD)
                        continue;
                log_debug("forwarding signal %u to %d", si.ssi_signo, (int) c->pid);
                if (syscall(SYS_pidfd_send_signal, c->pidfd, si.ssi_signo, NULL, 0) < 0 && errno != ESRCH)
                        log_warn("forward signal %u to %d: %s, ignoring", si.ssi_signo, (int) c->pid,
                                 strerror(errno));
        }
}

/* Kills whatever is left in the container's cgroup (no pid namespace: nobody else will). */
static void kill_leftovers(const struct cgroup *cg)
{
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
        safe_close(c->sync_fd);
        safe_close(c->child_sync_fd);
        safe_close(c->pidfd);
        safe_close(c->procfd);
        safe_close(c->state_dirfd);
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                safe_close(c->ns_fds[t]);
        cgroup_free(c->cgroup);
        spec_free(c->spec);
        free(c->bundle);
        free(c->rootfs);
        free(c->mount_opts);
}

/* The rollback of a failed run: the init killed and reaped, its cgroup and state dir removed. */
static void run_rollback(struct container *c, bool claimed)
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
        if (claimed && state_dir_remove(c->opts->root, c->id, &ignored) < 0)
                log_warn("%s, ignoring", ignored.msg);
}

int container_run(const struct container_opts *o, int *ret_status, struct error_info *err)
{
        struct container c = {
                .opts = o,
                .id = o->id,
                .state_dirfd = -EBADF,
                .procfd = -EBADF,
                .pidfd = -EBADF,
                .sync_fd = -EBADF,
                .child_sync_fd = -EBADF,
        };
        bool claimed = false;
        sigset_t all;
        int r, status = 0;

        for (int t = 0; t < _SPEC_NS_MAX; t++)
                c.ns_fds[t] = -EBADF;
        r = container_id_check(o->id, err);
        if (r < 0)
                goto fail;
        r = load_bundle(&c, err);
        if (r < 0)
                goto fail;
        r = c.state_dirfd = state_dir_create(o->root, o->id, err);
        if (r < 0)
                goto fail;
        claimed = true;
        r = c.procfd = ns_open_procfs("/proc", err);
        if (r < 0)
                goto fail;
        r = cgroup_create(c.spec->linux ? c.spec->linux->cgroups_path : NULL, o->id, o->systemd_cgroup,
                          &c.cgroup, err);
        if (r < 0)
                goto fail;
        r = apply_resources(&c, err);
        if (r < 0)
                goto fail;
        r = spawn_plan(&c, err);
        if (r < 0)
                goto fail;

        /* From here every signal waits for wait_forwarding(); the init unblocks them before execve. */
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        r = spawn_init(&c, err); /* sync 1, 2 */
        if (r < 0)
                goto fail;
        r = record_state(&c, err);
        if (r < 0)
                goto fail;
        r = start_and_confirm(&c, err); /* sync 3 */
        if (r < 0)
                goto fail;
        log_debug("container '%s' running, pid %d", o->id, (int) c.pid);
        /* Started: let `state`, `kill` and `delete` in while we wait (closing drops the flock). */
        c.state_dirfd = safe_close(c.state_dirfd);

        if (o->detach) {
                *ret_status = 0;
                container_release(&c);
                return 0;
        }
        r = wait_forwarding(&c, &status, err);
        if (r < 0)
                goto fail;
        c.pid = 0;
        if (!o->keep)
                run_rollback(&c, claimed);
        *ret_status = status;
        container_release(&c);
        return 0;

fail:
        run_rollback(&c, claimed);
        container_release(&c);
        return r;
}

/* ---- state, kill, delete --------------------------------------------------- */

static int open_container(const char *root, const char *id, int *ret_dirfd, struct spec_state **ret,
                          struct error_info *err)
{
        int r = container_id_check(id, err);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = state_dir_open(root, id, err);
        if (fd < 0)
                return fd;
        r = state_read(fd, ret, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", id);
        *ret_dirfd = TAKE_FD(fd);
        return 0;
}

int container_state(const char *root, const char *id, char **ret_json, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r = open_container(root, id, &fd, &st, err);

        if (r < 0)
                return r;
        enum container_status s = state_status(fd, st);
        st->status = strdup(container_status_name(s));
        if (s == STATUS_STOPPED)
                st->pid = 0;
        r = spec_state_encode(st, false, ret_json);
        if (r < 0)
                return error_set(err, -r, "encode the state of '%s'", id);
        return 0;
}

static int signal_all(const struct spec_state *st, int sig, struct error_info *err)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = cgroup_deserialize(st->cgroup, &cg, err);

        if (r < 0)
                return r;
        r = cgroup_pids(cg, &pids, &n, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                (void) kill(pids[i], sig);
        return 0;
}

/* A pidfd of the init, checked to be the same process (start time) as state.json says. */
static int open_init(const struct spec_state *st)
{
        _cleanup_close_ int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, st->pid, 0);

        if (pidfd < 0)
                return -errno;
        if (proc_start_time(procfd, st->pid) != st->start_time)
                return -ESRCH;
        return TAKE_FD(pidfd);
}

int container_kill(const char *root, const char *id, int sig, bool all, struct error_info *err)
{
        _cleanup_(spec_state_freep) struct spec_state *st = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r = open_container(root, id, &fd, &st, err);

        if (r < 0)
                return r;
        if (all)
                return signal_all(st, sig, err);
        if (state_status(fd, st) == STATUS_STOPPED)
                return error_set_reason(err, ESRCH, "container '%s' is not running", id);
        _cleanup_close_ int pidfd = open_init(st);
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
        _cleanup_close_ int fd = state_dir_open(root, id, err);
        /* As runc: forcing the removal of what is not there is not an error (engines clean up twice). */
        if (fd == -ENOENT && force)
                return 0;
        if (fd < 0)
                return fd;
        r = state_read(fd, &st, err);
        /* We hold the lock and there is no state.json: its creator died before writing one. */
        if (r == -ENOENT && force)
                return state_dir_remove(root, id, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", id);

        enum container_status s = state_status(fd, st);
        if (s != STATUS_STOPPED) {
                if (!force)
                        return error_set_reason(err, EBUSY,
                                                "cannot delete container '%s' that is not stopped: %s", id,
                                                container_status_name(s));
                _cleanup_close_ int pidfd = open_init(st);
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
        return state_dir_remove(root, id, err);
}
