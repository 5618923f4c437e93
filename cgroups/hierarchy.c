/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's cgroup hierarchies and the container's path in each: parsing of
 * /proc/self/mountinfo and /proc/self/cgroup, and cgroupsPath resolution.  Everything
 * here but cgroup_mounts_read() is pure, so the unit tests feed it fixture text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup-internal.h"
#include "base/banned.h"

static const struct cgroup_host *host_override;

void cgroup_host_set_for_testing(const struct cgroup_host *h)
{
        host_override = h;
}

const struct cgroup_host *cgroup_host(void)
{
        return host_override;
}

void cgroup_unescape(char *s)
{
        char *w = s;

        for (const char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
                    p[3] >= '0' && p[3] <= '7') {
                        *w++ = (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 3;
                } else {
                        *w++ = *p;
                }
        }
        *w = '\0';
}

static void mount_clear(struct cgroup_mount *m)
{
        free(m->mountpoint);
        free(m->root);
        free(m->controllers);
        *m = (struct cgroup_mount){0};
}

void cgroup_mounts_done(struct cgroup_mounts *m)
{
        for (size_t i = 0; i < m->n; i++)
                mount_clear(&m->m[i]);
        free(m->m);
        m->m = NULL;
        m->n = 0;
}

/* Mount options of a v1 cgroup that are not controllers (cgroup1_show_options()). */
static bool v1_option_is_controller(const char *opt)
{
        static const char *const flags[] = {
                "rw",           "ro",   "noprefix", "clone_children", "xattr", "cpuset_v2_mode",
                "favordynmods", "none", "all"};

        if (!strncmp(opt, "name=", 5))
                return true;
        if (strchr(opt, '='))
                return false; /* release_agent=... */
        for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
                if (!strcmp(opt, flags[i]))
                        return false;
        return true;
}

/* "rw,cpu,cpuacct" -> "cpu,cpuacct" */
static char *v1_controllers(const char *super_opts)
{
        _cleanup_free_ char *copy = strdup(super_opts);
        char *out, *w, *save = NULL;

        if (!copy)
                return NULL;
        out = w = calloc(1, strlen(super_opts) + 1);
        if (!out)
                return NULL;
        for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
                if (!v1_option_is_controller(opt))
                        continue;
                if (w != out)
                        *w++ = ',';
                size_t len = strlen(opt);
                memcpy(w, opt, len);
                w += len;
        }
        return out;
}

/* Splits line at spaces into at most max fields; returns how many. */
static size_t split_fields(char *line, char **fields, size_t max)
{
        size_t n = 0;
        char *save = NULL;

        for (char *f = strtok_r(line, " ", &save); f && n < max; f = strtok_r(NULL, " ", &save))
                fields[n++] = f;
        return n;
}

struct mount_line {
        char *dev, *root, *mountpoint, *fstype, *super_opts;
};

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
static int mount_line_parse(char *line, struct mount_line *ret)
{
        char *f[64];
        size_t n = split_fields(line, f, ARRAY_SIZE(f)), sep;

        for (sep = 6; sep < n && strcmp(f[sep], "-"); sep++)
                ;
        if (sep + 2 >= n) /* fstype and source follow the separator */
                return -EINVAL;
        *ret = (struct mount_line){.dev = f[2],
                                   .root = f[3],
                                   .mountpoint = f[4],
                                   .fstype = f[sep + 1],
                                   .super_opts = sep + 3 < n ? f[sep + 3] : ""};
        cgroup_unescape(ret->root);
        cgroup_unescape(ret->mountpoint);
        return 0;
}

static int mounts_add(struct cgroup_mounts *ms, char ***devs, const struct mount_line *l, bool v2)
{
        size_t i;

        for (i = 0; i < ms->n; i++)
                if (!strcmp((*devs)[i], l->dev))
                        break;
        if (i < ms->n) {
                /* The same hierarchy again (a bind mount): keep the one showing all of it. */
                if (!strcmp(ms->m[i].root, "/") || strcmp(l->root, "/"))
                        return 0;
                mount_clear(&ms->m[i]);
        } else {
                struct cgroup_mount *m = realloc(ms->m, (ms->n + 1) * sizeof *m);
                if (!m)
                        return -ENOMEM;
                ms->m = m;
                char **d = realloc(*devs, (ms->n + 1) * sizeof *d);
                if (!d)
                        return -ENOMEM;
                *devs = d;
                d[i] = NULL;
                ms->n++;
        }
        struct cgroup_mount *m = &ms->m[i];
        free((*devs)[i]);
        (*devs)[i] = strdup(l->dev);
        m->v2 = v2;
        m->mountpoint = strdup(l->mountpoint);
        m->root = strdup(l->root);
        m->controllers = v2 ? strdup("") : v1_controllers(l->super_opts);
        if (!(*devs)[i] || !m->mountpoint || !m->root || !m->controllers)
                return -ENOMEM;
        return 0;
}

