/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.seccomp in a container's life (the translation lives in seccomp/):
 *
 *   husk (parent)  compiles the profile before anything is made, so a bad
 *                  profile leaves nothing behind; the child inherits the BPF.
 *   the child      loads it with one seccomp(2) call (filter_load()):
 *                  - without process.noNewPrivileges loading needs
 *                    CAP_SYS_ADMIN, so it happens in process_setup() before
 *                    the capabilities and the uid change (as runc);
 *                  - with it, as late as the parent still listens: the init
 *                    after its terminal hand-over, just before sync 2; an
 *                    exec'd process just before its execve.
 *                  With SCMP_ACT_NOTIFY the listener fd goes to the parent at
 *                  once (SYNC_SECCOMP), before any other syscall of ours.
 *   husk (parent)  connects to listenerPath and sends the container process
 *                  state (runtime.md) with the fd (filter_send_listener()).
 *
 * Compiled filters are kept in ROOT/.seccomp-cache (see open_cache()).
 *
 * What the child still does under the filter (a profile must allow it; a
 * docker-like default profile does): sendmsg/sendto/recvmsg on the sync
 * socket, and without noNewPrivileges also setgroups, setresgid, setresuid,
 * prctl, capget/capset, umask, chdir, getcwd, newfstatat, access; then
 * prctl(PR_SET_PDEATHSIG), openat of exec.fifo through /proc, write, close,
 * the startContainer hooks (clone3, or fork where clone3 is refused),
 * openat of /etc/passwd, fcntl, close_range, rt_sigprocmask, execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "filter.h"
#include "process.h"
#include "seccomp/seccomp.h"
#include "specs/state.h"
#include "sync.h"
#include "base/banned.h"

/*
 * ROOT/.seccomp-cache: compiled filters kept by syscall_filter_compile_cached() (a docker-like
 * profile costs libseccomp ~18 ms of CPU per start here).  Dot-named: never a container id,
 * skipped by `husk list`.  -EBADF when it cannot be had: then every start compiles.
 */
static int open_cache(const char *root)
{
        _cleanup_close_ int rootfd = -EBADF;

        if (!root || mkdir_p(root, 0700) < 0)
                return -EBADF;
        rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return -EBADF;
        if (mkdirat(rootfd, ".seccomp-cache", 0700) < 0 && errno != EEXIST)
                return -EBADF;
        int fd = openat(rootfd, ".seccomp-cache", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? -EBADF : fd;
}

int filter_compile(const struct spec *s, const char *root, struct syscall_filter **ret,
                   struct error_info *err)
{
        *ret = NULL;
        if (!s || !s->linux || !s->linux->seccomp)
                return 0;
        _cleanup_close_ int cache = open_cache(root);
        int r = syscall_filter_compile_cached(cache, s->linux->seccomp, ret, err);
        if (r < 0)
                return error_prefix(err, r, "config.json");
        return 0;
}

int filter_load(const struct process_ctx *pc, bool late, struct error_info *err)
{
        if (!pc->filter || late != pc->process->no_new_privileges)
                return 0;
        int fd = syscall_filter_load(pc->filter, err);
        if (fd <= 0)
                return fd;
        int r = sync_send_fd(pc->sync_fd, SYNC_SECCOMP, fd);
        (void) close(fd); /* the parent and the listener hold it now */
        if (r < 0)
                return error_set(err, -r, "linux.seccomp: send the listener fd to husk");
        return 0;
}

int filter_send_listener(const struct spec_seccomp *s, const struct spec_state *st, pid_t pid, int fd,
                         struct error_info *err)
{
        _cleanup_free_ char *json = NULL;

        if (fd < 0)
                return error_set_reason(err, EPROTO, "linux.seccomp: the process sent no listener fd");
        if (spec_process_state_encode(st, pid, s->listener_metadata, &json) < 0)
                return error_set(err, ENOMEM, "linux.seccomp: encode the state for the listener");
        _cleanup_close_ int sock = unix_connect(s->listener_path, "linux.seccomp.listenerPath", err);
        if (sock < 0)
                return sock;
        ssize_t n = send_with_fd(sock, json, strlen(json), fd);
        if (n < 0)
                return error_set(err, (int) -n, "linux.seccomp.listenerPath: send the state and fd to '%s'",
                                 s->listener_path);
        if ((size_t) n != strlen(json))
                return error_set(err, EIO, "linux.seccomp.listenerPath: short write to '%s'",
                                 s->listener_path);
        log_debug("seccomp listener fd of pid %d sent to '%s'", (int) pid, s->listener_path);
        return 0;
}
