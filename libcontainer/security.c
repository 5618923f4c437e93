/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks of the security fields that husk makes before anything exists
 * (linux.sysctl against the namespaces, the LSM labels against the host), and
 * the LSM label of the workload, written through a verified procfs handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "security.h"
#include "namespaces/ns.h"
#include "base/banned.h"

/* ---- linux.sysctl ---------------------------------------------------------- */

static bool has_prefix(const char *s, const char *prefix)
{
        return !strncmp(s, prefix, strlen(prefix));
}

/* The namespace a sysctl key belongs to (as runc and the kernel's namespaced tables have it). */
static int sysctl_namespace(const char *key)
{
        static const char *const ipc_keys[] = {
                "kernel.msgmax",      "kernel.msgmnb",      "kernel.msgmni",      "kernel.sem",
                "kernel.shmall",      "kernel.shmmax",      "kernel.shmmni",      "kernel.shm_rmid_forced",
                "kernel.auto_msgmni", "kernel.shm_next_id", "kernel.msg_next_id", "kernel.sem_next_id",
        };

        for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
                if (!strcmp(key, ipc_keys[i]))
                        return SPEC_NS_IPC;
        if (has_prefix(key, "fs.mqueue."))
                return SPEC_NS_IPC;
        if (has_prefix(key, "net."))
                return SPEC_NS_NETWORK;
        if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
                return SPEC_NS_UTS;
        return -1;
}

static const struct spec_namespace *find_ns(const struct spec_linux *lx, int type)
{
        for (size_t i = 0; i < lx->n_namespaces; i++)
                if ((int) lx->namespaces[i].type == type)
                        return &lx->namespaces[i];
        return NULL;
}

/* true when path names the namespace of type husk itself is in (joining it shares the host's). */
static bool is_own_namespace(const char *path, enum spec_namespace_type type)
{
        char own[64];
        struct stat a, b;

        snprintf(own, sizeof own, "/proc/self/ns/%s", ns_proc_name(type));
        return stat(path, &a) == 0 && stat(own, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int check_sysctl(const struct spec_linux *lx, struct error_info *err)
{
        for (size_t i = 0; i < lx->n_sysctl; i++) {
                const char *key = lx->sysctl[i].key;
                const struct spec_namespace *ns;
                int type;

                /* The key becomes a path under /proc/sys: words joined by dots, nothing else. */
                bool bad =
                        !*key || key[0] == '.' || key[strlen(key) - 1] == '.' || strstr(key, "..") ||
                        strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
                                strlen(key);
                if (bad)
                        return error_set_reason(err, EINVAL,
                                                "config.json: linux.sysctl: '%s' is not a sysctl name "
                                                "(words of letters, digits, '_' and '-' joined by '.')",
                                                key);
                type = sysctl_namespace(key);
                if (type < 0)
                        return error_set_reason(
                                err, EPERM,
                                "config.json: linux.sysctl: '%s' does not belong to a namespace "
                                "of the container: setting it would change the host",
                                key);
                const char *kind = spec_namespace_name((enum spec_namespace_type) type);
                ns = find_ns(lx, type);
                if (!ns)
                        return error_set_reason(
                                err, EPERM,
                                "config.json: linux.sysctl: '%s' needs a %s namespace of the "
                                "container's own (linux.namespaces has none): it would "
                                "change the host",
                                key, kind);
                if (ns->path && is_own_namespace(ns->path, (enum spec_namespace_type) type))
                        return error_set_reason(err, EPERM,
                                                "config.json: linux.sysctl: '%s' would change the host: the "
                                                "%s namespace '%s' is the host's",
                                                key, kind, ns->path);
        }
        return 0;
}

/* ---- LSM ------------------------------------------------------------------------ */

static bool apparmor_enabled(void)
{
        char buf[8];

        return read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", buf, sizeof buf) > 0 &&
               buf[0] == 'Y';
}

static bool selinux_enabled(void)
{
        struct stat st;

        /* selinuxfs is mounted where the policy is loaded; "enforce" exists once it is. */
        return stat("/sys/fs/selinux/enforce", &st) == 0 || stat("/selinux/enforce", &st) == 0;
}

/* where prefixes the field names ("config.json: "); mount_label may be NULL. */
static int check_lsm(const struct spec_process *p, const char *mount_label, const char *where,
                     struct error_info *err)
{
        if (p && p->apparmor_profile && *p->apparmor_profile && !apparmor_enabled())
                return error_set_reason(err, EOPNOTSUPP,
                                        "%sprocess.apparmorProfile: '%s': AppArmor is not "
                                        "enabled on this host",
                                        where, p->apparmor_profile);
        if (p && p->selinux_label && *p->selinux_label && !selinux_enabled())
                return error_set_reason(err, EOPNOTSUPP,
                                        "%sprocess.selinuxLabel: '%s': SELinux is not enabled "
                                        "on this host",
                                        where, p->selinux_label);
        if (mount_label && *mount_label && !selinux_enabled())
                return error_set_reason(err, EOPNOTSUPP,
                                        "%slinux.mountLabel: '%s': SELinux is not enabled on "
                                        "this host",
                                        where, mount_label);
        return 0;
}

int security_check_process(const struct spec_process *p, struct error_info *err)
{
        return check_lsm(p, NULL, "", err);
}

int security_check(const struct spec *s, struct error_info *err)
{
        int r = check_lsm(s->process, s->linux ? s->linux->mount_label : NULL, "config.json: ", err);

        if (r < 0 || !s->linux)
                return r;
        return check_sysctl(s->linux, err);
}

int security_open_exec_label(int procfd, const struct spec_process *p, struct error_info *err)
{
        int fd;

        if (p->apparmor_profile && *p->apparmor_profile) {
                /* The AppArmor-only file first (stacked LSMs), then the shared one. */
                fd = procfs_open_at(procfd, "thread-self/attr/apparmor/exec", O_WRONLY);
                if (fd == -ENOENT)
                        fd = procfs_open_at(procfd, "thread-self/attr/exec", O_WRONLY);
                if (fd < 0)
                        return error_set(err, -fd, "process.apparmorProfile: open the exec attribute");
                return fd;
        }
        if (p->selinux_label && *p->selinux_label) {
                fd = procfs_open_at(procfd, "thread-self/attr/exec", O_WRONLY);
                if (fd < 0)
                        return error_set(err, -fd, "process.selinuxLabel: open the exec attribute");
                return fd;
        }
        return -EBADF;
}

int security_set_exec_label(int fd, const struct spec_process *p, struct error_info *err)
{
        char buf[4096];
        const char *field;
        int n;

        if (fd < 0)
                return 0;
        if (p->apparmor_profile && *p->apparmor_profile) {
                field = "process.apparmorProfile";
                n = snprintf(buf, sizeof buf, "exec %s", p->apparmor_profile);
        } else {
                field = "process.selinuxLabel";
                n = snprintf(buf, sizeof buf, "%s", p->selinux_label);
        }
        if (n < 0 || (size_t) n >= sizeof buf)
                return error_set_reason(err, ENAMETOOLONG, "%s: too long", field);
        if (write(fd, buf, (size_t) n) != n)
                return error_set(err, errno, "%s: set '%s' for the exec", field, buf);
        return 0;
}
