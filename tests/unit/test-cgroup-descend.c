/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup_descend() (`husk exec --cgroup`) without root, against a host described by the
 * fixture files of tests/fixtures/cgroup/ with plain directories as hierarchies (as
 * test-cgroup.c).  Run from the top of the source tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup-internal.h"
#include "cgroups/cgroup.h"
#include "fake-cgroup-host.h"

/* The hierarchies of the fake host, for the tests that walk all of them. */
static struct cgroup_mounts hier;

/* The host of kind (hybrid, v1, v2), with the container's cgroup "/husk/abc" made in it. */
static struct fixture *descend_host(const char *kind, struct cgroup **ret)
{
        struct fixture *f = host_new(kind);
        struct error_info err = {0};

        assert_int_equal(cgroup_mounts_parse(f->mountinfo, &hier), 0);
        assert_int_equal(cgroup_create("/husk/abc", "abc", false, ret, &err), 0);
        return f;
}

/* mkdir MOUNTPOINT/husk/abc/sub in every hierarchy. */
static void make_sub(const struct fixture *f, const char *sub)
{
        char p[PATH_MAX];

        for (size_t i = 0; i < hier.n; i++) {
                snprintf(p, sizeof p, "%s/husk/abc/%s", hier.m[i].mountpoint, sub);
                assert_int_equal(mkdir_p(at(f, p), 0755), 0);
        }
}

/* The pid written into MOUNTPOINT/husk/abc/REL/cgroup.procs, "" when none was. */
static char *procs(const struct fixture *f, const char *mountpoint, const char *rel)
{
        char p[PATH_MAX];
        char *text = NULL;

        snprintf(p, sizeof p, "%s%s/husk/abc/%s/cgroup.procs", f->root, mountpoint, rel);
        if (read_file_alloc(AT_FDCWD, p, &text, NULL) < 0)
                return strdup("");
        return text;
}

static int descend_teardown(void **state)
{
        cgroup_mounts_done(&hier);
        memset(&hier, 0, sizeof hier);
        return teardown(state);
}

static void test_every_hierarchy(void **state)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct fixture *f = descend_host("hybrid", &cg);
        struct error_info err = {0};

        (void) state;
        make_sub(f, "sub/deeper");
        assert_int_equal(cgroup_descend(cg, NULL, "sub/deeper", &err), 0);
        assert_true(cgroup_v2_fd(cg) >= 0);
        assert_int_equal(cgroup_enter(cg, 42, false, &err), 0);
        for (size_t i = 0; i < hier.n; i++) {
                _cleanup_free_ char *in_sub = procs(f, hier.m[i].mountpoint, "sub/deeper");
                _cleanup_free_ char *in_leaf = procs(f, hier.m[i].mountpoint, ".");
                assert_string_equal(in_sub, "42");
                assert_string_equal(in_leaf, "");
        }
}

static void test_one_controller(void **state)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct fixture *f = descend_host("hybrid", &cg);
        struct error_info err = {0};

        (void) state;
        make_sub(f, "sub");
        assert_int_equal(cgroup_descend(cg, "memory", "/sub", &err), 0);
        assert_int_equal(cgroup_enter(cg, 7, false, &err), 0);
        _cleanup_free_ char *mem = procs(f, "/sys/fs/cgroup/memory", "sub");
        _cleanup_free_ char *pids = procs(f, "/sys/fs/cgroup/pids", ".");
        _cleanup_free_ char *pids_sub = procs(f, "/sys/fs/cgroup/pids", "sub");
        assert_string_equal(mem, "7");
        assert_string_equal(pids, "7");
        assert_string_equal(pids_sub, "");
}

static void test_refusals(void **state)
{
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct fixture *f = descend_host("v1", &cg);
        struct error_info err = {0};
        static const char *bad[] = {"..", "a/../b", "./a", "a/.", "/.."};

        (void) state;
        make_sub(f, "sub");
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                assert_int_equal(cgroup_descend(cg, NULL, bad[i], &err), -EINVAL);
                assert_non_null(strstr(err.msg, "sub-cgroup"));
        }
        /* "", "/" and "//": the container's own cgroup, as runc; the controller must exist. */
        assert_int_equal(cgroup_descend(cg, NULL, "/", &err), 0);
        assert_int_equal(cgroup_descend(cg, "memory", "", &err), 0);
        assert_int_equal(cgroup_descend(cg, NULL, "//", &err), 0);
        assert_int_equal(cgroup_descend(cg, "nosuch", "/", &err), -ENOENT);
        assert_string_equal(cgroup_path(cg), "/husk/abc");
        assert_int_equal(cgroup_descend(cg, NULL, "missing", &err), -ENOENT);
        assert_non_null(strstr(err.msg, "husk/abc/missing"));
        /* A v1 host has no cgroup2 hierarchy to fall back on. */
        assert_int_equal(cgroup_descend(cg, "nosuch", "sub", &err), -ENOENT);
        assert_non_null(strstr(err.msg, "'nosuch'"));
        assert_int_equal(cgroup_v2_fd(cg), -EBADF);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_teardown(test_every_hierarchy, descend_teardown),
                cmocka_unit_test_teardown(test_one_controller, descend_teardown),
                cmocka_unit_test_teardown(test_refusals, descend_teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
