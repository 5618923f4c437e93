/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources (config-linux.md "Control groups").  Only the shape and
 * the ranges the spec fixes are checked here; whether this host's cgroup
 * driver can apply a value (realtime cpu, a v1-only file on v2, a missing
 * controller) is for cgroups/ to say.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "specs/spec-internal.h"

#include "base/banned.h"

static const char *const cgroup_device_types[] = {"a", "c", "b", NULL};

/*
 * Allocates an array of n elements of size each, hands it to *ret and
 * *ret_n at once (so spec_free releases it if a later element fails).
 */
static void *alloc_items(struct spec_ctx *c, size_t n, size_t size, void *ret, size_t *ret_n)
{
        void *items = calloc(n + 1, size);

        if (!items) {
                spec_oom(c);
                return NULL;
        }
        *(void **) ret = items;
        *ret_n = n;
        return items;
}

static int parse_device_rule(struct spec_ctx *c, json_t *v, const char *path, struct spec_device_cgroup *d)
{
        char p[SPEC_PATH_MAX];
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_bool(c, v, "allow", path, SPEC_REQUIRED, &d->allow)) < 0 ||
            (r = spec_get_string(c, v, "type", path, SPEC_OPTIONAL, &d->type)) < 0)
                return r;
        if (d->type && spec_lookup(cgroup_device_types, d->type) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "type"), d->type, "a device rule type",
                                      cgroup_device_types);
        if ((r = spec_get_int(c, v, "major", path, SPEC_OPTIONAL, INT64_MIN, INT64_MAX, &d->major)) < 0)
                return r;
        d->has_major = r > 0 && d->major >= 0; /* runc writes -1 for "all" */
        if ((r = spec_get_int(c, v, "minor", path, SPEC_OPTIONAL, INT64_MIN, INT64_MAX, &d->minor)) < 0)
                return r;
        d->has_minor = r > 0 && d->minor >= 0;
        if ((r = spec_get_string(c, v, "access", path, SPEC_OPTIONAL, &d->access)) < 0)
                return r;
        /* As runc: letters other than r, w and m are ignored (cgroups/ says so), "" is refused. */
        if (d->access && !*d->access)
                return spec_fail(c, spec_path_key(p, path, "access"),
                                 "must not be empty (leave it out for rwm)");
        return 0;
}

static int parse_device_rules(struct spec_ctx *c, json_t *obj, const char *parent,
                              struct spec_resources *res)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        json_t *arr, *v;
        size_t i;
        int r;

        if ((r = spec_get_array(c, obj, "devices", parent, SPEC_OPTIONAL, &arr)) <= 0)
                return r;
        spec_path_key(path, parent, "devices");
        if (!alloc_items(c, json_array_size(arr), sizeof *res->devices, &res->devices, &res->n_devices))
                return -ENOMEM;
        json_array_foreach(arr, i, v) if ((r = parse_device_rule(c, v, spec_path_index(item, path, i),
                                                                 &res->devices[i])) < 0) return r;
        return 0;
}

/* Memory sizes are bytes, or -1 for unlimited. */
static int get_memory_value(struct spec_ctx *c, json_t *obj, const char *key, const char *path, bool *has,
                            int64_t *ret)
{
        int r = spec_get_int(c, obj, key, path, SPEC_OPTIONAL, -1, INT64_MAX, ret);

        if (r > 0)
                *has = true;
        return r;
}

static int parse_memory(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_resources *res)
{
        char path[SPEC_PATH_MAX];
        struct spec_memory *m;
        json_t *mobj;
        int r;

        r = spec_get_section(c, obj, "memory", parent, path, &mobj, sizeof *res->memory,
                             (void **) &res->memory);
        if (r <= 0)
                return r;
        m = res->memory;
        if ((r = get_memory_value(c, mobj, "limit", path, &m->has_limit, &m->limit)) < 0 ||
            (r = get_memory_value(c, mobj, "reservation", path, &m->has_reservation, &m->reservation)) < 0 ||
            (r = get_memory_value(c, mobj, "swap", path, &m->has_swap, &m->swap)) < 0 ||
            (r = get_memory_value(c, mobj, "kernel", path, &m->has_kernel, &m->kernel)) < 0 ||
            (r = get_memory_value(c, mobj, "kernelTCP", path, &m->has_kernel_tcp, &m->kernel_tcp)) < 0)
                return r;
        /* (uint64) -1 is what engines write for "not set"; runc reads it so too. */
        if ((r = spec_get_uint(c, mobj, "swappiness", path, SPEC_OPTIONAL, UINT64_MAX, &m->swappiness)) < 0)
                return r;
        m->has_swappiness = r > 0 && m->swappiness != UINT64_MAX;
        if (m->has_swappiness && m->swappiness > 100) {
                char p[SPEC_PATH_MAX];

                return spec_fail(c, spec_path_key(p, path, "swappiness"), "%llu is out of range (0 to 100)",
                                 (unsigned long long) m->swappiness);
        }
        if ((r = spec_get_bool(c, mobj, "disableOOMKiller", path, SPEC_OPTIONAL, &m->disable_oom_killer)) <
            0)
                return r;
        m->has_disable_oom_killer = r > 0;
        if ((r = spec_get_bool(c, mobj, "useHierarchy", path, SPEC_OPTIONAL, &m->use_hierarchy)) < 0)
                return r;
        m->has_use_hierarchy = r > 0;
        if ((r = spec_get_bool(c, mobj, "checkBeforeUpdate", path, SPEC_OPTIONAL, &m->check_before_update)) <
            0)
                return r;
        m->has_check_before_update = r > 0;
        /* swap is memory+swap: it cannot be below the memory limit. */
        if (m->has_limit && m->has_swap && m->limit > 0 && m->swap > 0 && m->swap < m->limit)
                return spec_fail(c, path, "swap %lld is below limit %lld (swap counts memory+swap)",
                                 (long long) m->swap, (long long) m->limit);
        return 0;
}

