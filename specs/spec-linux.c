/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json's "linux" object (config-linux.md) except resources, and the
 * checks that look at more than one section.
 */
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "specs/spec-internal.h"

#include "base/banned.h"

static const char *const clock_names[] = {"monotonic", "boottime", NULL};
static const char *const device_types[] = {"c", "b", "u", "p", NULL};
static const char *const propagations[] = {"shared", "slave",    "private",     "unbindable", "rshared",
                                           "rslave", "rprivate", "runbindable", NULL};
static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};
static const char *const mpol_modes[] = {
        "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
        "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL,
};
static const char *const mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                         "MPOL_F_STATIC_NODES", NULL};

/* libseccomp's names, as config-linux.md lists them (and the newer architectures). */
const char *const spec_seccomp_actions[] = {
        "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
        "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
        "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
        "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
        "SCMP_ACT_NOTIFY",      NULL,
};
const char *const spec_seccomp_arches[] = {
        "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
        "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",        NULL,
};
const char *const spec_seccomp_flags[] = {
        "SECCOMP_FILTER_FLAG_TSYNC",
        "SECCOMP_FILTER_FLAG_LOG",
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
        NULL,
};
const char *const spec_seccomp_ops[] = {
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
        "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static int check_absolute(struct spec_ctx *c, const char *path, const char *value)
{
        if (value[0] != '/')
                return spec_fail(c, path, "'%s' is not an absolute path", value);
        return 0;
}

static int parse_namespace(struct spec_ctx *c, json_t *v, const char *path, struct spec_linux *l, size_t i)
{
        char p[SPEC_PATH_MAX];
        _cleanup_free_ char *type = NULL;
        int r, t;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_string(c, v, "type", path, SPEC_REQUIRED, &type)) < 0)
                return r;
        spec_path_key(p, path, "type");
        t = spec_namespace_from_name(type);
        if (t < 0)
                return spec_fail_enum(c, p, type, "a namespace type", spec_namespace_names());
        for (size_t j = 0; j < i; j++)
                if ((int) l->namespaces[j].type == t)
                        return spec_fail(c, p, "duplicate '%s'", type);
        l->namespaces[i].type = (enum spec_namespace_type) t;
        r = spec_get_string(c, v, "path", path, SPEC_OPTIONAL, &l->namespaces[i].path);
        if (r > 0)
                r = check_absolute(c, spec_path_key(p, path, "path"), l->namespaces[i].path);
        return r < 0 ? r : 0;
}

static int parse_namespaces(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        json_t *arr, *v;
        size_t i;
        int r;

        r = spec_get_array(c, obj, "namespaces", parent, SPEC_OPTIONAL, &arr);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, "namespaces");
        l->namespaces = calloc(json_array_size(arr) + 1, sizeof *l->namespaces);
        if (!l->namespaces)
                return spec_oom(c);
        json_array_foreach(arr, i, v)
        {
                /* Count only what is filled in: entry i's type is read by the duplicate check. */
                l->n_namespaces = i + 1;
                r = parse_namespace(c, v, spec_path_index(item, path, i), l, i);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_time_offsets(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX], p[SPEC_PATH_MAX];
        const char *clock;
        json_t *map, *v;
        int r;

        r = spec_get_object(c, obj, "timeOffsets", parent, SPEC_OPTIONAL, &map);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, "timeOffsets");
        json_object_foreach(map, clock, v)
        {
                int k = spec_lookup(clock_names, clock);
                struct spec_time_offset *off = k == 0 ? &l->time_monotonic : &l->time_boottime;

                spec_path_map(item, path, clock);
                if (k < 0)
                        return spec_fail_enum(c, item, clock, "a clock", clock_names);
                if (!json_is_object(v))
                        return spec_fail(c, item, "must be an object");
                if ((r = spec_get_int(c, v, "secs", item, SPEC_OPTIONAL, INT64_MIN, INT64_MAX, &off->secs)) <
                            0 ||
                    (r = spec_get_u32(c, v, "nanosecs", item, SPEC_OPTIONAL, &off->nanosecs)) < 0)
                        return r;
                if (off->nanosecs >= 1000000000)
                        return spec_fail(c, spec_path_key(p, item, "nanosecs"),
                                         "%u is out of range (0 to 999999999)", off->nanosecs);
                off->present = true;
        }
        return 0;
}

