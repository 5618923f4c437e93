/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The default config.json of `husk spec`: the same content as `runc spec`
 * (runc's libcontainer/specconv Example() and ToRootless()), with hostname
 * "husk".  Keys come out in the order runc's Go structs give them, so a diff
 * against runc's file shows only the real differences.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "specs/spec-internal.h"

#include "base/banned.h"

/* "1.2.0" rather than 1.3.0: older tools (runtime-tools, engines) refuse what they do not know. */
#define TEMPLATE_OCI_VERSION "1.2.0"

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
static const char *const default_env[] = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};

static const struct {
        const char *destination, *type, *source;
        const char *options[8];
} default_mounts[] = {
        {"/proc", "proc", "proc", {NULL}},
        {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
        {"/dev/pts",
         "devpts",
         "devpts",
         {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
        {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
        {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
        {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
        {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
};

/* A rootless container cannot mount sysfs: it gets the host's, read-only. */
static const char *const rootless_sys_options[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};

/* The cgroup namespace is added on a pure cgroup v2 host only, as runc's spec does. */
static const char *const default_namespaces[] = {"pid", "network", "ipc", "uts", "mount", NULL};
static const char *const rootless_namespaces[] = {"pid", "ipc", "uts", "mount", "user", NULL};

static const char *const masked_paths[] = {
        "/proc/acpi",
        "/proc/asound",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/sys/firmware",
        "/proc/scsi",
        "/sys/devices/virtual/tpm",
        NULL,
};
static const char *const readonly_paths[] = {"/proc/bus",           "/proc/fs", "/proc/irq", "/proc/sys",
                                             "/proc/sysrq-trigger", NULL};

/*
 * Builders return NULL on allocation failure; jansson's *_new() setters
 * accept NULL and fail, and the caller checks the final result once.
 */
static json_t *strv_json(const char *const *strv, bool (*keep)(const char *))
{
        json_t *arr = json_array();

        for (size_t i = 0; arr && strv[i]; i++)
                if (!keep || keep(strv[i]))
                        if (json_array_append_new(arr, json_string(strv[i])) < 0) {
                                json_decref(arr);
                                return NULL;
                        }
        return arr;
}

static json_t *process_json(void)
{
        json_t *caps = json_pack("{s:o, s:o, s:o}", "bounding", strv_json(default_caps, NULL), "effective",
                                 strv_json(default_caps, NULL), "permitted", strv_json(default_caps, NULL));

        return json_pack("{s:b, s:{s:i, s:i}, s:[s], s:o, s:s, s:o, s:[{s:s, s:i, s:i}], s:b}", "terminal",
                         1, "user", "uid", 0, "gid", 0, "args", "sh", "env", strv_json(default_env, NULL),
                         "cwd", "/", "capabilities", caps, "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024,
                         "soft", 1024, "noNewPrivileges", 1);
}

/* ToRootless drops uid= and gid= options: those ids are not mapped. */
static bool keep_rootless_option(const char *opt)
{
        return strncmp(opt, "uid=", 4) != 0 && strncmp(opt, "gid=", 4) != 0;
}

static json_t *mounts_json(bool rootless)
{
        json_t *arr = json_array();

        for (size_t i = 0; arr && i < ARRAY_SIZE(default_mounts); i++) {
                json_t *m;

                if (rootless && strcmp(default_mounts[i].destination, "/sys") == 0)
                        m = json_pack("{s:s, s:s, s:s, s:o}", "destination", "/sys", "type", "none",
                                      "source", "/sys", "options", strv_json(rootless_sys_options, NULL));
                else
                        m = json_pack("{s:s, s:s, s:s}", "destination", default_mounts[i].destination,
                                      "type", default_mounts[i].type, "source", default_mounts[i].source);
                /* Go's omitempty: proc has no "options" key at all. */
                if (m && !json_object_get(m, "options") && default_mounts[i].options[0] &&
                    json_object_set_new(m, "options",
                                        strv_json(default_mounts[i].options,
                                                  rootless ? keep_rootless_option : NULL)) < 0)
                        m = (json_decref(m), NULL);
                if (!m || json_array_append_new(arr, m) < 0) {
                        json_decref(arr);
                        return NULL;
                }
        }
        return arr;
}

static json_t *namespaces_json(const char *const *names, bool cgroupns)
{
        json_t *arr = json_array();

        for (size_t i = 0; arr && names[i]; i++)
                if (json_array_append_new(arr, json_pack("{s:s}", "type", names[i])) < 0) {
                        json_decref(arr);
                        return NULL;
                }
        if (arr && cgroupns && json_array_append_new(arr, json_pack("{s:s}", "type", "cgroup")) < 0) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

static json_t *linux_json(bool rootless, bool cgroupns, uid_t uid, gid_t gid)
{
        json_t *l = json_object();
        int r = 0;

        if (!l)
                return NULL;
        if (rootless) {
                r |= json_object_set_new(l, "uidMappings",
                                         json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                                   (json_int_t) uid, "size", 1));
                r |= json_object_set_new(l, "gidMappings",
                                         json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                                   (json_int_t) gid, "size", 1));
        } else {
                r |= json_object_set_new(
                        l, "resources",
                        json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));
        }
        r |= json_object_set_new(
                l, "namespaces",
                namespaces_json(rootless ? rootless_namespaces : default_namespaces, cgroupns));
        r |= json_object_set_new(l, "maskedPaths", strv_json(masked_paths, NULL));
        r |= json_object_set_new(l, "readonlyPaths", strv_json(readonly_paths, NULL));
        if (r < 0) {
                json_decref(l);
                return NULL;
        }
        return l;
}

int spec_template(bool rootless, bool cgroupns, uid_t uid, gid_t gid, char **ret)
{
        json_auto_t *spec = NULL;
        char *text;

        spec = json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", TEMPLATE_OCI_VERSION,
                         "process", process_json(), "root", "path", "rootfs", "readonly", 1, "hostname",
                         "husk", "mounts", mounts_json(rootless), "linux",
                         linux_json(rootless, cgroupns, uid, gid));
        if (!spec)
                return -ENOMEM;
        text = json_dumps(spec, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text)
                return -ENOMEM;
        *ret = text;
        return 0;
}
