/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "rootpath.h"
#include "base/banned.h"

int root_open(int rootfd, const char *path, int flags)
{
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        while (*path == '/')
                path++;
        if (!*path)
                path = ".";
        do
                fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof how);
        while (fd < 0 && errno == EAGAIN); /* a rename raced the lookup: try again */
        return fd < 0 ? -errno : fd;
}

/* Splits path into its parent (in buf) and its last component. */
static int split_path(const char *path, char *buf, size_t size, const char **ret_base)
{
        size_t len;
        char *slash;

        if (strlen(path) >= size)
                return -ENAMETOOLONG;
        snprintf(buf, size, "%s", path);
        len = strlen(buf);
        while (len > 1 && buf[len - 1] == '/')
                buf[--len] = '\0';
        slash = strrchr(buf, '/');
        if (!slash) {
                *ret_base = path + (size_t) 0;
                buf[0] = '\0';
                return 0;
        }
        if (slash[1] == '\0')
                return -EINVAL; /* "/" itself */
        *ret_base = path + (slash + 1 - buf);
        slash[slash == buf ? 1 : 0] = '\0';
        return 0;
}

int root_open_parent(int rootfd, const char *path, int create, const char **ret_base)
{
        char parent[PATH_MAX];
        int r = split_path(path, parent, sizeof parent, ret_base);

        if (r < 0)
                return r;
        if (create)
                return root_mkdir_p(rootfd, parent, 0755);
        return root_open(rootfd, parent, O_PATH | O_DIRECTORY);
}

int root_mkdir_p(int rootfd, const char *path, mode_t mode)
{
        const char *base;
        int fd;

        fd = root_open(rootfd, path, O_PATH | O_DIRECTORY);
        if (fd != -ENOENT)
                return fd;

        _cleanup_close_ int parentfd = root_open_parent(rootfd, path, 1, &base);
        if (parentfd < 0)
                return parentfd;
        /* base is one component: mkdirat cannot follow a symlink planted there. */
        if (mkdirat(parentfd, base, mode) < 0 && errno != EEXIST)
                return -errno;
        return root_open(rootfd, path, O_PATH | O_DIRECTORY);
}

int root_mkfile(int rootfd, const char *path, mode_t mode)
{
        const char *base;
        int fd;

        fd = root_open(rootfd, path, O_PATH);
        if (fd != -ENOENT)
                return fd;

        _cleanup_close_ int parentfd = root_open_parent(rootfd, path, 1, &base);
        if (parentfd < 0)
                return parentfd;
        fd = openat(parentfd, base, O_CREAT | O_EXCL | O_NOFOLLOW | O_RDONLY | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST)
                return -errno;
        safe_close(fd);
        return root_open(rootfd, path, O_PATH);
}

const char *fd_path(int fd, char *buf, size_t size)
{
        snprintf(buf, size, "/proc/self/fd/%d", fd);
        return buf;
}
