/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk events`: statistics read from the container's cgroup files, and OOM notification
 * (v2: memory.events' oom_kill counter, watched with inotify; v1: memory.oom_control through
 * cgroup.event_control and an eventfd).  Each controller is read from the hierarchy the host
 * has it in, as resources.c writes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup-internal.h"
#include "cgroups/resources-internal.h"
#include "specs/events.h"
#include "base/banned.h"

/* The leaf fd of the hierarchy holding ctl (v1 or v2), or -ENOENT; *v2 says which. */
static int ctl_fd(const struct cgroup *cg, const struct cgroup_avail *a, enum cgroup_ctl ctl, bool *v2)
{
        struct cgroup_hierarchy *h = NULL;

        switch (a->where[ctl]) {
        case CGROUP_IN_V1:
                h = cgroup_v1_hierarchy(cg, cgroup_ctl_name(ctl, false));
                *v2 = false;
                break;
        case CGROUP_IN_V2:
                h = cgroup_v2_hierarchy(cg);
                *v2 = true;
                break;
        case CGROUP_ABSENT:
                break;
        }
        return h && h->leaf_fd >= 0 ? h->leaf_fd : -ENOENT;
}

static uint64_t u64_or_zero(int fd, const char *file)
{
        unsigned long long v;

        return fd >= 0 && cgroup_read_u64(fd, file, &v) == 0 ? v : 0;
}

/* "max" reads as UINT64_MAX (no limit). */
static uint64_t limit_or_max(int fd, const char *file)
{
        char buf[64];

        if (fd < 0 || read_file_at(fd, file, buf, sizeof buf) < 0)
                return 0;
        if (!strncmp(buf, "max", 3))
                return UINT64_MAX;
        return strtoull(buf, NULL, 10);
}

/* The value of key in a "key value" per line file (cpu.stat, memory.stat, memory.events). */
static uint64_t keyed(const char *text, const char *key)
{
        size_t len = strlen(key);

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (!strncmp(l, key, len) && l[len] == ' ')
                        return strtoull(l + len + 1, NULL, 10);
        return 0;
}

static char *read_text(int fd, const char *file)
{
        char *text = NULL;

        if (fd < 0 || read_file_alloc(fd, file, &text, NULL) < 0)
                return NULL;
        return text;
}

static int cpu_stats(const struct cgroup *cg, const struct cgroup_avail *a, struct spec_stats *s)
{
        bool v2 = false;
        int fd = ctl_fd(cg, a, CGROUP_CTL_CPU, &v2);
        struct cgroup_hierarchy *h2 = cgroup_v2_hierarchy(cg);

        if (a->where[CGROUP_CTL_CPU] != CGROUP_IN_V1 && h2 && h2->leaf_fd >= 0) {
                /* cpu.stat's usage lines are there even without the cpu controller. */
                _cleanup_free_ char *t = read_text(h2->leaf_fd, "cpu.stat");
                if (t) {
                        s->cpu.total = keyed(t, "usage_usec") * 1000;
                        s->cpu.user = keyed(t, "user_usec") * 1000;
                        s->cpu.kernel = keyed(t, "system_usec") * 1000;
                        s->cpu.periods = keyed(t, "nr_periods");
                        s->cpu.throttled_periods = keyed(t, "nr_throttled");
                        s->cpu.throttled_time = keyed(t, "throttled_usec") * 1000;
                }
                return 0;
        }
        if (fd >= 0) {
                _cleanup_free_ char *t = read_text(fd, "cpu.stat");
                if (t) {
                        s->cpu.periods = keyed(t, "nr_periods");
                        s->cpu.throttled_periods = keyed(t, "nr_throttled");
                        s->cpu.throttled_time = keyed(t, "throttled_time");
                }
        }
        struct cgroup_hierarchy *acct = cgroup_v1_hierarchy(cg, "cpuacct");
        int afd = acct ? acct->leaf_fd : -EBADF;
        if (afd < 0)
                return 0;
        s->cpu.total = u64_or_zero(afd, "cpuacct.usage");
        _cleanup_free_ char *st = read_text(afd, "cpuacct.stat");
        if (st) {
                /* USER_HZ ticks; the kernel's USER_HZ is 100 on every architecture we build for. */
                s->cpu.user = keyed(st, "user") * 10000000ULL;
                s->cpu.kernel = keyed(st, "system") * 10000000ULL;
        }
        _cleanup_free_ char *pc = read_text(afd, "cpuacct.usage_percpu");
        size_t n = 0;
        for (char *p = pc; p && *p; n++) {
                p += strspn(p, " \n");
                if (!*p)
                        break;
                p += strcspn(p, " \n");
        }
        if (n > 0) {
                s->cpu.percpu = calloc(n, sizeof *s->cpu.percpu);
                if (!s->cpu.percpu)
                        return -ENOMEM;
                char *p = pc, *end;
                for (size_t i = 0; i < n; i++, p = end) {
                        s->cpu.percpu[i] = strtoull(p, &end, 10);
                        if (end == p)
                                break;
                        s->cpu.n_percpu = i + 1;
                }
        }
        return 0;
}

static int raw_stats(const char *text, struct spec_stats *s)
{
        size_t n = 0;

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                n++;
        s->memory.raw = calloc(n ? n : 1, sizeof *s->memory.raw);
        if (!s->memory.raw)
                return -ENOMEM;
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                size_t k = strcspn(l, " \n");
                if (l[k] != ' ' || k == 0 || k >= sizeof s->memory.raw[0].name)
                        continue;
                struct spec_stats_value *v = &s->memory.raw[s->memory.n_raw++];
                memcpy(v->name, l, k);
                v->name[k] = '\0';
                v->value = strtoull(l + k + 1, NULL, 10);
        }
        return 0;
}

static int memory_stats(const struct cgroup *cg, const struct cgroup_avail *a, struct spec_stats *s)
{
        bool v2 = false;
        int fd = ctl_fd(cg, a, CGROUP_CTL_MEMORY, &v2);

        if (fd < 0)
                return 0;
        _cleanup_free_ char *stat = read_text(fd, "memory.stat");
        if (v2) {
                _cleanup_free_ char *events = read_text(fd, "memory.events");
                s->memory.usage = (struct spec_stats_memory_entry){
                        .usage = u64_or_zero(fd, "memory.current"),
                        .limit = limit_or_max(fd, "memory.max"),
                        .max = u64_or_zero(fd, "memory.peak"),
                        .failcnt = events ? keyed(events, "max") : 0,
                };
                /* runc reports swap as memory+swap here too. */
                s->memory.swap = (struct spec_stats_memory_entry){
                        .usage = s->memory.usage.usage + u64_or_zero(fd, "memory.swap.current"),
                        .limit = limit_or_max(fd, "memory.swap.max"),
                        .max = u64_or_zero(fd, "memory.swap.peak"),
                };
                s->memory.cache = stat ? keyed(stat, "file") : 0;
        } else {
                s->memory.usage = (struct spec_stats_memory_entry){
                        .usage = u64_or_zero(fd, "memory.usage_in_bytes"),
                        .limit = u64_or_zero(fd, "memory.limit_in_bytes"),
                        .max = u64_or_zero(fd, "memory.max_usage_in_bytes"),
                        .failcnt = u64_or_zero(fd, "memory.failcnt"),
                };
                s->memory.swap = (struct spec_stats_memory_entry){
                        .usage = u64_or_zero(fd, "memory.memsw.usage_in_bytes"),
                        .limit = u64_or_zero(fd, "memory.memsw.limit_in_bytes"),
                        .max = u64_or_zero(fd, "memory.memsw.max_usage_in_bytes"),
                        .failcnt = u64_or_zero(fd, "memory.memsw.failcnt"),
                };
                s->memory.kernel = (struct spec_stats_memory_entry){
                        .usage = u64_or_zero(fd, "memory.kmem.usage_in_bytes"),
                        .limit = u64_or_zero(fd, "memory.kmem.limit_in_bytes"),
                        .max = u64_or_zero(fd, "memory.kmem.max_usage_in_bytes"),
                        .failcnt = u64_or_zero(fd, "memory.kmem.failcnt"),
                };
                s->memory.kernel_tcp = (struct spec_stats_memory_entry){
                        .usage = u64_or_zero(fd, "memory.kmem.tcp.usage_in_bytes"),
                        .limit = u64_or_zero(fd, "memory.kmem.tcp.limit_in_bytes"),
                        .max = u64_or_zero(fd, "memory.kmem.tcp.max_usage_in_bytes"),
                        .failcnt = u64_or_zero(fd, "memory.kmem.tcp.failcnt"),
                };
                s->memory.cache = stat ? keyed(stat, "total_cache") : 0;
        }
        return stat ? raw_stats(stat, s) : 0;
}

static int pids_stats(const struct cgroup *cg, const struct cgroup_avail *a, struct spec_stats *s)
{
        bool v2 = false;
        int fd = ctl_fd(cg, a, CGROUP_CTL_PIDS, &v2);
        uint64_t limit = limit_or_max(fd, "pids.max");

        s->pids.current = u64_or_zero(fd, "pids.current");
        s->pids.limit = limit == UINT64_MAX ? 0 : limit;
        return 0;
}

static int blkio_append(struct spec_stats_blkio_entry **list, size_t *n, uint64_t major, uint64_t minor,
                        const char *op, uint64_t value)
{
        struct spec_stats_blkio_entry *l = realloc(*list, (*n + 1) * sizeof *l);

        if (!l)
                return -ENOMEM;
        *list = l;
        l[*n] = (struct spec_stats_blkio_entry){.major = major, .minor = minor, .value = value};
        snprintf(l[*n].op, sizeof l[*n].op, "%s", op);
        (*n)++;
        return 0;
}

/* v1: "8:0 Read 4096" lines (and a "Total N" line without a device, skipped). */
static int blkio_v1(int fd, const char *file, struct spec_stats_blkio_entry **list, size_t *n)
{
        _cleanup_free_ char *t = read_text(fd, file);
        char *save = NULL;

        for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
                unsigned long long maj, min, v;
                char op[16];
                if (sscanf(l, "%llu:%llu %15s %llu", &maj, &min, op, &v) == 4) {
                        int r = blkio_append(list, n, maj, min, op, v);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static int io_v2(int fd, struct spec_stats *s)
{
        _cleanup_free_ char *t = read_text(fd, "io.stat");
        char *save = NULL;
        int r = 0;

        for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l && r >= 0; l = strtok_r(NULL, "\n", &save)) {
                unsigned long long maj, min;
                if (sscanf(l, "%llu:%llu", &maj, &min) != 2)
                        continue;
                for (char *f = strchr(l, ' '); f && r >= 0; f = strchr(f + 1, ' ')) {
                        unsigned long long v;
                        char key[16];
                        if (sscanf(f + 1, "%15[a-z]=%llu", key, &v) != 2)
                                continue;
                        if (!strcmp(key, "rbytes") || !strcmp(key, "wbytes"))
                                r = blkio_append(&s->blkio.service_bytes, &s->blkio.n_service_bytes, maj,
                                                 min, key[0] == 'r' ? "Read" : "Write", v);
                        else if (!strcmp(key, "rios") || !strcmp(key, "wios"))
                                r = blkio_append(&s->blkio.serviced, &s->blkio.n_serviced, maj, min,
                                                 key[0] == 'r' ? "Read" : "Write", v);
                }
        }
        return r;
}

static int blkio_stats(const struct cgroup *cg, const struct cgroup_avail *a, struct spec_stats *s)
{
        bool v2 = false;
        int fd = ctl_fd(cg, a, CGROUP_CTL_IO, &v2), r;

        if (fd < 0)
                return 0;
        if (v2)
                return io_v2(fd, s);
        /* The throttle files count every device; the old CFQ ones are gone from new kernels. */
        r = blkio_v1(fd, "blkio.throttle.io_service_bytes_recursive", &s->blkio.service_bytes,
                     &s->blkio.n_service_bytes);
        if (r < 0)
                return r;
        return blkio_v1(fd, "blkio.throttle.io_serviced_recursive", &s->blkio.serviced,
                        &s->blkio.n_serviced);
}

static int hugetlb_stats(const struct cgroup *cg, const struct cgroup_avail *a, struct spec_stats *s)
{
        bool v2 = false;
        int fd = ctl_fd(cg, a, CGROUP_CTL_HUGETLB, &v2);

        if (fd < 0)
                return 0;
        int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        _cleanup_closedir_ DIR *d = fdopendir(dfd);
        if (!d) {
                (void) close(dfd);
                return -errno;
        }
        const char *suffix = v2 ? ".max" : ".limit_in_bytes";
        for (struct dirent *de; (de = readdir(d));) {
                char size[16], file[128];
                size_t len = strlen(de->d_name), sl = strlen(suffix);
                /* "hugetlb.2MB.max" (not "hugetlb.2MB.rsvd.max") */
                if (strncmp(de->d_name, "hugetlb.", 8) || len <= 8 + sl ||
                    strcmp(de->d_name + len - sl, suffix) || len - 8 - sl >= sizeof size)
                        continue;
                memcpy(size, de->d_name + 8, len - 8 - sl);
                size[len - 8 - sl] = '\0';
                if (strchr(size, '.'))
                        continue;
                struct spec_stats_hugetlb *h = realloc(s->hugetlb, (s->n_hugetlb + 1) * sizeof *h);
                if (!h)
                        return -ENOMEM;
                s->hugetlb = h;
                h = &h[s->n_hugetlb++];
                *h = (struct spec_stats_hugetlb){0};
                snprintf(h->page_size, sizeof h->page_size, "%s", size);
                if (v2) {
                        snprintf(file, sizeof file, "hugetlb.%s.current", size);
                        h->usage = u64_or_zero(fd, file);
                        snprintf(file, sizeof file, "hugetlb.%s.events", size);
                        _cleanup_free_ char *ev = read_text(fd, file);
                        h->failcnt = ev ? keyed(ev, "max") : 0;
                } else {
                        snprintf(file, sizeof file, "hugetlb.%s.usage_in_bytes", size);
                        h->usage = u64_or_zero(fd, file);
                        snprintf(file, sizeof file, "hugetlb.%s.max_usage_in_bytes", size);
                        h->max = u64_or_zero(fd, file);
                        snprintf(file, sizeof file, "hugetlb.%s.failcnt", size);
                        h->failcnt = u64_or_zero(fd, file);
                }
        }
        return 0;
}

int cgroup_stats(const struct cgroup *cg, struct spec_stats *ret, struct error_info *err)
{
        struct spec_stats s = {0};
        struct cgroup_avail a;
        int r;

        cgroup_avail_read(cg, &a);
        if ((r = cpu_stats(cg, &a, &s)) < 0 || (r = memory_stats(cg, &a, &s)) < 0 ||
            (r = pids_stats(cg, &a, &s)) < 0 || (r = blkio_stats(cg, &a, &s)) < 0 ||
            (r = hugetlb_stats(cg, &a, &s)) < 0) {
                spec_stats_done(&s);
                return error_set(err, -r, "read the statistics of cgroup '%s'", cg->display);
        }
        *ret = s;
        return 0;
}

/* ---- OOM events --------------------------------------------------------------------- */

int cgroup_oom_watch_open(const struct cgroup *cg, struct cgroup_oom_watch *ret, struct error_info *err)
{
        struct cgroup_avail a;
        bool v2 = false;
        char buf[64];
        int r;

        cgroup_avail_read(cg, &a);
        int fd = ctl_fd(cg, &a, CGROUP_CTL_MEMORY, &v2);
        if (fd < 0)
                return error_set_reason(err, EOPNOTSUPP,
                                        "cgroup '%s' has no memory controller to watch for OOM",
                                        cg->display);
        *ret = (struct cgroup_oom_watch){.fd = -EBADF, .leaf_fd = fd, .v2 = v2};
        if (v2) {
                _cleanup_close_ int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
                if (ifd < 0)
                        return error_set(err, errno, "inotify_init1");
                snprintf(buf, sizeof buf, "/proc/self/fd/%d/memory.events", fd);
                if (inotify_add_watch(ifd, buf, IN_MODIFY) < 0)
                        return error_set(err, errno, "watch 'memory.events' of cgroup '%s'", cg->display);
                _cleanup_free_ char *t = read_text(fd, "memory.events");
                ret->last = t ? keyed(t, "oom_kill") : 0;
                ret->fd = TAKE_FD(ifd);
                return 0;
        }
        _cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        _cleanup_close_ int ofd = openat(fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
        if (efd < 0 || ofd < 0)
                return error_set(err, errno, "open 'memory.oom_control' of cgroup '%s'", cg->display);
        snprintf(buf, sizeof buf, "%d %d", efd, ofd);
        r = cgroup_write(fd, "cgroup.event_control", buf);
        if (r < 0)
                return error_set(err, -r, "register for OOM events in 'cgroup.event_control' of cgroup '%s'",
                                 cg->display);
        _cleanup_free_ char *t = read_text(fd, "memory.oom_control");
        ret->last = t ? keyed(t, "oom_kill") : 0;
        ret->fd = TAKE_FD(efd);
        return 0;
}

int cgroup_oom_watch_read(struct cgroup_oom_watch *w, unsigned long long *ret_new)
{
        *ret_new = 0;
        if (w->v2) {
                char evbuf[4096];
                /* Drain the inotify queue; the counter says how many OOM kills happened. */
                while (read(w->fd, evbuf, sizeof evbuf) > 0)
                        ;
                _cleanup_free_ char *t = read_text(w->leaf_fd, "memory.events");
                unsigned long long now = t ? keyed(t, "oom_kill") : w->last;
                *ret_new = now > w->last ? now - w->last : 0;
                w->last = now;
                return 0;
        }
        uint64_t n = 0;
        ssize_t k = read(w->fd, &n, sizeof n);
        if (k < 0 && errno != EAGAIN)
                return -errno;
        if (k >= 0 && k != sizeof n)
                return -EIO;
        /*
         * The eventfd also fires when the cgroup goes away, and may not have fired yet when the
         * caller takes a last look after the init died: count by the oom_kill counter.
         */
        _cleanup_free_ char *t = read_text(w->leaf_fd, "memory.oom_control");
        if (!t)
                return 0;
        unsigned long long now = keyed(t, "oom_kill");
        /* The notification comes as the OOM starts, before the kill is counted: wait for it. */
        for (int i = 0; n > 0 && now <= w->last && !keyed(t, "under_oom") && i < 50; i++) {
                struct timespec ts = {.tv_nsec = 10 * 1000 * 1000};
                (void) nanosleep(&ts, NULL);
                free(t);
                t = read_text(w->leaf_fd, "memory.oom_control");
                if (!t)
                        return 0; /* the cgroup went away: that was the event */
                now = keyed(t, "oom_kill");
        }
        if (now > w->last)
                *ret_new = now - w->last;
        else if (keyed(t, "under_oom"))
                *ret_new = n; /* a kernel without the counter, or the OOM killer disabled */
        w->last = now > w->last ? now : w->last;
        return 0;
}

void cgroup_oom_watch_close(struct cgroup_oom_watch *w)
{
        w->fd = safe_close(w->fd);
}
