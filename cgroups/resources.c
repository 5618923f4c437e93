/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing linux.resources into the container's cgroup (the plan comes from resources-plan.c),
 * freezing and thawing it, and cgroup.kill.  Every write is an openat() on the container's
 * directory fd with a file name the plan chose (or a validated `unified` key).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup-internal.h"
#include "cgroups/resources-internal.h"
#include "specs/spec.h"
#include "base/banned.h"

struct cgroup_hierarchy *cgroup_v2_hierarchy(const struct cgroup *cg)
{
        return cg->n > 0 && cg->h[0].v2 ? &cg->h[0] : NULL;
}

/* The v1 hierarchy holding controller, or NULL. */
struct cgroup_hierarchy *cgroup_v1_hierarchy(const struct cgroup *cg, const char *controller)
{
        size_t len = strlen(controller);

        for (size_t i = 0; i < cg->n; i++) {
                struct cgroup_hierarchy *h = &cg->h[i];
                if (h->v2)
                        continue;
                for (const char *p = h->controllers; *p;) {
                        size_t n = strcspn(p, ",");
                        if (n == len && !strncmp(p, controller, len))
                                return h;
                        p += n + (p[n] == ',');
                }
        }
        return NULL;
}

/* Whether the space-separated list holds word. */
static bool cgroup_list_has(const char *list, const char *word)
{
        size_t len = strlen(word);

        for (const char *p = list; *p;) {
                p += strspn(p, " \n\t");
                size_t n = strcspn(p, " \n\t");
                if (n == len && !strncmp(p, word, len))
                        return true;
                p += n;
        }
        return false;
}

/* The controllers the cgroup2 hierarchy has (its root's cgroup.controllers); "" when none. */
static void v2_controllers(const struct cgroup_hierarchy *h, char *buf, size_t size)
{
        buf[0] = '\0';
        if (h && h->mount_fd >= 0 && read_file_at(h->mount_fd, "cgroup.controllers", buf, size) < 0)
                buf[0] = '\0';
}

void cgroup_avail_read(const struct cgroup *cg, struct cgroup_avail *ret)
{
        struct cgroup_hierarchy *v2 = cgroup_v2_hierarchy(cg);
        char ctls[512];

        *ret = (struct cgroup_avail){.has_v2 = v2 != NULL, .pure_v2 = v2 && !cgroup_has_v1(cg)};
        v2_controllers(v2, ctls, sizeof ctls);
        for (int c = 0; c < _CGROUP_CTL_MAX; c++) {
                const char *v1name = cgroup_ctl_name((enum cgroup_ctl) c, false);
                const char *v2name = cgroup_ctl_name((enum cgroup_ctl) c, true);
                if (v1name && cgroup_v1_hierarchy(cg, v1name))
                        ret->where[c] = CGROUP_IN_V1;
                else if (v2 && v2name && cgroup_list_has(ctls, v2name))
                        ret->where[c] = CGROUP_IN_V2;
                else
                        ret->where[c] = CGROUP_ABSENT;
        }
}

/* The hierarchy a setting goes to. */
static struct cgroup_hierarchy *setting_hierarchy(const struct cgroup *cg, const struct cgroup_setting *s)
{
        if (s->v2)
                return cgroup_v2_hierarchy(cg);
        return cgroup_v1_hierarchy(cg, cgroup_ctl_name((enum cgroup_ctl) s->ctl, false));
}

/*
 * Enables name in cgroup.subtree_control of every cgroup from the hierarchy's root down to
 * the container's parent, so that the container's directory gets the controller's files.
 * Only adds; a controller already enabled is left as it is.
 */
static int enable_controller(struct cgroup_hierarchy *h, const char *name, struct error_info *err)
{
        _cleanup_free_ char *dirs = strdup(h->path);
        char file[4096], cur[1024], add[80];

        if (!dirs)
                return -ENOMEM;
        snprintf(add, sizeof add, "+%s", name);
        /* "." then "a", "a/b", ... up to (not including) the leaf. */
        for (char *end = NULL;; end = strchr(end + 1, '/')) {
                if (!end)
                        snprintf(file, sizeof file, "cgroup.subtree_control");
                else
                        snprintf(file, sizeof file, "%.*s/cgroup.subtree_control", (int) (end - dirs), dirs);
                ssize_t n = read_file_at(h->mount_fd, file, cur, sizeof cur);
                if (n < 0 && !(n == -ENOENT && cgroup_host()))
                        return error_set(err, (int) -n, "read '%s/%s'", h->mountpoint, file);
                if (n < 0 || !cgroup_list_has(cur, name)) {
                        int r = cgroup_write(h->mount_fd, file, add);
                        if (r < 0)
                                return error_set(err, -r,
                                                 "enable the '%s' controller: write '%s' to '%s/%s'", name,
                                                 add, h->mountpoint, file);
                }
                if (!end)
                        end = dirs - 1;
                if (!strchr(end + 1, '/'))
                        break;
        }
        return 0;
}