/*
 * The mode, and the hierarchies it uses: a cgroup2 mount on /sys/fs/cgroup means a pure v2
 * host, whatever v1 hierarchies may be mounted elsewhere (they are left alone); otherwise
 * every v1 hierarchy plus the cgroup2 mount if there is one.  v2 goes first.
 */
static void mounts_settle(struct cgroup_mounts *ms)
{
        bool pure_v2 = false, any_v1 = false;
        size_t v2 = ms->n, w = 0;

        for (size_t i = 0; i < ms->n; i++) {
                if (!ms->m[i].v2)
                        any_v1 = true;
                else if (v2 == ms->n)
                        v2 = i;
                if (ms->m[i].v2 && !strcmp(ms->m[i].mountpoint, "/sys/fs/cgroup"))
                        pure_v2 = true;
        }
        if (pure_v2 || !any_v1)
                ms->mode = CGROUP_MODE_V2;
        else
                ms->mode = v2 < ms->n ? CGROUP_MODE_HYBRID : CGROUP_MODE_V1;

        struct cgroup_mount v2m = {0};
        if (v2 < ms->n) {
                v2m = ms->m[v2];
                ms->m[v2] = (struct cgroup_mount){0};
        }
        for (size_t i = 0; i < ms->n; i++) {
                if (i == v2)
                        continue;
                if (ms->mode == CGROUP_MODE_V2)
                        mount_clear(&ms->m[i]);
                else
                        ms->m[w++] = ms->m[i];
        }
        if (v2m.mountpoint) {
                memmove(ms->m + 1, ms->m, w * sizeof *ms->m);
                ms->m[0] = v2m;
                w++;
        }
        ms->n = w;
}

int cgroup_mounts_parse(const char *mountinfo, struct cgroup_mounts *ret)
{
        _cleanup_free_ char *text = strdup(mountinfo);
        struct cgroup_mounts ms = {0};
        char **devs = NULL, *save = NULL;
        int r = 0;

        if (!text)
                return -ENOMEM;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct mount_line l;

                r = mount_line_parse(line, &l);
                if (r < 0)
                        break;
                if (strcmp(l.fstype, "cgroup") && strcmp(l.fstype, "cgroup2"))
                        continue;
                r = mounts_add(&ms, &devs, &l, !strcmp(l.fstype, "cgroup2"));
                if (r < 0)
                        break;
        }
        for (size_t i = 0; i < ms.n; i++)
                free(devs[i]);
        free(devs);
        if (r >= 0 && ms.n == 0)
                r = -ENOENT;
        if (r < 0) {
                cgroup_mounts_done(&ms);
                return r;
        }
        mounts_settle(&ms);
        *ret = ms;
        return 0;
}

int cgroup_mounts_read(struct cgroup_mounts *ret, struct error_info *err)
{
        const struct cgroup_host *h = cgroup_host();
        _cleanup_free_ char *text = NULL;
        struct statfs sfs;
        int r;

        /* Fast path: a pure v2 host needs no mountinfo (which is long on busy hosts). */
        if (!h && statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
                struct cgroup_mount *m = calloc(1, sizeof *m);
                if (!m)
                        return -ENOMEM;
                m->v2 = true;
                m->mountpoint = strdup("/sys/fs/cgroup");
                m->root = strdup("/");
                m->controllers = strdup("");
                *ret = (struct cgroup_mounts){.mode = CGROUP_MODE_V2, .m = m, .n = 1};
                if (!m->mountpoint || !m->root || !m->controllers) {
                        cgroup_mounts_done(ret);
                        return -ENOMEM;
                }
                return 0;
        }

        if (h) {
                text = strdup(h->mountinfo);
                if (!text)
                        return -ENOMEM;
        } else {
                r = read_file_alloc(AT_FDCWD, "/proc/self/mountinfo", &text, NULL);
                if (r < 0)
                        return error_set(err, -r, "read '/proc/self/mountinfo'");
        }
        r = cgroup_mounts_parse(text, ret);
        if (r == -ENOENT)
                return error_set(err, ENOENT, "no cgroup file system is mounted");
        if (r < 0)
                return error_set(err, -r, "parse '/proc/self/mountinfo'");
        return 0;
}