static int get_flagged_uint(struct spec_ctx *c, json_t *obj, const char *key, const char *path, bool *has,
                            uint64_t *ret)
{
        int r = spec_get_uint(c, obj, key, path, SPEC_OPTIONAL, UINT64_MAX, ret);

        if (r > 0)
                *has = true;
        return r;
}

static int get_flagged_int(struct spec_ctx *c, json_t *obj, const char *key, const char *path, bool *has,
                           int64_t *ret)
{
        int r = spec_get_int(c, obj, key, path, SPEC_OPTIONAL, INT64_MIN, INT64_MAX, ret);

        if (r > 0)
                *has = true;
        return r;
}

static int parse_cpu(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_resources *res)
{
        char path[SPEC_PATH_MAX], p[SPEC_PATH_MAX];
        struct spec_cpu *cpu;
        json_t *cobj;
        int r;

        r = spec_get_section(c, obj, "cpu", parent, path, &cobj, sizeof *res->cpu, (void **) &res->cpu);
        if (r <= 0)
                return r;
        cpu = res->cpu;
        if ((r = get_flagged_uint(c, cobj, "shares", path, &cpu->has_shares, &cpu->shares)) < 0 ||
            (r = get_flagged_int(c, cobj, "quota", path, &cpu->has_quota, &cpu->quota)) < 0 ||
            (r = get_flagged_uint(c, cobj, "burst", path, &cpu->has_burst, &cpu->burst)) < 0 ||
            (r = get_flagged_uint(c, cobj, "period", path, &cpu->has_period, &cpu->period)) < 0 ||
            (r = get_flagged_int(c, cobj, "realtimeRuntime", path, &cpu->has_realtime_runtime,
                                 &cpu->realtime_runtime)) < 0 ||
            (r = get_flagged_uint(c, cobj, "realtimePeriod", path, &cpu->has_realtime_period,
                                  &cpu->realtime_period)) < 0 ||
            (r = spec_get_string(c, cobj, "cpus", path, SPEC_OPTIONAL, &cpu->cpus)) < 0 ||
            (r = spec_get_string(c, cobj, "mems", path, SPEC_OPTIONAL, &cpu->mems)) < 0 ||
            (r = get_flagged_int(c, cobj, "idle", path, &cpu->has_idle, &cpu->idle)) < 0)
                return r;
        /* config-linux.md: burst MUST be no larger than a positive quota. */
        if (cpu->has_burst && cpu->has_quota && cpu->quota > 0 && cpu->burst > (uint64_t) cpu->quota)
                return spec_fail(c, spec_path_key(p, path, "burst"), "%llu is larger than quota %lld",
                                 (unsigned long long) cpu->burst, (long long) cpu->quota);
        return 0;
}

static int get_weight(struct spec_ctx *c, json_t *obj, const char *key, const char *path, bool *has,
                      uint16_t *ret)
{
        uint64_t v;
        int r = spec_get_uint(c, obj, key, path, SPEC_OPTIONAL, UINT16_MAX, &v);

        if (r > 0) {
                *has = true;
                *ret = (uint16_t) v;
        }
        return r;
}

static int get_major_minor(struct spec_ctx *c, json_t *v, const char *path, int64_t *major, int64_t *minor)
{
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_int(c, v, "major", path, SPEC_REQUIRED, 0, INT64_MAX, major)) < 0 ||
            (r = spec_get_int(c, v, "minor", path, SPEC_REQUIRED, 0, INT64_MAX, minor)) < 0)
                return r;
        return 0;
}