static int parse_device(struct spec_ctx *c, json_t *v, const char *path, struct spec_device *d)
{
        char p[SPEC_PATH_MAX];
        enum spec_need need;
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_string(c, v, "type", path, SPEC_REQUIRED, &d->type)) < 0)
                return r;
        if (spec_lookup(device_types, d->type) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "type"), d->type, "a device type",
                                      device_types);
        if ((r = spec_get_string(c, v, "path", path, SPEC_REQUIRED, &d->path)) < 0 ||
            (r = check_absolute(c, spec_path_key(p, path, "path"), d->path)) < 0)
                return r;
        /* A fifo has no device number. */
        need = strcmp(d->type, "p") == 0 ? SPEC_OPTIONAL : SPEC_REQUIRED;
        if ((r = spec_get_int(c, v, "major", path, need, INT64_MIN, INT64_MAX, &d->major)) < 0 ||
            (r = spec_get_int(c, v, "minor", path, need, INT64_MIN, INT64_MAX, &d->minor)) < 0)
                return r;
        if ((r = spec_get_u32(c, v, "fileMode", path, SPEC_OPTIONAL, &d->file_mode)) < 0)
                return r;
        d->has_file_mode = r > 0;
        if ((r = spec_get_u32(c, v, "uid", path, SPEC_OPTIONAL, &d->uid)) < 0)
                return r;
        d->has_uid = r > 0;
        if ((r = spec_get_u32(c, v, "gid", path, SPEC_OPTIONAL, &d->gid)) < 0)
                return r;
        d->has_gid = r > 0;
        return 0;
}

static int parse_devices(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        json_t *arr, *v;
        size_t i;
        int r;

        r = spec_get_array(c, obj, "devices", parent, SPEC_OPTIONAL, &arr);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, "devices");
        l->devices = calloc(json_array_size(arr) + 1, sizeof *l->devices);
        if (!l->devices)
                return spec_oom(c);
        l->n_devices = json_array_size(arr);
        json_array_foreach(arr, i, v)
        {
                r = parse_device(c, v, spec_path_index(item, path, i), &l->devices[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The kernel's dev_valid_name(): 1 to 15 bytes, not "." or "..", no '/', ':' or space. */
static bool ifname_valid(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n >= 16 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
                return false;
        return strcspn(s, "/: \t\n\v\f\r") == n;
}

static int parse_net_devices(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX], p[SPEC_PATH_MAX];
        const char *host;
        json_t *map, *v;
        size_t n = 0;
        int r;

        r = spec_get_object(c, obj, "netDevices", parent, SPEC_OPTIONAL, &map);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, "netDevices");
        l->net_devices = calloc(json_object_size(map) + 1, sizeof *l->net_devices);
        if (!l->net_devices)
                return spec_oom(c);
        json_object_foreach(map, host, v)
        {
                struct spec_net_device *d = &l->net_devices[n];

                spec_path_map(item, path, host);
                if (!ifname_valid(host))
                        return spec_fail(c, item, "'%s' is not a valid interface name", host);
                if (!json_is_object(v))
                        return spec_fail(c, item, "must be an object");
                d->host_name = strdup(host);
                if (!d->host_name)
                        return spec_oom(c);
                l->n_net_devices = ++n;
                if ((r = spec_get_string(c, v, "name", item, SPEC_OPTIONAL, &d->name)) < 0)
                        return r;
                if (r > 0 && !ifname_valid(d->name))
                        return spec_fail(c, spec_path_key(p, item, "name"),
                                         "'%s' is not a valid interface name", d->name);
        }
        return 0;
}

static int parse_intel_rdt(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], p[SPEC_PATH_MAX];
        struct spec_intel_rdt *rdt;
        json_t *robj;
        int r;

        r = spec_get_section(c, obj, "intelRdt", parent, path, &robj, sizeof *l->intel_rdt,
                             (void **) &l->intel_rdt);
        if (r <= 0)
                return r;
        rdt = l->intel_rdt;
        if ((r = spec_get_string(c, robj, "closID", path, SPEC_OPTIONAL, &rdt->clos_id)) < 0)
                return r;
        /* closID names a directory under /sys/fs/resctrl. */
        if (r > 0 && (!rdt->clos_id[0] || strchr(rdt->clos_id, '/') || strcmp(rdt->clos_id, ".") == 0 ||
                      strcmp(rdt->clos_id, "..") == 0))
                return spec_fail(c, spec_path_key(p, path, "closID"),
                                 "'%s' is not a valid resctrl group name", rdt->clos_id);
        if ((r = spec_get_string(c, robj, "l3CacheSchema", path, SPEC_OPTIONAL, &rdt->l3_cache_schema)) <
                    0 ||
            (r = spec_get_string(c, robj, "memBwSchema", path, SPEC_OPTIONAL, &rdt->mem_bw_schema)) < 0 ||
            (r = spec_get_strv(c, robj, "schemata", path, SPEC_OPTIONAL, &rdt->schemata, &rdt->n_schemata)) <
                    0 ||
            (r = spec_get_bool(c, robj, "enableCMT", path, SPEC_OPTIONAL, &rdt->enable_cmt)) < 0 ||
            (r = spec_get_bool(c, robj, "enableMBM", path, SPEC_OPTIONAL, &rdt->enable_mbm)) < 0 ||
            (r = spec_get_bool(c, robj, "enableMonitoring", path, SPEC_OPTIONAL, &rdt->enable_monitoring)) <
                    0)
                return r;
        if (rdt->mem_bw_schema && strncmp(rdt->mem_bw_schema, "MB:", 3) != 0)
                return spec_fail(c, spec_path_key(p, path, "memBwSchema"), "'%s' does not start with 'MB:'",
                                 rdt->mem_bw_schema);
        return 0;
}

