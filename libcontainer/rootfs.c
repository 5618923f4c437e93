/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's mount namespace, set up by its init in this order:
 *
 *   1. "/" made rslave, so nothing we mount reaches the host;
 *   2. the rootfs bound onto itself (pivot_root needs a mount point), or the
 *      overlay rootfs the parent made (overlay.c) attached there; then "/"
 *      takes linux.rootfsPropagation;
 *   3. the mounts of config.json, in order, each target resolved inside the
 *      rootfs by fd (rootpath.c) and mounted onto that fd; binds as detached
 *      trees (open_tree, or the idmapped ones of rootfs-prepare.c) attached
 *      with move_mount; recursive attributes with mount_setattr AT_RECURSIVE;
 *      tmpcopyup (tmpcopyup.c);
 *   4. /dev: the default devices of runtime-linux.md and linux.devices
 *      (mknod, or bind mounts of the host's nodes in a user namespace), and
 *      the /dev symlinks;
 *   5. pivot_root (or MS_MOVE + chroot with --no-pivot);
 *   6. with process.terminal: the pty, from the container's own devpts
 *      (terminal.c), its slave bound onto /dev/console;
 *   7. maskedPaths, readonlyPaths, then root.readonly.
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
#include "internal.h"
#include "overlay.h"
#include "rootpath.h"
#include "terminal.h"
#include "base/banned.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* ---- options ---------------------------------------------------------- */

enum opt_kind {
        OPT_SET,
        OPT_CLEAR,
        OPT_PROPAGATION,
        OPT_BIND,
        OPT_RBIND,
        OPT_REC_SET,   /* a MOUNT_ATTR_* set on the whole tree (mount_setattr AT_RECURSIVE) */
        OPT_REC_CLEAR, /* a MOUNT_ATTR_* cleared on the whole tree */
        OPT_REC_ATIME, /* the atime mode of the whole tree: MOUNT_ATTR_{RELATIME,NOATIME,STRICTATIME} */
        OPT_IDMAP,
        OPT_RIDMAP,
        OPT_TMPCOPYUP,
};

static const struct {
        const char *name;
        enum opt_kind kind;
        unsigned long flag;
} mount_option_table[] = {
        /* keep in sync with specs/features.c: list only what is implemented */
        {"ro", OPT_SET, MS_RDONLY},
        {"rw", OPT_CLEAR, MS_RDONLY},
        {"nosuid", OPT_SET, MS_NOSUID},
        {"suid", OPT_CLEAR, MS_NOSUID},
        {"nodev", OPT_SET, MS_NODEV},
        {"dev", OPT_CLEAR, MS_NODEV},
        {"noexec", OPT_SET, MS_NOEXEC},
        {"exec", OPT_CLEAR, MS_NOEXEC},
        {"sync", OPT_SET, MS_SYNCHRONOUS},
        {"async", OPT_CLEAR, MS_SYNCHRONOUS},
        {"dirsync", OPT_SET, MS_DIRSYNC},
        {"remount", OPT_SET, MS_REMOUNT},
        {"mand", OPT_SET, MS_MANDLOCK},
        {"nomand", OPT_CLEAR, MS_MANDLOCK},
        {"atime", OPT_CLEAR, MS_NOATIME},
        {"noatime", OPT_SET, MS_NOATIME},
        {"diratime", OPT_CLEAR, MS_NODIRATIME},
        {"nodiratime", OPT_SET, MS_NODIRATIME},
        {"relatime", OPT_SET, MS_RELATIME},
        {"norelatime", OPT_CLEAR, MS_RELATIME},
        {"strictatime", OPT_SET, MS_STRICTATIME},
        {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
        {"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
        {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
        {"bind", OPT_BIND, 0},
        {"rbind", OPT_RBIND, 0},
        {"private", OPT_PROPAGATION, MS_PRIVATE},
        {"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC},
        {"shared", OPT_PROPAGATION, MS_SHARED},
        {"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC},
        {"slave", OPT_PROPAGATION, MS_SLAVE},
        {"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC},
        {"unbindable", OPT_PROPAGATION, MS_UNBINDABLE},
        {"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC},
        {"rro", OPT_REC_SET, MOUNT_ATTR_RDONLY},
        {"rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY},
        {"rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID},
        {"rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID},
        {"rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV},
        {"rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV},
        {"rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC},
        {"rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC},
        {"rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME},
        {"rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME},
        {"rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
        {"rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW},
        /*
         * The kernel takes the atime mode as one value, never a single bit cleared: "atime" and
         * "nostrictatime" mean the kernel's default (relatime), "norelatime" means strictatime.
         */
        {"ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
        {"rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME},
        {"rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
        {"rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
        {"rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
        {"rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
        {"idmap", OPT_IDMAP, 0},
        {"ridmap", OPT_RIDMAP, 0},
        {"tmpcopyup", OPT_TMPCOPYUP, 0},
};

int mount_opts_parse(char *const *options, size_t n, struct mount_opts *ret, struct error_info *err)
{
        size_t used = 0;

        memset(ret, 0, sizeof *ret);
        for (size_t i = 0; i < n; i++) {
                const char *o = options[i];
                unsigned long f;
                size_t k;

                for (k = 0; k < ARRAY_SIZE(mount_option_table); k++)
                        if (!strcmp(o, mount_option_table[k].name))
                                break;
                if (k == ARRAY_SIZE(mount_option_table)) {
                        if (!*o || strchr(o, ','))
                                return error_set_reason(err, EINVAL,
                                                        "options[%zu]: '%s' is not a mount option", i, o);
                        /* Not a generic option: hand it to the file system. */
                        int w = snprintf(ret->data + used, sizeof ret->data - used, "%s%s", used ? "," : "",
                                         o);
                        if (w < 0 || (size_t) w >= sizeof ret->data - used)
                                return error_set(err, E2BIG, "options[%zu]: file system options too long",
                                                 i);
                        used += (size_t) w;
                        continue;
                }
                f = mount_option_table[k].flag;
                switch (mount_option_table[k].kind) {
                case OPT_SET:
                        ret->flags |= f;
                        if (f & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))
                                ret->flags &= ~((MS_NOATIME | MS_RELATIME | MS_STRICTATIME) & ~f);
                        break;
                case OPT_CLEAR:
                        ret->flags &= ~f;
                        break;
                case OPT_PROPAGATION:
                        ret->propagation = f;
                        break;
                case OPT_BIND:
                        ret->bind = true;
                        break;
                case OPT_RBIND:
                        ret->bind = ret->recursive_bind = true;
                        break;
                case OPT_REC_SET:
                        ret->rec_set |= f;
                        ret->rec_clr &= ~f;
                        break;
                case OPT_REC_CLEAR:
                        ret->rec_clr |= f;
                        ret->rec_set &= ~f;
                        break;
                case OPT_REC_ATIME:
                        ret->rec_atime = true;
                        ret->rec_set = (ret->rec_set & ~MOUNT_ATTR__ATIME) | f;
                        break;
                case OPT_IDMAP:
                        ret->idmap = true;
                        break;
                case OPT_RIDMAP:
                        ret->idmap = ret->recursive_idmap = true;
                        break;
                case OPT_TMPCOPYUP:
                        ret->tmpcopyup = true;
                        break;
                }
        }
        return 0;
}

/* ---- one mount --------------------------------------------------------- */

/* MS_* per-mount flags → MOUNT_ATTR_* for mount_setattr. */
static void flags_to_attr(unsigned long flags, struct mount_attr *attr)
{
        memset(attr, 0, sizeof *attr);
        if (flags & MS_RDONLY)
                attr->attr_set |= MOUNT_ATTR_RDONLY;
        if (flags & MS_NOSUID)
                attr->attr_set |= MOUNT_ATTR_NOSUID;
        if (flags & MS_NODEV)
                attr->attr_set |= MOUNT_ATTR_NODEV;
        if (flags & MS_NOEXEC)
                attr->attr_set |= MOUNT_ATTR_NOEXEC;
        if (flags & MS_NODIRATIME)
                attr->attr_set |= MOUNT_ATTR_NODIRATIME;
        if (flags & MS_NOSYMFOLLOW)
                attr->attr_set |= MOUNT_ATTR_NOSYMFOLLOW;
        if (flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
                attr->attr_clr |= MOUNT_ATTR__ATIME;
                attr->attr_set |= flags & MS_NOATIME       ? MOUNT_ATTR_NOATIME
                                  : flags & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME
                                                           : MOUNT_ATTR_RELATIME;
        }
}

/*
 * The recursive attributes (rro, rnosuid, ratime, …) on the whole tree at fd,
 * after the mount's own flags: a recursive one wins over a plain one.
 */
static int set_recursive_attrs(int fd, const struct mount_opts *mo)
{
        struct mount_attr attr = {
                .attr_set = mo->rec_set,
                .attr_clr = mo->rec_clr | (mo->rec_atime ? MOUNT_ATTR__ATIME : 0),
        };

        if (!attr.attr_set && !attr.attr_clr)
                return 0;
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
                return -errno;
        return 0;
}

/*
 * Attaches tree (a detached mount: open_tree or fsmount) onto targetfd, its
 * attributes set while nobody can see it (mount_setattr), in one step
 * (move_mount).  With recursive_attr, mo's flags go to every mount of the tree.
 */
static int attach_tree(int tree, int targetfd, const struct mount_opts *mo, bool recursive_attr)
{
        struct mount_attr attr;
        int r;

        flags_to_attr(mo->flags, &attr);
        if ((attr.attr_set || attr.attr_clr) &&
            mount_setattr(tree, "", AT_EMPTY_PATH | (recursive_attr ? AT_RECURSIVE : 0), &attr,
                          sizeof attr) < 0)
                return -errno;
        r = set_recursive_attrs(tree, mo);
        if (r < 0)
                return r;
        if (move_mount(tree, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

/* Binds source (a host path, relative to srcdirfd; "" is srcdirfd itself) onto targetfd. */
static int bind_onto(int srcdirfd, const char *source, int targetfd, const struct mount_opts *mo,
                     bool recursive_attr)
{
        unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (mo->recursive_bind ? AT_RECURSIVE : 0);

        if (!*source)
                tree_flags |= AT_EMPTY_PATH;
        _cleanup_close_ int tree = open_tree(srcdirfd, source, tree_flags);
        if (tree < 0)
                return -errno;
        return attach_tree(tree, targetfd, mo, recursive_attr);
}

/*
 * One cgroup hierarchy at subfd (a directory of the tmpfs we made), showing
 * the container's own cgroup at its top, as runc does.  In a cgroup namespace
 * /proc/self/cgroup says "/" and a fresh mount shows just that; without one a
 * fresh mount would show the host's whole hierarchy, so it is mounted on a
 * staging directory beside and only the container's cgroup (path) is bound
 * onto subfd.
 */
static int mount_hierarchy(int tmpfsfd, const char *name, int subfd, const char *type, const char *data,
                           const char *path, unsigned long flags, struct error_info *err)
{
        static const char staging[] = ".staging";
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
                r = error_set(err, errno, "mount %s '%s'", type, data ? data : "");
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
        if (r == 0) {
                /* A bind keeps the source's flags: give it the mount's own. */
                struct mount_attr attr = {
                        .attr_set = (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
                                    (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
                                    (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
                                    (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0),
                };
                _cleanup_close_ int bound =
                        openat(tmpfsfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (attr.attr_set && mount_setattr(bound, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        r = error_set(err, errno, "set the flags of cgroup '%s'", path);
        }
out:
        (void) unlinkat(tmpfsfd, staging, AT_REMOVEDIR);
        return r;
}

/* The file systems of cgroup v1 (and the unified one on hybrid hosts), one per hierarchy. */
static int mount_cgroup_v1(int rootfd, const char *dest, unsigned long flags, struct error_info *err)
{
        char buf[4096], p[64];
        ssize_t n = read_file_at(AT_FDCWD, "/proc/self/cgroup", buf, sizeof buf);
        int r;

        if (n < 0)
                return error_set(err, (int) -n, "read /proc/self/cgroup");

        _cleanup_close_ int fd = root_mkdir_p(rootfd, dest, 0755);
        if (fd < 0)
                return error_set(err, -fd, "create '%s' in the rootfs", dest);
        if (mount("tmpfs", fd_path(fd, p, sizeof p), "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
                return error_set(err, errno, "mount tmpfs on '%s'", dest);
        /* Ours from here: the tmpfs just made, not the rootfs. */
        _cleanup_close_ int tmpfsfd = root_open(rootfd, dest, O_PATH | O_DIRECTORY);
        if (tmpfsfd < 0)
                return error_set(err, -tmpfsfd, "open '%s'", dest);

        for (char *line = buf, *nl; *line; line = nl + 1) {
                char *controllers, *name, *path, *type = "cgroup";
                const char *data;

                nl = strchr(line, '\n');
                if (!nl)
                        break;
                *nl = '\0';
                controllers = strchr(line, ':');
                if (!controllers)
                        continue;
                controllers++;
                path = strchr(controllers, ':');
                if (!path)
                        continue;
                *path++ = '\0';
                if (*path != '/')
                        continue;
                if (!*controllers) {
                        type = "cgroup2";
                        name = "unified";
                        data = NULL;
                } else if (!strncmp(controllers, "name=", 5)) {
                        name = controllers + 5;
                        data = controllers; /* "name=systemd" */
                } else {
                        name = controllers;
                        data = controllers;
                }
                if (mkdirat(tmpfsfd, name, 0755) < 0 && errno != EEXIST)
                        return error_set(err, errno, "create '%s/%s'", dest, name);
                _cleanup_close_ int subfd =
                        openat(tmpfsfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (subfd < 0)
                        return error_set(err, errno, "open '%s/%s'", dest, name);
                r = mount_hierarchy(tmpfsfd, name, subfd, type, data, path, flags, err);
                if (r < 0)
                        return error_prefix(err, r, "'%s/%s'", dest, name);
        }
        if (flags & MS_RDONLY) {
                r = root_open(rootfd, dest, O_PATH);
                if (r < 0)
                        return error_set(err, -r, "open '%s'", dest);
                _cleanup_close_ int top = r;
                struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
                if (mount_setattr(top, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        return error_set(err, errno, "make '%s' read-only", dest);
        }
        return 0;
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
                return error_set(err, -fd, "create '%s' in the rootfs", m->destination);
        /* An idmapped tree was made by the parent (it needs the host's privileges). */
        r = tree >= 0 ? attach_tree(tree, fd, mo, false) : bind_onto(bundlefd, source, fd, mo, false);
        if (r < 0)
                return error_set(err, -r, "bind '%s' on '%s'", source, m->destination);
        return 0;
}

static int mount_one(struct container *c, int rootfd, int bundlefd, size_t index, struct error_info *err)
{
        const struct spec_mount *m = &c->spec->mounts[index];
        const char *type = m->type ? m->type : "";
        const char *source = m->source ? m->source : "";
        struct mount_opts mo = c->mount_opts[index];
        _cleanup_close_ int below = -EBADF;
        char p[64];
        int r;

        if (mo.bind) {
                r = mount_bind(rootfd, bundlefd, m, c->mount_fds ? c->mount_fds[index] : -EBADF, &mo, err);
                if (r < 0)
                        return r;
        } else if (!strcmp(type, "cgroup") && cgroup_has_v1(c->cgroup)) {
                r = mount_cgroup_v1(rootfd, m->destination, mo.flags, err);
                if (r < 0)
                        return r;
        } else {
                if (!strcmp(type, "cgroup"))
                        type = "cgroup2";
                _cleanup_close_ int fd = root_mkdir_p(rootfd, m->destination, 0755);
                if (fd < 0)
                        return error_set(err, -fd, "create '%s' in the rootfs", m->destination);
                if (mo.tmpcopyup) {
                        /* What the tmpfs will hide, held open to be copied into it. */
                        below = root_open(rootfd, m->destination, O_RDONLY | O_DIRECTORY);
                        if (below < 0)
                                return error_set(err, -below, "tmpcopyup: open '%s'", m->destination);
                }
                int rc = mount(*source ? source : type, fd_path(fd, p, sizeof p), type, mo.flags,
                               mo.data[0] ? mo.data : NULL);
                struct statfs sfs;
                /*
                 * /sys bound from the host (below) brings the host's cgroup2 mount along, and the
                 * kernel refuses to mount its superblock again at its own root (EBUSY): detach
                 * that copy (ours, in our mount namespace) and mount the container's own.
                 */
                if (rc < 0 && errno == EBUSY && !strcmp(type, "cgroup2") && fstatfs(fd, &sfs) == 0 &&
                    sfs.f_type == CGROUP2_SUPER_MAGIC &&
                    umount2(fd_path(fd, p, sizeof p), MNT_DETACH) == 0) {
                        safe_close(fd);
                        fd = root_open(rootfd, m->destination, O_PATH | O_DIRECTORY);
                        if (fd < 0)
                                return error_set(err, -fd, "open '%s' in the rootfs", m->destination);
                        rc = mount(*source ? source : type, fd_path(fd, p, sizeof p), type, mo.flags,
                                   mo.data[0] ? mo.data : NULL);
                }
                if (rc < 0 && !strcmp(type, "cgroup2") && c->new_userns) {
                        int first = errno;
                        /*
                         * A user namespace that may not mount cgroup2 here (as runc): bind the
                         * container's own cgroup from the host's cgroup2 mount (pure v2 hosts
                         * have it at /sys/fs/cgroup).
                         */
                        char src[PATH_MAX];
                        snprintf(src, sizeof src, "/sys/fs/cgroup%s", cgroup_path(c->cgroup));
                        struct mount_opts bind = mo;
                        bind.recursive_bind = false;
                        if (bind_onto(AT_FDCWD, src, fd, &bind, false) == 0)
                                rc = 0;
                        else
                                errno = first;
                }
                r = rc < 0 ? errno : 0;
                /* A user namespace that does not own the network namespace cannot mount sysfs. */
                if (rc < 0 && !strcmp(type, "sysfs") && (r == EPERM || r == EBUSY) && c->new_userns) {
                        struct mount_opts bind = mo;
                        bind.recursive_bind = true;
                        if (bind_onto(AT_FDCWD, "/sys", fd, &bind, false) == 0)
                                rc = 0;
                }
                if (rc < 0) {
                        if (r == EINVAL && mo.data[0])
                                return error_set(err, r, "mount %s on '%s' with options '%s'", type,
                                                 m->destination, mo.data);
                        return error_set(err, r, "mount %s on '%s'", type, m->destination);
                }
        }
        /* Reopen: the new mount sits on top of the fd we mounted onto. */
        _cleanup_close_ int top = root_open(rootfd, m->destination, O_PATH);
        if (top < 0)
                return error_set(err, -top, "open '%s' after mounting it", m->destination);
        if (!mo.bind) {
                r = set_recursive_attrs(top, &mo);
                if (r < 0)
                        return error_set(err, -r, "set the recursive attributes of '%s'", m->destination);
        }
        if (below >= 0) {
                r = tmpcopyup(below, top, m->destination, err);
                if (r < 0)
                        return r;
        }
        if (mo.propagation && mount(NULL, fd_path(top, p, sizeof p), NULL, mo.propagation, NULL) < 0)
                return error_set(err, errno, "set propagation of '%s'", m->destination);
        return 0;
}

/* ---- /dev ------------------------------------------------------------ */

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

static int create_device(struct container *c, int rootfd, const struct spec_device *d,
                         struct error_info *err)
{
        mode_t mode = (d->has_file_mode ? d->file_mode : 0666) & 07777;
        const char *base;
        int r;

        _cleanup_close_ int parentfd = root_open_parent(rootfd, d->path, 1, &base);
        if (parentfd < 0)
                return error_set(err, -parentfd, "create the directory of device '%s'", d->path);

        if (c->new_userns) {
                /* mknod is not allowed in a user namespace: bind the host's node instead. */
                struct mount_opts mo = {.bind = true};
                _cleanup_close_ int fd = root_mkfile(rootfd, d->path, 0600);
                if (fd < 0)
                        return error_set(err, -fd, "create device '%s'", d->path);
                r = bind_onto(AT_FDCWD, d->path, fd, &mo, false);
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

static int setup_dev(struct container *c, int rootfd, struct error_info *err)
{
        const struct spec_linux *lx = c->spec->linux;
        int r;

        if (dev_is_bind_mounted(c->spec))
                return 0;
        for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
                bool overridden = false;
                for (size_t k = 0; lx && k < lx->n_devices; k++)
                        if (!strcmp(lx->devices[k].path, default_devices[i].path))
                                overridden = true;
                if (overridden)
                        continue;
                r = create_device(c, rootfd, &default_devices[i], err);
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; lx && k < lx->n_devices; k++) {
                r = create_device(c, rootfd, &lx->devices[k], err);
                if (r < 0)
                        return error_prefix(err, r, "linux.devices[%zu]", k);
        }
        return create_dev_symlinks(rootfd, err);
}

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

static int enter_rootfs(struct container *c, int rootfd, unsigned long propagation, struct error_info *err)
{
        int r;

        if (fchdir(rootfd) < 0)
                return error_set(err, errno, "chdir to the rootfs '%s'", c->rootfs);

        if (c->opts->no_pivot) {
                /* For roots that cannot pivot (an initramfs): move the rootfs over "/" and chroot. */
                if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
                        return error_set(err, errno, "move the rootfs '%s' to /", c->rootfs);
                if (chroot(".") < 0)
                        return error_set(err, errno, "chroot to the rootfs '%s'", c->rootfs);
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
                        return error_set(err, errno, "pivot_root to '%s'", c->rootfs);
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
static int bind_console(int rootfd, int slave, struct error_info *err)
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
        int r = bind_onto(slave, "", fd, &mo, false);
        if (r < 0)
                return error_set(err, -r, "process.terminal: bind the pty onto /dev/console");
        return 0;
}

static int mask_paths(struct container *c, int rootfd, struct error_info *err)
{
        const struct spec_linux *lx = c->spec->linux;
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
                r = bind_onto(nullfd, "", fd, &mo, false);
                if (r < 0)
                        return error_set(err, -r, "linux.maskedPaths[%zu]: mask '%s'", i, path);
        }
        return 0;
}

static int readonly_paths(struct container *c, int rootfd, struct error_info *err)
{
        const struct spec_linux *lx = c->spec->linux;
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
                r = bind_onto(fd, "", fd, &mo, true);
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

int rootfs_setup(struct container *c, struct error_info *err)
{
        const struct spec *s = c->spec;
        int r;

        /*
         * 1. Nothing below may propagate back to the host: / is a slave while the rootfs is
         * attached (an unbindable / could not be bound, a shared one would hand the overlay to
         * the host), then it takes linux.rootfsPropagation.
         */
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return error_set(err, errno, "make / a slave");

        /* 2. pivot_root needs the new root to be a mount point: the overlay, or a bind. */
        if (c->rootfs_tree >= 0) {
                if (move_mount(c->rootfs_tree, "", AT_FDCWD, c->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        return error_set(err, errno, "attach the overlay rootfs at '%s'", c->rootfs);
                c->rootfs_tree = safe_close(c->rootfs_tree);
        } else if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
                return error_set(err, errno, "bind the rootfs '%s' onto itself", c->rootfs);
        }
        if (root_propagation(s) != (MS_SLAVE | MS_REC) &&
            mount(NULL, "/", NULL, root_propagation(s), NULL) < 0)
                return error_set(err, errno, "linux.rootfsPropagation: set propagation of /");
        _cleanup_close_ int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set(err, errno, "open the rootfs '%s'", c->rootfs);
        _cleanup_close_ int bundlefd = open(c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bundlefd < 0)
                return error_set(err, errno, "open the bundle '%s'", c->bundle);

        /* 3. */
        for (size_t i = 0; i < s->n_mounts; i++) {
                r = mount_one(c, rootfd, bundlefd, i, err);
                if (r < 0)
                        return error_prefix(err, r, "mounts[%zu] ('%s')", i, s->mounts[i].destination);
                if (c->mount_fds)
                        c->mount_fds[i] = safe_close(c->mount_fds[i]);
                log_debug("mounted %s on %s", s->mounts[i].type ? s->mounts[i].type : "bind",
                          s->mounts[i].destination);
        }

        /* runc creates a missing cwd; do it here, as root, before the user changes. */
        _cleanup_close_ int cwdfd = root_mkdir_p(rootfd, s->process->cwd, 0755);
        if (cwdfd < 0 && cwdfd != -ENOTDIR && cwdfd != -EEXIST)
                return error_set(err, -cwdfd, "process.cwd: create '%s'", s->process->cwd);

        /* 4. */
        r = setup_dev(c, rootfd, err);
        if (r < 0)
                return r;

        /* The moment of prestart, createRuntime and createContainer hooks: mounted, not pivoted. */
        r = init_hooks_before_pivot(c, err);
        if (r < 0)
                return r;

        /* 5. */
        r = enter_rootfs(c, rootfd, root_propagation(s), err);
        if (r < 0)
                return r;
        rootfd = safe_close(rootfd);
        rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set(err, errno, "open / after pivot_root");

        /* Before readonlyPaths: /proc/sys is read-only after that (docker always sends sysctls). */
        r = process_apply_sysctl(c->procfd, s->linux, err);
        if (r < 0)
                return r;

        /* 6. */
        if (s->process->terminal) {
                r = terminal_open_pty(c, rootfd, err);
                if (r < 0)
                        return r;
                r = bind_console(rootfd, c->pty_slave, err);
                if (r < 0)
                        return r;
        }

        /* 7. */
        r = mask_paths(c, rootfd, err);
        if (r < 0)
                return r;
        r = readonly_paths(c, rootfd, err);
        if (r < 0)
                return r;
        if (s->root_readonly) {
                struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
                if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        return error_set(err, errno, "root.readonly: make / read-only");
        }
        return 0;
}
