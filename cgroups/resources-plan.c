/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources (config-linux.md "Control groups") → cgroup interface files.  Pure: no
 * file is touched here, so every translation is unit-tested (tests/unit/
 * test-cgroup-resources.c).  resources.c writes the plan.
 *
 * v2 files: Documentation/admin-guide/cgroup-v2.rst; v1 files: Documentation/admin-guide/
 * cgroup-v1/.  Where OCI and the kernel disagree, runc's reading is followed (noted below).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "cgroups/resources-internal.h"
#include "specs/spec.h"
#include "base/banned.h"

#define RES "linux.resources."

const char *cgroup_ctl_name(enum cgroup_ctl c, bool v2)
{
        switch (c) {
        case CGROUP_CTL_CPU:
                return "cpu";
        case CGROUP_CTL_CPUSET:
                return "cpuset";
        case CGROUP_CTL_MEMORY:
                return "memory";
        case CGROUP_CTL_PIDS:
                return "pids";
        case CGROUP_CTL_IO:
                return v2 ? "io" : "blkio";
        case CGROUP_CTL_HUGETLB:
                return "hugetlb";
        case CGROUP_CTL_RDMA:
                return "rdma";
        case CGROUP_CTL_NET_CLS:
                return v2 ? NULL : "net_cls";
        case CGROUP_CTL_NET_PRIO:
                return v2 ? NULL : "net_prio";
        case CGROUP_CTL_CPUACCT:
                return v2 ? NULL : "cpuacct";
        case CGROUP_CTL_FREEZER:
                return v2 ? NULL : "freezer";
        case _CGROUP_CTL_MAX:
                break;
        }
        return NULL;
}

void cgroup_plan_done(struct cgroup_plan *p)
{
        free(p->s);
        *p = (struct cgroup_plan){0};
}

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
        /*
         * Maps 2 → 1, 1024 (the v1 default) → 100 (the v2 default) and 262144 → 10000 along
         * a parabola in log space, so that the default lands on the default (the older
         * linear formula gave 39 for 1024).
         */
        if (shares == 0)
                return 0;
        if (shares <= 2)
                return 1;
        if (shares >= 262144)
                return 10000;
        double l = log2((double) shares);
        double e = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
        return (uint64_t) ceil(pow(10.0, e));
}

uint64_t cgroup_blkio_to_io_weight(uint64_t weight)
{
        if (weight == 0)
                return 0;
        return 1 + (weight - 10) * 9999 / 990;
}

int cgroup_swap_v2(int64_t limit, int64_t swap, char *buf, size_t size)
{
        if (swap == -1) {
                snprintf(buf, size, "max");
                return 0;
        }
        if (limit <= 0 || swap < limit)
                return -EINVAL;
        snprintf(buf, size, "%lld", (long long) (swap - limit));
        return 0;
}

bool cgroup_unified_key_valid(const char *key)
{
        const char *dot = strchr(key, '.');

        if (!dot || dot == key || !dot[1] || strchr(key, '/') || key[strlen(key) - 1] == '.')
                return false;
        /* These move processes or change the tree itself: not a resource. */
        return strcmp(key, "cgroup.procs") && strcmp(key, "cgroup.threads") &&
               strcmp(key, "cgroup.subtree_control") && strcmp(key, "cgroup.kill") &&
               strcmp(key, "cgroup.freeze");
}

/* ---- building the plan ------------------------------------------------------------ */

struct planner {
        const struct cgroup_avail *avail;
        struct cgroup_plan *plan;
        struct error_info *err;
};

/* The hierarchy ctl lives in, or an error naming field and the controller. */
static int need(struct planner *p, enum cgroup_ctl ctl, const char *field, bool *ret_v2)
{
        switch (p->avail->where[ctl]) {
        case CGROUP_IN_V1:
                *ret_v2 = false;
                return 0;
        case CGROUP_IN_V2:
                *ret_v2 = true;
                return 0;
        case CGROUP_ABSENT:
                break;
        }
        return error_set_reason(p->err, EOPNOTSUPP,
                                "%s: needs the '%s' cgroup controller, which this host does not have", field,
                                cgroup_ctl_name(ctl, p->avail->pure_v2 && cgroup_ctl_name(ctl, true)));
}