static int parse_memory_policy(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], p[SPEC_PATH_MAX];
        struct spec_memory_policy *mp;
        json_t *mobj;
        int r;

        r = spec_get_section(c, obj, "memoryPolicy", parent, path, &mobj, sizeof *l->memory_policy,
                             (void **) &l->memory_policy);
        if (r <= 0)
                return r;
        mp = l->memory_policy;
        if ((r = spec_get_string(c, mobj, "mode", path, SPEC_REQUIRED, &mp->mode)) < 0)
                return r;
        if (spec_lookup(mpol_modes, mp->mode) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "mode"), mp->mode, "a memory policy mode",
                                      mpol_modes);
        if ((r = spec_get_string(c, mobj, "nodes", path, SPEC_OPTIONAL, &mp->nodes)) < 0 ||
            (r = spec_get_strv(c, mobj, "flags", path, SPEC_OPTIONAL, &mp->flags, &mp->n_flags)) < 0)
                return r;
        return spec_check_names(c, mp->flags, spec_path_key(p, path, "flags"), "a memory policy flag",
                                mpol_flags);
}

static int parse_personality(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], p[SPEC_PATH_MAX];
        struct spec_personality *pers;
        json_t *pobj;
        int r;

        r = spec_get_section(c, obj, "personality", parent, path, &pobj, sizeof *l->personality,
                             (void **) &l->personality);
        if (r <= 0)
                return r;
        pers = l->personality;
        if ((r = spec_get_string(c, pobj, "domain", path, SPEC_REQUIRED, &pers->domain)) < 0)
                return r;
        if (spec_lookup(personality_domains, pers->domain) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "domain"), pers->domain,
                                      "a personality domain", personality_domains);
        r = spec_get_strv(c, pobj, "flags", path, SPEC_OPTIONAL, &pers->flags, &pers->n_flags);
        if (r < 0)
                return r;
        if (pers->n_flags > 0) {
                char flags[SPEC_PATH_MAX];

                spec_path_key(flags, path, "flags");
                return spec_fail(c, spec_path_index(p, flags, 0),
                                 "'%s' is not supported (no personality flags are)", pers->flags[0]);
        }
        return 0;
}

