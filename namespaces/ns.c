/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "base/fs.h"
#include "namespaces/ns.h"
#include "base/banned.h"

static const struct {
        int flag;
        const char *proc_name;
} ns_table[_SPEC_NS_MAX] = {
        [SPEC_NS_PID] = {CLONE_NEWPID, "pid"},          [SPEC_NS_NETWORK] = {CLONE_NEWNET, "net"},
        [SPEC_NS_MOUNT] = {CLONE_NEWNS, "mnt"},         [SPEC_NS_IPC] = {CLONE_NEWIPC, "ipc"},
        [SPEC_NS_UTS] = {CLONE_NEWUTS, "uts"},          [SPEC_NS_USER] = {CLONE_NEWUSER, "user"},
        [SPEC_NS_CGROUP] = {CLONE_NEWCGROUP, "cgroup"}, [SPEC_NS_TIME] = {CLONE_NEWTIME, "time"},
};

static int ns_clone_flag(enum spec_namespace_type t)
{
        return ns_table[t].flag;
}

const char *ns_proc_name(enum spec_namespace_type t)
{
        return ns_table[t].proc_name;
}

static int ns_open(enum spec_namespace_type t, const char *path, struct error_info *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return error_set(err, errno, "open %s namespace '%s'", spec_namespace_name(t), path);

        int type = ioctl(fd, NS_GET_NSTYPE);
        if (type < 0)
                return error_set(err, errno == ENOTTY ? EINVAL : errno, "'%s' is not a namespace file",
                                 path);
        if (type != ns_table[t].flag)
                return error_set(err, EINVAL, "'%s' is not a %s namespace", path, spec_namespace_name(t));
        return TAKE_FD(fd);
}

static int ns_join_fd(int fd, enum spec_namespace_type t, const char *path, struct error_info *err)
{
        if (setns(fd, ns_table[t].flag) < 0)
                return error_set(err, errno, "join %s namespace '%s'", spec_namespace_name(t), path);
        return 0;
}

void ns_plan_init(struct ns_plan *p)
{
        *p = (struct ns_plan){0};
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                p->fds[t] = -EBADF;
}

void ns_plan_close(struct ns_plan *p)
{
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                p->fds[t] = safe_close(p->fds[t]);
}

int ns_plan_make(const struct spec_linux *lx, struct ns_plan *p, struct error_info *err)
{
        int new_flags = 0;

        ns_plan_init(p);
        for (size_t i = 0; lx && i < lx->n_namespaces; i++) {
                const struct spec_namespace *ns = &lx->namespaces[i];
                if (ns->path && *ns->path) {
                        int fd = ns_open(ns->type, ns->path, err);
                        if (fd < 0)
                                return error_prefix(err, fd, "linux.namespaces[%zu]", i);
                        safe_close(p->fds[ns->type]);
                        p->fds[ns->type] = fd;
                        if (ns->type != SPEC_NS_PID)
                                p->join_path = true;
                } else
                        new_flags |= ns_clone_flag(ns->type);
        }
        if (p->fds[SPEC_NS_MOUNT] >= 0)
                return error_set(err, EOPNOTSUPP, "linux.namespaces: joining a mount namespace by path");
        if (!(new_flags & CLONE_NEWNS))
                return error_set(err, EINVAL, "linux.namespaces: a new mount namespace is required");

        p->new_user = new_flags & CLONE_NEWUSER;
        p->new_pid = new_flags & CLONE_NEWPID;
        p->new_net = new_flags & CLONE_NEWNET;
        p->new_cgroup = new_flags & CLONE_NEWCGROUP;
        p->new_time = new_flags & CLONE_NEWTIME;
        new_flags &= ~(CLONE_NEWCGROUP | CLONE_NEWTIME);
        if (p->join_path)
                p->unshare_flags = new_flags;
        else
                p->clone_flags = (uint64_t) new_flags;
        return 0;
}