static struct cgroup_setting *add(struct planner *p, enum cgroup_ctl ctl, bool v2, const char *field,
                                  const char *file)
{
        struct cgroup_plan *pl = p->plan;

        if (pl->n == pl->cap) {
                size_t cap = pl->cap ? pl->cap * 2 : 16;
                struct cgroup_setting *s = realloc(pl->s, cap * sizeof *s);
                if (!s)
                        return NULL;
                pl->s = s;
                pl->cap = cap;
        }
        struct cgroup_setting *s = &pl->s[pl->n++];
        *s = (struct cgroup_setting){.ctl = (int) ctl, .v2 = v2};
        snprintf(s->field, sizeof s->field, "%s", field);
        snprintf(s->file, sizeof s->file, "%s", file);
        if (v2 && (int) ctl >= 0)
                snprintf(s->ctl_name, sizeof s->ctl_name, "%s", cgroup_ctl_name(ctl, true));
        return s;
}

static int set(struct planner *p, enum cgroup_ctl ctl, bool v2, const char *field, const char *file,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int set(struct planner *p, enum cgroup_ctl ctl, bool v2, const char *field, const char *file,
               const char *fmt, ...)
{
        struct cgroup_setting *s = add(p, ctl, v2, field, file);
        va_list ap;

        if (!s)
                return error_set(p->err, ENOMEM, "plan the cgroup settings");
        va_start(ap, fmt);
        vsnprintf(s->value, sizeof s->value, fmt, ap);
        va_end(ap);
        return 0;
}

static struct cgroup_setting *last(struct planner *p)
{
        return &p->plan->s[p->plan->n - 1];
}

static int refuse(struct planner *p, const char *field, const char *why)
{
        return error_set_reason(p->err, EOPNOTSUPP, "%s: %s", field, why);
}

/* -1 → "max" (v2) or "-1" (v1). */
static void limit_str(char *buf, size_t size, int64_t v, bool v2)
{
        if (v < 0)
                snprintf(buf, size, "%s", v2 ? "max" : "-1");
        else
                snprintf(buf, size, "%lld", (long long) v);
}

static int plan_memory_v2(struct planner *p, const struct spec_memory *m)
{
        char buf[32];
        int r;

        if (m->has_disable_oom_killer && m->disable_oom_killer)
                return refuse(
                        p, RES "memory.disableOOMKiller",
                        "cgroup v2 has no way to disable the OOM killer (set it to false or remove it)");
        if (m->has_swappiness)
                log_warn("%s: cgroup v2 has no per-cgroup swappiness, ignoring", RES "memory.swappiness");
        if (m->has_limit && m->limit != 0) {
                limit_str(buf, sizeof buf, m->limit, true);
                if ((r = set(p, CGROUP_CTL_MEMORY, true, RES "memory.limit", "memory.max", "%s", buf)) < 0)
                        return r;
                last(p)->flags |= CGROUP_SETTING_MEMORY_LIMIT;
        }
        if (m->has_reservation && m->reservation != 0) {
                limit_str(buf, sizeof buf, m->reservation, true);
                if ((r = set(p, CGROUP_CTL_MEMORY, true, RES "memory.reservation", "memory.low", "%s",
                             buf)) < 0)
                        return r;
        }
        if (m->has_swap && m->swap != 0) {
                int64_t limit = m->has_limit ? m->limit : 0;
                if (cgroup_swap_v2(limit, m->swap, buf, sizeof buf) < 0) {
                        if (limit <= 0)
                                return error_set_reason(p->err, EINVAL,
                                                        "%s: %lld needs a memory limit too (on cgroup v2 "
                                                        "swap is memory+swap minus the limit)",
                                                        RES "memory.swap", (long long) m->swap);
                        return error_set_reason(p->err, EINVAL,
                                                "%s: %lld is below the memory limit %lld (swap counts "
                                                "memory+swap)",
                                                RES "memory.swap", (long long) m->swap, (long long) limit);
                }
                if ((r = set(p, CGROUP_CTL_MEMORY, true, RES "memory.swap", "memory.swap.max", "%s", buf)) <
                    0)
                        return r;
        }
        return 0;
}

static int plan_memory_v1(struct planner *p, const struct spec_memory *m)
{
        char buf[32];
        int r;

        if (m->has_limit && m->limit != 0) {
                limit_str(buf, sizeof buf, m->limit, false);
                if ((r = set(p, CGROUP_CTL_MEMORY, false, RES "memory.limit", "memory.limit_in_bytes", "%s",
                             buf)) < 0)
                        return r;
                last(p)->flags |= CGROUP_SETTING_MEMSW_PAIR | CGROUP_SETTING_MEMORY_LIMIT;
        }
        if (m->has_reservation && m->reservation != 0) {
                limit_str(buf, sizeof buf, m->reservation, false);
                if ((r = set(p, CGROUP_CTL_MEMORY, false, RES "memory.reservation",
                             "memory.soft_limit_in_bytes", "%s", buf)) < 0)
                        return r;
        }
        if (m->has_swap && m->swap != 0) {
                limit_str(buf, sizeof buf, m->swap, false);
                if ((r = set(p, CGROUP_CTL_MEMORY, false, RES "memory.swap", "memory.memsw.limit_in_bytes",
                             "%s", buf)) < 0)
                        return r;
                last(p)->flags |= CGROUP_SETTING_MEMSW_PAIR;
        }
        if (m->has_swappiness &&
            (r = set(p, CGROUP_CTL_MEMORY, false, RES "memory.swappiness", "memory.swappiness", "%llu",
                     (unsigned long long) m->swappiness)) < 0)
                return r;
        if (m->has_disable_oom_killer && m->disable_oom_killer &&
            (r = set(p, CGROUP_CTL_MEMORY, false, RES "memory.disableOOMKiller", "memory.oom_control",
                     "1")) < 0)
                return r;
        return 0;
}

static int plan_memory(struct planner *p, const struct spec_memory *m)
{
        bool v2;
        int r;

        /* Kernel memory accounting cannot be limited separately any more (runc ignores it too). */
        if ((m->has_kernel && m->kernel != 0) || (m->has_kernel_tcp && m->kernel_tcp != 0))
                log_warn("%s: kernel memory limits are not supported by the kernel, ignoring",
                         RES "memory.kernel");
        bool any = (m->has_limit && m->limit) || (m->has_reservation && m->reservation) ||
                   (m->has_swap && m->swap) || m->has_swappiness ||
                   (m->has_disable_oom_killer && m->disable_oom_killer);
        if (!any)
                return 0;
        if ((r = need(p, CGROUP_CTL_MEMORY, RES "memory", &v2)) < 0)
                return r;
        return v2 ? plan_memory_v2(p, m) : plan_memory_v1(p, m);
}

static int plan_cpu_v2(struct planner *p, const struct spec_cpu *c)
{
        int r;

        if ((c->has_realtime_runtime && c->realtime_runtime != 0) ||
            (c->has_realtime_period && c->realtime_period != 0))
                return refuse(p, RES "cpu.realtimeRuntime",
                              "cgroup v2 has no realtime scheduling budget (remove realtimeRuntime and "
                              "realtimePeriod)");
        if (c->has_shares && c->shares != 0 &&
            (r = set(p, CGROUP_CTL_CPU, true, RES "cpu.shares", "cpu.weight", "%llu",
                     (unsigned long long) cgroup_shares_to_weight(c->shares))) < 0)
                return r;
        bool quota = c->has_quota && c->quota != 0, period = c->has_period && c->period != 0;
        if (quota || period) {
                char q[32] = "max", per[32] = "";
                if (quota && c->quota > 0)
                        snprintf(q, sizeof q, "%lld", (long long) c->quota);
                if (period)
                        snprintf(per, sizeof per, " %llu", (unsigned long long) c->period);
                if ((r = set(p, CGROUP_CTL_CPU, true, quota ? RES "cpu.quota" : RES "cpu.period", "cpu.max",
                             "%s%s", q, per)) < 0)
                        return r;
        }
        if (c->has_burst && (r = set(p, CGROUP_CTL_CPU, true, RES "cpu.burst", "cpu.max.burst", "%llu",
                                     (unsigned long long) c->burst)) < 0)
                return r;
        if (c->has_idle &&
            (r = set(p, CGROUP_CTL_CPU, true, RES "cpu.idle", "cpu.idle", "%lld", (long long) c->idle)) < 0)
                return r;
        return 0;
}

static int plan_cpu_v1(struct planner *p, const struct spec_cpu *c)
{
        int r;

        if (c->has_shares && c->shares != 0 &&
            (r = set(p, CGROUP_CTL_CPU, false, RES "cpu.shares", "cpu.shares", "%llu",
                     (unsigned long long) c->shares)) < 0)
                return r;
        /* The period first: the kernel checks quota against it. */
        if (c->has_period && c->period != 0 &&
            (r = set(p, CGROUP_CTL_CPU, false, RES "cpu.period", "cpu.cfs_period_us", "%llu",
                     (unsigned long long) c->period)) < 0)
                return r;
        if (c->has_quota && c->quota != 0 &&
            (r = set(p, CGROUP_CTL_CPU, false, RES "cpu.quota", "cpu.cfs_quota_us", "%lld",
                     (long long) (c->quota < 0 ? -1 : c->quota))) < 0)
                return r;
        if (c->has_burst && (r = set(p, CGROUP_CTL_CPU, false, RES "cpu.burst", "cpu.cfs_burst_us", "%llu",
                                     (unsigned long long) c->burst)) < 0)
                return r;
        /* The period first here too: runtime must fit in it. */
        if (c->has_realtime_period && c->realtime_period != 0 &&
            (r = set(p, CGROUP_CTL_CPU, false, RES "cpu.realtimePeriod", "cpu.rt_period_us", "%llu",
                     (unsigned long long) c->realtime_period)) < 0)
                return r;
        if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
            (r = set(p, CGROUP_CTL_CPU, false, RES "cpu.realtimeRuntime", "cpu.rt_runtime_us", "%lld",
                     (long long) c->realtime_runtime)) < 0)
                return r;
        if (c->has_idle &&
            (r = set(p, CGROUP_CTL_CPU, false, RES "cpu.idle", "cpu.idle", "%lld", (long long) c->idle)) < 0)
                return r;
        return 0;
}