int cgroup_detect(enum cgroup_mode *ret, struct error_info *err)
{
        struct cgroup_mounts ms;
        int r = cgroup_mounts_read(&ms, err);

        if (r < 0)
                return r;
        *ret = ms.mode;
        cgroup_mounts_done(&ms);
        return 0;
}

/* true when every controller of list ("cpu,cpuacct") is among m's. */
static bool controllers_match(const char *list, const struct cgroup_mount *m)
{
        const char *p = list;

        if (!*list)
                return false;
        while (*p) {
                size_t len = strcspn(p, ",");
                bool found = false;

                for (const char *q = m->controllers; *q;) {
                        size_t qlen = strcspn(q, ",");
                        if (qlen == len && !strncmp(p, q, len))
                                found = true;
                        q += qlen;
                        if (*q == ',')
                                q++;
                }
                if (!found)
                        return false;
                p += len;
                if (*p == ',')
                        p++;
        }
        return true;
}

void cgroup_membership_free(struct cgroup_membership *m, size_t n)
{
        for (size_t i = 0; m && i < n; i++) {
                free(m[i].controllers);
                free(m[i].path);
        }
        free(m);
}

int cgroup_membership_parse(const char *text, struct cgroup_membership **ret, size_t *ret_n)
{
        struct cgroup_membership *list = NULL;
        size_t n = 0;

        for (const char *line = text; line && *line;) {
                const char *end = strchrnul(line, '\n');
                const char *c1 = memchr(line, ':', (size_t) (end - line));
                const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t) (end - c1 - 1)) : NULL;

                if (c2) {
                        struct cgroup_membership *grown = realloc(list, (n + 1) * sizeof *list);
                        if (!grown)
                                goto enomem;
                        list = grown;
                        list[n] = (struct cgroup_membership){
                                .controllers = strndup(c1 + 1, (size_t) (c2 - c1 - 1)),
                                .path = strndup(c2 + 1, (size_t) (end - c2 - 1)),
                        };
                        n++;
                        if (!list[n - 1].controllers || !list[n - 1].path)
                                goto enomem;
                        list[n - 1].v2 = c1 - line == 1 && line[0] == '0' && !list[n - 1].controllers[0];
                }
                line = *end ? end + 1 : NULL;
        }
        *ret = list;
        *ret_n = n;
        return 0;
enomem:
        cgroup_membership_free(list, n);
        return -ENOMEM;
}

int cgroup_membership_read(struct cgroup_membership **ret, size_t *ret_n, struct error_info *err)
{
        _cleanup_free_ char *text = NULL;
        int r = read_file_alloc(AT_FDCWD, "/proc/self/cgroup", &text, NULL);

        if (r < 0)
                return error_set(err, -r, "read '/proc/self/cgroup'");
        r = cgroup_membership_parse(text, ret, ret_n);
        if (r < 0)
                return error_set(err, -r, "parse '/proc/self/cgroup'");
        return 0;
}

/* "4:memory:/process_api/abc" */
int cgroup_self_path(const char *self_cgroup, const struct cgroup_mount *m, char **ret)
{
        struct cgroup_membership *list = NULL;
        size_t n = 0;
        int r = cgroup_membership_parse(self_cgroup, &list, &n);

        if (r < 0)
                return r;
        r = -ENOENT;
        for (size_t i = 0; i < n; i++) {
                const char *path = list[i].path;
                if (m->v2 ? !list[i].v2 : list[i].v2 || !controllers_match(list[i].controllers, m))
                        continue;
                /* Relative to what the mount shows (bind mounts, cgroupns). */
                size_t rlen = strcmp(m->root, "/") ? strlen(m->root) : 0;
                if (strncmp(path, m->root, rlen) || (path[rlen] != '/' && path[rlen] != '\0'))
                        break;
                char *own = strdup(path[rlen] ? path + rlen : "/");
                r = own ? 0 : -ENOMEM;
                if (own)
                        *ret = own;
                break;
        }
        cgroup_membership_free(list, n);
        return r;
}

