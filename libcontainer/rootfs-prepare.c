/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent's share of the rootfs, done before the clone: mounts that need
 * the host's privileges or paths are made here as detached mounts (no mount
 * namespace sees them), and the init attaches them in its own mount
 * namespace with move_mount (rootfs.c).
 *
 *   - idmapped binds (options idmap/ridmap, or uidMappings/gidMappings): an
 *     idmapping may only be set by a holder of CAP_SYS_ADMIN in the user
 *     namespace the file system was mounted in, the host's for a disk, so
 *     not by an init inside its own user namespace;
 *   - the overlay rootfs of io.husk.rootfs.layers (overlay.c): mounted with
 *     the host's credentials, it keeps the trusted.overlay.* xattrs and the
 *     host paths of its layers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "base/cleanup.h"
#include "rootfs.h"
#include "namespaces/ns.h"
#include "overlay.h"
#include "base/banned.h"

/*
 * A user namespace holding the given maps, for MOUNT_ATTR_IDMAP: a child is
 * born in it, its maps are written, the namespace is opened and the child
 * goes.  Returns the namespace's fd.
 */
static int userns_with_maps(int procfd, const struct spec_id_mapping *uid, size_t n_uid,
                            const struct spec_id_mapping *gid, size_t n_gid, struct error_info *err)
{
        struct spec_linux lx = {0};
        int pipefd[2], r, fd = -EBADF;
        char path[64];
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return error_set(err, errno, "make a pipe");
        pid = ns_clone(CLONE_NEWUSER, -EBADF, NULL, NULL);
        if (pid < 0) {
                r = error_set(err, errno, "make a user namespace for the idmapping");
                goto out;
        }
        if (pid == 0) {
                char b;
                /* Held until the parent has what it needs: our user namespace. */
                (void) close(pipefd[1]);
                (void) read(pipefd[0], &b, 1);
                _exit(0);
        }
        lx.uid_mappings = (struct spec_id_mapping *) uid;
        lx.n_uid_mappings = n_uid;
        lx.gid_mappings = (struct spec_id_mapping *) gid;
        lx.n_gid_mappings = n_gid;
        r = ns_write_id_maps(procfd, pid, &lx, err);
        if (r >= 0) {
                snprintf(path, sizeof path, "%d/ns/user", (int) pid);
                r = fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        r = error_set(err, errno, "open /proc/%s", path);
        }
        (void) close(pipefd[1]);
        pipefd[1] = -EBADF;
        (void) waitpid(pid, NULL, 0);
out:
        safe_close(pipefd[0]);
        safe_close(pipefd[1]);
        return r < 0 ? r : fd;
}

/* An idmapped, detached copy of mount i's source. */
static int idmapped_tree(const struct spec *s, const struct mount_opts *mo, int procfd, int bundlefd,
                         size_t i, int *own_userns, struct error_info *err)
{
        const struct spec_mount *m = &s->mounts[i];
        const struct spec_linux *lx = s->linux;
        const char *source = m->source ? m->source : "";
        _cleanup_close_ int mine = -EBADF;
        int userns;

        if (!mo->bind)
                return error_set_reason(err, EINVAL, "idmap: only bind mounts can be idmapped (type '%s')",
                                        m->type ? m->type : "");
        if (m->n_uid_mappings || m->n_gid_mappings) {
                if (!m->n_uid_mappings || !m->n_gid_mappings)
                        return error_set_reason(err, EINVAL,
                                                "idmap: uidMappings and gidMappings must both be given");
                userns = mine = userns_with_maps(procfd, m->uid_mappings, m->n_uid_mappings, m->gid_mappings,
                                                 m->n_gid_mappings, err);
        } else {
                /* No mappings of its own: the container's user namespace's (runtime-spec). */
                if (!lx || !lx->n_uid_mappings || !lx->n_gid_mappings)
                        return error_set_reason(err, EINVAL,
                                                "idmap: no mappings: give the mount uidMappings and "
                                                "gidMappings, or the container a user namespace with "
                                                "linux.uidMappings and linux.gidMappings");
                if (*own_userns < 0)
                        *own_userns = userns_with_maps(procfd, lx->uid_mappings, lx->n_uid_mappings,
                                                       lx->gid_mappings, lx->n_gid_mappings, err);
                userns = *own_userns;
        }
        if (userns < 0)
                return userns;

        _cleanup_close_ int tree =
                open_tree(bundlefd, source,
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (mo->recursive_bind ? AT_RECURSIVE : 0));
        if (tree < 0)
                return error_set(err, errno, "bind source '%s'", source);
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns};
        if (mount_setattr(tree, "", AT_EMPTY_PATH | (mo->recursive_idmap ? AT_RECURSIVE : 0), &attr,
                          sizeof attr) < 0) {
                if (errno == EINVAL || errno == EOPNOTSUPP)
                        return error_set(err, errno,
                                         "idmap '%s': its file system (or kernel) does not support "
                                         "idmapped mounts, or a mount below it does not (ridmap)",
                                         source);
                return error_set(err, errno, "idmap '%s'", source);
        }
        return TAKE_FD(tree);
}

int rootfs_prepare(const struct spec *s, const struct rootfs_where *w, struct mount_plan *p,
                   struct error_info *err)
{
        _cleanup_close_ int own_userns = -EBADF;
        _cleanup_close_ int bundlefd = -EBADF;
        int r;

        for (size_t i = 0; i < s->n_mounts; i++) {
                const struct spec_mount *m = &s->mounts[i];
                if (!p->opts[i].idmap && !m->n_uid_mappings && !m->n_gid_mappings)
                        continue;
                /* Only a config with idmapped mounts pays for the table (the init keeps its fds). */
                if (!p->fds) {
                        p->fds = malloc(s->n_mounts * sizeof *p->fds);
                        if (!p->fds)
                                return error_set(err, ENOMEM, "plan the mounts");
                        for (size_t k = 0; k < s->n_mounts; k++)
                                p->fds[k] = -EBADF;
                }
                if (bundlefd < 0) {
                        bundlefd = open(w->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (bundlefd < 0)
                                return error_set(err, errno, "open the bundle '%s'", w->bundle);
                }
                r = idmapped_tree(s, &p->opts[i], w->procfd, bundlefd, i, &own_userns, err);
                if (r < 0)
                        return error_prefix(err, r, "mounts[%zu] ('%s')", i, m->destination);
                p->fds[i] = r;
        }
        return overlay_prepare(s, w, &p->rootfs_tree, err);
}
