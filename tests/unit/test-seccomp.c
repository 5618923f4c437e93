/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.seccomp → BPF (seccomp/): profiles parsed from JSON as config.json
 * has them, compiled, then loaded in a forked child with no_new_privs (no
 * root needed) to see what a syscall really returns; and the refusals, each
 * naming its field.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cmocka.h>

#include "seccomp/seccomp.h"
#include "specs/spec.h"

/* A config.json around the seccomp section; the struct spec is the caller's. */
static struct spec *load(const char *seccomp, struct error_info *err)
{
        char path[] = "/tmp/husk-test-seccomp-XXXXXX";
        int fd = mkstemp(path);
        struct spec *s = NULL;

        assert_true(fd >= 0);
        dprintf(fd,
                "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
                " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0}},"
                " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}], \"seccomp\": %s}}",
                seccomp);
        close(fd);
        int r = spec_load(path, &s, err);
        unlink(path);
        if (r < 0)
                fail_msg("%s", err->msg);
        return s;
}

static int compile(const char *seccomp, struct syscall_filter **f, struct error_info *err)
{
        struct spec *s = load(seccomp, err);
        int r = syscall_filter_compile(s->linux->seccomp, f, err);
        spec_free(s);
        return r;
}

/*
 * Loads f in a child and makes syscall nr(a0, a1): returns the wait status, with the exit
 * code 0 for success, else the errno (so WEXITSTATUS is the errno).
 */
static int try_syscall(const struct syscall_filter *f, long nr, long a0, long a1)
{
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall_filter_load(f, NULL) < 0)
                        _exit(200);
                long r = syscall(nr, a0, a1);
                /*
                 * exit_group itself, not _exit(): under ASan (make check-asan) a call to a
                 * noreturn function first runs sigaltstack(), which a default-deny filter refuses.
                 */
                syscall(SYS_exit_group, r < 0 ? errno : 0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return status;
}

static void test_errno_and_default(void **state)
{
        struct syscall_filter *f = NULL;
        struct error_info err = {0};

        (void) state;
        assert_int_equal(
                compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                        "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42},"
                        "{\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                        "{\"names\": [\"getsid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                        &f, &err),
                0);
        assert_false(f->notify);
        assert_int_equal(f->flags, 0);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getppid, 0, 0)), 42);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getpgid, 0, 0)), EPERM);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getsid, 0, 0)), 0);
        syscall_filter_free(f);
}

static void test_kill_and_conditions(void **state)
{
        struct syscall_filter *f = NULL;
        struct error_info err = {0};

        (void) state;
        /* Same argument twice: ORed.  Two arguments: ANDed. */
        assert_int_equal(
                compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                        "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
                        "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7,"
                        " \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\", \"value\": 8},"
                        "            {\"index\": 0, \"op\": \"SCMP_CMP_GE\", \"value\": 4096}]},"
                        "{\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 9,"
                        " \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\", \"value\": 0},"
                        "            {\"index\": 1, \"op\": \"SCMP_CMP_MASKED_EQ\", \"value\": 255,"
                        "             \"valueTwo\": 0}]}]}",
                        &f, &err),
                0);
        int st = try_syscall(f, SYS_getppid, 0, 0);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), SIGSYS);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_personality, 8, 0)), 7);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_personality, 0x20000, 0)), 7);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_personality, 0, 0)), 0);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getpriority, 0, 0x100)), 9);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getpriority, 0, 0x1)), 0);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getpriority, 1, 0)), 0);
        syscall_filter_free(f);
}

static void test_skips_and_flags(void **state)
{
        struct syscall_filter *f = NULL;
        struct error_info err = {0};

        (void) state;
        /* An unknown name and a rule with the default action are skipped, not errors. */
        assert_int_equal(
                compile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 3,"
                        " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
                        " \"syscalls\": [{\"names\": [\"husk_nope\", \"getppid\"], \"action\": "
                        "\"SCMP_ACT_ERRNO\", \"errnoRet\": 3},"
                        "{\"names\": [\"exit_group\", \"exit\", \"getpid\"], \"action\": "
                        "\"SCMP_ACT_ALLOW\"}]}",
                        &f, &err),
                0);
        assert_int_equal(f->flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getppid, 0, 0)), 3);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getsid, 0, 0)), 3);
        assert_int_equal(WEXITSTATUS(try_syscall(f, SYS_getpid, 0, 0)), 0);
        syscall_filter_free(f);
}

