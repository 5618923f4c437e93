/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure LOG COMMAND [ARG...]
 *
 * Runs COMMAND with stdin from /dev/null and stdout and stderr appended to
 * LOG, waits for it, and prints one line on stdout:
 *
 *   wall_ns cpu_ns maxrss_kib status
 *
 * wall_ns is the monotonic time from just before fork to just after wait4.
 * cpu_ns is user + system time of COMMAND and of every descendant it waited
 * for (the rusage wait4 returns counts the child and its reaped children:
 * for a container runtime that is its re-exec'd or forked helpers and the
 * container's processes).  maxrss_kib is the largest peak RSS among them.
 * status is the exit code, or 128+N when killed by signal N.
 *
 * Exits 0 when it could measure (whatever COMMAND's status), 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns_of(const struct timespec *t)
{
        return (long long) t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long ns_of_tv(const struct timeval *t)
{
        return (long long) t->tv_sec * 1000000000LL + (long long) t->tv_usec * 1000LL;
}

int main(int argc, char **argv)
{
        struct timespec t0, t1;
        struct rusage ru;
        int status, in, out;
        pid_t pid;

        if (argc < 3) {
                fprintf(stderr, "usage: %s LOG COMMAND [ARG...]\n", argv[0]);
                return 1;
        }
        in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        out = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (in < 0 || out < 0) {
                fprintf(stderr, "measure: open: %s\n", strerror(errno));
                return 1;
        }

        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid = fork();
        if (pid < 0) {
                fprintf(stderr, "measure: fork: %s\n", strerror(errno));
                return 1;
        }
        if (pid == 0) {
                if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
                        _exit(126);
                execvp(argv[2], argv + 2);
                dprintf(2, "measure: exec '%s': %s\n", argv[2], strerror(errno));
                _exit(127);
        }
        while (wait4(pid, &status, 0, &ru) < 0)
                if (errno != EINTR) {
                        fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
                        return 1;
                }
        clock_gettime(CLOCK_MONOTONIC, &t1);

        printf("%lld %lld %ld %d\n", ns_of(&t1) - ns_of(&t0),
               ns_of_tv(&ru.ru_utime) + ns_of_tv(&ru.ru_stime), ru.ru_maxrss,
               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return 0;
}
