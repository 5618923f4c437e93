/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "rootfs.h"
#include "base/banned.h"

/*
 * tmpcopyup: what the tmpfs hides (below, a directory fd taken before the
 * mount) copied into it (top), by fd all the way: directories, files,
 * symlinks and device nodes with their modes, owners and times.
 */
static int copy_entry(int srcdir, int dstdir, const char *name, const struct stat *st, unsigned depth);

static int copy_dir(int srcdir, int dstdir, unsigned depth)
{
        int dupfd = fcntl(srcdir, F_DUPFD_CLOEXEC, 3);
        if (dupfd < 0)
                return -errno;
        _cleanup_closedir_ DIR *d = fdopendir(dupfd);
        struct dirent *de;
        struct stat st;
        int r;

        if (!d) {
                safe_close(dupfd);
                return -errno;
        }
        if (depth > 256)
                return -ELOOP;
        while ((errno = 0, de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if (fstatat(srcdir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                r = copy_entry(srcdir, dstdir, de->d_name, &st, depth);
                if (r < 0)
                        return r;
        }
        return -errno;
}

static int copy_file(int srcdir, int dstdir, const char *name, mode_t mode)
{
        _cleanup_close_ int in = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return -errno;
        _cleanup_close_ int out =
                openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (out < 0)
                return -errno;
        for (;;) {
                ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
                if (n < 0 && (errno == EXDEV || errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL)) {
                        char buf[65536];
                        n = read(in, buf, sizeof buf);
                        if (n > 0 && write_all(out, buf, (size_t) n) < 0)
                                return -errno;
                }
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
        }
}

static int copy_entry(int srcdir, int dstdir, const char *name, const struct stat *st, unsigned depth)
{
        struct timespec times[2] = {st->st_atim, st->st_mtim};
        char target[PATH_MAX];
        int r = 0;

        switch (st->st_mode & S_IFMT) {
        case S_IFDIR: {
                if (mkdirat(dstdir, name, 0700) < 0)
                        return -errno;
                _cleanup_close_ int s =
                        openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_close_ int d =
                        openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || d < 0)
                        return -errno;
                r = copy_dir(s, d, depth + 1);
                break;
        }
        case S_IFREG:
                r = copy_file(srcdir, dstdir, name, 0600);
                break;
        case S_IFLNK: {
                ssize_t n = readlinkat(srcdir, name, target, sizeof target - 1);
                if (n < 0)
                        return -errno;
                target[n] = '\0';
                if (symlinkat(target, dstdir, name) < 0)
                        return -errno;
                break;
        }
        default:
                /* Device nodes, fifos, sockets; mknod of a device needs privileges a user namespace lacks.
                 */
                if (mknodat(dstdir, name, st->st_mode, st->st_rdev) < 0)
                        return errno == EPERM ? 0 : -errno;
                break;
        }
        if (r < 0)
                return r;
        /* chown first: it clears the set-id bits the mode may give back. */
        if (fchownat(dstdir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
                return -errno;
        if (!S_ISLNK(st->st_mode) && fchmodat(dstdir, name, st->st_mode & 07777, 0) < 0)
                return -errno;
        if (utimensat(dstdir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

int tmpcopyup(int below, int top, const char *dest, struct error_info *err)
{
        _cleanup_close_ int dst = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dst < 0)
                return error_set(err, errno, "tmpcopyup: open the tmpfs on '%s'", dest);
        int r = copy_dir(below, dst, 0);
        if (r < 0)
                return error_set(err, -r, "tmpcopyup: copy the contents of '%s' into its tmpfs", dest);
        return 0;
}
