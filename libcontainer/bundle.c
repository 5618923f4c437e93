/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cleanup.h"
#include "bundle.h"
#include "security.h"
#include "base/banned.h"

/* Fields this build parses but does not apply yet: refused, never ignored. */
static int check_supported(const struct spec *s, struct error_info *err)
{
        const struct spec_linux *lx = s->linux;

#define REFUSE(cond, field)                                                                                 \
        do {                                                                                                \
                if (cond)                                                                                   \
                        return error_set_reason(err, EOPNOTSUPP,                                            \
                                                "config.json: %s: not supported by this husk yet", field);  \
        } while (0)

        if (!lx)
                return 0;
        REFUSE(lx->intel_rdt, "linux.intelRdt");
        REFUSE(lx->memory_policy, "linux.memoryPolicy");
        REFUSE(lx->n_net_devices, "linux.netDevices");
#undef REFUSE
        return 0;
}

/* root.path (relative ones are in the bundle) as a real path to a directory. */
static int find_rootfs(const char *bundle, const struct spec *s, char **ret, struct error_info *err)
{
        char path[PATH_MAX];
        struct stat st;

        if (s->root_path[0] == '/')
                snprintf(path, sizeof path, "%s", s->root_path);
        else
                snprintf(path, sizeof path, "%s/%s", bundle, s->root_path);
        _cleanup_free_ char *rootfs = realpath(path, NULL);
        if (!rootfs)
                return error_set(err, errno, "config.json: root.path: '%s'", path);
        if (stat(rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
                return error_set(err, ENOTDIR, "config.json: root.path: '%s'", path);
        *ret = TAKE_PTR(rootfs);
        return 0;
}

int bundle_load(const char *dir, char **ret_bundle, struct spec **ret_spec, char **ret_rootfs,
                struct error_info *err)
{
        _cleanup_free_ char *bundle = realpath(dir ? dir : ".", NULL), *rootfs = NULL;
        _cleanup_(spec_freep) struct spec *s = NULL;
        char path[PATH_MAX];
        int r;

        if (!bundle)
                return error_set(err, errno, "bundle '%s'", dir ? dir : ".");
        snprintf(path, sizeof path, "%s/config.json", bundle);
        r = spec_load(path, &s, err);
        if (r < 0)
                return r;
        if (!s->process)
                return error_set_reason(err, EINVAL, "config.json: process: required to run a container");
        if (!s->root_path)
                return error_set_reason(err, EINVAL, "config.json: root.path: required");
        r = find_rootfs(bundle, s, &rootfs, err);
        if (r < 0)
                return r;
        r = check_supported(s, err);
        if (r < 0)
                return r;
        r = security_check(s, err);
        if (r < 0)
                return r;
        *ret_bundle = TAKE_PTR(bundle);
        *ret_spec = TAKE_PTR(s);
        *ret_rootfs = TAKE_PTR(rootfs);
        return 0;
}

int bundle_check_terminal(const struct spec *s, const char *console_socket, bool foreground,
                          struct error_info *err)
{
        if (s->process->terminal && !console_socket && !foreground)
                return error_set_reason(
                        err, EINVAL,
                        "config.json: process.terminal is true: --console-socket is required "
                        "when husk does not stay attached (create, run -d)");
        if (!s->process->terminal && console_socket)
                return error_set_reason(err, EINVAL,
                                        "--console-socket '%s': config.json's process.terminal is false: "
                                        "there is no terminal to send",
                                        console_socket);
        return 0;
}
