/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/error.h"
#include "cgroups/cgroup-internal.h"
#include "cgroups/cgroup.h"
#include "cgroups/devices-internal.h"
#include "specs/spec.h"
#include "base/banned.h"

/* What every container may use, whatever its rules say (runc's AllowedDevices). */
static const struct device_rule default_allowed[] = {
        {true, 'c', -1, -1, DEVICE_ACCESS_MKNOD}, {true, 'b', -1, -1, DEVICE_ACCESS_MKNOD},
        {true, 'c', 1, 3, DEVICE_ACCESS_ALL},     {true, 'c', 1, 8, DEVICE_ACCESS_ALL},
        {true, 'c', 1, 7, DEVICE_ACCESS_ALL},     {true, 'c', 5, 0, DEVICE_ACCESS_ALL},
        {true, 'c', 1, 5, DEVICE_ACCESS_ALL},     {true, 'c', 1, 9, DEVICE_ACCESS_ALL},
        {true, 'c', 136, -1, DEVICE_ACCESS_ALL},  {true, 'c', 5, 2, DEVICE_ACCESS_ALL},
        {true, 'c', 10, 200, DEVICE_ACCESS_ALL},
};

/* "rwm" letters in any order and number; others are ignored, as runc does, with a warning. */
static unsigned parse_access(const char *s, size_t index)
{
        unsigned a = 0;
        bool warned = false;

        if (!s || !*s)
                return DEVICE_ACCESS_ALL;
        for (const char *p = s; *p; p++) {
                unsigned bit = *p == 'r'   ? DEVICE_ACCESS_READ
                               : *p == 'w' ? DEVICE_ACCESS_WRITE
                               : *p == 'm' ? DEVICE_ACCESS_MKNOD
                                           : 0;
                if (!bit && !warned) {
                        log_warn("linux.resources.devices[%zu].access '%s': only r, w and m count; '%c' is "
                                 "ignored, as runc does",
                                 index, s, *p);
                        warned = true;
                }
                a |= bit;
        }
        return a;
}

/* The config's rules, then the defaults, then linux.devices: the order runc applies them in. */
static int build_rules(const struct spec_device_cgroup *rules, size_t n_rules,
                       const struct spec_device *devices, size_t n_devices, struct device_rule **ret,
                       size_t *ret_n)
{
        struct device_rule *r = calloc(n_rules + ARRAY_SIZE(default_allowed) + n_devices, sizeof *r);
        size_t n = 0;

        if (!r)
                return -ENOMEM;
        for (size_t i = 0; i < n_rules; i++) {
                const struct spec_device_cgroup *d = &rules[i];
                r[n++] = (struct device_rule){
                        .allow = d->allow,
                        .type = d->type && *d->type ? d->type[0] : 'a',
                        .major = d->has_major ? (long) d->major : -1,
                        .minor = d->has_minor ? (long) d->minor : -1,
                        .access = parse_access(d->access, i),
                };
                if (r[n - 1].access == 0)
                        n--; /* letters runc ignores only: a rule about nothing */
        }
        for (size_t i = 0; i < ARRAY_SIZE(default_allowed); i++)
                r[n++] = default_allowed[i];
        for (size_t i = 0; i < n_devices; i++) {
                const struct spec_device *d = &devices[i];
                if (d->type[0] == 'p')
                        continue; /* fifos are not devices to the cgroup */
                r[n++] = (struct device_rule){true, d->type[0] == 'b' ? 'b' : 'c', (long) d->major,
                                              (long) d->minor, DEVICE_ACCESS_ALL};
        }
        *ret = r;
        *ret_n = n;
        return 0;
}

/* "c 1:3 rwm", "a *:* rwm", "c 136:* rwm" */
static void format_v1(const struct device_rule *r, char *buf, size_t size)
{
        char maj[24] = "*", min[24] = "*", acc[4];
        size_t k = 0;

        if (r->access & DEVICE_ACCESS_READ)
                acc[k++] = 'r';
        if (r->access & DEVICE_ACCESS_WRITE)
                acc[k++] = 'w';
        if (r->access & DEVICE_ACCESS_MKNOD)
                acc[k++] = 'm';
        acc[k] = '\0';
        if (r->major >= 0)
                snprintf(maj, sizeof maj, "%ld", r->major);
        if (r->minor >= 0)
                snprintf(min, sizeof min, "%ld", r->minor);
        snprintf(buf, size, "%c %s:%s %s", r->type, r->type == 'a' ? "*" : maj, r->type == 'a' ? "*" : min,
                 acc);
}

static int apply_v1(int fd, const struct device_rule *rules, size_t n, size_t n_config,
                    struct error_info *err)
{
        char rule[96];

        for (size_t i = 0; i < n; i++) {
                const char *file = rules[i].allow ? "devices.allow" : "devices.deny";
                format_v1(&rules[i], rule, sizeof rule);
                int r = cgroup_write(fd, file, rule);
                if (r < 0) {
                        error_set(err, -r, "write '%s' to %s", rule, file);
                        return i < n_config ? error_prefix(err, r, "linux.resources.devices[%zu]", i) : r;
                }
        }
        return 0;
}

int cgroup_apply_devices(struct cgroup *cg, const struct spec_device_cgroup *rules, size_t n_rules,
                         const struct spec_device *devices, size_t n_devices, struct error_info *err)
{
        _cleanup_free_ struct device_rule *all = NULL;
        _cleanup_free_ struct bpf_insn *prog = NULL;
        size_t n = 0, n_insns = 0;
        int r, fd;

        if (n_rules == 0)
                return 0; /* a new cgroup allows every device: nothing to narrow */
        r = build_rules(rules, n_rules, devices, n_devices, &all, &n);
        if (r < 0)
                return error_set(err, -r, "linux.resources.devices");

        fd = cgroup_v1_leaf_fd(cg, "devices");
        if (fd >= 0)
                return apply_v1(fd, all, n, n_rules, err);

        fd = cgroup_v2_fd(cg);
        if (fd < 0)
                return error_set_reason(
                        err, EOPNOTSUPP,
                        "linux.resources.devices: this host has no devices cgroup to apply them");
        r = devices_bpf_compile(all, n, &prog, &n_insns);
        if (r < 0)
                return error_set(err, -r, "linux.resources.devices: compile the device filter");
        r = devices_bpf_attach(fd, prog, n_insns, err);
        if (r < 0)
                return error_prefix(err, r, "linux.resources.devices");
        return 0;
}
