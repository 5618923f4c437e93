/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "state.h"
#include "base/banned.h"

int state_id_check(const char *id, struct error_info *err)
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

const char *container_status_name(enum container_status s)
{
        switch (s) {
        case STATUS_CREATING:
                return "creating";
        case STATUS_CREATED:
                return "created";
        case STATUS_RUNNING:
                return "running";
        case STATUS_PAUSED:
                return "paused";
        case STATUS_STOPPED:
                return "stopped";
        }
        return "unknown";
}

static int lock_dir(int fd, const char *id, struct error_info *err)
{
        if (flock(fd, LOCK_EX) < 0)
                return error_set(err, errno, "lock container '%s'", id);
        return 0;
}

/*
 * ROOT/ID appears already locked: made under a temporary name, locked, then renamed into
 * place without replacing anything.  No other husk can see the directory before we hold it
 * (a `delete --force` would take an empty one for the leftover of a killed create), and a
 * failure removes what it made.
 */
int state_dir_create(const char *root, const char *id, struct error_info *err)
{
        char tmp[64];
        int r = mkdir_p(root, 0700);
        if (r < 0)
                return error_set(err, -r, "create state root '%s'", root);
        _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set(err, errno, "open state root '%s'", root);
        /* Dot-named: never a container id, skipped by `husk list`. */
        snprintf(tmp, sizeof tmp, ".creating.%d", (int) getpid());
        /* One there is a killed husk's that had our pid: no live process can own it. */
        if (mkdirat(rootfd, tmp, 0700) < 0 &&
            (errno != EEXIST || rm_rf_at(rootfd, tmp) < 0 || mkdirat(rootfd, tmp, 0700) < 0))
                return error_set(err, errno, "create state directory '%s/%s'", root, tmp);
        _cleanup_close_ int fd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                r = error_set(err, errno, "open state directory '%s/%s'", root, tmp);
        else
                r = lock_dir(fd, id, err);
        if (r >= 0 && renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) < 0) {
                if (errno == EEXIST)
                        r = error_set_reason(err, EEXIST, "container '%s' already exists", id);
                else
                        r = error_set(err, errno, "create state directory '%s/%s'", root, id);
        }
        if (r < 0) {
                (void) unlinkat(rootfd, tmp,
                                AT_REMOVEDIR); /* ours, empty; the error above is what matters */
                return r;
        }
        return TAKE_FD(fd);
}

/*
 * dirfd is still the directory that ROOT/ID names: not removed (a removed directory has no
 * links) and not replaced by a newer container of the same id.  Checked under the lock:
 * whoever removes ROOT/ID holds it, so the answer holds as long as we do.
 */
static bool still_named(int rootfd, const char *id, int dirfd)
{
        struct stat a, b;

        if (fstat(dirfd, &a) < 0 || a.st_nlink == 0)
                return false;
        if (fstatat(rootfd, id, &b, AT_SYMLINK_NOFOLLOW) < 0)
                return false;
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int state_dir_open(const char *root, const char *id, bool lock, struct error_info *err)
{
        _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0 && errno != ENOENT)
                return error_set(err, errno, "open state root '%s'", root);
        _cleanup_close_ int fd =
                rootfd < 0 ? -1 : openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (rootfd < 0 || errno == ENOENT)
                        return error_set_reason(err, ENOENT, "container '%s' does not exist", id);
                return error_set(err, errno, "open state directory '%s/%s'", root, id);
        }
        if (lock) {
                int r = lock_dir(fd, id, err);
                if (r < 0)
                        return r;
                /* Removed while we waited: what we came for is gone, whatever now has its id. */
                if (!still_named(rootfd, id, fd))
                        return error_set_reason(err, ENOENT, "container '%s' does not exist", id);
        }
        return TAKE_FD(fd);
}

int state_dir_remove(const char *root, const char *id, int dirfd, struct error_info *err)
{
        _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set(err, errno, "open state root '%s'", root);
        if (!still_named(rootfd, id, dirfd))
                return 0; /* removed already; the name may be a newer container's */
        int r = rm_rf_at(rootfd, id);
        if (r < 0)
                return error_set(err, -r, "remove state directory '%s/%s'", root, id);
        return 0;
}

int state_write(int dirfd, const struct spec_state *st, struct error_info *err)
{
        _cleanup_free_ char *json = NULL;
        int r = spec_state_encode(st, SPEC_STATE_FILE, &json);

        if (r < 0)
                return error_set(err, -r, "encode state.json");
        r = write_file_atomic_at(dirfd, "state.json", json, 0600);
        if (r < 0)
                return error_set(err, -r, "write state.json of '%s'", st->id);
        return 0;
}

int state_read(int dirfd, struct spec_state **ret, struct error_info *err)
{
        _cleanup_free_ char *json = NULL;
        int r = read_file_alloc(dirfd, "state.json", &json, NULL);

        if (r == -ENOENT)
                return error_set_reason(err, ENOENT, "still being created (no state.json)");
        if (r < 0)
                return error_set(err, -r, "read state.json");
        return spec_state_decode(json, ret, err);
}

unsigned long long proc_start_time(int procfd, pid_t pid)
{
        char path[32], buf[1024];
        unsigned long long start = 0;

        snprintf(path, sizeof path, "%d/stat", (int) pid);
        if (read_file_at(procfd, path, buf, sizeof buf) <= 0)
                return 0;
        /* Field 2 (comm) may hold spaces and parentheses: count from the last ')'. */
        char *p = strrchr(buf, ')');
        if (!p)
                return 0;
        char state = p[2];
        if (state == 'Z' || state == 'X')
                return 0; /* a zombie has stopped */
        p += 2;
        for (int field = 3; field < 22 && p; field++) {
                p = strchr(p, ' ');
                if (p)
                        p++;
        }
        if (p)
                start = strtoull(p, NULL, 10);
        return start;
}

