/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What run and exec share once the process runs: the pid file, and waiting
 * for the process while passing on our signals and its terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "wait.h"
#include "terminal.h"
#include "base/banned.h"

int write_pid_file(const char *path, pid_t pid, struct error_info *err)
{
        char buf[32], dir[PATH_MAX];
        const char *name = path;
        char *slash;

        snprintf(buf, sizeof buf, "%d", (int) pid);
        snprintf(dir, sizeof dir, "%s", path);
        slash = strrchr(dir, '/');
        if (slash) {
                *slash = '\0';
                name = path + (slash - dir) + 1;
        }
        _cleanup_close_ int dirfd =
                open(slash ? (dir[0] ? dir : "/") : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return error_set(err, errno, "pid file '%s'", path);
        int r = write_file_atomic_at(dirfd, name, buf, 0644);
        if (r < 0)
                return error_set(err, -r, "write pid file '%s'", path);
        return 0;
}

static int exit_status(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

/* Reaps whatever exited; 1 when pid did (*ret_status set), 0 if not yet, -ECHILD. */
static int reap(pid_t pid, int *ret_status)
{
        int status;
        pid_t w;

        while ((w = waitpid(-1, &status, WNOHANG)) > 0)
                if (w == pid) {
                        *ret_status = exit_status(status);
                        log_debug("process %d exited: status %d", (int) w, *ret_status);
                        return 1;
                }
        return w < 0 && errno == ECHILD ? -ECHILD : 0;
}

int wait_forwarding(pid_t pid, int pidfd, struct terminal_proxy *tty, int *ret_status,
                    struct error_info *err)
{
        struct signalfd_siginfo si;
        sigset_t all;

        sigfillset(&all);
        _cleanup_close_ int sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return error_set(err, errno, "signalfd");

        for (;;) {
                struct pollfd p[4] = {{.fd = sfd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
                size_t n = 2;

                /* Reap first: the process may have exited before we got here. */
                int r = reap(pid, ret_status);
                if (r < 0)
                        return error_set(err, ECHILD, "lost process %d", (int) pid);
                if (r > 0) {
                        if (tty)
                                terminal_proxy_drain(tty);
                        return 0;
                }
                if (tty)
                        n += terminal_proxy_pollfds(tty, p + 2);
                if (poll(p, n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return error_set(err, errno, "poll");
                }
                if (tty)
                        terminal_proxy_handle(tty, p + 2, n - 2);
                if (!(p[0].revents & POLLIN))
                        continue;

                ssize_t got = read(sfd, &si, sizeof si);
                if (got < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (got != sizeof si)
                        return error_set(err, got < 0 ? errno : EIO, "read signalfd");
                if (si.ssi_signo == SIGCHLD)
                        continue;
                if (si.ssi_signo == SIGWINCH && tty) {
                        /* Our terminal changed size: so does the container's (the kernel signals its group).
                         */
                        terminal_proxy_resize(tty);
                        continue;
                }
                log_debug("forwarding signal %u to %d", si.ssi_signo, (int) pid);
                if (syscall(SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0) < 0 && errno != ESRCH)
                        log_warn("forward signal %u to %d: %s, ignoring", si.ssi_signo, (int) pid,
                                 strerror(errno));
        }
}