static int enable_controllers(const struct cgroup *cg, const struct cgroup_plan *plan,
                              struct error_info *err)
{
        struct cgroup_hierarchy *v2 = cgroup_v2_hierarchy(cg);
        char ctls[512];

        v2_controllers(v2, ctls, sizeof ctls);
        for (size_t i = 0; i < plan->n; i++) {
                const struct cgroup_setting *s = &plan->s[i];
                bool seen = false;

                if (!s->v2 || !s->ctl_name[0])
                        continue;
                for (size_t j = 0; j < i && !seen; j++)
                        seen = plan->s[j].v2 && !strcmp(plan->s[j].ctl_name, s->ctl_name);
                if (seen)
                        continue;
                if (!v2)
                        return error_set_reason(err, EOPNOTSUPP, "%s: this host has no cgroup2 hierarchy",
                                                s->field);
                if (!cgroup_list_has(ctls, s->ctl_name))
                        return error_set_reason(
                                err, EOPNOTSUPP,
                                "%s: the '%s' controller is not available in the cgroup2 "
                                "hierarchy '%s' (it has: %s)",
                                s->field, s->ctl_name, v2->mountpoint,
                                ctls[strspn(ctls, " \n")] ? strtok_r(ctls, "\n", &(char *){0}) : "none");
                int r = enable_controller(v2, s->ctl_name, err);
                if (r < 0)
                        return error_prefix(err, r, "%s", s->field);
        }
        return 0;
}

int cgroup_read_u64(int fd, const char *file, unsigned long long *ret)
{
        char buf[64];
        ssize_t n = read_file_at(fd, file, buf, sizeof buf);
        char *end;

        if (n < 0)
                return (int) n;
        buf[strcspn(buf, "\n")] = '\0';
        errno = 0;
        *ret = strtoull(buf, &end, 10);
        if (errno || end == buf || *end)
                return -EINVAL;
        return 0;
}

/*
 * v1 memory.limit_in_bytes must stay at or below memory.memsw.limit_in_bytes at every step:
 * raising both, memsw goes first; lowering, the limit goes first (runc's order).
 */
static void order_memsw(const struct cgroup *cg, struct cgroup_plan *plan)
{
        struct cgroup_setting *limit = NULL, *memsw = NULL;
        unsigned long long cur;

        for (size_t i = 0; i < plan->n; i++) {
                if (!(plan->s[i].flags & CGROUP_SETTING_MEMSW_PAIR))
                        continue;
                if (!strcmp(plan->s[i].file, "memory.limit_in_bytes"))
                        limit = &plan->s[i];
                else
                        memsw = &plan->s[i];
        }
        if (!limit || !memsw)
                return;
        struct cgroup_hierarchy *h = setting_hierarchy(cg, limit);
        long long want = strtoll(limit->value, NULL, 10);
        bool raise = !strcmp(memsw->value, "-1") || want < 0 ||
                     (h && cgroup_read_u64(h->leaf_fd, "memory.limit_in_bytes", &cur) == 0 &&
                      (unsigned long long) want > cur);
        if (raise == (memsw > limit)) {
                struct cgroup_setting t = *limit;
                *limit = *memsw;
                *memsw = t;
        }
}

/* What went wrong, in words, for a failed write (after the file and value). */
static void explain(const struct cgroup_hierarchy *h, const struct cgroup_setting *s, int r, char *buf,
                    size_t size)
{
        unsigned long long v;

        buf[0] = '\0';
        if ((s->flags & CGROUP_SETTING_MEMORY_LIMIT) && (r == -EBUSY || r == -EINVAL)) {
                const char *usage = s->v2 ? "memory.current" : "memory.usage_in_bytes";
                if (cgroup_read_u64(h->leaf_fd, usage, &v) == 0)
                        snprintf(buf, size, ": memory limit %s is below the current usage %llu", s->value,
                                 v);
        } else if (!strcmp(s->file, "memory.memsw.limit_in_bytes") && r == -EINVAL) {
                if (cgroup_read_u64(h->leaf_fd, "memory.limit_in_bytes", &v) == 0)
                        snprintf(buf, size, ": memory+swap limit %s is below the memory limit %llu",
                                 s->value, v);
        } else if (!strncmp(s->file, "cpuset.", 7) && (r == -EINVAL || r == -ENOSPC || r == -ERANGE)) {
                snprintf(buf, size, ": '%s' is not a subset of the parent cgroup's %s, or not online",
                         s->value, s->file);
        } else if (r == -ENOENT) {
                snprintf(buf, size, ": the kernel has no such file here");
        } else if (r == -ERANGE || r == -EINVAL) {
                snprintf(buf, size, ": the kernel does not accept '%s'", s->value);
        }
}