static int parse_weight_devices(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_block_io *b)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        json_t *arr, *v;
        size_t i;
        int r;

        if ((r = spec_get_array(c, obj, "weightDevice", parent, SPEC_OPTIONAL, &arr)) <= 0)
                return r;
        spec_path_key(path, parent, "weightDevice");
        if (!alloc_items(c, json_array_size(arr), sizeof *b->weight_device, &b->weight_device,
                         &b->n_weight_device))
                return -ENOMEM;
        json_array_foreach(arr, i, v)
        {
                struct spec_weight_device *w = &b->weight_device[i];

                spec_path_index(item, path, i);
                if ((r = get_major_minor(c, v, item, &w->major, &w->minor)) < 0 ||
                    (r = get_weight(c, v, "weight", item, &w->has_weight, &w->weight)) < 0 ||
                    (r = get_weight(c, v, "leafWeight", item, &w->has_leaf_weight, &w->leaf_weight)) < 0)
                        return r;
                if (!w->has_weight && !w->has_leaf_weight)
                        return spec_fail(c, item, "needs weight or leafWeight");
        }
        return 0;
}

static int parse_throttle(struct spec_ctx *c, json_t *obj, const char *key, const char *parent,
                          struct spec_throttle_device **ret, size_t *ret_n)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        struct spec_throttle_device *t;
        json_t *arr, *v;
        size_t i;
        int r;

        if ((r = spec_get_array(c, obj, key, parent, SPEC_OPTIONAL, &arr)) <= 0)
                return r;
        spec_path_key(path, parent, key);
        t = alloc_items(c, json_array_size(arr), sizeof *t, ret, ret_n);
        if (!t)
                return -ENOMEM;
        json_array_foreach(arr, i, v)
        {
                spec_path_index(item, path, i);
                if ((r = get_major_minor(c, v, item, &t[i].major, &t[i].minor)) < 0 ||
                    (r = spec_get_uint(c, v, "rate", item, SPEC_REQUIRED, UINT64_MAX, &t[i].rate)) < 0)
                        return r;
        }
        return 0;
}

static int parse_block_io(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_resources *res)
{
        char path[SPEC_PATH_MAX];
        struct spec_block_io *b;
        json_t *bobj;
        int r;

        r = spec_get_section(c, obj, "blockIO", parent, path, &bobj, sizeof *res->block_io,
                             (void **) &res->block_io);
        if (r <= 0)
                return r;
        b = res->block_io;
        if ((r = get_weight(c, bobj, "weight", path, &b->has_weight, &b->weight)) < 0 ||
            (r = get_weight(c, bobj, "leafWeight", path, &b->has_leaf_weight, &b->leaf_weight)) < 0 ||
            (r = parse_weight_devices(c, bobj, path, b)) < 0 ||
            (r = parse_throttle(c, bobj, "throttleReadBpsDevice", path, &b->throttle_read_bps,
                                &b->n_throttle_read_bps)) < 0 ||
            (r = parse_throttle(c, bobj, "throttleWriteBpsDevice", path, &b->throttle_write_bps,
                                &b->n_throttle_write_bps)) < 0 ||
            (r = parse_throttle(c, bobj, "throttleReadIOPSDevice", path, &b->throttle_read_iops,
                                &b->n_throttle_read_iops)) < 0 ||
            (r = parse_throttle(c, bobj, "throttleWriteIOPSDevice", path, &b->throttle_write_iops,
                                &b->n_throttle_write_iops)) < 0)
                return r;
        return 0;
}

/* "<size><unit-prefix>B": 64KB, 2MB, 1GB. */
static bool page_size_valid(const char *s)
{
        size_t n = strspn(s, "0123456789");

        return n > 0 && s[0] != '0' && s[n] && strchr("KMGTP", s[n]) && s[n + 1] == 'B' && !s[n + 2];
}

static int parse_hugepages(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_resources *res)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX], p[SPEC_PATH_MAX];
        struct spec_hugepage_limit *h;
        json_t *arr, *v;
        size_t i;
        int r;

        if ((r = spec_get_array(c, obj, "hugepageLimits", parent, SPEC_OPTIONAL, &arr)) <= 0)
                return r;
        spec_path_key(path, parent, "hugepageLimits");
        h = alloc_items(c, json_array_size(arr), sizeof *h, &res->hugepage_limits, &res->n_hugepage_limits);
        if (!h)
                return -ENOMEM;
        json_array_foreach(arr, i, v)
        {
                spec_path_index(item, path, i);
                if (!json_is_object(v))
                        return spec_fail(c, item, "must be an object");
                if ((r = spec_get_string(c, v, "pageSize", item, SPEC_REQUIRED, &h[i].page_size)) < 0)
                        return r;
                if (!page_size_valid(h[i].page_size))
                        return spec_fail(c, spec_path_key(p, item, "pageSize"),
                                         "'%s' is not a page size (like 2MB, 1GB)", h[i].page_size);
                if ((r = spec_get_uint(c, v, "limit", item, SPEC_REQUIRED, UINT64_MAX, &h[i].limit)) < 0)
                        return r;
        }
        return 0;
}

