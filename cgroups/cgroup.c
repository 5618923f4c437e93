/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Placement of the container in its cgroup: one directory per mounted hierarchy, made,
 * entered and removed through the hierarchy's mount dirfd.  The same code serves v2, v1
 * and hybrid hosts, since placement is only mkdir, cgroup.procs and rmdir everywhere; the
 * drivers differ only for resources (a later cgroups/v1.c and v2.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cgroups/cgroup-internal.h"
#include "base/banned.h"

/* The unit tests' fixture tree is plain directories: see struct cgroup_host. */
static bool fake_fs(void)
{
        return cgroup_host() != NULL;
}

int cgroup_open_mountpoint(const char *mountpoint)
{
        const struct cgroup_host *h = cgroup_host();
        char buf[4096];
        int fd;

        if (h && snprintf(buf, sizeof buf, "%s%s", h->root, mountpoint) >= (int) sizeof buf)
                return -ENAMETOOLONG;
        fd = open(h ? buf : mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* Writes an interface file; the kernel takes one write() and reports its errno. */
static int cg_write(int cgroup_fd, const char *file, const char *s)
{
        int flags = O_WRONLY | O_CLOEXEC | O_TRUNC | (fake_fs() ? O_CREAT : 0);
        _cleanup_close_ int fd = openat(cgroup_fd, file, flags, 0644);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = write(fd, s, strlen(s));
        if (n < 0)
                return -errno;
        return (size_t) n == strlen(s) ? 0 : -EIO;
}

size_t cgroup_count_components(const char *path)
{
        size_t n = 1;

        for (const char *p = path; *p; p++)
                n += *p == '/';
        return n;
}

/* The first k components of path ("a/b/c", 2 -> "a/b"); k == 0 gives "." (the mount). */
static char *path_prefix(const char *path, size_t k)
{
        const char *p = path;

        if (k == 0)
                return strdup(".");
        for (; *p; p++)
                if (*p == '/' && --k == 0)
                        break;
        return strndup(path, (size_t) (p - path));
}

static bool has_controller(const char *list, const char *name)
{
        size_t len = strlen(name);

        for (const char *p = list; *p;) {
                size_t n = strcspn(p, ",");
                if (n == len && !strncmp(p, name, len))
                        return true;
                p += n + (p[n] == ',');
        }
        return false;
}

static bool blank(const char *s)
{
        return s[strspn(s, " \t\n")] == '\0';
}

/*
 * A new v1 cpuset starts with empty cpuset.cpus and cpuset.mems (unless the parent has
 * cgroup.clone_children), and no task can join it: copy the parent's.
 */
static int cpuset_inherit(int mount_fd, const char *parent, const char *child)
{
        static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

        for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
                char from[4096], to[4096], val[4096];
                ssize_t n;
                int r;

                snprintf(from, sizeof from, "%s/%s", parent, files[i]);
                snprintf(to, sizeof to, "%s/%s", child, files[i]);
                n = read_file_at(mount_fd, to, val, sizeof val);
                if (n > 0 && !blank(val))
                        continue;
                n = read_file_at(mount_fd, from, val, sizeof val);
                if (n == -ENOENT && fake_fs())
                        continue;
                if (n < 0)
                        return (int) n;
                if (blank(val))
                        continue; /* nothing to copy; cgroup_enter() will explain ENOSPC */
                r = cg_write(mount_fd, to, val);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* cgroup.procs is not empty.  A missing file (fixture tree) counts as empty. */
static bool leaf_in_use(int leaf_fd)
{
        char buf[64];
        ssize_t n = read_file_at(leaf_fd, "cgroup.procs", buf, sizeof buf);

        return n > 0 && !blank(buf);
}

/*
 * An existing leaf that is frozen (v1 freezer.state FROZEN or FREEZING, the v2 "frozen 1" of
 * cgroup.events, ancestors included): the init would stop there before it could report.
 */
static bool leaf_frozen(const struct cgroup_hierarchy *h)
{
        char buf[512];
        ssize_t n;

        if (h->v2) {
                n = read_file_at(h->leaf_fd, "cgroup.events", buf, sizeof buf);
                return n > 0 && strstr(buf, "frozen 1") != NULL;
        }
        if (!has_controller(h->controllers, "freezer"))
                return false;
        n = read_file_at(h->leaf_fd, "freezer.state", buf, sizeof buf);
        return n > 0 && (!strncmp(buf, "FROZEN", 6) || !strncmp(buf, "FREEZING", 8));
}

/* mkdir -p of h->path below the mount, marking in h->created what we made. */
static int hierarchy_mkdir(struct cgroup_hierarchy *h, bool *ret_existed, struct error_info *err)
{
        size_t n = strlen(h->created);

        /* Usually the parent exists: one mkdirat. */
        if (mkdirat(h->mount_fd, h->path, 0755) == 0) {
                h->created[n - 1] = '1';
                *ret_existed = false;
                return 0;
        }
        if (errno == EEXIST) {
                *ret_existed = true;
                return 0;
        }
        if (errno != ENOENT)
                return error_set(err, errno, "create cgroup '%s/%s'", h->mountpoint, h->path);

        for (size_t k = 1; k <= n; k++) {
                _cleanup_free_ char *p = path_prefix(h->path, k);
                if (!p)
                        return -ENOMEM;
                if (mkdirat(h->mount_fd, p, 0755) == 0)
                        h->created[k - 1] = '1';
                else if (errno != EEXIST)
                        return error_set(err, errno, "create cgroup '%s/%s'", h->mountpoint, p);
        }
        /* A racing creator may have made the leaf between our two attempts. */
        *ret_existed = h->created[n - 1] != '1';
        return 0;
}

/*
 * Marks in h->created the components of the path that do not exist yet: what a create may
 * make, recorded before it makes it.  From the leaf up, stopping at the first that exists
 * (usually the leaf's parent: one fstatat).
 */
static int hierarchy_probe(struct cgroup_hierarchy *h, struct error_info *err)
{
        size_t n = strlen(h->created);
        struct stat st;

        h->mount_fd = cgroup_open_mountpoint(h->mountpoint);
        if (h->mount_fd < 0)
                return error_set(err, -h->mount_fd, "open cgroup mount '%s'", h->mountpoint);
        for (size_t k = n; k >= 1; k--) {
                _cleanup_free_ char *p = path_prefix(h->path, k);
                if (!p)
                        return -ENOMEM;
                if (fstatat(h->mount_fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0)
                        break;
                if (errno != ENOENT)
                        return error_set(err, errno, "look up cgroup '%s/%s'", h->mountpoint, p);
                h->created[k - 1] = '1';
        }
        return 0;
}

static int hierarchy_create(struct cgroup_hierarchy *h, bool *ret_in_use, struct error_info *err)
{
        bool existed = false;
        int r;

        /* From here the marks say what this call made, not what it may make. */
        memset(h->created, '0', strlen(h->created));
        r = hierarchy_mkdir(h, &existed, err);
        if (r < 0)
                return r;
        h->leaf_fd = openat(h->mount_fd, h->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (h->leaf_fd < 0)
                return error_set(err, errno, "open cgroup '%s/%s'", h->mountpoint, h->path);
        if (existed && leaf_frozen(h))
                return error_set_reason(err, EBUSY, "cgroup '%s/%s' is frozen: thaw it first", h->mountpoint,
                                        h->path);
        *ret_in_use = existed && leaf_in_use(h->leaf_fd);

        if (h->v2 || !has_controller(h->controllers, "cpuset"))
                return 0;
        /*
         * Every level, not only those we made (as runc): a parent made by a racing husk may
         * not have its values yet, and one whose maker was killed never gets them.  Levels
         * that have values are only read.
         */
        for (size_t k = 1; k <= strlen(h->created); k++) {
                _cleanup_free_ char *parent = path_prefix(h->path, k - 1);
                _cleanup_free_ char *child = path_prefix(h->path, k);
                if (!parent || !child)
                        return -ENOMEM;
                r = cpuset_inherit(h->mount_fd, parent, child);
                if (r < 0)
                        return error_set(err, -r, "copy cpuset.cpus and cpuset.mems into '%s/%s'",
                                         h->mountpoint, child);
        }
        return 0;
}

static void hierarchy_clear(struct cgroup_hierarchy *h)
{
        h->leaf_fd = safe_close(h->leaf_fd);
        h->mount_fd = safe_close(h->mount_fd);
        free(h->mountpoint);
        free(h->controllers);
        free(h->path);
        free(h->created);
}

void cgroup_free(struct cgroup *cg)
{
        if (!cg)
                return;
        for (size_t i = 0; i < cg->n; i++)
                hierarchy_clear(&cg->h[i]);
        free(cg->h);
        free(cg->display);
        free(cg);
}

struct cgroup *cgroup_alloc(size_t n)
{
        struct cgroup *cg = calloc(1, sizeof *cg);

        if (!cg)
                return NULL;
        cg->h = calloc(n, sizeof *cg->h);
        if (!cg->h) {
                free(cg);
                return NULL;
        }
        cg->n = n;
        for (size_t i = 0; i < n; i++)
                cg->h[i].mount_fd = cg->h[i].leaf_fd = -EBADF;
        return cg;
}

/* "/" + path below the mount, as /proc/PID/cgroup shows it: the mount's root in front. */
static char *display_path(const char *mount_root, const char *path)
{
        size_t len = strlen(mount_root) + strlen(path) + 2;
        char *s = malloc(len);

        if (s)
                snprintf(s, len, "%s/%s", strcmp(mount_root, "/") ? mount_root : "", path);
        return s;
}

/* Fills in where the container goes in hierarchy m; nothing is created yet. */
static int hierarchy_plan(struct cgroup_hierarchy *h, const struct cgroup_mount *m, enum cgroup_mode mode,
                          const char *cgroups_path, const char *id, const char *self_cgroup,
                          struct error_info *err)
{
        _cleanup_free_ char *own = NULL;
        int r;

        if (self_cgroup) {
                r = cgroup_self_path(self_cgroup, m, &own);
                if (r == -ENOENT)
                        return error_set(err, ENOENT, "find the cgroup of '%s' in '/proc/self/cgroup'",
                                         m->mountpoint);
                if (r < 0)
                        return r;
                /* runc: our own v2 cgroup has processes, so it cannot give controllers to a
                 * child; nest under its parent instead. */
                if (mode == CGROUP_MODE_V2) {
                        char *parent;
                        r = cgroup_path_parent(own, &parent);
                        if (r < 0)
                                return r;
                        free(own);
                        own = parent;
                }
        }
        r = cgroup_path_resolve(cgroups_path, id, own, &h->path, err);
        if (r < 0)
                return r;
        size_t n = cgroup_count_components(h->path);
        h->created = malloc(n + 1);
        h->v2 = m->v2;
        h->mountpoint = strdup(m->mountpoint);
        h->controllers = strdup(m->controllers);
        if (!h->created || !h->mountpoint || !h->controllers)
                return -ENOMEM;
        memset(h->created, '0', n);
        h->created[n] = '\0';
        return 0;
}

/* "a-b.slice" → "/a.slice/a-b.slice" appended to buf, as systemd lays out nested slices. */
static int expand_slice(const char *slice, char *buf, size_t size)
{
        size_t len = strlen(slice) - strlen(".slice");

        if (!strcmp(slice, "-.slice"))
                return 0; /* the root slice */
        if (len == 0 || slice[0] == '-' || slice[len - 1] == '-' || strstr(slice, "--"))
                return -EINVAL;
        for (size_t i = 0; i <= len; i++) {
                if (i < len && slice[i] != '-')
                        continue;
                size_t n = strlen(buf);
                int w = snprintf(buf + n, size - n, "/%.*s.slice", (int) i, slice);
                if (w < 0 || (size_t) w >= size - n)
                        return -ENAMETOOLONG;
        }
        return 0;
}

int cgroup_systemd_path(const char *cgroups_path, const char *id, char **ret, struct error_info *err)
{
        char slice[256] = "", prefix[256] = "", name[256] = "", path[PATH_MAX] = "";
        const char *s = cgroups_path && *cgroups_path ? cgroups_path : "";
        int parts = 0;

        if (*s) {
                const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c1 || !c2 || strchr(c2 + 1, ':'))
                        return error_set_reason(err, EINVAL,
                                                "linux.cgroupsPath '%s': with --systemd-cgroup it must be "
                                                "slice:prefix:name",
                                                s);
                snprintf(slice, sizeof slice, "%.*s", (int) (c1 - s), s);
                snprintf(prefix, sizeof prefix, "%.*s", (int) (c2 - c1 - 1), c1 + 1);
                snprintf(name, sizeof name, "%s", c2 + 1);
                parts = 3;
        }
        if (!*slice)
                snprintf(slice, sizeof slice, "system.slice");
        if (!*name)
                snprintf(name, sizeof name, "%s", id);
        if (parts == 0)
                snprintf(prefix, sizeof prefix, "husk");
        const char *bad = NULL;
        if (strchr(slice, '/') || strlen(slice) <= strlen(".slice") ||
            strcmp(slice + strlen(slice) - strlen(".slice"), ".slice"))
                bad = "the slice must be a name ending in .slice";
        else if (strchr(prefix, '/') || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
                bad = "prefix and name must not hold '/'";
        else if (expand_slice(slice, path, sizeof path) < 0)
                bad = "the slice's name is not one systemd accepts";
        if (bad)
                return error_set_reason(err, EINVAL, "linux.cgroupsPath '%s': %s", s, bad);
        size_t n = strlen(path);
        bool is_slice =
                strlen(name) > strlen(".slice") && !strcmp(name + strlen(name) - strlen(".slice"), ".slice");
        if (is_slice)
                snprintf(path + n, sizeof path - n, "/%s", name);
        else
                snprintf(path + n, sizeof path - n, "/%s%s%s.scope", prefix, *prefix ? "-" : "", name);
        *ret = strdup(path);
        return *ret ? 0 : -ENOMEM;
}

int cgroup_plan(const char *cgroups_path, const char *id, bool systemd, struct cgroup **ret,
                struct error_info *err)
{
        _cleanup_(cgroup_mounts_done) struct cgroup_mounts ms = {0};
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_free_ char *self = NULL, *check = NULL;
        bool relative = !cgroups_path || cgroups_path[0] != '/';
        int r;

        _cleanup_free_ char *mapped = NULL;
        if (systemd) {
                /* No systemd to ask here: the cgroupfs path systemd would give the unit. */
                r = cgroup_systemd_path(cgroups_path, id, &mapped, err);
                if (r < 0)
                        return r;
                cgroups_path = mapped;
                relative = false;
        }
        /* Refuse a bad path before looking at the host. */
        r = cgroup_path_resolve(cgroups_path, id, "/", &check, err);
        if (r < 0)
                return r;

        r = cgroup_mounts_read(&ms, err);
        if (r < 0)
                return r;
        if (relative) {
                const struct cgroup_host *h = cgroup_host();
                r = h ? ((self = strdup(h->self_cgroup)) ? 0 : -ENOMEM)
                      : read_file_alloc(AT_FDCWD, "/proc/self/cgroup", &self, NULL);
                if (r < 0)
                        return error_set(err, -r, "read '/proc/self/cgroup'");
        }

        cg = cgroup_alloc(ms.n);
        if (!cg)
                return -ENOMEM;
        for (size_t i = 0; i < ms.n; i++) {
                r = hierarchy_plan(&cg->h[i], &ms.m[i], ms.mode, cgroups_path, id, self, err);
                if (r < 0)
                        return r;
                r = hierarchy_probe(&cg->h[i], err);
                if (r < 0)
                        return r;
        }
        cg->display = display_path(ms.m[0].root, cg->h[0].path);
        if (!cg->display)
                return -ENOMEM;
        *ret = TAKE_PTR(cg);
        return 0;
}

int cgroup_make(struct cgroup *cg, struct error_info *err)
{
        bool warned = false;

        for (size_t i = 0; i < cg->n; i++) {
                bool in_use = false;
                int r = hierarchy_create(&cg->h[i], &in_use, err);
                /* As runc 1.1: allowed, but the processes share the container's limits and its end. */
                if (r >= 0 && in_use && !warned) {
                        log_warn("cgroup '%s/%s' already holds processes: they share the container's limits "
                                 "and are killed when it is deleted",
                                 cg->h[i].mountpoint, cg->h[i].path);
                        warned = true;
                }
                if (r < 0) {
                        /* What this call made; the marks of the hierarchies not reached are cleared. */
                        for (size_t j = i + 1; j < cg->n; j++)
                                memset(cg->h[j].created, '0', strlen(cg->h[j].created));
                        (void) cgroup_destroy(cg, NULL); /* err keeps the first failure */
                        return r;
                }
        }
        return 0;
}

int cgroup_create(const char *cgroups_path, const char *id, bool systemd, struct cgroup **ret,
                  struct error_info *err)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        int r = cgroup_plan(cgroups_path, id, systemd, &cg, err);

        if (r < 0)
                return r;
        r = cgroup_make(cg, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(cg);
        return 0;
}

int cgroup_v2_fd(const struct cgroup *cg)
{
        return cg->n > 0 && cg->h[0].v2 ? cg->h[0].leaf_fd : -EBADF;
}

bool cgroup_has_v1(const struct cgroup *cg)
{
        for (size_t i = 0; i < cg->n; i++)
                if (!cg->h[i].v2)
                        return true;
        return false;
}

int cgroup_v1_leaf_fd(const struct cgroup *cg, const char *controller)
{
        for (size_t i = 0; i < cg->n; i++) {
                const struct cgroup_hierarchy *h = &cg->h[i];
                if (h->v2 || h->leaf_fd < 0)
                        continue;
                /* "cpu,cpuacct" holds "cpu": match whole names only. */
                size_t len = strlen(controller);
                for (const char *p = h->controllers; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                        if (!strncmp(p, controller, len) && (p[len] == ',' || p[len] == '\0'))
                                return h->leaf_fd;
        }
        return -ENOENT;
}

int cgroup_write(int cgroup_fd, const char *file, const char *value)
{
        return cg_write(cgroup_fd, file, value);
}

int cgroup_enter(struct cgroup *cg, pid_t pid, bool entered_v2, struct error_info *err)
{
        char buf[32];
        int r;

        snprintf(buf, sizeof buf, "%d", (int) pid);
        for (size_t i = 0; i < cg->n; i++) {
                struct cgroup_hierarchy *h = &cg->h[i];

                if (h->v2 && entered_v2)
                        continue;
                if (h->leaf_fd < 0)
                        return error_set(err, ENOENT, "move pid %d into cgroup '%s/%s'", (int) pid,
                                         h->mountpoint, h->path);
                r = cg_write(h->leaf_fd, "cgroup.procs", buf);
                if (r < 0)
                        return error_set(err, -r, "move pid %d into '%s/%s/cgroup.procs'%s", (int) pid,
                                         h->mountpoint, h->path,
                                         r == -ENOSPC ? " (cpuset.cpus or cpuset.mems is empty)" : "");
        }
        return 0;
}

/*
 * rmdir of parent_fd/name, after the sub-cgroups below it.  cgroupfs refuses rmdir with
 * EBUSY both for tasks and for child cgroups, so look for children only then.
 */
static int rmdir_tree(int parent_fd, const char *name)
{
        if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0)
                return 0;
        if (errno != EBUSY && errno != ENOTEMPTY && errno != EEXIST)
                return -errno;

        int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (!d) {
                (void) close(fd);
                return -errno;
        }
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                int r;

                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                bool is_dir = de->d_type == DT_DIR;
                if (de->d_type == DT_UNKNOWN)
                        is_dir = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                                 S_ISDIR(st.st_mode);
                if (is_dir) {
                        r = rmdir_tree(dirfd(d), de->d_name);
                        if (r < 0 && r != -ENOENT)
                                return r;
                } else if (fake_fs()) {
                        (void) unlinkat(dirfd(d), de->d_name, 0); /* the rmdir below reports */
                }
        }
        return unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* rmdir of one directory that should be empty of cgroups (an intermediate one). */
static int rmdir_one(int mount_fd, const char *path)
{
        if (fake_fs()) {
                /* The fixture tree's interface files are plain files: remove them first. */
                int fd = openat(mount_fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                _cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
                for (struct dirent *de; d && (de = readdir(d));)
                        if (de->d_type == DT_REG)
                                (void) unlinkat(dirfd(d), de->d_name, 0); /* rmdir reports */
        }
        return unlinkat(mount_fd, path, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* Exiting tasks leave the cgroup a little after they are reaped: retry EBUSY until deadline. */
static int rmdir_retry(int parent_fd, const char *name, long long deadline)
{
        long delay_ms = 1;

        for (;;) {
                int r = rmdir_tree(parent_fd, name);
                if (r != -EBUSY || now_ms() >= deadline)
                        return r;
                struct timespec ts = {.tv_nsec = delay_ms * 1000000};
                (void) nanosleep(&ts, NULL);
                delay_ms = delay_ms < 64 ? delay_ms * 2 : 100;
        }
}

static int hierarchy_destroy(struct cgroup_hierarchy *h, long long deadline, struct error_info *err)
{
        size_t n = h->created ? strlen(h->created) : 0;
        int r;

        h->leaf_fd = safe_close(h->leaf_fd);
        if (n == 0 || !strchr(h->created, '1'))
                return 0;
        if (h->mount_fd < 0)
                return error_set(err, EBADF, "remove cgroup '%s/%s'", h->mountpoint, h->path);

        if (h->created[n - 1] == '1') {
                r = rmdir_retry(h->mount_fd, h->path, deadline);
                if (r < 0 && r != -ENOENT)
                        return error_set(err, -r, "remove cgroup '%s/%s'", h->mountpoint, h->path);
                h->created[n - 1] = '0';
        }
        for (size_t k = n - 1; k >= 1; k--) {
                if (h->created[k - 1] != '1')
                        continue;
                _cleanup_free_ char *p = path_prefix(h->path, k);
                if (!p)
                        return -ENOMEM;
                r = rmdir_one(h->mount_fd, p);
                if (r == -EBUSY || r == -ENOTEMPTY)
                        break; /* shared with another container; so are its parents */
                if (r < 0 && r != -ENOENT)
                        return error_set(err, -r, "remove cgroup '%s/%s'", h->mountpoint, p);
                h->created[k - 1] = '0';
        }
        return 0;
}

int cgroup_destroy(struct cgroup *cg, struct error_info *err)
{
        long long deadline = now_ms() + 1000;
        int ret = 0;

        for (size_t i = 0; i < cg->n; i++) {
                int r = hierarchy_destroy(&cg->h[i], deadline, ret < 0 ? NULL : err);
                if (r < 0 && ret == 0)
                        ret = r;
        }
        return ret;
}

const char *cgroup_path(const struct cgroup *cg)
{
        return cg->display;
}

static int pids_append(pid_t **pids, size_t *n, size_t *cap, pid_t pid)
{
        if (*n == *cap) {
                size_t c = *cap ? *cap * 2 : 16;
                pid_t *p = realloc(*pids, c * sizeof *p);
                if (!p)
                        return -ENOMEM;
                *pids = p;
                *cap = c;
        }
        (*pids)[(*n)++] = pid;
        return 0;
}

/* cgroup.procs of cgroup_fd and of every cgroup below it.  A cgroup that vanished counts as empty. */
static int pids_collect(int cgroup_fd, pid_t **pids, size_t *n, size_t *cap)
{
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        int r;

        r = read_file_alloc(cgroup_fd, "cgroup.procs", &text, NULL);
        if (r < 0 && r != -ENOENT && r != -ENODEV)
                return r;
        for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
                long v;
                if (parse_long(l, &v) < 0 || v <= 0)
                        return -EBADMSG;
                r = pids_append(pids, n, cap, (pid_t) v);
                if (r < 0)
                        return r;
        }

        int fd = openat(cgroup_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        _cleanup_closedir_ DIR *d = fdopendir(fd);
        if (!d) {
                (void) close(fd);
                return -errno;
        }
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                _cleanup_close_ int sub =
                        openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                        continue; /* removed meanwhile */
                r = pids_collect(sub, pids, n, cap);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cgroup_pids(const struct cgroup *cg, pid_t **ret, size_t *ret_n, struct error_info *err)
{
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0, cap = 0;
        const struct cgroup_hierarchy *h;
        int r;

        if (cg->n == 0)
                return error_set(err, ENOENT, "cgroup '%s' has no hierarchy", cg->display);
        h = &cg->h[0]; /* the v2 one, when there is one */
        if (h->leaf_fd < 0)
                return error_set(err, ENOENT, "open cgroup '%s/%s'", h->mountpoint, h->path);
        r = pids_collect(h->leaf_fd, &pids, &n, &cap);
        if (r < 0)
                return error_set(err, -r, "read '%s/%s/cgroup.procs'", h->mountpoint, h->path);
        *ret = TAKE_PTR(pids);
        *ret_n = n;
        return 0;
}
