/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "cleanup.h"
#include "fs.h"
#include "banned.h"

int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

/* Kernel files take one write; reports its errno (e.g. EBUSY, EINVAL).  Closes fd. */
static int write_once(int fd, const char *s)
{
        _cleanup_close_ int owned = fd;

        if (owned < 0)
                return owned;
        ssize_t n = write(owned, s, strlen(s));
        if (n < 0)
                return -errno;
        if ((size_t) n != strlen(s))
                return -EIO;
        return 0;
}

int write_file_at(int dirfd, const char *path, const char *s)
{
        int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_TRUNC);

        return write_once(fd < 0 ? -errno : fd, s);
}

int procfs_open_at(int procfd, const char *path, int flags)
{
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC | O_NOCTTY),
                /* "self" and "thread-self" are plain symlinks; fd/ and exe are the magic ones. */
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
        };
        struct statfs sfs;
        int fd;

        do
                fd = (int) syscall(SYS_openat2, procfd, path, &how, sizeof how);
        while (fd < 0 && errno == EAGAIN);
        if (fd < 0)
                return -errno;
        int e = fstatfs(fd, &sfs) < 0 ? errno : sfs.f_type != PROC_SUPER_MAGIC ? EXDEV : 0;
        if (e) {
                close(fd);
                return -e;
        }
        return fd;
}

int procfs_write_at(int procfd, const char *path, const char *s)
{
        return write_once(procfs_open_at(procfd, path, O_WRONLY | O_TRUNC), s);
}

ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        size_t total = 0;

        if (fd < 0)
                return -errno;
        while (total + 1 < size) {
                ssize_t n = read(fd, buf + total, size - 1 - total);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                total += (size_t) n;
        }
        buf[total] = '\0';
        return (ssize_t) total;
}

int read_file_alloc(int dirfd, const char *path, char **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        if (fd < 0)
                return -errno;
        for (;;) {
                if (cap - len < 4096) {
                        cap = cap ? cap * 2 : 16384;
                        char *n = realloc(buf, cap);
                        if (!n)
                                return -ENOMEM;
                        buf = n;
                }
                ssize_t n = read(fd, buf + len, cap - len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = '\0';
        if (ret_len)
                *ret_len = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int read_regular_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
        _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t len = 0;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        if ((uintmax_t) st.st_size > max)
                return -EFBIG;
        /* One byte more than allowed, to see a file that grew meanwhile. */
        buf = malloc(max + 2);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(fd, buf + len, max + 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > max)
                        return -EFBIG;
        }
        buf[len] = '\0';
        if (ret_len)
                *ret_len = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int write_file_atomic_at(int dirfd, const char *name, const char *s, mode_t mode)
{
        char tmp[PATH_MAX];
        int r;

        snprintf(tmp, sizeof tmp, ".%s.%d.tmp", name, (int) getpid());
        /*
         * A new file of ours, never what stands there already: the name can be guessed, and a
         * symlink planted under it (a --pid-file in a directory others may write) would
         * otherwise be followed.  A leftover of an earlier husk with our pid goes first.
         */
        int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
        _cleanup_close_ int fd = openat(dirfd, tmp, flags, mode);
        if (fd < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0)
                fd = openat(dirfd, tmp, flags, mode);
        if (fd < 0)
                return -errno;
        r = write_all(fd, s, strlen(s));
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0)
                (void) unlinkat(dirfd, tmp, 0); /* best effort: the error above is what matters */
        return r;
}

int mkdir_p(const char *path, mode_t mode)
{
        char buf[PATH_MAX];

        if (strlen(path) >= sizeof buf)
                return -ENAMETOOLONG;
        snprintf(buf, sizeof buf, "%s", path);
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int rm_rf_at(int dir_fd, const char *name)
{
        struct stat st;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT ? -errno : 0;

        int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (!d) {
                (void) close(fd);
                return -errno;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                int r = rm_rf_at(dirfd(d), de->d_name);
                if (r < 0)
                        return r;
        }
        if (unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

bool path_exists(const char *path)
{
        struct stat st;
        return lstat(path, &st) == 0;
}

int parse_long(const char *s, long *ret)
{
        char *end;

        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno)
                return -errno;
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