/* errnoRet only means something for actions that return an errno. */
static int check_errno_action(struct spec_ctx *c, const char *path, const char *action)
{
        if (strcmp(action, "SCMP_ACT_ERRNO") == 0 || strcmp(action, "SCMP_ACT_TRACE") == 0)
                return 0;
        return spec_fail(c, path, "not allowed with '%s' (only SCMP_ACT_ERRNO, SCMP_ACT_TRACE)", action);
}

static int parse_seccomp_arg(struct spec_ctx *c, json_t *v, const char *path, struct spec_seccomp_arg *a)
{
        char p[SPEC_PATH_MAX];
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        /* A syscall has six arguments (seccomp(2), struct seccomp_data). */
        r = spec_get_u32(c, v, "index", path, SPEC_REQUIRED, &a->index);
        if (r < 0)
                return r;
        if (a->index > 5)
                return spec_fail(c, spec_path_key(p, path, "index"), "%u is out of range (0 to 5)",
                                 a->index);
        if ((r = spec_get_uint(c, v, "value", path, SPEC_REQUIRED, UINT64_MAX, &a->value)) < 0 ||
            (r = spec_get_uint(c, v, "valueTwo", path, SPEC_OPTIONAL, UINT64_MAX, &a->value_two)) < 0 ||
            (r = spec_get_string(c, v, "op", path, SPEC_REQUIRED, &a->op)) < 0)
                return r;
        if (spec_lookup(spec_seccomp_ops, a->op) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "op"), a->op, "a seccomp operator",
                                      spec_seccomp_ops);
        return 0;
}

static int parse_seccomp_syscall(struct spec_ctx *c, json_t *v, const char *path,
                                 struct spec_seccomp_syscall *sc)
{
        char p[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        json_t *arr, *a;
        size_t i;
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_strv(c, v, "names", path, SPEC_REQUIRED, &sc->names, &sc->n_names)) < 0)
                return r;
        if (sc->n_names == 0)
                return spec_fail(c, spec_path_key(p, path, "names"), "must not be empty");
        if ((r = spec_get_string(c, v, "action", path, SPEC_REQUIRED, &sc->action)) < 0)
                return r;
        if (spec_lookup(spec_seccomp_actions, sc->action) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "action"), sc->action, "a seccomp action",
                                      spec_seccomp_actions);
        if ((r = spec_get_u32(c, v, "errnoRet", path, SPEC_OPTIONAL, &sc->errno_ret)) < 0)
                return r;
        sc->has_errno_ret = r > 0;
        if (sc->has_errno_ret &&
            (r = check_errno_action(c, spec_path_key(p, path, "errnoRet"), sc->action)) < 0)
                return r;
        if ((r = spec_get_array(c, v, "args", path, SPEC_OPTIONAL, &arr)) <= 0)
                return r;
        spec_path_key(p, path, "args");
        sc->args = calloc(json_array_size(arr) + 1, sizeof *sc->args);
        if (!sc->args)
                return spec_oom(c);
        sc->n_args = json_array_size(arr);
        json_array_foreach(arr, i, a) if ((r = parse_seccomp_arg(c, a, spec_path_index(item, p, i),
                                                                 &sc->args[i])) < 0) return r;
        return 0;
}

