/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `husk features` (runtime-spec features.md): what this build of husk
 * implements.  Engines read it to decide what they may put in config.json,
 * so every list names only what the runtime really does; a feature that is
 * parsed but not applied yet stays out (or "enabled": false).
 */
#include <errno.h>
#include <stdlib.h>

#include "base/cleanup.h"
#include "specs/spec-internal.h"

#include "base/banned.h"

#ifndef HUSK_VERSION
#define HUSK_VERSION "unknown"
#endif

/* keep in sync with libcontainer/rootfs.c (mount flag table); list only what is implemented */
static const char *const mount_options[] = {
        "ro",           "rw",
        "nosuid",       "suid",
        "nodev",        "dev",
        "noexec",       "exec",
        "sync",         "async",
        "dirsync",      "remount",
        "mand",         "nomand",
        "atime",        "noatime",
        "diratime",     "nodiratime",
        "relatime",     "norelatime",
        "strictatime",  "nostrictatime",
        "nosymfollow",  "symfollow",
        "bind",         "rbind",
        "private",      "rprivate",
        "shared",       "rshared",
        "slave",        "rslave",
        "unbindable",   "runbindable",
        "rro",          "rrw",
        "rnosuid",      "rsuid",
        "rnodev",       "rdev",
        "rnoexec",      "rexec",
        "rnodiratime",  "rdiratime",
        "rrelatime",    "rnorelatime",
        "ratime",       "rnoatime",
        "rstrictatime", "rnostrictatime",
        "rnosymfollow", "rsymfollow",
        "idmap",        "ridmap",
        "tmpcopyup",    NULL,
};

/* keep in sync with namespaces/ (name → CLONE_NEW* table); list only what is implemented */
static const char *const namespaces[] = {
        "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
};

/*
 * keep in sync with libcontainer/process.c; list only what is implemented.
 * capabilities(7), CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40).
 */
static const char *const capabilities[] = {
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_DAC_READ_SEARCH",
        "CAP_FOWNER",
        "CAP_FSETID",
        "CAP_KILL",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",
        "CAP_NET_RAW",
        "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN",
        "CAP_SYS_BOOT",
        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD",
        "CAP_LEASE",
        "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN",
        "CAP_SYSLOG",
        "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ",
        "CAP_PERFMON",
        "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
        NULL,
};

static json_t *list_json(const char *const *strv)
{
        json_t *arr = json_array();

        for (size_t i = 0; arr && strv[i]; i++)
                if (json_array_append_new(arr, json_string(strv[i])) < 0) {
                        json_decref(arr);
                        return NULL;
                }
        return arr;
}

/*
 * The controllers whose linux.resources fields husk applies (cgroups/resources-plan.c), and
 * the freezer (pause); v1 names, with v2's "io" for blkio.
 */
#define CGROUP_CONTROLLERS "cpu,cpuset,memory,pids,blkio,io,hugetlb,rdma,net_cls,net_prio,devices,freezer"

/* linux.seccomp as runc's features has it; the lists come from seccomp/ through the caller. */
static json_t *seccomp_json(const struct spec_features_seccomp *sc)
{
        if (!sc || !sc->enabled)
                return json_pack("{s:b}", "enabled", 0);
        return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", 1, "actions", list_json(sc->actions),
                         "operators", list_json(sc->operators), "archs", list_json(sc->archs), "knownFlags",
                         list_json(sc->known_flags), "supportedFlags", list_json(sc->supported_flags));
}

/*
 * keep in sync with cgroups/ and the security folders; only what is implemented:
 * both cgroup drivers with every linux.resources field (rdma included), no systemd driver
 * yet, seccomp when sc says so, AppArmor and SELinux (applied where the host has them), no RDT;
 * idmapped mounts (mounts[].uidMappings, idmap, ridmap).
 */
static json_t *linux_json(const struct spec_features_seccomp *sc)
{
        return json_pack("{s:o, s:o,"
                         " s:{s:b, s:b, s:b, s:b, s:b},"
                         " s:o, s:{s:b}, s:{s:b}, s:{s:b},"
                         " s:{s:{s:b}}}",
                         "namespaces", list_json(namespaces), "capabilities", list_json(capabilities),
                         "cgroup", "v1", 1, "v2", 1, "systemd", 0, "systemdUser", 0, "rdma", 1, "seccomp",
                         seccomp_json(sc), "apparmor", "enabled", 1, "selinux", "enabled", 1, "intelRdt",
                         "enabled", 0, "mountExtensions", "idmap", "enabled", 1);
}

int spec_features_json(const struct spec_features_seccomp *sc, char **ret)
{
        json_auto_t *f = NULL;
        char *text;

        f = json_pack("{s:s, s:s, s:o, s:o, s:o, s:{s:s, s:s, s:s, s:s}, s:[s]}", "ociVersionMin", "1.0.0",
                      "ociVersionMax", "1.3.0", "hooks", list_json(spec_hook_names), "mountOptions",
                      list_json(mount_options), "linux", linux_json(sc), "annotations", "io.husk.version",
                      HUSK_VERSION, "io.husk.cgroup.controllers", CGROUP_CONTROLLERS,
                      /* keep in sync with libcontainer/overlay.h; described in husk-run(8) */
                      "io.husk.rootfs.layers",
                      "input: layer directories, top-most first, ':'-separated (relative: to the bundle); "
                      "the rootfs is an overlay of them with a writable layer of the container's own",
                      "io.husk.rootfs.upper",
                      "input: a directory that keeps the overlay rootfs's writable layer after delete "
                      "(its work directory is UPPER.work)",
                      /* they make husk mount and write host paths: not for untrusted callers */
                      "potentiallyUnsafeConfigAnnotations", "io.husk.rootfs.");
        if (!f)
                return -ENOMEM;
        text = json_dumps(f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text)
                return -ENOMEM;
        *ret = text;
        return 0;
}
