/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's /dev, made before pivot_root: the default devices of
 * runtime-linux.md and linux.devices (mknod, replacing what the image has
 * there; in a user namespace, where mknod is refused, binds of the host's
 * nodes), then the /dev symlinks (fd, stdin, stdout, stderr, core, and ptmx
 * to the container's own devpts).  Every path is resolved inside the rootfs by
 * fd (rootpath.c); nothing follows a symlink of the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "rootfs.h"
#include "rootpath.h"
#include "base/banned.h"

static const struct spec_device default_devices[] = {
        {.type = "c", .path = "/dev/null", .major = 1, .minor = 3},
        {.type = "c", .path = "/dev/zero", .major = 1, .minor = 5},
        {.type = "c", .path = "/dev/full", .major = 1, .minor = 7},
        {.type = "c", .path = "/dev/random", .major = 1, .minor = 8},
        {.type = "c", .path = "/dev/urandom", .major = 1, .minor = 9},
        {.type = "c", .path = "/dev/tty", .major = 5, .minor = 0},
};

static mode_t device_type(const char *t)
{
        switch (t[0]) {
        case 'b':
                return S_IFBLK;
        case 'p':
                return S_IFIFO;
        default:
                return S_IFCHR; /* "c" and "u" */
        }
}

static int create_device(int rootfd, const struct spec_device *d, bool userns, struct error_info *err)
{
        mode_t mode = (d->has_file_mode ? d->file_mode : 0666) & 07777;
        const char *base;
        int r;

        _cleanup_close_ int parentfd = root_open_parent(rootfd, d->path, 1, &base);
        if (parentfd < 0)
                return error_set(err, -parentfd, "create the directory of device '%s'", d->path);

        if (userns) {
                /* mknod is not allowed in a user namespace: bind the host's node instead. */
                struct mount_opts mo = {.bind = true};
                _cleanup_close_ int fd = root_mkfile(rootfd, d->path, 0600);
                if (fd < 0)
                        return error_set(err, -fd, "create device '%s'", d->path);
                r = mount_bind_onto(AT_FDCWD, d->path, fd, &mo, false);
                if (r < 0)
                        return error_set(err, -r, "bind device '%s' from the host", d->path);
                return 0;
        }

        dev_t dev = makedev((unsigned) d->major, (unsigned) d->minor);
        if (mknodat(parentfd, base, mode | device_type(d->type), dev) < 0) {
                if (errno != EEXIST)
                        return error_set(err, errno, "mknod '%s'", d->path);
                /* Replace whatever the image has there (never follows a symlink: unlinkat). */
                if (unlinkat(parentfd, base, 0) < 0 ||
                    mknodat(parentfd, base, mode | device_type(d->type), dev) < 0)
                        return error_set(err, errno, "mknod '%s'", d->path);
        }
        if (fchmodat(parentfd, base, mode, AT_SYMLINK_NOFOLLOW) < 0 && errno != EOPNOTSUPP)
                return error_set(err, errno, "chmod device '%s'", d->path);
        if (fchownat(parentfd, base, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) <
            0)
                return error_set(err, errno, "chown device '%s'", d->path);
        return 0;
}

static int create_dev_symlinks(int rootfd, struct error_info *err)
{
        static const struct {
                const char *target, *name;
        } links[] = {
                {"/proc/self/fd", "fd"},
                {"/proc/self/fd/0", "stdin"},
                {"/proc/self/fd/1", "stdout"},
                {"/proc/self/fd/2", "stderr"},
        };
        _cleanup_close_ int devfd = root_mkdir_p(rootfd, "/dev", 0755);

        if (devfd < 0)
                return error_set(err, -devfd, "open /dev in the rootfs");
        for (size_t i = 0; i < ARRAY_SIZE(links); i++)
                if (symlinkat(links[i].target, devfd, links[i].name) < 0 && errno != EEXIST)
                        return error_set(err, errno, "symlink /dev/%s", links[i].name);
        if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", devfd, "core") < 0 &&
            errno != EEXIST)
                return error_set(err, errno, "symlink /dev/core");
        /* /dev/ptmx is the one of the container's devpts instance. */
        if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
                return error_set(err, errno, "remove /dev/ptmx");
        if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
                return error_set(err, errno, "symlink /dev/ptmx");
        return 0;
}

static bool dev_is_bind_mounted(const struct spec *s)
{
        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                if (strcmp(m->destination, "/dev") != 0)
                        continue;
                if (m->type && !strcmp(m->type, "bind"))
                        return true;
                for (size_t k = 0; k < m->n_options; k++)
                        if (!strcmp(m->options[k], "bind") || !strcmp(m->options[k], "rbind"))
                                return true;
        }
        return false;
}

int rootfs_make_dev(int rootfd, const struct spec *s, bool userns, struct error_info *err)
{
        const struct spec_linux *lx = s->linux;
        int r;

        if (dev_is_bind_mounted(s))
                return 0;
        for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
                bool overridden = false;
                for (size_t k = 0; lx && k < lx->n_devices; k++)
                        if (!strcmp(lx->devices[k].path, default_devices[i].path))
                                overridden = true;
                if (overridden)
                        continue;
                r = create_device(rootfd, &default_devices[i], userns, err);
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; lx && k < lx->n_devices; k++) {
                r = create_device(rootfd, &lx->devices[k], userns, err);
                if (r < 0)
                        return error_prefix(err, r, "linux.devices[%zu]", k);
        }
        return create_dev_symlinks(rootfd, err);
}
