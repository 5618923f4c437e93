/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "rootfs.h"
#include "overlay.h"
#include "base/banned.h"

#define MAX_LAYERS 500 /* the kernel's limit on lowerdirs */

struct overlay_dirs {
        char *layers[MAX_LAYERS];
        size_t n_layers;
        char upper[PATH_MAX];
        char work[PATH_MAX];
};

static void overlay_dirs_free(struct overlay_dirs *d)
{
        for (size_t i = 0; i < d->n_layers; i++)
                free(d->layers[i]);
}

/* overlayfs splits its options at ',' and lowerdir at ':' (both unescaped on the legacy path). */
static int check_path_chars(const char *what, const char *path, struct error_info *err)
{
        if (strpbrk(path, ",:\\\n"))
                return error_set_reason(err, EINVAL,
                                        "%s '%s': overlayfs cannot take a path holding ',', ':', '\\' or a "
                                        "newline",
                                        what, path);
        return 0;
}

/* path (absolute, or relative to the bundle) as a real path in buf. */
static int resolve(const struct rootfs_where *w, const char *what, const char *path, char *buf, size_t size,
                   struct error_info *err)
{
        char joined[PATH_MAX];
        struct stat st;

        if (path[0] == '/')
                snprintf(joined, sizeof joined, "%s", path);
        else
                snprintf(joined, sizeof joined, "%s/%s", w->bundle, path);
        if (!realpath(joined, buf) || stat(buf, &st) < 0)
                return error_set(err, errno, "%s '%s'", what, joined);
        if (!S_ISDIR(st.st_mode))
                return error_set(err, ENOTDIR, "%s '%s'", what, joined);
        (void) size;
        return check_path_chars(what, buf, err);
}

static int split_layers(const struct rootfs_where *w, const char *list, struct overlay_dirs *d,
                        struct error_info *err)
{
        char what[64], buf[PATH_MAX];

        for (const char *p = list;; p++) {
                const char *end = strchrnul(p, ':');
                size_t len = (size_t) (end - p);
                int r;

                if (d->n_layers == MAX_LAYERS)
                        return error_set_reason(err, E2BIG, "more than %d layers", MAX_LAYERS);
                snprintf(what, sizeof what, "layer %zu", d->n_layers);
                if (len == 0)
                        return error_set_reason(err, EINVAL, "%s is empty", what);
                if (len >= sizeof buf)
                        return error_set(err, ENAMETOOLONG, "%s", what);
                memcpy(buf, p, len);
                buf[len] = '\0';
                d->layers[d->n_layers] = malloc(PATH_MAX);
                if (!d->layers[d->n_layers])
                        return error_set(err, ENOMEM, "%s", what);
                d->n_layers++;
                r = resolve(w, what, buf, d->layers[d->n_layers - 1], PATH_MAX, err);
                if (r < 0)
                        return r;
                p = end;
                if (!*p)
                        return 0;
        }
}

/* The overlay is mounted onto root.path: an empty directory, so nothing of it is hidden. */
static int check_root_empty(const char *rootfs, struct error_info *err)
{
        _cleanup_closedir_ DIR *d = opendir(rootfs);
        struct dirent *de;

        if (!d)
                return error_set(err, errno, "config.json: root.path: '%s'", rootfs);
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        return error_set_reason(err, ENOTEMPTY,
                                                "config.json: root.path: '%s' is not empty: an overlay "
                                                "rootfs (annotation " OVERLAY_LAYERS_ANNOTATION
                                                ") is mounted onto an empty directory",
                                                rootfs);
        return 0;
}

/* The host uid and gid of the container's root, when it has a user namespace. */
static void container_root_ids(const struct spec_linux *lx, uid_t *uid, gid_t *gid)
{
        *uid = 0;
        *gid = 0;
        for (size_t i = 0; lx && i < lx->n_uid_mappings; i++)
                if (lx->uid_mappings[i].container_id == 0 && lx->uid_mappings[i].size > 0)
                        *uid = lx->uid_mappings[i].host_id;
        for (size_t i = 0; lx && i < lx->n_gid_mappings; i++)
                if (lx->gid_mappings[i].container_id == 0 && lx->gid_mappings[i].size > 0)
                        *gid = lx->gid_mappings[i].host_id;
}

static int make_upper(const struct spec *s, const struct rootfs_where *w, const char *kept,
                      struct overlay_dirs *d, struct error_info *err)
{
        char path[PATH_MAX];
        uid_t uid;
        gid_t gid;
        int r;