static int plan_cpu(struct planner *p, const struct spec_cpu *c)
{
        bool v2;
        int r;

        bool any = (c->has_shares && c->shares) || (c->has_quota && c->quota) ||
                   (c->has_period && c->period) || c->has_burst || c->has_idle ||
                   (c->has_realtime_runtime && c->realtime_runtime) ||
                   (c->has_realtime_period && c->realtime_period);
        if (any) {
                if ((r = need(p, CGROUP_CTL_CPU, RES "cpu", &v2)) < 0)
                        return r;
                if ((r = v2 ? plan_cpu_v2(p, c) : plan_cpu_v1(p, c)) < 0)
                        return r;
        }
        if (c->cpus && *c->cpus) {
                if ((r = need(p, CGROUP_CTL_CPUSET, RES "cpu.cpus", &v2)) < 0 ||
                    (r = set(p, CGROUP_CTL_CPUSET, v2, RES "cpu.cpus", "cpuset.cpus", "%s", c->cpus)) < 0)
                        return r;
        }
        if (c->mems && *c->mems) {
                if ((r = need(p, CGROUP_CTL_CPUSET, RES "cpu.mems", &v2)) < 0 ||
                    (r = set(p, CGROUP_CTL_CPUSET, v2, RES "cpu.mems", "cpuset.mems", "%s", c->mems)) < 0)
                        return r;
        }
        return 0;
}