static int parse_network(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_resources *res)
{
        char path[SPEC_PATH_MAX], p[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        struct spec_network *net;
        json_t *nobj, *arr, *v;
        size_t i;
        int r;

        r = spec_get_section(c, obj, "network", parent, path, &nobj, sizeof *res->network,
                             (void **) &res->network);
        if (r <= 0)
                return r;
        net = res->network;
        if ((r = spec_get_u32(c, nobj, "classID", path, SPEC_OPTIONAL, &net->class_id)) < 0)
                return r;
        net->has_class_id = r > 0;
        if ((r = spec_get_array(c, nobj, "priorities", path, SPEC_OPTIONAL, &arr)) <= 0)
                return r;
        spec_path_key(p, path, "priorities");
        if (!alloc_items(c, json_array_size(arr), sizeof *net->priorities, &net->priorities,
                         &net->n_priorities))
                return -ENOMEM;
        json_array_foreach(arr, i, v)
        {
                spec_path_index(item, p, i);
                if (!json_is_object(v))
                        return spec_fail(c, item, "must be an object");
                if ((r = spec_get_string(c, v, "name", item, SPEC_REQUIRED, &net->priorities[i].name)) < 0 ||
                    (r = spec_get_u32(c, v, "priority", item, SPEC_REQUIRED, &net->priorities[i].priority)) <
                            0)
                        return r;
        }
        return 0;
}

static int parse_rdma(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_resources *res)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        const char *dev;
        json_t *map, *v;
        size_t n = 0;
        int r;

        if ((r = spec_get_object(c, obj, "rdma", parent, SPEC_OPTIONAL, &map)) <= 0)
                return r;
        spec_path_key(path, parent, "rdma");
        res->rdma = calloc(json_object_size(map) + 1, sizeof *res->rdma);
        if (!res->rdma)
                return spec_oom(c);
        json_object_foreach(map, dev, v)
        {
                struct spec_rdma *d = &res->rdma[n];

                spec_path_map(item, path, dev);
                if (!json_is_object(v))
                        return spec_fail(c, item, "must be an object");
                d->device = strdup(dev);
                if (!d->device)
                        return spec_oom(c);
                res->n_rdma = ++n;
                if ((r = spec_get_u32(c, v, "hcaHandles", item, SPEC_OPTIONAL, &d->hca_handles)) < 0)
                        return r;
                d->has_hca_handles = r > 0;
                if ((r = spec_get_u32(c, v, "hcaObjects", item, SPEC_OPTIONAL, &d->hca_objects)) < 0)
                        return r;
                d->has_hca_objects = r > 0;
                if (!d->has_hca_handles && !d->has_hca_objects)
                        return spec_fail(c, item, "needs hcaHandles or hcaObjects");
        }
        return 0;
}

static int parse_pids(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_resources *res)
{
        char path[SPEC_PATH_MAX];
        json_t *pobj;
        int r;

        if ((r = spec_get_object(c, obj, "pids", parent, SPEC_OPTIONAL, &pobj)) <= 0)
                return r;
        spec_path_key(path, parent, "pids");
        r = spec_get_int(c, pobj, "limit", path, SPEC_REQUIRED, INT64_MIN, INT64_MAX, &res->pids_limit);
        if (r < 0)
                return r;
        res->has_pids_limit = true;
        return 0;
}

int spec_parse_resources(struct spec_ctx *c, json_t *obj, const char *path, struct spec_resources **ret)
{
        struct spec_resources *res;
        int r;

        res = *ret = calloc(1, sizeof *res);
        if (!res)
                return spec_oom(c);
        if ((r = parse_device_rules(c, obj, path, res)) < 0 || (r = parse_memory(c, obj, path, res)) < 0 ||
            (r = parse_cpu(c, obj, path, res)) < 0 || (r = parse_pids(c, obj, path, res)) < 0 ||
            (r = parse_block_io(c, obj, path, res)) < 0 || (r = parse_hugepages(c, obj, path, res)) < 0 ||
            (r = parse_network(c, obj, path, res)) < 0 || (r = parse_rdma(c, obj, path, res)) < 0 ||
            (r = spec_get_map(c, obj, "unified", path, &res->unified, &res->n_unified)) < 0)
                return r;
        return 0;
}
