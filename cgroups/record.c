/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup's record in state.json: where the container's cgroup is in each
 * hierarchy and which components cgroup_create() made, so that later husk
 * processes (kill --all, pause, update, delete) rebuild the same struct
 * cgroup without resolving cgroupsPath again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cgroups/cgroup-internal.h"
#include "base/banned.h"

#define SERIAL_MAGIC "husk-cgroup"
#define SERIAL_VERSION "1"

/* Tabs, newlines and backslashes as \ooo, so that a field stays on its line. */
static void put_escaped(FILE *f, const char *s)
{
        for (; *s; s++) {
                if (*s == '\t' || *s == '\n' || *s == '\\')
                        fprintf(f, "\\%03o", (unsigned char) *s);
                else
                        fputc(*s, f);
        }
}

/*
 *   husk-cgroup <TAB> 1 <TAB> /husk-test/abc
 *   v2 <TAB> /sys/fs/cgroup/unified <TAB> <TAB> husk-test/abc <TAB> 11
 *   v1 <TAB> /sys/fs/cgroup/memory <TAB> memory <TAB> husk-test/abc <TAB> 11
 * The last field says, per component of the path, whether cgroup_create() made it.
 */
int cgroup_serialize(const struct cgroup *cg, char **ret)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                return -ENOMEM;
        fputs(SERIAL_MAGIC "\t" SERIAL_VERSION "\t", f);
        put_escaped(f, cg->display);
        fputc('\n', f);
        for (size_t i = 0; i < cg->n; i++) {
                const struct cgroup_hierarchy *h = &cg->h[i];
                fputs(h->v2 ? "v2\t" : "v1\t", f);
                put_escaped(f, h->mountpoint);
                fputc('\t', f);
                put_escaped(f, h->controllers);
                fputc('\t', f);
                put_escaped(f, h->path);
                fprintf(f, "\t%s\n", h->created);
        }
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

/* "a/b": no leading or trailing '/', no "", "." or ".." component. */
static bool path_is_normal(const char *p)
{
        if (!*p)
                return false;
        while (*p) {
                size_t n = strcspn(p, "/");
                if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p += n;
                if (*p == '/' && !*++p)
                        return false;
        }
        return true;
}

static int hierarchy_parse(char *line, struct cgroup_hierarchy *h)
{
        char *f[5];

        for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
                f[i] = strsep(&line, "\t");
                if (!f[i])
                        return -EINVAL;
                cgroup_unescape(f[i]);
        }
        if (line || (strcmp(f[0], "v1") && strcmp(f[0], "v2")) || f[1][0] != '/' || !path_is_normal(f[3]) ||
            strlen(f[4]) != cgroup_count_components(f[3]) || f[4][strspn(f[4], "01")] != '\0')
                return -EINVAL;
        h->v2 = !strcmp(f[0], "v2");
        h->mountpoint = strdup(f[1]);
        h->controllers = strdup(f[2]);
        h->path = strdup(f[3]);
        h->created = strdup(f[4]);
        if (!h->mountpoint || !h->controllers || !h->path || !h->created)
                return -ENOMEM;
        return 0;
}

int cgroup_deserialize(const char *s, struct cgroup **ret, struct error_info *err)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        _cleanup_free_ char *text = strdup(s);
        char *rest = text, *line;
        size_t n = 0, lineno = 1;
        int r;

        if (!text)
                return -ENOMEM;
        for (const char *p = s; *p; p++)
                n += *p == '\n';
        line = strsep(&rest, "\n");
        if (strncmp(line, SERIAL_MAGIC "\t" SERIAL_VERSION "\t", strlen(SERIAL_MAGIC) + 3) || n < 2)
                return error_set(err, EINVAL, "cgroup record: not a husk cgroup record");
        cg = cgroup_alloc(n - 1);
        if (!cg)
                return -ENOMEM;
        cg->display = strdup(line + strlen(SERIAL_MAGIC) + 3);
        if (!cg->display)
                return -ENOMEM;
        cgroup_unescape(cg->display);

        n = 0;
        while ((line = strsep(&rest, "\n")) && *line) {
                lineno++;
                if (n == cg->n)
                        return error_set(err, EINVAL, "cgroup record: line %zu is malformed", lineno);
                r = hierarchy_parse(line, &cg->h[n]);
                if (r == -EINVAL)
                        return error_set(err, EINVAL, "cgroup record: line %zu is malformed", lineno);
                if (r < 0)
                        return r;
                n++;
        }
        if (n != cg->n)
                return error_set(err, EINVAL, "cgroup record: expected %zu hierarchies, found %zu", cg->n,
                                 n);

        for (size_t i = 0; i < cg->n; i++) {
                struct cgroup_hierarchy *h = &cg->h[i];
                h->mount_fd = cgroup_open_mountpoint(h->mountpoint);
                if (h->mount_fd < 0)
                        return error_set(err, -h->mount_fd, "open cgroup mount '%s'", h->mountpoint);
                h->leaf_fd = openat(h->mount_fd, h->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (h->leaf_fd < 0 && errno != ENOENT)
                        return error_set(err, errno, "open cgroup '%s/%s'", h->mountpoint, h->path);
                if (h->leaf_fd < 0)
                        h->leaf_fd = -EBADF; /* already gone: nothing to enter, nothing to remove */
        }
        *ret = TAKE_PTR(cg);
        return 0;
}
