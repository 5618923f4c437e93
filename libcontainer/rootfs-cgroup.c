/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A "cgroup" mount on a host with cgroup v1 hierarchies (v1 and hybrid hosts):
 * a tmpfs with one directory per hierarchy the init belongs to (as
 * /proc/self/cgroup lists them, parsed by cgroups/), each showing the
 * container's own cgroup at its top.  Pure cgroup v2 hosts take the plain
 * cgroup2 mount of rootfs.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup.h"
#include "rootfs.h"
#include "rootpath.h"
#include "base/banned.h"

/*
 * One cgroup hierarchy at subfd (a directory of the tmpfs we made), showing
 * the container's own cgroup at its top, as runc does.  In a cgroup namespace
 * /proc/self/cgroup says "/" and a fresh mount shows just that; without one a
 * fresh mount would show the host's whole hierarchy, so it is mounted on a
 * staging directory beside and only the container's cgroup (path) is bound
 * onto subfd.
 */
/* A bind keeps the source's flags: give the hierarchy's directory the mount's own. */
static int set_flags(int tmpfsfd, const char *name, const char *path, unsigned long flags,
                     struct error_info *err)
{
        struct mount_attr attr = {
                .attr_set = (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
                            (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
                            (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
                            (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0),
        };
        _cleanup_close_ int bound = openat(tmpfsfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (attr.attr_set && mount_setattr(bound, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                return error_set(err, errno, "set the flags of cgroup '%s'", path);
        return 0;
}

/*
 * A user namespace may not mount cgroup v1 (EPERM): the container's directory is bound from
 * the host's mount of the hierarchy instead, still reachable before pivot_root (as runc).
 */
static int bind_from_host(int tmpfsfd, const char *name, int subfd, const struct cgroup_membership *m,
                          unsigned long flags, struct error_info *err)
{
        char p[64], q[64];
        _cleanup_close_ int src = cgroup_open_host_dir(m, err);

        if (src < 0)
                return src;
        if (mount(fd_path(src, p, sizeof p), fd_path(subfd, q, sizeof q), NULL, MS_BIND, NULL) < 0)
                return error_set(err, errno, "bind cgroup '%s' from the host", m->path);
        return set_flags(tmpfsfd, name, m->path, flags, err);
}

static int mount_hierarchy(int tmpfsfd, const char *name, int subfd, const char *type, const char *data,
                           const struct cgroup_membership *m, unsigned long flags, struct error_info *err)
{
        static const char staging[] = ".staging";
        const char *path = m->path;
        char p[64], q[64];
        int r = 0;

        if (!strcmp(path, "/")) {
                if (mount("cgroup", fd_path(subfd, p, sizeof p), type, flags, data) < 0)
                        return error_set(err, errno, "mount %s '%s'", type, data ? data : "");
                return 0;
        }
        if (mkdirat(tmpfsfd, staging, 0700) < 0)
                return error_set(err, errno, "create a staging directory for the cgroup mounts");
        _cleanup_close_ int stagefd =
                openat(tmpfsfd, staging, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (stagefd < 0 || mount("cgroup", fd_path(stagefd, p, sizeof p), type, flags, data) < 0) {
                r = errno == EPERM ? bind_from_host(tmpfsfd, name, subfd, m, flags, err)
                                   : error_set(err, errno, "mount %s '%s'", type, data ? data : "");
                goto out;
        }
        {
                /* Reopen: the fd above is the directory under the new mount. */
                _cleanup_close_ int top =
                        openat(tmpfsfd, staging, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_close_ int src =
                        top < 0 ? -EBADF
                                : openat(top, path + 1, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (src < 0)
                        r = error_set(err, errno, "open cgroup '%s' of %s '%s'", path, type,
                                      data ? data : "");
                else if (mount(fd_path(src, p, sizeof p), fd_path(subfd, q, sizeof q), NULL, MS_BIND, NULL) <
                         0)
                        r = error_set(err, errno, "bind cgroup '%s' of %s '%s'", path, type,
                                      data ? data : "");
                if (top >= 0)
                        (void) umount2(fd_path(top, p, sizeof p), MNT_DETACH);
        }
        if (r == 0)
                r = set_flags(tmpfsfd, name, path, flags, err);
out:
        (void) unlinkat(tmpfsfd, staging, AT_REMOVEDIR);
        return r;
}

/* The directory, type and mount data of one hierarchy: "memory", "unified" (cgroup2), "systemd" (name=). */
static void hierarchy_names(const struct cgroup_membership *m, const char **ret_name, const char **ret_type,
                            const char **ret_data)
{
        if (m->v2 || !*m->controllers) {
                *ret_name = "unified";
                *ret_type = "cgroup2";
                *ret_data = NULL;
        } else if (!strncmp(m->controllers, "name=", 5)) {
                *ret_name = m->controllers + 5;
                *ret_type = "cgroup";
                *ret_data = m->controllers; /* "name=systemd" */
        } else {
                *ret_name = m->controllers;
                *ret_type = "cgroup";
                *ret_data = m->controllers;
        }
}

/* Each hierarchy of list in its directory of the tmpfs at tmpfsfd (dest names it). */
static int mount_hierarchies(int tmpfsfd, const char *dest, const struct cgroup_membership *list, size_t n,
                             unsigned long flags, struct error_info *err)
{
        for (size_t i = 0; i < n; i++) {
                const char *name, *type, *data;
                int r;

                if (list[i].path[0] != '/')
                        continue;
                hierarchy_names(&list[i], &name, &type, &data);
                if (mkdirat(tmpfsfd, name, 0755) < 0 && errno != EEXIST)
                        return error_set(err, errno, "create '%s/%s'", dest, name);
                _cleanup_close_ int subfd =
                        openat(tmpfsfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (subfd < 0)
                        return error_set(err, errno, "open '%s/%s'", dest, name);
                r = mount_hierarchy(tmpfsfd, name, subfd, type, data, &list[i], flags, err);
                if (r < 0)
                        return error_prefix(err, r, "'%s/%s'", dest, name);
        }
        return 0;
}

int rootfs_mount_cgroup_v1(int rootfd, const char *dest, unsigned long flags, struct error_info *err)
{
        struct cgroup_membership *list = NULL;
        size_t n = 0;
        char p[64];
        int r;

        _cleanup_close_ int fd = root_mkdir_p(rootfd, dest, 0755);
        if (fd < 0)
                return rootfs_dest_error(rootfd, dest, fd, err);
        if (mount("tmpfs", fd_path(fd, p, sizeof p), "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
                return error_set(err, errno, "mount tmpfs on '%s'", dest);
        /* Ours from here: the tmpfs just made, not the rootfs. */
        _cleanup_close_ int tmpfsfd = root_open(rootfd, dest, O_PATH | O_DIRECTORY);
        if (tmpfsfd < 0)
                return error_set(err, -tmpfsfd, "open '%s'", dest);
        /* Read in the init's cgroup namespace: the paths are as the container sees them. */
        r = cgroup_membership_read(&list, &n, err);
        if (r < 0)
                return r;
        r = mount_hierarchies(tmpfsfd, dest, list, n, flags, err);
        cgroup_membership_free(list, n);
        if (r < 0)
                return r;
        if (flags & MS_RDONLY) {
                _cleanup_close_ int top = root_open(rootfd, dest, O_PATH);
                if (top < 0)
                        return error_set(err, -top, "open '%s'", dest);
                struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
                if (mount_setattr(top, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        return error_set(err, errno, "make '%s' read-only", dest);
        }
        return 0;
}
