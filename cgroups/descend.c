/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk exec --cgroup`: the process goes into an existing sub-cgroup of the container's
 * cgroup instead of the container's cgroup itself.
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

/* controller is one of the comma-separated names in list ("cpu,cpuacct"). */
static bool has_controller(const char *list, const char *controller)
{
        size_t n = strlen(controller);

        for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                if (!strncmp(p, controller, n) && (p[n] == ',' || p[n] == '\0'))
                        return true;
        return false;
}

/* Without "." or ".." components; "" and "/" name the container's cgroup itself. */
static bool sub_path_ok(const char *sub)
{
        const char *p = sub;

        while (*p == '/')
                p++;
        while (*p) {
                size_t n = strcspn(p, "/");
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p += n;
                while (*p == '/')
                        p++;
        }
        return true;
}

static int descend_one(struct cgroup_hierarchy *h, const char *sub, struct error_info *err)
{
        const char *rel = sub + strspn(sub, "/");
        char *path = NULL;

        if (h->leaf_fd < 0)
                return error_set(err, ENOENT, "cgroup '%s/%s' is gone", h->mountpoint, h->path);
        if (!*rel)
                return 0; /* "/": the container's own cgroup, as runc */
        int fd = openat(h->leaf_fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return error_set(err, errno, "sub-cgroup '%s/%s/%s'", h->mountpoint, h->path, rel);
        if (asprintf(&path, "%s/%s", h->path, rel) < 0) {
                (void) close(fd);
                return error_set(err, ENOMEM, "sub-cgroup '%s'", rel);
        }
        safe_close(h->leaf_fd);
        h->leaf_fd = fd;
        free(h->path);
        h->path = path;
        return 0;
}

int cgroup_descend(struct cgroup *cg, const char *controller, const char *sub, struct error_info *err)
{
        bool found = false;
        int r;

        if (!sub_path_ok(sub))
                return error_set_reason(err, EINVAL,
                                        "sub-cgroup '%s': must name the container's cgroup "
                                        "or a directory below it, without '.' or '..'",
                                        sub);
        for (size_t i = 0; i < cg->n; i++) {
                struct cgroup_hierarchy *h = &cg->h[i];
                if (controller && (h->v2 || !has_controller(h->controllers, controller)))
                        continue;
                r = descend_one(h, sub, err);
                if (r < 0)
                        return r;
                found = true;
        }
        if (found || !controller)
                return 0;
        /* A controller no v1 hierarchy holds is the cgroup2 hierarchy's. */
        for (size_t i = 0; i < cg->n; i++)
                if (cg->h[i].v2)
                        return descend_one(&cg->h[i], sub, err);
        return error_set_reason(err, ENOENT, "no cgroup hierarchy has the controller '%s'", controller);
}