        if (kept) {
                if (kept[0] == '/')
                        snprintf(path, sizeof path, "%s", kept);
                else
                        snprintf(path, sizeof path, "%s/%s", w->bundle, kept);
                r = mkdir_p(path, 0755);
                if (r < 0)
                        return error_set(err, -r, "annotation " OVERLAY_UPPER_ANNOTATION ": create '%s'",
                                         path);
                r = resolve(w, "annotation " OVERLAY_UPPER_ANNOTATION ":", path, d->upper, sizeof d->upper,
                            err);
                if (r < 0)
                        return r;
                /* Beside the upper: the same file system, as overlayfs requires. */
                if ((size_t) snprintf(d->work, sizeof d->work, "%s.work", d->upper) >= sizeof d->work)
                        return error_set(err, ENAMETOOLONG, "the work directory of '%s'", d->upper);
                if (mkdir(d->work, 0700) < 0 && errno != EEXIST)
                        return error_set(err, errno, "create the overlay work directory '%s'", d->work);
        } else {
                char root[PATH_MAX];
                if (!realpath(w->root, root))
                        return error_set(err, errno, "state root '%s'", w->root);
                if (mkdirat(w->state_dirfd, "upper", 0755) < 0 || mkdirat(w->state_dirfd, "work", 0700) < 0)
                        return error_set(err, errno,
                                         "create the overlay upper and work directories in '%s/%s'", root,
                                         w->id);
                snprintf(d->upper, sizeof d->upper, "%s/%s/upper", root, w->id);
                snprintf(d->work, sizeof d->work, "%s/%s/work", root, w->id);
                r = check_path_chars("the state directory", d->upper, err);
                if (r < 0)
                        return r;
        }
        /* The top of the rootfs is the upper's own directory: the container's root must own it. */
        container_root_ids(s->linux, &uid, &gid);
        if ((uid || gid) && chown(d->upper, uid, gid) < 0)
                return error_set(err, errno, "chown the overlay upper directory '%s' to %u:%u", d->upper,
                                 (unsigned) uid, (unsigned) gid);
        return 0;
}

/*
 * One try at the overlay: "lowerdir+" once per layer (kernel 6.8+: no
 * separators to escape), or the classic "lowerdir" list.  The kernel's own
 * words on a failure land in log.
 */
static int overlay_try(const struct overlay_dirs *d, bool plus, char *log, size_t log_size)
{
        char lower[MAX_LAYERS * 64];
        size_t used = 0;
        int r = 0;

        log[0] = '\0';
        _cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
                r = -errno;
        for (size_t i = 0; r == 0 && i < d->n_layers; i++) {
                if (plus) {
                        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", d->layers[i], 0) < 0)
                                r = -errno;
                        continue;
                }
                int w = snprintf(lower + used, sizeof lower - used, "%s%s", i ? ":" : "", d->layers[i]);
                if (w < 0 || (size_t) w >= sizeof lower - used)
                        return -E2BIG;
                used += (size_t) w;
        }
        if (r == 0 && !plus && fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0)
                r = -errno;
        if (r == 0 && (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", d->upper, 0) < 0 ||
                       fsconfig(fs, FSCONFIG_SET_STRING, "workdir", d->work, 0) < 0 ||
                       fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0))
                r = -errno;
        if (r < 0) {
                /* Every message the file system logged; the last one says why. */
                ssize_t n;
                char line[512];
                while ((n = read(fs, line, sizeof line - 1)) > 0) {
                        line[n] = '\0';
                        snprintf(log, log_size, "%s", line);
                }
                return r;
        }
        int m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
        return m < 0 ? -errno : m;
}

int overlay_prepare(const struct spec *s, const struct rootfs_where *w, int *ret_tree,
                    struct error_info *err)
{
        const char *layers = spec_annotation(s, OVERLAY_LAYERS_ANNOTATION);
        const char *kept = spec_annotation(s, OVERLAY_UPPER_ANNOTATION);
        struct overlay_dirs d = {0};
        char log[512];
        int r;

        *ret_tree = -EBADF;
        if (!layers) {
                if (kept)
                        return error_set_reason(err, EINVAL,
                                                "annotation " OVERLAY_UPPER_ANNOTATION
                                                ": needs the annotation " OVERLAY_LAYERS_ANNOTATION);
                return 0;
        }
        r = check_root_empty(w->rootfs, err);
        if (r < 0)
                return r;
        r = split_layers(w, layers, &d, err);
        if (r < 0) {
                overlay_dirs_free(&d);
                return error_prefix(err, r, "annotation " OVERLAY_LAYERS_ANNOTATION);
        }
        r = make_upper(s, w, kept, &d, err);
        if (r < 0) {
                overlay_dirs_free(&d);
                return r;
        }
        r = overlay_try(&d, true, log, sizeof log);
        /* FIXME: remove the "lowerdir" list when kernel 6.8 ("lowerdir+") is the baseline. */
        if (r == -EINVAL)
                r = overlay_try(&d, false, log, sizeof log);
        overlay_dirs_free(&d);
        if (r == -ENODEV)
                return error_set(err, ENODEV,
                                 "annotation " OVERLAY_LAYERS_ANNOTATION
                                 ": the kernel has no overlay file system (modprobe overlay)");
        if (r < 0)
                return error_set(err, -r, "annotation " OVERLAY_LAYERS_ANNOTATION ": mount the overlay%s%s",
                                 log[0] ? ": " : "", log);
        *ret_tree = r;
        return 0;
}
