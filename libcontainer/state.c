/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
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
#include "internal.h"
#include "state.h"
#include "base/banned.h"

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

int state_dir_create(const char *root, const char *id, struct error_info *err)
{
        int r = mkdir_p(root, 0700);
        if (r < 0)
                return error_set(err, -r, "create state root '%s'", root);
        _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set(err, errno, "open state root '%s'", root);
        if (mkdirat(rootfd, id, 0700) < 0) {
                if (errno == EEXIST)
                        return error_set_reason(err, EEXIST, "container '%s' already exists", id);
                return error_set(err, errno, "create state directory '%s/%s'", root, id);
        }
        _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return error_set(err, errno, "open state directory '%s/%s'", root, id);
        r = lock_dir(fd, id, err);
        if (r < 0)
                return r;
        return TAKE_FD(fd);
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
        }
        return TAKE_FD(fd);
}

int state_dir_remove(const char *root, const char *id, struct error_info *err)
{
        _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set(err, errno, "open state root '%s'", root);
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
        return container_is_paused(st) ? STATUS_PAUSED : STATUS_RUNNING;
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
