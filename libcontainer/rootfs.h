/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The container's root file system, in three parts:
 *
 *   rootfs-plan.c     the parent, before anything is made: every mount's options
 *                     parsed once (mount_plan_make, pure);
 *   rootfs-prepare.c  the parent, before the clone: what needs the host's
 *                     privileges or paths, as detached mounts (idmapped binds,
 *                     the overlay rootfs of overlay.c);
 *   rootfs.c          the init, in its mount namespace: the mounts
 *                     (rootfs_mount, with mount.c, rootfs-cgroup.c,
 *                     rootfs-dev.c, tmpcopyup.c), pivot_root (rootfs_pivot),
 *                     /dev/console, masked and read-only paths.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "specs/spec.h"

struct cgroup;

/* ---- rootfs-plan.c --------------------------------------------------------------------- */

/* mount(8)-style options, parsed. */
struct mount_opts {
        unsigned long flags;       /* MS_* applied at mount time */
        unsigned long propagation; /* MS_SHARED, MS_SLAVE, … (| MS_REC) */
        bool bind;
        bool recursive_bind;
        uint64_t rec_set, rec_clr; /* MOUNT_ATTR_* for the whole tree (rro, rnosuid, …) */
        bool rec_atime;            /* rec_set holds an atime mode (ratime, rnoatime, …) */
        bool idmap;                /* idmap or ridmap: a bind whose ids go through a mapping */
        bool recursive_idmap;      /* ridmap: every mount of an rbind tree is idmapped */
        bool tmpcopyup;            /* a tmpfs filled with what was underneath */
        char data[1024];           /* the options mount(2) hands to the file system */
};

/* Parses options (n of them) into *ret; err names the option by index. */
int mount_opts_parse(char *const *options, size_t n, struct mount_opts *ret, struct error_info *err);

/* The mounts as the parent plans them and the init makes them. */
struct mount_plan {
        size_t n;                /* spec->n_mounts */
        struct mount_opts *opts; /* one per spec->mounts[] */
        int *fds;                /* NULL, or one per mount: a detached idmapped tree, or -EBADF */
        int rootfs_tree;         /* the overlay rootfs (io.husk.rootfs.layers), detached; or -EBADF */
};

/* An empty plan (rootfs_tree -EBADF), safe to free. */
void mount_plan_init(struct mount_plan *p);

/*
 * Parses the options of every mount of s, adds linux.mountLabel to the file systems that
 * take a context, and checks what only makes sense together (a bind takes no file system
 * options, tmpcopyup is for tmpfs).  Pure.  err names "config.json: mounts[i] ('dest')".
 */
int mount_plan_make(const struct spec *s, struct mount_plan *p, struct error_info *err);

/* Closes the plan's detached mounts (the init has attached its copies); safe to call twice. */
void mount_plan_release(struct mount_plan *p);
/* mount_plan_release() and the options. */
void mount_plan_free(struct mount_plan *p);

/* ---- rootfs-prepare.c ------------------------------------------------------------------ */

/* Where a container's files are on the host, for the parent's share of the rootfs. */
struct rootfs_where {
        const char *bundle; /* absolute: relative bind sources and layers are in it */
        const char *rootfs; /* root.path, absolute and real */
        const char *root;   /* the state root */
        const char *id;
        int state_dirfd; /* ROOT/ID: the overlay's upper and work directories */
        int procfd;      /* the host's /proc */
};

/*
 * Run by the parent before the clone: idmapped binds into p->fds (their idmap options checked
 * against their mappings) and the overlay rootfs into p->rootfs_tree, as detached mounts the
 * init attaches.  err names the mount or the annotation.
 */
int rootfs_prepare(const struct spec *s, const struct rootfs_where *w, struct mount_plan *p,
                   struct error_info *err);

/* ---- rootfs.c: the init's side ------------------------------------------------------------ */

/* What the init's mounts need. */
struct rootfs_ctx {
        const struct spec *spec;
        const char *bundle;          /* relative bind sources */
        const char *rootfs;          /* root.path, absolute and real */
        struct mount_plan *plan;     /* its detached mounts are closed once attached */
        const struct cgroup *cgroup; /* the container's: which cgroup mounts, and its path */
        bool userns;                 /* a new user namespace: bind what it may not mount or mknod */
        bool no_pivot;               /* --no-pivot: MS_MOVE and chroot */
};

/*
 * In the init's new mount namespace, before pivot_root: / made a slave, the rootfs (or the
 * overlay) attached onto itself, rootfsPropagation, the mounts of config.json in order,
 * process.cwd created, /dev.  *ret_rootfd: an O_PATH fd of the rootfs, for rootfs_pivot().
 */
int rootfs_mount(const struct rootfs_ctx *rc, int *ret_rootfd, struct error_info *err);

/*
 * pivot_root into rootfd (or MS_MOVE + chroot with no_pivot), the old root detached.
 * *ret_rootfd: an O_PATH fd of the new "/".
 */
int rootfs_pivot(const struct rootfs_ctx *rc, int rootfd, int *ret_rootfd, struct error_info *err);

/* process.terminal: the pty's slave bound onto /dev/console of the root at rootfd. */
int rootfs_bind_console(int rootfd, int slave, struct error_info *err);

/* linux.maskedPaths: directories covered by a read-only tmpfs, the rest by /dev/null. */
int rootfs_mask_paths(int rootfd, const struct spec_linux *lx, struct error_info *err);

/* linux.readonlyPaths, then root.readonly. */
int rootfs_make_readonly(int rootfd, const struct spec *s, struct error_info *err);

/* ---- mount.c: the primitives the rootfs files share ---------------------------------------- */

/* The recursive attributes of mo (rro, rnosuid, ratime, …) on the whole tree at fd; -errno. */
int mount_set_recursive_attrs(int fd, const struct mount_opts *mo);

/*
 * Attaches tree (a detached mount: open_tree or fsmount) onto targetfd, its attributes set
 * while nobody can see it (mount_setattr), in one step (move_mount).  With recursive_attr,
 * mo's flags go to every mount of the tree.  -errno.
 */
int mount_attach_tree(int tree, int targetfd, const struct mount_opts *mo, bool recursive_attr);

/* Binds source (relative to srcdirfd; "" is srcdirfd itself) onto targetfd.  -errno. */
int mount_bind_onto(int srcdirfd, const char *source, int targetfd, const struct mount_opts *mo,
                    bool recursive_attr);

/* ---- rootfs-cgroup.c, rootfs-dev.c, tmpcopyup.c ------------------------------------------ */

/*
 * A "cgroup" mount on a host with v1 hierarchies: a tmpfs at dest in the root at rootfd, one
 * directory per hierarchy the init is in, each showing the container's own cgroup.
 */
/* err for a mount destination that could not be made (r: -errno), naming a dangling symlink. */
int rootfs_dest_error(int rootfd, const char *dest, int r, struct error_info *err);

int rootfs_mount_cgroup_v1(int rootfd, const char *dest, unsigned long flags, struct error_info *err);

/*
 * /dev: the default devices of runtime-linux.md and linux.devices (mknod, or binds of the
 * host's nodes with userns), then the /dev symlinks.  Nothing when /dev is bound from the host.
 */
int rootfs_make_dev(int rootfd, const struct spec *s, bool userns, struct error_info *err);

/*
 * Copies what a tmpfs covers (below: a directory fd opened before the mount) into it (top: the
 * tmpfs's root), by fd: directories, files, symlinks, device nodes, with modes, owners and
 * times.  dest names the mount in errors.
 */
int tmpcopyup(int below, int top, const char *dest, struct error_info *err);
