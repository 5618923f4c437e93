/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mount primitives of the rootfs files: a detached tree (open_tree, fsmount)
 * given its attributes with mount_setattr while nobody can see it, then attached
 * in one step with move_mount.  Each returns 0 or -errno; callers name the mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "rootfs.h"
#include "base/banned.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

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
int mount_set_recursive_attrs(int fd, const struct mount_opts *mo)
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
int mount_attach_tree(int tree, int targetfd, const struct mount_opts *mo, bool recursive_attr)
{
        struct mount_attr attr;
        int r;

        flags_to_attr(mo->flags, &attr);
        if ((attr.attr_set || attr.attr_clr) &&
            mount_setattr(tree, "", AT_EMPTY_PATH | (recursive_attr ? AT_RECURSIVE : 0), &attr,
                          sizeof attr) < 0)
                return -errno;
        r = mount_set_recursive_attrs(tree, mo);
        if (r < 0)
                return r;
        if (move_mount(tree, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

/* Binds source (a host path, relative to srcdirfd; "" is srcdirfd itself) onto targetfd. */
int mount_bind_onto(int srcdirfd, const char *source, int targetfd, const struct mount_opts *mo,
                    bool recursive_attr)
{
        unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (mo->recursive_bind ? AT_RECURSIVE : 0);

        if (!*source)
                tree_flags |= AT_EMPTY_PATH;
        _cleanup_close_ int tree = open_tree(srcdirfd, source, tree_flags);
        if (tree < 0)
                return -errno;
        return mount_attach_tree(tree, targetfd, mo, recursive_attr);
}