/* true when another process holds the lock of the state dir (a create in progress). */
static bool dir_locked_by_other(int dirfd)
{
        _cleanup_close_ int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return false;
        return flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

/* The container's cgroup is frozen (husk pause). */
static bool state_is_paused(const struct spec_state *st)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        bool frozen = false;

        if (!st->cgroup || cgroup_deserialize(st->cgroup, &cg, NULL) < 0)
                return false;
        return cgroup_is_frozen(cg, &frozen, NULL) == 0 && frozen;
}

enum container_status state_status(int dirfd, const struct spec_state *st, bool locked)
{
        _cleanup_close_ int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat s;

        if (st->pid <= 0)
                return !locked && dir_locked_by_other(dirfd) ? STATUS_CREATING : STATUS_STOPPED;
        if (procfd < 0)
                return STATUS_STOPPED;
        unsigned long long start = proc_start_time(procfd, st->pid);
        if (start == 0 || start != st->start_time)
                return STATUS_STOPPED;
        if (fstatat(dirfd, "exec.fifo", &s, 0) == 0)
                return STATUS_CREATED;
        return state_is_paused(st) ? STATUS_PAUSED : STATUS_RUNNING;
}

void state_thaw(const struct spec_state *st)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        bool frozen = false;

        if (!st->cgroup || cgroup_deserialize(st->cgroup, &cg, NULL) < 0)
                return;
        if (cgroup_is_frozen(cg, &frozen, NULL) == 0 && frozen)
                (void) cgroup_freeze(cg, false, NULL); /* the caller's wait tells whether it worked */
}

int state_open_init(const struct spec_state *st)
{
        _cleanup_close_ int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        _cleanup_close_ int pidfd = -EBADF;

        if (st->pid <= 0)
                return -ESRCH;
        pidfd = (int) syscall(SYS_pidfd_open, st->pid, 0);
        if (pidfd < 0)
                return -errno;
        /* Checked after the pidfd is open: the pid cannot be reused under it any more. */
        if (proc_start_time(procfd, st->pid) != st->start_time)
                return -ESRCH;
        return TAKE_FD(pidfd);
}

void state_now_rfc3339(char *buf, size_t size)
{
        struct timespec ts;
        struct tm tm;
        size_t n;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

char *state_hook_json(const struct spec_state *st, const char *status)
{
        struct spec_state copy = *st;
        char *json = NULL;

        copy.status = (char *) status;
        return spec_state_encode(&copy, SPEC_STATE_HOOK, &json) < 0 ? NULL : json;
}

/* ---- exec.fifo ------------------------------------------------------------------------- */

int state_fifo_make(int dirfd, struct error_info *err)
{
        if (mkfifoat(dirfd, "exec.fifo", 0622) < 0)
                return error_set(err, errno, "create exec.fifo");
        if (fchmodat(dirfd, "exec.fifo", 0622, 0) < 0)
                return error_set(err, errno, "chmod exec.fifo");
        int fd = openat(dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
        if (fd < 0)
                return error_set(err, errno, "open exec.fifo");
        return fd;
}

/* The error the init wrote into the fifo after the start byte; 0 at end-of-file. */
static int read_init_error(int fifo, const char *id, struct error_info *err)
{
        struct error_info child = {0};
        size_t got = 0;

        for (;;) {
                struct pollfd p = {.fd = fifo, .events = POLLIN};
                if (poll(&p, 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_set(err, errno, "container '%s': wait on exec.fifo", id);
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

int state_fifo_release(int dirfd, int pidfd, const char *id, struct error_info *err)
{
        _cleanup_close_ int fifo = openat(dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        char byte;

        if (fifo < 0)
                return error_set(err, errno, "container '%s': open exec.fifo", id);
        /* The start byte, unless the init dies first. */
        for (;;) {
                struct pollfd p[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_set(err, errno, "container '%s': wait on exec.fifo", id);
                }
                if (!(p[0].revents & (POLLIN | POLLHUP)) && (p[1].revents & POLLIN))
                        return error_set_reason(err, ESRCH,
                                                "container '%s': its init exited before the start", id);
                ssize_t n = read(fifo, &byte, 1);
                if (n < 0 && errno == EAGAIN)
                        continue;
                if (n != 1)
                        return error_set_reason(err, ESRCH,
                                                "container '%s': its init exited before the start", id);
                break;
        }
        (void) unlinkat(dirfd, "exec.fifo", 0);
        return read_init_error(fifo, id, err);
}

/* ---- the config kept at create ------------------------------------------------------------ */

int state_keep_config(int dirfd, const char *bundle, struct error_info *err)
{
        char path[PATH_MAX];
        _cleanup_free_ char *json = NULL;

        snprintf(path, sizeof path, "%s/config.json", bundle);
        int r = read_regular_file(AT_FDCWD, path, SPEC_FILE_MAX, &json, NULL);
        if (r < 0)
                return error_set(err, -r, "read '%s'", path);
        r = write_file_atomic_at(dirfd, "config.json", json, 0600);
        if (r < 0)
                return error_set(err, -r, "keep a copy of config.json");
        return 0;
}

struct spec *state_kept_config(int dirfd, const char *root, const char *id)
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
