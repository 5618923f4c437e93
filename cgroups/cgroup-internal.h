/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Inside cgroups/: the host's cgroup mounts (hierarchy.c) and the hook that lets the unit
 * tests run everything against a directory of fixture files, without root.
 */

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "cgroups/cgroup.h"

/*
 * Where the host's cgroup layout comes from.  The real host: NULL.  A test sets all three
 * fields: mount points are then opened below root (a plain directory tree), and, because
 * that tree is not a cgroup file system, interface files are created on first write and
 * removed before rmdir.
 */
struct cgroup_host {
        const char *root;        /* prefix for every mount point, e.g. "/tmp/test-cgroup.XXXX" */
        const char *mountinfo;   /* text standing for /proc/self/mountinfo */
        const char *self_cgroup; /* text standing for /proc/self/cgroup */
};

/* Uses h (borrowed, must outlive its use) instead of the real host; NULL goes back to it. */
void cgroup_host_set_for_testing(const struct cgroup_host *h);
const struct cgroup_host *cgroup_host(void);

/* One mounted hierarchy. */
struct cgroup_mount {
        bool v2;
        char *mountpoint;  /* unescaped, as the host sees it: "/sys/fs/cgroup/memory" */
        char *root;        /* the part of the hierarchy mounted there: "/" unless a bind mount */
        char *controllers; /* v1: "cpu,cpuacct", "name=systemd"; v2: "" */
};

struct cgroup_mounts {
        enum cgroup_mode mode;
        struct cgroup_mount *m; /* v2 first (when there is one), then v1 in mountinfo order */
        size_t n;
};

/*
 * Parses mountinfo text into one entry per hierarchy (bind mounts of the same hierarchy
 * are folded, preferring one of its root) and works out the mode.  Pure.  Returns 0,
 * -ENOENT when there is no cgroup mount, -EINVAL for a malformed line, -ENOMEM.
 */
int cgroup_mounts_parse(const char *mountinfo, struct cgroup_mounts *ret);

/* The host's (or the test hook's) hierarchies. */
int cgroup_mounts_read(struct cgroup_mounts *ret, struct error_info *err);
void cgroup_mounts_done(struct cgroup_mounts *m);

/*
 * The caller's own cgroup in hierarchy m, relative to m->root ("/" at the top), from
 * /proc/self/cgroup text.  Pure.  -ENOENT when the text has no line for m or the path lies
 * outside the mounted part.
 */
int cgroup_self_path(const char *self_cgroup, const struct cgroup_mount *m, char **ret);

/*
 * The container's directory below a hierarchy's mount point, normalised and without a
 * leading '/' ("husk-test/abc"), from linux.cgroupsPath, the container id and the
 * caller's own cgroup there (the base for relative paths; may be NULL for an absolute
 * cgroups_path).  Pure.  -EINVAL with err set for "..", or a path naming no cgroup.
 */
int cgroup_path_resolve(const char *cgroups_path, const char *id, const char *own, char **ret,
                        struct error_info *err);

/* "/a/b" -> "/a"; "/a" and "/" -> "/".  Pure; *ret is malloc'ed. */
int cgroup_path_parent(const char *path, char **ret);

/* Decodes \ooo octal escapes (mountinfo, and our own serialised form).  In place. */
void cgroup_unescape(char *s);

/* The container's directory in each hierarchy (cgroup.c owns these; resources.c reads them). */
struct cgroup_hierarchy {
        bool v2;
        char *mountpoint;  /* "/sys/fs/cgroup/memory" */
        char *controllers; /* "memory", "name=systemd"; "" for v2 */
        char *path;        /* below the mount point: "husk-test/abc" */
        char *created;     /* per component of path, '1' when cgroup_create() made it */
        int mount_fd;
        int leaf_fd; /* the container's directory, -EBADF when not open */
};

struct cgroup {
        char *display; /* "/husk-test/abc", see cgroup_path() */
        size_t n;
        struct cgroup_hierarchy *h; /* the v2 one first, when there is one */
};

/* The container's directory in the v1 hierarchy holding controller (borrowed fd), or -ENOENT. */
int cgroup_v1_leaf_fd(const struct cgroup *cg, const char *controller);

/* Writes value to cgroup_fd/file in one write(); returns 0 or -errno. */
int cgroup_write(int cgroup_fd, const char *file, const char *value);

/* cgroup.c, for record.c: an empty cgroup of n hierarchies (fds -EBADF); NULL on ENOMEM. */
struct cgroup *cgroup_alloc(size_t n);
/* A hierarchy's mount point (under the unit tests' fixture root), O_DIRECTORY; -errno. */
int cgroup_open_mountpoint(const char *mountpoint);
/* The number of components of a normal path "a/b/c". */
size_t cgroup_count_components(const char *path);
