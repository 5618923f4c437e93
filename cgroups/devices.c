/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "cgroups/cgroup-internal.h"
#include "cgroups/cgroup.h"
#include "specs/spec.h"
#include "base/banned.h"

/* What every container may use, whatever its rules say (runc's AllowedDevices). */
static const struct {
        char type;
        long major, minor; /* -1: any */
        const char *access;
} default_allowed[] = {
        { 'c', -1, -1, "m" },  { 'b', -1, -1, "m" },  { 'c', 1, 3, "rwm" },  { 'c', 1, 8, "rwm" },
        { 'c', 1, 7, "rwm" },  { 'c', 5, 0, "rwm" },  { 'c', 1, 5, "rwm" },  { 'c', 1, 9, "rwm" },
        { 'c', 136, -1, "rwm" }, { 'c', 5, 2, "rwm" }, { 'c', 10, 200, "rwm" },
};

/* "c 1:3 rwm", "a *:* rwm", "c 136:* rwm" */
static void format_rule(char *buf, size_t size, char type, bool has_major, long major, bool has_minor, long minor,
                        const char *access)
{
        char maj[24] = "*", min[24] = "*";

        if (type == 'a') {
                snprintf(buf, size, "a *:* %s", access);
                return;
        }
        if (has_major && major >= 0)
                snprintf(maj, sizeof maj, "%ld", major);
        if (has_minor && minor >= 0)
                snprintf(min, sizeof min, "%ld", minor);
        snprintf(buf, size, "%c %s:%s %s", type, maj, min, access);
}

static int write_rule(int fd, bool allow, const char *rule, struct error_info *err)
{
        const char *file = allow ? "devices.allow" : "devices.deny";
        int r = cgroup_write(fd, file, rule);

        if (r < 0)
                return error_set(err, -r, "write '%s' to %s", rule, file);
        return 0;
}

int cgroup_apply_devices(struct cgroup *cg, const struct spec_device_cgroup *rules, size_t n_rules,
                         const struct spec_device *devices, size_t n_devices, struct error_info *err)
{
        char rule[96];
        int fd, r;

        if (n_rules == 0)
                return 0; /* a new cgroup allows every device: nothing to narrow */
        fd = cgroup_v1_leaf_fd(cg, "devices");
        if (fd < 0)
                return error_set_reason(err, EOPNOTSUPP,
                                        "linux.resources.devices: this host has no cgroup v1 devices controller, "
                                        "and the cgroup v2 device filter (eBPF) is not supported by this husk yet");

        for (size_t i = 0; i < n_rules; i++) {
                const struct spec_device_cgroup *d = &rules[i];
                char type = d->type && *d->type ? d->type[0] : 'a';
                format_rule(rule, sizeof rule, type, d->has_major, (long) d->major, d->has_minor, (long) d->minor,
                            d->access && *d->access ? d->access : "rwm");
                r = write_rule(fd, d->allow, rule, err);
                if (r < 0)
                        return error_prefix(err, r, "linux.resources.devices[%zu]", i);
        }
        for (size_t i = 0; i < ARRAY_SIZE(default_allowed); i++) {
                format_rule(rule, sizeof rule, default_allowed[i].type, true, default_allowed[i].major, true,
                            default_allowed[i].minor, default_allowed[i].access);
                r = write_rule(fd, true, rule, err);
                if (r < 0)
                        return error_prefix(err, r, "linux.resources.devices (default allow-list)");
        }
        for (size_t i = 0; i < n_devices; i++) {
                const struct spec_device *d = &devices[i];
                if (d->type[0] == 'p')
                        continue; /* fifos are not devices to the cgroup */
                format_rule(rule, sizeof rule, d->type[0] == 'u' ? 'c' : d->type[0], true, (long) d->major, true,
                            (long) d->minor, "rwm");
                r = write_rule(fd, true, rule, err);
                if (r < 0)
                        return error_prefix(err, r, "linux.devices[%zu]", i);
        }
        return 0;
}