static int plan_pids(struct planner *p, int64_t limit)
{
        bool v2;
        int r;

        if ((r = need(p, CGROUP_CTL_PIDS, RES "pids.limit", &v2)) < 0)
                return r;
        /* config-linux.md: 0 or below means no limit. */
        if (limit <= 0)
                return set(p, CGROUP_CTL_PIDS, v2, RES "pids.limit", "pids.max", "max");
        return set(p, CGROUP_CTL_PIDS, v2, RES "pids.limit", "pids.max", "%lld", (long long) limit);
}

/* A weight: BFQ's file when the cgroup has it (same 10..1000 scale), else the generic one. */
static int set_weight(struct planner *p, bool v2, const char *field, const char *dev, uint16_t w)
{
        char prefix[48] = "";
        int r;

        if (dev)
                snprintf(prefix, sizeof prefix, "%s ", dev);
        if (v2) {
                r = set(p, CGROUP_CTL_IO, true, field, "io.bfq.weight", "%s%u", prefix, (unsigned) w);
                if (r < 0)
                        return r;
                snprintf(last(p)->alt_file, sizeof last(p)->alt_file, "io.weight");
                snprintf(last(p)->alt_value, sizeof last(p)->alt_value, "%s%llu", prefix,
                         (unsigned long long) cgroup_blkio_to_io_weight(w));
        } else {
                r = set(p, CGROUP_CTL_IO, false, field, dev ? "blkio.weight_device" : "blkio.weight", "%s%u",
                        prefix, (unsigned) w);
                if (r < 0)
                        return r;
                snprintf(last(p)->alt_file, sizeof last(p)->alt_file, "%s",
                         dev ? "blkio.bfq.weight_device" : "blkio.bfq.weight");
                snprintf(last(p)->alt_value, sizeof last(p)->alt_value, "%s%u", prefix, (unsigned) w);
        }
        last(p)->flags |= CGROUP_SETTING_HAS_ALT;
        return 0;
}