static void test_notify(void **state)
{
        struct syscall_filter *f = NULL;
        struct error_info err = {0};

        (void) state;
        assert_int_equal(
                compile("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\","
                        " \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\"],"
                        " \"syscalls\": [{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
                        &f, &err),
                0);
        assert_true(f->notify);
        /* A listener with TSYNC takes TSYNC_ESRCH (seccomp(2)). */
        assert_int_equal(f->flags, SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
                                           SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
        syscall_filter_free(f);
}

static void expect_error(const char *seccomp, const char *msg)
{
        struct syscall_filter *f = NULL;
        struct error_info err = {0};

        assert_true(compile(seccomp, &f, &err) < 0);
        assert_null(f);
        assert_string_equal(err.msg, msg);
}

static void test_refusals(void **state)
{
        (void) state;
        expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getppid\"],"
                     " \"action\": \"SCMP_ACT_NOTIFY\"}]}",
                     "linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY (the listener gets the "
                     "notification fd)");
        expect_error("{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/x\"}",
                     "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported: husk's own syscalls "
                     "after loading the filter would wait for a listener");
        expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\","
                     " \"SCMP_ARCH_S390X\"]}",
                     "linux.seccomp.architectures[1]: 'SCMP_ARCH_S390X' cannot share a filter with the "
                     "native architecture (another byte order)");
}

static int compile_cached(int dirfd, const char *seccomp, struct syscall_filter **f)
{
        struct error_info err = {0};
        struct spec *s = load(seccomp, &err);
        int r = syscall_filter_compile_cached(dirfd, s->linux->seccomp, f, &err);
        spec_free(s);
        return r;
}

static void test_cache(void **state)
{
        char dir[] = "/tmp/husk-test-seccomp-cache-XXXXXX";
        const char *p42 = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getppid\"],"
                          " \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42}]}";
        const char *p43 = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getppid\"],"
                          " \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 43}]}";
        struct syscall_filter *a = NULL, *b = NULL, *c = NULL;

        (void) state;
        assert_non_null(mkdtemp(dir));
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(compile_cached(fd, p42, &a), 0);
        assert_int_equal(compile_cached(fd, p42, &b), 0); /* from the cache */
        assert_int_equal(a->n_insns, b->n_insns);
        assert_memory_equal(a->insns, b->insns, a->n_insns * sizeof *a->insns);
        assert_int_equal(a->flags, b->flags);
        assert_int_equal(WEXITSTATUS(try_syscall(b, SYS_getppid, 0, 0)), 42);
        assert_int_equal(compile_cached(fd, p43, &c), 0); /* another key, another entry */
        assert_int_equal(WEXITSTATUS(try_syscall(c, SYS_getppid, 0, 0)), 43);
        syscall_filter_free(a);
        syscall_filter_free(b);
        syscall_filter_free(c);
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
        close(fd);
}

static void test_features_lists(void **state)
{
        const char *a[64], *f[16];

        (void) state;
        size_t n = syscall_filter_archs(a, 64);
        assert_true(n >= 19);
        assert_null(a[n]);
        n = syscall_filter_supported_flags(f, 16);
        assert_true(n >= 1 && n <= 4);
        assert_string_equal(f[0], "SECCOMP_FILTER_FLAG_TSYNC");
        assert_null(f[n]);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_errno_and_default),
                cmocka_unit_test(test_kill_and_conditions),
                cmocka_unit_test(test_skips_and_flags),
                cmocka_unit_test(test_notify),
                cmocka_unit_test(test_refusals),
                cmocka_unit_test(test_features_lists),
                cmocka_unit_test(test_cache),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