static int write_setting(const struct cgroup *cg, const struct cgroup_setting *s, struct error_info *err)
{
        struct cgroup_hierarchy *h = setting_hierarchy(cg, s);
        const char *file = s->file, *value = s->value;
        char why[256];
        int r;

        if (!h || h->leaf_fd < 0)
                return error_set(err, ENOENT, "%s: the container's cgroup '%s' is gone", s->field,
                                 cg->display);
        if ((s->flags & CGROUP_SETTING_MUST_EXIST) && faccessat(h->leaf_fd, file, F_OK, 0) < 0)
                return error_set_reason(err, EINVAL, "%s: '%s' is not an interface file of cgroup '%s/%s'",
                                        s->field, file, h->mountpoint, h->path);
        if ((s->flags & CGROUP_SETTING_HAS_ALT) && faccessat(h->leaf_fd, file, F_OK, 0) < 0) {
                file = s->alt_file;
                value = s->alt_value;
        }
        r = cgroup_write(h->leaf_fd, file, value);
        if (r == 0)
                return 0;
        struct cgroup_setting shown = *s;
        snprintf(shown.value, sizeof shown.value, "%s", value);
        snprintf(shown.file, sizeof shown.file, "%s", file);
        explain(h, &shown, r, why, sizeof why);
        return error_set(err, -r, "%s: write '%s' to '%s/%s/%s'%s", s->field, value, h->mountpoint, h->path,
                         file, why);
}

/* checkBeforeUpdate (v2): a limit below what the cgroup uses now would OOM-kill it; refuse. */
static int check_before_update(const struct cgroup *cg, const struct cgroup_plan *plan,
                               struct error_info *err)
{
        for (size_t i = 0; i < plan->n; i++) {
                const struct cgroup_setting *s = &plan->s[i];
                struct cgroup_hierarchy *h = setting_hierarchy(cg, s);
                unsigned long long cur, want;
                char *end;

                if (!s->v2 || !(s->flags & CGROUP_SETTING_MEMORY_LIMIT) || !h || h->leaf_fd < 0)
                        continue;
                errno = 0;
                want = strtoull(s->value, &end, 10);
                if (errno || *end || cgroup_read_u64(h->leaf_fd, "memory.current", &cur) < 0)
                        continue; /* "max", or nothing to compare with */
                if (want < cur)
                        return error_set_reason(err, EBUSY,
                                                "%s: memory limit %llu is below the current usage %llu "
                                                "(checkBeforeUpdate is set)",
                                                s->field, want, cur);
        }
        return 0;
}

int cgroup_apply_resources(struct cgroup *cg, const struct spec_resources *res, bool update,
                           struct error_info *err)
{
        struct cgroup_avail avail;
        struct cgroup_plan plan = {0};
        int r;

        if (!res)
                return 0;
        cgroup_avail_read(cg, &avail);
        r = cgroup_plan_resources(res, &avail, &plan, err);
        if (r < 0)
                return r;
        r = enable_controllers(cg, &plan, err);
        if (r >= 0 && update && res->memory && res->memory->has_check_before_update &&
            res->memory->check_before_update)
                r = check_before_update(cg, &plan, err);
        if (r >= 0)
                order_memsw(cg, &plan);
        for (size_t i = 0; r >= 0 && i < plan.n; i++)
                r = write_setting(cg, &plan.s[i], err);
        cgroup_plan_done(&plan);
        return r < 0 ? r : 0;
}

/* ---- freezer ------------------------------------------------------------------------ */

static void sleep_ms(long ms)
{
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
        (void) nanosleep(&ts, NULL);
}

/* "frozen 1" in cgroup.events. */
static int v2_frozen(int fd, bool *ret)
{
        char buf[512];
        ssize_t n = read_file_at(fd, "cgroup.events", buf, sizeof buf);

        if (n < 0)
                return (int) n;
        for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (!strncmp(l, "frozen ", 7)) {
                        *ret = l[7] == '1';
                        return 0;
                }
        return -EBADMSG;
}

static int v1_state(int fd, char *buf, size_t size)
{
        ssize_t n = read_file_at(fd, "freezer.state", buf, size);

        if (n < 0)
                return (int) n;
        buf[strcspn(buf, "\n")] = '\0';
        return 0;
}

#define FREEZE_TIMEOUT_MS 5000