static int plan_throttle(struct planner *p, bool v2, const char *key, const char *v1_file,
                         const char *v2_key, const struct spec_throttle_device *t, size_t n)
{
        char field[96];
        int r;

        snprintf(field, sizeof field, RES "blockIO.%s", key);
        for (size_t i = 0; i < n; i++) {
                if (v2)
                        r = set(p, CGROUP_CTL_IO, true, field, "io.max", "%lld:%lld %s=%llu",
                                (long long) t[i].major, (long long) t[i].minor, v2_key,
                                (unsigned long long) t[i].rate);
                else
                        r = set(p, CGROUP_CTL_IO, false, field, v1_file, "%lld:%lld %llu",
                                (long long) t[i].major, (long long) t[i].minor,
                                (unsigned long long) t[i].rate);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int plan_block_io(struct planner *p, const struct spec_block_io *b)
{
        bool v2;
        int r;

        if ((r = need(p, CGROUP_CTL_IO, RES "blockIO", &v2)) < 0)
                return r;
        if (b->has_leaf_weight)
                log_warn("%s: the kernel no longer has leaf weights, ignoring", RES "blockIO.leafWeight");
        if (b->has_weight && b->weight != 0 &&
            (r = set_weight(p, v2, RES "blockIO.weight", NULL, b->weight)) < 0)
                return r;
        for (size_t i = 0; i < b->n_weight_device; i++) {
                const struct spec_weight_device *w = &b->weight_device[i];
                char dev[48];
                if (!w->has_weight)
                        continue;
                snprintf(dev, sizeof dev, "%lld:%lld", (long long) w->major, (long long) w->minor);
                if ((r = set_weight(p, v2, RES "blockIO.weightDevice", dev, w->weight)) < 0)
                        return r;
        }
        if ((r = plan_throttle(p, v2, "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps",
                               b->throttle_read_bps, b->n_throttle_read_bps)) < 0 ||
            (r = plan_throttle(p, v2, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps",
                               b->throttle_write_bps, b->n_throttle_write_bps)) < 0 ||
            (r = plan_throttle(p, v2, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops",
                               b->throttle_read_iops, b->n_throttle_read_iops)) < 0 ||
            (r = plan_throttle(p, v2, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops",
                               b->throttle_write_iops, b->n_throttle_write_iops)) < 0)
                return r;
        return 0;
}

static int plan_hugetlb(struct planner *p, const struct spec_hugepage_limit *h, size_t n)
{
        char file[128];
        bool v2;
        int r;

        if ((r = need(p, CGROUP_CTL_HUGETLB, RES "hugepageLimits", &v2)) < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                /* The kernel names sizes as OCI does ("2MB", "1GB"). */
                snprintf(file, sizeof file, "hugetlb.%s.%s", h[i].page_size, v2 ? "max" : "limit_in_bytes");
                if ((r = set(p, CGROUP_CTL_HUGETLB, v2, RES "hugepageLimits", file, "%llu",
                             (unsigned long long) h[i].limit)) < 0)
                        return r;
        }
        return 0;
}

static int plan_rdma(struct planner *p, const struct spec_rdma *d, size_t n)
{
        bool v2;
        int r;

        if ((r = need(p, CGROUP_CTL_RDMA, RES "rdma", &v2)) < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                char handles[32] = "", objects[32] = "";
                if (strpbrk(d[i].device, " \n\t"))
                        return error_set_reason(p->err, EINVAL, "%s: '%s' is not a device name", RES "rdma",
                                                d[i].device);
                if (d[i].has_hca_handles)
                        snprintf(handles, sizeof handles, " hca_handle=%u", d[i].hca_handles);
                if (d[i].has_hca_objects)
                        snprintf(objects, sizeof objects, " hca_object=%u", d[i].hca_objects);
                if ((r = set(p, CGROUP_CTL_RDMA, v2, RES "rdma", "rdma.max", "%s%s%s", d[i].device, handles,
                             objects)) < 0)
                        return r;
        }
        return 0;
}

static int plan_network(struct planner *p, const struct spec_network *net)
{
        int r;

        if (net->has_class_id) {
                if (p->avail->where[CGROUP_CTL_NET_CLS] != CGROUP_IN_V1)
                        return refuse(
                                p, RES "network.classID",
                                "needs the v1 'net_cls' cgroup controller, which this host does not have "
                                "(cgroup v2 has none; use an eBPF program)");
                if ((r = set(p, CGROUP_CTL_NET_CLS, false, RES "network.classID", "net_cls.classid", "%u",
                             net->class_id)) < 0)
                        return r;
        }
        if (net->n_priorities == 0)
                return 0;
        if (p->avail->where[CGROUP_CTL_NET_PRIO] != CGROUP_IN_V1)
                return refuse(p, RES "network.priorities",
                              "needs the v1 'net_prio' cgroup controller, which this host does not have "
                              "(cgroup v2 has none)");
        for (size_t i = 0; i < net->n_priorities; i++) {
                const char *name = net->priorities[i].name;
                if (!*name || strpbrk(name, " \n\t/"))
                        return error_set_reason(p->err, EINVAL, "%s: '%s' is not an interface name",
                                                RES "network.priorities", name);
                if ((r = set(p, CGROUP_CTL_NET_PRIO, false, RES "network.priorities", "net_prio.ifpriomap",
                             "%s %u", name, net->priorities[i].priority)) < 0)
                        return r;
        }
        return 0;
}

static int plan_unified(struct planner *p, const struct spec_kv *kv, size_t n)
{
        char field[200];

        for (size_t i = 0; i < n; i++) {
                snprintf(field, sizeof field, RES "unified['%s']", kv[i].key);
                if (!p->avail->has_v2)
                        return refuse(p, field, "needs a cgroup2 hierarchy, which this host does not have");
                if (!cgroup_unified_key_valid(kv[i].key))
                        return error_set_reason(
                                p->err, EINVAL,
                                "%s: not a cgroup interface file name ('<controller>.<name>', "
                                "no '/', not a file that moves processes)",
                                field);
                if (strlen(kv[i].key) >= sizeof p->plan->s[0].file ||
                    strlen(kv[i].value) >= sizeof p->plan->s[0].value)
                        return error_set_reason(p->err, EINVAL, "%s: too long", field);
                struct cgroup_setting *s = add(p, (enum cgroup_ctl) 0, true, field, kv[i].key);
                if (!s)
                        return error_set(p->err, ENOMEM, "plan the cgroup settings");
                s->ctl = -1;
                snprintf(s->value, sizeof s->value, "%s", kv[i].value);
                /* The controller is the name's first part; "cgroup.*" files need none. */
                size_t len = strcspn(kv[i].key, ".");
                if (strncmp(kv[i].key, "cgroup", len) || len != 6)
                        snprintf(s->ctl_name, sizeof s->ctl_name, "%.*s", (int) len, kv[i].key);
                s->flags |= CGROUP_SETTING_MUST_EXIST;
                if (!strcmp(kv[i].key, "memory.max"))
                        s->flags |= CGROUP_SETTING_MEMORY_LIMIT;
        }
        return 0;
}

int cgroup_plan_resources(const struct spec_resources *r, const struct cgroup_avail *avail,
                          struct cgroup_plan *ret, struct error_info *err)
{
        struct cgroup_plan plan = {0};
        struct planner p = {.avail = avail, .plan = &plan, .err = err};
        int k = 0;

        if ((r->memory && (k = plan_memory(&p, r->memory)) < 0) ||
            (r->cpu && (k = plan_cpu(&p, r->cpu)) < 0) ||
            (r->has_pids_limit && (k = plan_pids(&p, r->pids_limit)) < 0) ||
            (r->block_io && (k = plan_block_io(&p, r->block_io)) < 0) ||
            (r->n_hugepage_limits && (k = plan_hugetlb(&p, r->hugepage_limits, r->n_hugepage_limits)) < 0) ||
            (r->n_rdma && (k = plan_rdma(&p, r->rdma, r->n_rdma)) < 0) ||
            (r->network && (k = plan_network(&p, r->network)) < 0) ||
            (r->n_unified && (k = plan_unified(&p, r->unified, r->n_unified)) < 0)) {
                cgroup_plan_done(&plan);
                return k;
        }
        *ret = plan;
        return 0;
}