int cgroup_open_host_dir(const struct cgroup_membership *m, struct error_info *err)
{
        _cleanup_(cgroup_mounts_done) struct cgroup_mounts ms = {0};
        int r = cgroup_mounts_read(&ms, err);

        if (r < 0)
                return r;
        for (size_t i = 0; i < ms.n; i++) {
                const struct cgroup_mount *c = &ms.m[i];
                if (m->v2 ? !c->v2 : c->v2 || !controllers_match(m->controllers, c))
                        continue;
                size_t rlen = strcmp(c->root, "/") ? strlen(c->root) : 0;
                if (strncmp(m->path, c->root, rlen) || (m->path[rlen] != '/' && m->path[rlen] != '\0'))
                        break;
                const char *rel = m->path + rlen;
                rel += strspn(rel, "/");
                _cleanup_close_ int top = open(c->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (top < 0)
                        return error_set(err, errno, "open cgroup mount '%s'", c->mountpoint);
                int fd = openat(top, *rel ? rel : ".", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return error_set(err, errno, "open cgroup '%s/%s'", c->mountpoint, rel);
                return fd;
        }
        return error_set(err, ENOENT, "no mount of the cgroup hierarchy '%s' shows '%s'",
                         m->v2 ? "cgroup2" : m->controllers, m->path);
}

/* Appends the components of path to buf ("a/b"), dropping "" and ".", refusing "..". */
static int append_components(char *buf, size_t size, const char *path)
{
        size_t len = strlen(buf);

        while (*path) {
                size_t n = strcspn(path, "/");
                if ((n == 1 && path[0] == '.') || n == 0) {
                        /* nothing */
                } else if (n == 2 && path[0] == '.' && path[1] == '.') {
                        return -EINVAL;
                } else {
                        if (len + (len > 0) + n + 1 > size)
                                return -ENAMETOOLONG;
                        if (len > 0)
                                buf[len++] = '/';
                        memcpy(buf + len, path, n);
                        len += n;
                        buf[len] = '\0';
                }
                path += n;
                if (*path == '/')
                        path++;
        }
        return 0;
}

int cgroup_path_resolve(const char *cgroups_path, const char *id, const char *own, char **ret,
                        struct error_info *err)
{
        _cleanup_free_ char *buf = NULL;
        const char *inner = cgroups_path && *cgroups_path ? cgroups_path : id;
        size_t size;
        int r;

        if (!inner || !*inner)
                return error_set(err, EINVAL, "no cgroupsPath and no container id");
        if (inner == id && (strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..")))
                return error_set(err, EINVAL, "invalid container id '%s' for a cgroup name", id);
        if (inner[0] != '/' && !own)
                return error_set(err, EINVAL, "relative cgroupsPath '%s' needs the caller's cgroup", inner);

        size = strlen(inner) + (inner[0] == '/' ? 0 : strlen(own)) + 2;
        buf = calloc(1, size);
        if (!buf)
                return -ENOMEM;
        if (inner[0] != '/') {
                /* "/../x" is how /proc/self/cgroup shows a cgroup outside our cgroupns. */
                r = append_components(buf, size, own);
                if (r < 0)
                        return error_set(err, -r, "own cgroup '%s' is not usable as a parent", own);
        }
        r = append_components(buf, size, inner);
        if (r == -EINVAL)
                return error_set_reason(
                        err, EINVAL, "config.json: linux.cgroupsPath: must not contain '..' ('%s')", inner);
        if (r < 0)
                return error_set(err, -r, "cgroupsPath '%s'", inner);
        if (!buf[0])
                return error_set_reason(err, EINVAL,
                                        "config.json: linux.cgroupsPath: '%s' names the root cgroup", inner);
        *ret = TAKE_PTR(buf);
        return 0;
}

int cgroup_path_parent(const char *path, char **ret)
{
        const char *slash = strrchr(path, '/');
        char *p;

        if (!slash || slash == path)
                p = strdup("/");
        else
                p = strndup(path, (size_t) (slash - path));
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}
