/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running one hook: a pipe for the state on its stdin, one for what it
 * prints, its pidfd for the exit, all watched by one poll loop so that a
 * large state, a chatty hook and the timeout cannot block each other.
 *
 * And the moment before pivot_root, which both sides share: the init, with
 * the mounts made, asks the parent to run prestart and createRuntime
 * (SYNC_HOOKS), then runs createContainer itself (see sync.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "hooks.h"
#include "namespaces/ns.h"
#include "state.h"
#include "sync.h"
#include "base/banned.h"

#define HOOK_OUTPUT_MAX 2048
#define HOOK_NAME_MAX 4200

/* In the forked child: stdio on the pipes, no signal of ours blocked, then the hook. */
__attribute__((noreturn)) static void hook_exec(const struct spec_hook *h, int in_fd, int out_fd)
{
        char *default_argv[] = {h->path, NULL};
        char *empty_env[] = {NULL};
        sigset_t none;

        if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
                _exit(126);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) signal(sig, SIG_DFL);
        (void) close_range(3, ~0U, 0);
        execve(h->path, h->n_args ? h->args : default_argv, h->n_env ? h->env : empty_env);
        dprintf(2, "exec: %s", strerror(errno));
        _exit(127);
}

/* Trims trailing newlines and folds the rest onto one line for the message. */
static void one_line(char *s)
{
        size_t n = strlen(s);

        while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
                s[--n] = '\0';
        for (char *p = s; *p; p++)
                if (*p == '\n')
                        *p = ' ';
}

static int hook_run_one(const struct spec_hook *h, const char *name, const char *state_json,
                        struct error_info *err)
{
        _cleanup_close_ int in_r = -EBADF, in_w = -EBADF, out_r = -EBADF, out_w = -EBADF, pidfd = -EBADF;
        char output[HOOK_OUTPUT_MAX + 1];
        size_t n_output = 0, len = strlen(state_json), written = 0;
        int fds[2], status = 0;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return error_set(err, errno, "%s: pipe", name);
        in_r = fds[0], in_w = fds[1];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return error_set(err, errno, "%s: pipe", name);
        out_r = fds[0], out_w = fds[1];

        /*
         * startContainer hooks run under the container's seccomp filter, and docker-like
         * profiles answer clone3 with ENOSYS: ns_clone() forks then.
         */
        pid = ns_clone(0, -EBADF, &pidfd, NULL);
        if (pid < 0)
                return error_set(err, errno, "%s: fork", name);
        if (pid == 0)
                hook_exec(h, in_r, out_w);
        in_r = safe_close(in_r);
        out_w = safe_close(out_w);
        (void) fcntl(in_w, F_SETFL, O_NONBLOCK);
        if (len == 0)
                in_w = safe_close(in_w);

        long long deadline = h->has_timeout ? now_ms() + (long long) h->timeout * 1000 : -1;
        bool exited = false;
        while (!exited || out_r >= 0) {
                struct pollfd p[3] = {
                        {.fd = pidfd, .events = exited ? 0 : POLLIN},
                        {.fd = out_r, .events = POLLIN},
                        {.fd = in_w, .events = POLLOUT},
                };
                int timeout = -1;
                if (deadline >= 0) {
                        long long left = deadline - now_ms();
                        timeout = left > 0 ? (int) left : 0;
                }
                int r = poll(p, 3, exited ? 1000 : timeout);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return error_set(err, errno, "%s: poll", name);
                if (r == 0 && exited)
                        break; /* a grandchild keeps its output open: stop reading */
                if (r == 0) {
                        (void) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                        (void) waitpid(pid, NULL, 0);
                        return error_set_reason(err, ETIMEDOUT, "%s: timed out after %d s", name,
                                                h->timeout);
                }
                if (p[2].revents & POLLOUT) {
                        ssize_t w = write(in_w, state_json + written, len - written);
                        if (w > 0)
                                written += (size_t) w;
                        if (w < 0 && errno != EAGAIN)
                                written = len; /* the hook closed its stdin: its business */
                        if (written == len)
                                in_w = safe_close(in_w);
                } else if (p[2].revents & (POLLERR | POLLHUP))
                        in_w = safe_close(in_w);
                if (p[1].revents) {
                        char buf[1024];
                        ssize_t n = read(out_r, buf, sizeof buf);
                        if (n <= 0)
                                out_r = safe_close(out_r);
                        else {
                                size_t keep = (size_t) n;
                                if (keep > HOOK_OUTPUT_MAX - n_output)
                                        keep = HOOK_OUTPUT_MAX - n_output;
                                memcpy(output + n_output, buf, keep);
                                n_output += keep;
                        }
                }
                if (p[0].revents & POLLIN) {
                        if (waitpid(pid, &status, 0) < 0)
                                return error_set(err, errno, "%s: wait", name);
                        exited = true;
                        in_w = safe_close(in_w);
                }
        }
        output[n_output] = '\0';
        one_line(output);

        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                log_debug("%s: done", name);
                return 0;
        }
        if (WIFSIGNALED(status))
                return error_set_reason(err, ECANCELED, "%s: killed by signal %d%s%s", name,
                                        WTERMSIG(status), n_output ? ": " : "", output);
        return error_set_reason(err, ECANCELED, "%s: exited with status %d%s%s", name, WEXITSTATUS(status),
                                n_output ? ": " : "", output);
}