static int freeze_v1(struct cgroup_hierarchy *h, bool frozen, struct error_info *err)
{
        const char *want = frozen ? "FROZEN" : "THAWED";
        long long deadline = now_ms() + FREEZE_TIMEOUT_MS;
        char cur[32];
        long delay = 1;
        int r;

        for (;;) {
                /* Writing again nudges tasks that were in the middle of a fork (runc does too). */
                r = cgroup_write(h->leaf_fd, "freezer.state", want);
                if (r < 0)
                        return error_set(err, -r, "write '%s' to '%s/%s/freezer.state'", want, h->mountpoint,
                                         h->path);
                r = v1_state(h->leaf_fd, cur, sizeof cur);
                if (r < 0)
                        return error_set(err, -r, "read '%s/%s/freezer.state'", h->mountpoint, h->path);
                if (!strcmp(cur, want))
                        return 0;
                if (now_ms() >= deadline)
                        break;
                sleep_ms(delay);
                delay = delay < 64 ? delay * 2 : 100;
        }
        if (frozen)
                (void) cgroup_write(h->leaf_fd, "freezer.state", "THAWED"); /* do not leave it half frozen */
        return error_set_reason(err, EBUSY, "'%s/%s/freezer.state' is still %s after %d ms", h->mountpoint,
                                h->path, cur, FREEZE_TIMEOUT_MS);
}

static int freeze_v2(struct cgroup_hierarchy *h, bool frozen, struct error_info *err)
{
        long long deadline = now_ms() + FREEZE_TIMEOUT_MS;
        long delay = 1;
        bool is = !frozen;
        int r;

        r = cgroup_write(h->leaf_fd, "cgroup.freeze", frozen ? "1" : "0");
        if (r < 0)
                return error_set(
                        err, -r, "write '%d' to '%s/%s/cgroup.freeze'%s", frozen, h->mountpoint, h->path,
                        r == -ENOENT ? " (the kernel has no cgroup v2 freezer; 5.2 or later has)" : "");
        for (;;) {
                r = v2_frozen(h->leaf_fd, &is);
                if (r < 0)
                        return error_set(err, -r, "read '%s/%s/cgroup.events'", h->mountpoint, h->path);
                if (is == frozen)
                        return 0;
                if (now_ms() >= deadline)
                        break;
                sleep_ms(delay);
                delay = delay < 64 ? delay * 2 : 100;
        }
        if (frozen)
                (void) cgroup_write(h->leaf_fd, "cgroup.freeze", "0");
        return error_set_reason(err, EBUSY, "'%s/%s/cgroup.events' does not say 'frozen %d' after %d ms",
                                h->mountpoint, h->path, frozen, FREEZE_TIMEOUT_MS);
}

/* The v1 freezer when the host has one (hybrid, v1), else the cgroup2 one. */
int cgroup_freeze(struct cgroup *cg, bool frozen, struct error_info *err)
{
        struct cgroup_hierarchy *h = cgroup_v1_hierarchy(cg, "freezer");

        if (h && h->leaf_fd >= 0)
                return freeze_v1(h, frozen, err);
        h = cgroup_v2_hierarchy(cg);
        if (h && h->leaf_fd >= 0)
                return freeze_v2(h, frozen, err);
        return error_set_reason(err, EOPNOTSUPP,
                                "cgroup '%s' has no freezer (no v1 freezer hierarchy and no cgroup2)",
                                cg->display);
}

int cgroup_is_frozen(const struct cgroup *cg, bool *ret, struct error_info *err)
{
        struct cgroup_hierarchy *h = cgroup_v1_hierarchy(cg, "freezer");
        char cur[32];
        int r;

        if (h && h->leaf_fd >= 0) {
                r = v1_state(h->leaf_fd, cur, sizeof cur);
                if (r < 0)
                        return error_set(err, -r, "read '%s/%s/freezer.state'", h->mountpoint, h->path);
                *ret = !strcmp(cur, "FROZEN");
                return 0;
        }
        h = cgroup_v2_hierarchy(cg);
        if (h && h->leaf_fd >= 0) {
                bool is = false;
                r = v2_frozen(h->leaf_fd, &is);
                if (r < 0 && r != -ENOENT)
                        return error_set(err, -r, "read '%s/%s/cgroup.events'", h->mountpoint, h->path);
                *ret = is;
                return 0;
        }
        *ret = false;
        return 0;
}

int cgroup_kill_all(struct cgroup *cg, struct error_info *err)
{
        struct cgroup_hierarchy *h = cgroup_v2_hierarchy(cg);
        int r;

        if (!h || h->leaf_fd < 0)
                return error_set_reason(err, EOPNOTSUPP,
                                        "cgroup '%s' has no cgroup2 directory for cgroup.kill", cg->display);
        r = cgroup_write(h->leaf_fd, "cgroup.kill", "1");
        if (r == -ENOENT)
                return error_set_reason(err, EOPNOTSUPP,
                                        "the kernel has no cgroup.kill (5.14 or later has)");
        if (r < 0)
                return error_set(err, -r, "write '1' to '%s/%s/cgroup.kill'", h->mountpoint, h->path);
        return 0;
}