static int parse_seccomp_head(struct spec_ctx *c, json_t *sobj, const char *path, struct spec_seccomp *s)
{
        char p[SPEC_PATH_MAX];
        int r;

        if ((r = spec_get_string(c, sobj, "defaultAction", path, SPEC_REQUIRED, &s->default_action)) < 0)
                return r;
        if (spec_lookup(spec_seccomp_actions, s->default_action) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "defaultAction"), s->default_action,
                                      "a seccomp action", spec_seccomp_actions);
        if ((r = spec_get_u32(c, sobj, "defaultErrnoRet", path, SPEC_OPTIONAL, &s->default_errno_ret)) < 0)
                return r;
        s->has_default_errno_ret = r > 0;
        if (s->has_default_errno_ret &&
            (r = check_errno_action(c, spec_path_key(p, path, "defaultErrnoRet"), s->default_action)) < 0)
                return r;
        if ((r = spec_get_strv(c, sobj, "architectures", path, SPEC_OPTIONAL, &s->architectures,
                               &s->n_architectures)) < 0 ||
            (r = spec_check_names(c, s->architectures, spec_path_key(p, path, "architectures"),
                                  "a seccomp architecture", spec_seccomp_arches)) < 0 ||
            (r = spec_get_strv(c, sobj, "flags", path, SPEC_OPTIONAL, &s->flags, &s->n_flags)) < 0 ||
            (r = spec_check_names(c, s->flags, spec_path_key(p, path, "flags"), "a seccomp flag",
                                  spec_seccomp_flags)) < 0 ||
            (r = spec_get_string(c, sobj, "listenerPath", path, SPEC_OPTIONAL, &s->listener_path)) < 0 ||
            (r = spec_get_string(c, sobj, "listenerMetadata", path, SPEC_OPTIONAL, &s->listener_metadata)) <
                    0)
                return r;
        if (s->listener_metadata && !s->listener_path)
                return spec_fail(c, spec_path_key(p, path, "listenerMetadata"), "set without listenerPath");
        return 0;
}