int hooks_run(const struct spec_hooks *hooks, enum spec_hook_kind kind, const char *state_json,
              struct error_info *err)
{
        for (size_t i = 0; i < hooks->n_hooks[kind]; i++) {
                const struct spec_hook *h = &hooks->hooks[kind][i];
                char name[HOOK_NAME_MAX];

                snprintf(name, sizeof name, "hooks.%s[%zu] '%s'", spec_hook_names[kind], i, h->path);
                log_debug("running %s", name);
                int r = hook_run_one(h, name, state_json, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

void hooks_run_warn(const struct spec_hooks *hooks, enum spec_hook_kind kind, const char *state_json)
{
        for (size_t i = 0; i < hooks->n_hooks[kind]; i++) {
                const struct spec_hook *h = &hooks->hooks[kind][i];
                struct error_info err = {0};
                char name[HOOK_NAME_MAX], buf[2048];

                snprintf(name, sizeof name, "hooks.%s[%zu] '%s'", spec_hook_names[kind], i, h->path);
                log_debug("running %s", name);
                if (hook_run_one(h, name, state_json, &err) < 0)
                        log_warn("%s, ignoring", error_format(&err, buf, sizeof buf));
        }
}

/* ---- before pivot_root ------------------------------------------------------------------- */

static bool any_before_pivot(const struct spec_hooks *h)
{
        return hooks_any(h, SPEC_HOOK_PRESTART) || hooks_any(h, SPEC_HOOK_CREATE_RUNTIME) ||
               hooks_any(h, SPEC_HOOK_CREATE_CONTAINER) || hooks_any(h, SPEC_HOOK_START_CONTAINER);
}

int hooks_before_pivot_parent(const struct spec_hooks *h, const struct spec_state *st,
                              struct error_info *err)
{
        if (!hooks_any(h, SPEC_HOOK_PRESTART) && !hooks_any(h, SPEC_HOOK_CREATE_RUNTIME))
                return 0;
        /* prestart: the runtime environment exists, so "created" (as crun; runc 1.1 says "creating"). */
        _cleanup_free_ char *created = state_hook_json(st, "created");
        _cleanup_free_ char *creating = state_hook_json(st, "creating");
        if (!created || !creating)
                return error_set(err, ENOMEM, "encode the state for hooks");
        int r = hooks_run(h, SPEC_HOOK_PRESTART, created, err);
        if (r < 0)
                return r;
        return hooks_run(h, SPEC_HOOK_CREATE_RUNTIME, creating, err);
}

int hooks_before_pivot_child(const struct spec_hooks *h, int sync_fd, struct spec_state *st,
                             char **ret_start_state, struct error_info *err)
{
        struct sync_msg m;
        int r;

        *ret_start_state = NULL;
        if (!any_before_pivot(h))
                return 0;
        r = sync_send(sync_fd, SYNC_HOOKS, 0);
        if (r < 0)
                return error_set(err, -r, "ask the parent to run the createRuntime hooks");
        r = sync_expect(sync_fd, SYNC_HOOKS_DONE, &m, err);
        if (r < 0)
                return r;
        st->pid = m.pid; /* ours, as the host sees it */
        if (hooks_any(h, SPEC_HOOK_CREATE_CONTAINER)) {
                _cleanup_free_ char *state = state_hook_json(st, "creating");
                if (!state)
                        return error_set(err, ENOMEM, "encode the state for hooks");
                /* In the container's root, as runc: the rootfs with its mounts, before pivot_root. */
                _cleanup_close_ int back = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (back < 0 || chdir(st->rootfs) < 0)
                        return error_set(err, errno, "createContainer hooks: enter the rootfs '%s'",
                                         st->rootfs);
                r = hooks_run(h, SPEC_HOOK_CREATE_CONTAINER, state, err);
                if (fchdir(back) < 0 && r >= 0)
                        r = error_set(err, errno, "createContainer hooks: leave the rootfs");
                if (r < 0)
                        return r;
        }
        /* Made now: after pivot_root, the host's paths (bundle, rootfs) are out of reach. */
        if (hooks_any(h, SPEC_HOOK_START_CONTAINER)) {
                *ret_start_state = state_hook_json(st, "created");
                if (!*ret_start_state)
                        return error_set(err, ENOMEM, "encode the state for hooks");
        }
        return 0;
}
