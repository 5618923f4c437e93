/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's mount namespace, set up by its init.  rootfs_mount(), before
 * pivot_root:
 *
 *   1. "/" made rslave, so nothing we mount reaches the host;
 *   2. the rootfs bound onto itself (pivot_root needs a mount point), or the
 *      overlay rootfs the parent made (overlay.c) attached there; then "/"
 *      takes linux.rootfsPropagation;
 *   3. the mounts of config.json, in order, each target resolved inside the
 *      rootfs by fd (rootpath.c) and mounted onto that fd; binds as detached
 *      trees (open_tree, or the idmapped ones of rootfs-prepare.c) attached
 *      with move_mount (mount.c); recursive attributes with mount_setattr
 *      AT_RECURSIVE; cgroup v1 hierarchies (rootfs-cgroup.c); tmpcopyup
 *      (tmpcopyup.c);
 *   4. process.cwd made when missing (as runc), /dev (rootfs-dev.c).
 *
 * Then, as init.c calls them: rootfs_pivot() (pivot_root, or MS_MOVE + chroot
 * with --no-pivot), rootfs_bind_console() (the pty's slave on /dev/console),
 * rootfs_mask_paths() and rootfs_make_readonly() (readonlyPaths, then
 * root.readonly).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "rootfs.h"
#include "rootpath.h"
#include "base/banned.h"

/* ---- the mounts of config.json ------------------------------------------ */

/*
 * Why dest could not be made in the rootfs, said plainly when the image has a symlink on
 * the way whose target does not exist (it is followed inside the rootfs only, and husk does
 * not make what a symlink of the image points to).  Returns r.
 */
int rootfs_dest_error(int rootfd, const char *dest, int r, struct error_info *err)
{
        char prefix[PATH_MAX], target[PATH_MAX];

        if (r != -ENOENT || strlen(dest) >= sizeof prefix)
                return error_set(err, -r, "create '%s' in the rootfs", dest);
        for (const char *p = dest; *p;) {
                p += strspn(p, "/");
                p += strcspn(p, "/");
                snprintf(prefix, sizeof prefix, "%.*s", (int) (p - dest), dest);
                _cleanup_close_ int link = root_open(rootfd, prefix, O_PATH | O_NOFOLLOW);
                struct stat st;
                if (link < 0 || fstat(link, &st) < 0)
                        break;
                if (!S_ISLNK(st.st_mode))
                        continue;
                _cleanup_close_ int to = root_open(rootfd, prefix, O_PATH);
                if (to != -ENOENT)
                        continue;
                ssize_t n = readlinkat(link, "", target, sizeof target - 1);
                target[n < 0 ? 0 : n] = '\0';
                return error_set_reason(err, ENOENT,
                                        "'%s' is a symlink in the rootfs to '%s', which does not exist "
                                        "there (symlinks of the image are followed inside the rootfs, "
                                        "and what they point to is not created)",
                                        prefix, target);
        }
        return error_set(err, -r, "create '%s' in the rootfs", dest);
}

/* Where a bind mount goes: a directory or a file, as its source is. */
static int bind_target(int rootfd, const char *dest, bool dir)
{
        return dir ? root_mkdir_p(rootfd, dest, 0755) : root_mkfile(rootfd, dest, 0644);
}

static int mount_bind(int rootfd, int bundlefd, const struct spec_mount *m, int tree,
                      const struct mount_opts *mo, struct error_info *err)
{
        const char *source = m->source ? m->source : "";
        struct stat st;
        int r;

        /* Sources are host paths from the trusted config; relative ones are in the bundle. */
        if (tree >= 0 ? fstat(tree, &st) < 0 : fstatat(bundlefd, source, &st, 0) < 0)
                return error_set(err, errno, "bind source '%s'", source);
        _cleanup_close_ int fd = bind_target(rootfd, m->destination, S_ISDIR(st.st_mode));
        if (fd < 0)
                return rootfs_dest_error(rootfd, m->destination, fd, err);
        /* An idmapped tree was made by the parent (it needs the host's privileges). */
        r = tree >= 0 ? mount_attach_tree(tree, fd, mo, false)
                      : mount_bind_onto(bundlefd, source, fd, mo, false);
        if (r < 0)
                return error_set(err, -r, "bind '%s' on '%s'", source, m->destination);
        return 0;
}

static int mount_at(const char *source, int fd, const char *type, const struct mount_opts *mo)
{
        char p[64];

        if (mount(source, fd_path(fd, p, sizeof p), type, mo->flags, mo->data[0] ? mo->data : NULL) < 0)
                return -errno;
        return 0;
}

/*
 * /sys bound from the host (see sysfs_fallback) brings the host's cgroup2 mount along, and the
 * kernel refuses to mount its superblock again at its own root (EBUSY): detach that copy
 * (ours, in our mount namespace) and mount the container's own.  *fd is reopened.
 */
static int cgroup2_over_host_copy(int rootfd, const struct spec_mount *m, const char *source, int *fd,
                                  const struct mount_opts *mo)
{
        struct statfs sfs;
        char p[64];

        if (fstatfs(*fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC ||
            umount2(fd_path(*fd, p, sizeof p), MNT_DETACH) < 0)
                return -EBUSY;
        safe_close(*fd);
        *fd = root_open(rootfd, m->destination, O_PATH | O_DIRECTORY);
        if (*fd < 0)
                return *fd;
        return mount_at(source, *fd, "cgroup2", mo);
}

/*
 * A user namespace that may not mount cgroup2 here (as runc): bind the container's own cgroup
 * from the host's cgroup2 mount (pure v2 hosts have it at /sys/fs/cgroup).
 */
static int cgroup2_fallback(const struct rootfs_ctx *rc, int fd, const struct mount_opts *mo)
{
        struct mount_opts bind = *mo;
        char src[PATH_MAX];

        snprintf(src, sizeof src, "/sys/fs/cgroup%s", cgroup_path(rc->cgroup));
        bind.recursive_bind = false;
        return mount_bind_onto(AT_FDCWD, src, fd, &bind, false);
}

/* A user namespace that does not own the network namespace cannot mount sysfs: bind the host's. */
static int sysfs_fallback(int fd, const struct mount_opts *mo)
{
        struct mount_opts bind = *mo;

        bind.recursive_bind = true;
        return mount_bind_onto(AT_FDCWD, "/sys", fd, &bind, false);
}

/* A file system of its own (not a bind) on *fd, with the fallbacks above. */
static int mount_fs(const struct rootfs_ctx *rc, int rootfd, const struct spec_mount *m, const char *type,
                    int *fd, const struct mount_opts *mo)
{
        const char *source = m->source && *m->source ? m->source : type;
        int r = mount_at(source, *fd, type, mo);

        if (r == -EBUSY && !strcmp(type, "cgroup2")) {
                int again = cgroup2_over_host_copy(rootfd, m, source, fd, mo);
                /* Not the host's copy after all: the first error stands. */
                r = again == -EBUSY ? r : again;
        }
        if (r < 0 && *fd >= 0 && !strcmp(type, "cgroup2") && rc->userns &&
            cgroup2_fallback(rc, *fd, mo) == 0)
                return 0;
        if ((r == -EPERM || r == -EBUSY) && !strcmp(type, "sysfs") && rc->userns &&
            sysfs_fallback(*fd, mo) == 0)
                return 0;
        return r;
}

static int mount_one(const struct rootfs_ctx *rc, int rootfd, int bundlefd, size_t index,
                     struct error_info *err)
{
        const struct spec_mount *m = &rc->spec->mounts[index];
        const struct mount_opts *mo = &rc->plan->opts[index];
        const char *type = m->type ? m->type : "";
        _cleanup_close_ int below = -EBADF;
        char p[64];
        int r;

        if (mo->bind) {
                r = mount_bind(rootfd, bundlefd, m, rc->plan->fds ? rc->plan->fds[index] : -EBADF, mo, err);
                if (r < 0)
                        return r;
        } else if (!strcmp(type, "cgroup") && cgroup_has_v1(rc->cgroup)) {
                r = rootfs_mount_cgroup_v1(rootfd, m->destination, mo->flags, err);
                if (r < 0)
                        return r;
        } else {
                if (!strcmp(type, "cgroup"))
                        type = "cgroup2";
                _cleanup_close_ int fd = root_mkdir_p(rootfd, m->destination, 0755);
                if (fd < 0)
                        return rootfs_dest_error(rootfd, m->destination, fd, err);
                if (mo->tmpcopyup) {
                        /* What the tmpfs will hide, held open to be copied into it. */
                        below = root_open(rootfd, m->destination, O_RDONLY | O_DIRECTORY);
                        if (below < 0)
                                return error_set(err, -below, "tmpcopyup: open '%s'", m->destination);
                }
                r = mount_fs(rc, rootfd, m, type, &fd, mo);
                if (r == -EINVAL && mo->data[0])
                        return error_set(err, -r, "mount %s on '%s' with options '%s'", type, m->destination,
                                         mo->data);
                if (r < 0)
                        return error_set(err, -r, "mount %s on '%s'", type, m->destination);
        }
        /* Reopen: the new mount sits on top of the fd we mounted onto. */
        _cleanup_close_ int top = root_open(rootfd, m->destination, O_PATH);
        if (top < 0)
                return error_set(err, -top, "open '%s' after mounting it", m->destination);
        if (!mo->bind) {
                r = mount_set_recursive_attrs(top, mo);
                if (r < 0)
                        return error_set(err, -r, "set the recursive attributes of '%s'", m->destination);
        }
        if (below >= 0) {
                r = tmpcopyup(below, top, m->destination, err);
                if (r < 0)
                        return r;
        }
        if (mo->propagation && mount(NULL, fd_path(top, p, sizeof p), NULL, mo->propagation, NULL) < 0)
                return error_set(err, errno, "set propagation of '%s'", m->destination);
        return 0;
}

/* ---- pivot_root and after ------------------------------------------------ */

/* ---- pivot_root and after ------------------------------------------------ */

static int mount_id(int dirfd, const char *path, uint64_t *ret)
{
        struct statx stx;

        if (statx(dirfd, path, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
                return -errno;
        *ret = stx.stx_mnt_id;
        return 0;
}

/*
 * pivot_root refuses a shared new root, a shared parent of it and a shared
 * old root (pivot_root(2)).  With a shared rootfsPropagation these three are
 * made private here (ours: our mount namespace's copies); the propagation
 * asked for is given to the new / after the pivot.  The parent is found by
 * walking up from the rootfs until the mount changes.
 */
static int unshare_for_pivot(int rootfd)
{
        struct mount_attr priv = {.propagation = MS_PRIVATE};
        uint64_t id = 0, up_id = 0;
        int r;

        _cleanup_close_ int cur = openat(rootfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cur < 0)
                return -errno;
        r = mount_id(cur, "", &id);
        for (;;) {
                if (r < 0)
                        return r;
                _cleanup_close_ int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (up < 0)
                        return -errno;
                r = mount_id(up, "", &up_id);
                if (r < 0)
                        return r;
                struct stat a, b;
                if (fstat(cur, &a) < 0 || fstat(up, &b) < 0)
                        return -errno;
                if (up_id != id || (a.st_dev == b.st_dev && a.st_ino == b.st_ino))
                        break; /* cur is the root of its mount (or of everything) */
                safe_close(cur);
                cur = TAKE_FD(up);
        }
        _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (mount_setattr(cur, "", AT_EMPTY_PATH, &priv, sizeof priv) < 0 ||
            mount_setattr(rootfd, "", AT_EMPTY_PATH, &priv, sizeof priv) < 0 ||
            mount_setattr(oldroot, "", AT_EMPTY_PATH, &priv, sizeof priv) < 0)
                return -errno;
        return 0;
}

static int enter_rootfs(const struct rootfs_ctx *rc, int rootfd, unsigned long propagation,
                        struct error_info *err)
{
        int r;

        if (fchdir(rootfd) < 0)
                return error_set(err, errno, "chdir to the rootfs '%s'", rc->rootfs);

        if (rc->no_pivot) {
                /* For roots that cannot pivot (an initramfs): move the rootfs over "/" and chroot. */
                if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
                        return error_set(err, errno, "move the rootfs '%s' to /", rc->rootfs);
                if (chroot(".") < 0)
                        return error_set(err, errno, "chroot to the rootfs '%s'", rc->rootfs);
        } else {
                if (propagation & MS_SHARED) {
                        r = unshare_for_pivot(rootfd);
                        if (r < 0)
                                return error_set(err, -r,
                                                 "make the mounts around the rootfs private for "
                                                 "pivot_root");
                }
                _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (oldroot < 0)
                        return error_set(err, errno, "open /");
                if (syscall(SYS_pivot_root, ".", ".") < 0)
                        return error_set(err, errno, "pivot_root to '%s'", rc->rootfs);
                /*
                 * The old root is now stacked on "."; detach it without telling the host.  By
                 * fd: a path "." would name the new root below it, not the old root.
                 */
                struct mount_attr slave = {.propagation = MS_SLAVE};
                if (mount_setattr(oldroot, "", AT_EMPTY_PATH | AT_RECURSIVE, &slave, sizeof slave) < 0)
                        return error_set(err, errno, "make the old root a slave");
                if (umount2(".", MNT_DETACH) < 0)
                        return error_set(err, errno, "detach the old root");
                if ((propagation & MS_SHARED) && mount(NULL, ".", NULL, propagation, NULL) < 0)
                        return error_set(err, errno, "linux.rootfsPropagation: set propagation of /");
        }
        if (chdir("/") < 0)
                return error_set(err, errno, "chdir /");
        return 0;
}

/* /dev/null of the container, checked to be the real one (char 1:3) by its inode. */
static int open_verified_null(int rootfd)
{
        struct stat st;
        _cleanup_close_ int fd = root_open(rootfd, "/dev/null", O_PATH | O_NOFOLLOW);

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
                return -EPERM;
        return TAKE_FD(fd);
}

/*
 * /dev/console is the container's terminal, as runc makes it: the pty's slave
 * bound onto it (by fd: no path names the slave).  What the image has there
 * is replaced unless it is a file or a device node we can mount over.
 */
int rootfs_bind_console(int rootfd, int slave, struct error_info *err)
{
        struct mount_opts mo = {.bind = true};
        struct stat st;

        _cleanup_close_ int devfd = root_mkdir_p(rootfd, "/dev", 0755);
        if (devfd < 0)
                return error_set(err, -devfd, "process.terminal: open /dev in the container");
        if (fstatat(devfd, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) &&
            !S_ISCHR(st.st_mode) && unlinkat(devfd, "console", S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
                return error_set(err, errno, "process.terminal: remove /dev/console of the image");
        _cleanup_close_ int fd = root_mkfile(rootfd, "/dev/console", 0600);
        if (fd < 0)
                return error_set(err, -fd, "process.terminal: create /dev/console");
        int r = mount_bind_onto(slave, "", fd, &mo, false);
        if (r < 0)
                return error_set(err, -r, "process.terminal: bind the pty onto /dev/console");
        return 0;
}

int rootfs_mask_paths(int rootfd, const struct spec_linux *lx, struct error_info *err)
{
        _cleanup_close_ int nullfd = -EBADF;
        struct mount_opts mo = {.bind = true};
        struct stat st;
        char p[64];
        int r;

        for (size_t i = 0; lx && i < lx->n_masked_paths; i++) {
                const char *path = lx->masked_paths[i];
                _cleanup_close_ int fd = root_open(rootfd, path, O_PATH | O_NOFOLLOW);
                if (fd == -ENOENT)
                        continue;
                if (fd < 0 || fstat(fd, &st) < 0)
                        return error_set(err, fd < 0 ? -fd : errno, "linux.maskedPaths[%zu]: open '%s'", i,
                                         path);
                if (S_ISDIR(st.st_mode)) {
                        if (mount("tmpfs", fd_path(fd, p, sizeof p), "tmpfs", MS_RDONLY, NULL) < 0)
                                return error_set(err, errno, "linux.maskedPaths[%zu]: mask '%s'", i, path);
                        continue;
                }
                if (nullfd < 0) {
                        nullfd = open_verified_null(rootfd);
                        if (nullfd < 0)
                                return error_set(err, -nullfd,
                                                 "linux.maskedPaths: /dev/null is not char 1:3");
                }
                r = mount_bind_onto(nullfd, "", fd, &mo, false);
                if (r < 0)
                        return error_set(err, -r, "linux.maskedPaths[%zu]: mask '%s'", i, path);
        }
        return 0;
}

static int readonly_paths(int rootfd, const struct spec_linux *lx, struct error_info *err)
{
        struct mount_opts mo = {.bind = true, .recursive_bind = true, .flags = MS_RDONLY};
        int r;

        for (size_t i = 0; lx && i < lx->n_readonly_paths; i++) {
                const char *path = lx->readonly_paths[i];
                _cleanup_close_ int fd = root_open(rootfd, path, O_PATH | O_NOFOLLOW);
                if (fd == -ENOENT)
                        continue;
                if (fd < 0)
                        return error_set(err, -fd, "linux.readonlyPaths[%zu]: open '%s'", i, path);
                /* A read-only copy of the path's own tree, stacked onto it. */
                r = mount_bind_onto(fd, "", fd, &mo, true);
                if (r < 0)
                        return error_set(err, -r, "linux.readonlyPaths[%zu]: make '%s' read-only", i, path);
        }
        return 0;
}

static unsigned long root_propagation(const struct spec *s)
{
        static const struct {
                const char *name;
                unsigned long flags;
        } table[] = {
                {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
                {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
                {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
                {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
        };
        const char *p = s->linux ? s->linux->rootfs_propagation : NULL;

        for (size_t i = 0; p && i < ARRAY_SIZE(table); i++)
                if (!strcmp(p, table[i].name))
                        return table[i].flags;
        return MS_SLAVE | MS_REC;
}

int rootfs_mount(const struct rootfs_ctx *rc, int *ret_rootfd, struct error_info *err)
{
        const struct spec *s = rc->spec;
        struct mount_plan *plan = rc->plan;
        int r;

        /*
         * 1. Nothing below may propagate back to the host: / is a slave while the rootfs is
         * attached (an unbindable / could not be bound, a shared one would hand the overlay to
         * the host), then it takes linux.rootfsPropagation.
         */
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return error_set(err, errno, "make / a slave");

        /* 2. pivot_root needs the new root to be a mount point: the overlay, or a bind. */
        if (plan->rootfs_tree >= 0) {
                if (move_mount(plan->rootfs_tree, "", AT_FDCWD, rc->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        return error_set(err, errno, "attach the overlay rootfs at '%s'", rc->rootfs);
                plan->rootfs_tree = safe_close(plan->rootfs_tree);
        } else if (mount(rc->rootfs, rc->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
                return error_set(err, errno, "bind the rootfs '%s' onto itself", rc->rootfs);
        }
        if (root_propagation(s) != (MS_SLAVE | MS_REC) &&
            mount(NULL, "/", NULL, root_propagation(s), NULL) < 0)
                return error_set(err, errno, "linux.rootfsPropagation: set propagation of /");
        _cleanup_close_ int rootfd = open(rc->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set(err, errno, "open the rootfs '%s'", rc->rootfs);
        _cleanup_close_ int bundlefd = open(rc->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bundlefd < 0)
                return error_set(err, errno, "open the bundle '%s'", rc->bundle);

        /* 3. */
        for (size_t i = 0; i < s->n_mounts; i++) {
                r = mount_one(rc, rootfd, bundlefd, i, err);
                if (r < 0)
                        return error_prefix(err, r, "mounts[%zu] ('%s')", i, s->mounts[i].destination);
                if (plan->fds)
                        plan->fds[i] = safe_close(plan->fds[i]);
                log_debug("mounted %s on %s", s->mounts[i].type ? s->mounts[i].type : "bind",
                          s->mounts[i].destination);
        }

        /* 4. runc creates a missing cwd; do it here, as root, before the user changes. */
        _cleanup_close_ int cwdfd = root_mkdir_p(rootfd, s->process->cwd, 0755);
        if (cwdfd < 0 && cwdfd != -ENOTDIR && cwdfd != -EEXIST)
                return error_set(err, -cwdfd, "process.cwd: create '%s'", s->process->cwd);
        r = rootfs_make_dev(rootfd, s, rc->userns, err);
        if (r < 0)
                return r;
        *ret_rootfd = TAKE_FD(rootfd);
        return 0;
}

int rootfs_pivot(const struct rootfs_ctx *rc, int rootfd, int *ret_rootfd, struct error_info *err)
{
        int r = enter_rootfs(rc, rootfd, root_propagation(rc->spec), err);

        if (r < 0)
                return r;
        int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return error_set(err, errno, "open / after pivot_root");
        *ret_rootfd = fd;
        return 0;
}

int rootfs_make_readonly(int rootfd, const struct spec *s, struct error_info *err)
{
        int r = readonly_paths(rootfd, s->linux, err);

        if (r < 0)
                return r;
        if (s->root_readonly) {
                struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
                if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        return error_set(err, errno, "root.readonly: make / read-only");
        }
        return 0;
}