static int parse_seccomp(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX], p[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        struct spec_seccomp *s;
        json_t *sobj, *arr, *v;
        size_t i;
        int r;

        r = spec_get_section(c, obj, "seccomp", parent, path, &sobj, sizeof *l->seccomp,
                             (void **) &l->seccomp);
        if (r <= 0)
                return r;
        s = l->seccomp;
        if ((r = parse_seccomp_head(c, sobj, path, s)) < 0)
                return r;
        if ((r = spec_get_array(c, sobj, "syscalls", path, SPEC_OPTIONAL, &arr)) <= 0)
                return r;
        spec_path_key(p, path, "syscalls");
        s->syscalls = calloc(json_array_size(arr) + 1, sizeof *s->syscalls);
        if (!s->syscalls)
                return spec_oom(c);
        s->n_syscalls = json_array_size(arr);
        json_array_foreach(arr, i, v)
        {
                r = parse_seccomp_syscall(c, v, spec_path_index(item, p, i), &s->syscalls[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_abs_paths(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, char ***ret,
                           size_t *ret_n)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        int r;

        r = spec_get_strv(c, obj, key, parent, SPEC_OPTIONAL, ret, ret_n);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, key);
        for (size_t i = 0; i < *ret_n; i++)
                if ((r = check_absolute(c, spec_path_index(item, path, i), (*ret)[i])) < 0)
                        return r;
        return 0;
}

static int parse_resources_key(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_linux *l)
{
        char path[SPEC_PATH_MAX];
        json_t *robj;
        int r;

        r = spec_get_object(c, obj, "resources", parent, SPEC_OPTIONAL, &robj);
        if (r <= 0)
                return r;
        return spec_parse_resources(c, robj, spec_path_key(path, parent, "resources"), &l->resources);
}

static int parse_linux_rest(struct spec_ctx *c, json_t *obj, const char *path, struct spec_linux *l)
{
        char p[SPEC_PATH_MAX];
        int r;

        if ((r = spec_get_map(c, obj, "sysctl", path, &l->sysctl, &l->n_sysctl)) < 0 ||
            (r = parse_seccomp(c, obj, path, l)) < 0 ||
            (r = spec_get_string(c, obj, "rootfsPropagation", path, SPEC_OPTIONAL, &l->rootfs_propagation)) <
                    0)
                return r;
        if (l->rootfs_propagation && spec_lookup(propagations, l->rootfs_propagation) < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "rootfsPropagation"), l->rootfs_propagation,
                                      "a propagation type", propagations);
        if ((r = parse_abs_paths(c, obj, "maskedPaths", path, &l->masked_paths, &l->n_masked_paths)) < 0 ||
            (r = parse_abs_paths(c, obj, "readonlyPaths", path, &l->readonly_paths, &l->n_readonly_paths)) <
                    0 ||
            (r = spec_get_string(c, obj, "mountLabel", path, SPEC_OPTIONAL, &l->mount_label)) < 0 ||
            (r = parse_personality(c, obj, path, l)) < 0)
                return r;
        return 0;
}

int spec_parse_linux(struct spec_ctx *c, json_t *obj, const char *path, struct spec_linux **ret)
{
        struct spec_linux *l;
        int r;

        /* Handed over at once: spec_free() releases a half-parsed section. */
        l = *ret = calloc(1, sizeof *l);
        if (!l)
                return spec_oom(c);
        if ((r = parse_namespaces(c, obj, path, l)) < 0 ||
            (r = spec_get_id_mappings(c, obj, "uidMappings", path, &l->uid_mappings, &l->n_uid_mappings)) <
                    0 ||
            (r = spec_get_id_mappings(c, obj, "gidMappings", path, &l->gid_mappings, &l->n_gid_mappings)) <
                    0 ||
            (r = parse_time_offsets(c, obj, path, l)) < 0 || (r = parse_devices(c, obj, path, l)) < 0 ||
            (r = parse_net_devices(c, obj, path, l)) < 0 ||
            (r = spec_get_string(c, obj, "cgroupsPath", path, SPEC_OPTIONAL, &l->cgroups_path)) < 0 ||
            (r = parse_resources_key(c, obj, path, l)) < 0 || (r = parse_intel_rdt(c, obj, path, l)) < 0 ||
            (r = parse_memory_policy(c, obj, path, l)) < 0 || (r = parse_linux_rest(c, obj, path, l)) < 0)
                return r;
        return 0;
}

/* ---- checks across sections ------------------------------------------ */

static int check_user_namespace(struct spec_ctx *c, const struct spec *s)
{
        const struct spec_namespace *user = spec_find_namespace(s, SPEC_NS_USER);
        const struct spec_linux *l = s->linux;

        if (!user) {
                if (l && l->n_uid_mappings > 0)
                        return spec_fail(c, "linux.uidMappings",
                                         "set without a user namespace in linux.namespaces");
                if (l && l->n_gid_mappings > 0)
                        return spec_fail(c, "linux.gidMappings",
                                         "set without a user namespace in linux.namespaces");
                return 0;
        }
        /* Joining a user namespace (path) takes that namespace's mappings. */
        if (!user->path && l->n_uid_mappings == 0)
                return spec_fail(c, "linux.uidMappings", "required with a new user namespace");
        if (!user->path && l->n_gid_mappings == 0)
                return spec_fail(c, "linux.gidMappings", "required with a new user namespace");
        return 0;
}

/* runc refuses these too: without the namespace they would change the host. */
static int check_needs_namespace(struct spec_ctx *c, const struct spec *s)
{
        const struct spec_namespace *time = spec_find_namespace(s, SPEC_NS_TIME);
        const struct spec_linux *l = s->linux;

        if (s->hostname && s->hostname[0] && !spec_find_namespace(s, SPEC_NS_UTS))
                return spec_fail(c, "hostname", "'%s' needs a uts namespace in linux.namespaces",
                                 s->hostname);
        if (s->domainname && s->domainname[0] && !spec_find_namespace(s, SPEC_NS_UTS))
                return spec_fail(c, "domainname", "'%s' needs a uts namespace in linux.namespaces",
                                 s->domainname);
        if (!l)
                return 0;
        if ((l->time_monotonic.present || l->time_boottime.present) && (!time || time->path))
                return spec_fail(c, "linux.timeOffsets", "need a new time namespace in linux.namespaces");
        if (l->n_net_devices > 0 && !spec_find_namespace(s, SPEC_NS_NETWORK))
                return spec_fail(c, "linux.netDevices", "need a network namespace in linux.namespaces");
        return 0;
}

int spec_check_linux(struct spec_ctx *c, const struct spec *s)
{
        int r;

        if ((r = check_user_namespace(c, s)) < 0 || (r = check_needs_namespace(c, s)) < 0)
                return r;
        return 0;
}