int ns_join_all(int fds[_SPEC_NS_MAX], const char *what, struct error_info *err)
{
        static const enum spec_namespace_type order[] = {
                SPEC_NS_USER,   SPEC_NS_IPC,  SPEC_NS_UTS,   SPEC_NS_NETWORK,
                SPEC_NS_CGROUP, SPEC_NS_TIME, SPEC_NS_MOUNT,
        };

        for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
                enum spec_namespace_type t = order[i];
                char path[128];

                if (fds[t] < 0)
                        continue;
                size_t n = strlen(what);
                snprintf(path, sizeof path, "%s%s%s", what, n && what[n - 1] == '/' ? "" : " ",
                         ns_proc_name(t));
                int r = ns_join_fd(fds[t], t, path, err);
                if (r < 0)
                        return r;
                fds[t] = safe_close(fds[t]);
        }
        return 0;
}

int ns_join_for_children(int procfd, int fd, enum spec_namespace_type t, int *ret_saved,
                         struct error_info *err)
{
        _cleanup_close_ int saved = -EBADF;
        char own[32];

        if (ret_saved)
                *ret_saved = -EBADF;
        if (fd < 0)
                return 0;
        if (ret_saved) {
                snprintf(own, sizeof own, "self/ns/%s", ns_proc_name(t));
                saved = openat(procfd, own, O_RDONLY | O_CLOEXEC);
                if (saved < 0)
                        return error_set(err, errno, "open /proc/%s", own);
        }
        if (setns(fd, ns_table[t].flag) < 0)
                return error_set(err, errno, "join the container's %s namespace", spec_namespace_name(t));
        if (ret_saved)
                *ret_saved = TAKE_FD(saved);
        return 0;
}

void ns_leave_for_children(int saved, enum spec_namespace_type t)
{
        if (saved < 0)
                return;
        (void) setns(saved, ns_table[t].flag);
        (void) close(saved);
}

int ns_open_procfs(const char *path, struct error_info *err)
{
        struct statfs sfs;
        _cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return error_set(err, errno, "open '%s'", path);
        if (fstatfs(fd, &sfs) < 0)
                return error_set(err, errno, "statfs '%s'", path);
        if (sfs.f_type != PROC_SUPER_MAGIC)
                return error_set(err, EPERM, "'%s' is not procfs", path);
        return TAKE_FD(fd);
}

static int format_map(const struct spec_id_mapping *m, size_t n, char *buf, size_t size)
{
        size_t used = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                int k = snprintf(buf + used, size - used, "%u %u %u\n", m[i].container_id, m[i].host_id,
                                 m[i].size);
                if (k < 0 || (size_t) k >= size - used)
                        return -E2BIG;
                used += (size_t) k;
        }
        return 0;
}

static int write_map(int procfd, pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
                     struct error_info *err)
{
        char path[64], buf[4096];
        int r;

        if (n == 0)
                return 0;
        snprintf(path, sizeof path, "%d/%s", (int) pid, file);
        r = format_map(m, n, buf, sizeof buf);
        if (r < 0)
                return error_set(err, -r, "write /proc/%s: too many mappings", path);
        r = procfs_write_at(procfd, path, buf);
        if (r < 0)
                return error_set(err, -r, "write /proc/%s", path);
        return 0;
}

int ns_write_id_maps(int procfd, pid_t pid, const struct spec_linux *lx, struct error_info *err)
{
        int r;

        r = write_map(procfd, pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err);
        if (r < 0)
                return r;
        return write_map(procfd, pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err);
}

int ns_write_time_offsets(int procfd, const struct spec_linux *lx, struct error_info *err)
{
        char buf[128] = "";
        size_t used = 0;
        int r;

        if (lx->time_monotonic.present)
                used += (size_t) snprintf(buf, sizeof buf, "monotonic %lld %u\n",
                                          (long long) lx->time_monotonic.secs, lx->time_monotonic.nanosecs);
        if (lx->time_boottime.present)
                snprintf(buf + used, sizeof buf - used, "boottime %lld %u\n",
                         (long long) lx->time_boottime.secs, lx->time_boottime.nanosecs);
        if (!buf[0])
                return 0;
        /* One line per write: the kernel parses each write separately. */
        for (char *line = buf, *nl; *line; line = nl + 1) {
                nl = strchr(line, '\n');
                *nl = '\0';
                r = procfs_write_at(procfd, "self/timens_offsets", line);
                if (r < 0)
                        return error_set(err, -r, "write /proc/self/timens_offsets '%s'", line);
        }
        return 0;
}
