/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroups/ without root: the host is described by fixture mountinfo and /proc/self/cgroup
 * files (tests/fixtures/cgroup/), and its hierarchies are plain directories in a temporary
 * tree (youki's v2/pids.rs idea).  Run from the top of the source tree.
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

static char *get(const struct fixture *f, const char *path)
{
        char *text = NULL;
        assert_int_equal(read_file_alloc(AT_FDCWD, at(f, path), &text, NULL), 0);
        return text;
}

static size_t count_lines(const char *s)
{
        size_t n = 0;
        for (; *s; s++)
                n += *s == '\n';
        return n;
}

/* ---- detection ---- */

static void test_parse_hybrid(void **state)
{
        _cleanup_free_ char *text = fixture_text("mountinfo-hybrid");
        struct cgroup_mounts ms;

        assert_int_equal(cgroup_mounts_parse(text, &ms), 0);
        assert_int_equal(ms.mode, CGROUP_MODE_HYBRID);
        assert_int_equal(ms.n, 10);
        assert_true(ms.m[0].v2);
        assert_string_equal(ms.m[0].mountpoint, "/sys/fs/cgroup/unified");
        assert_string_equal(ms.m[1].controllers, "cpu");
        assert_string_equal(ms.m[9].controllers, "name=systemd");
        assert_string_equal(ms.m[9].mountpoint, "/sys/fs/cgroup/systemd");
        cgroup_mounts_done(&ms);
}

static void test_parse_v2(void **state)
{
        _cleanup_free_ char *text = fixture_text("mountinfo-v2");
        struct cgroup_mounts ms;

        assert_int_equal(cgroup_mounts_parse(text, &ms), 0);
        assert_int_equal(ms.mode, CGROUP_MODE_V2);
        /* The bind mount of a subtree (same device) folds into the full one. */
        assert_int_equal(ms.n, 1);
        assert_string_equal(ms.m[0].mountpoint, "/sys/fs/cgroup");
        assert_string_equal(ms.m[0].root, "/");
        cgroup_mounts_done(&ms);

        /* Only the subtree mounted: escapes decoded, root kept. */
        const char *bind = "95 26 0:26 /user.slice /mnt/with\\040space rw - cgroup2 cgroup2 rw\n";
        assert_int_equal(cgroup_mounts_parse(bind, &ms), 0);
        assert_int_equal(ms.mode, CGROUP_MODE_V2);
        assert_string_equal(ms.m[0].mountpoint, "/mnt/with space");
        assert_string_equal(ms.m[0].root, "/user.slice");
        cgroup_mounts_done(&ms);
}

static void test_parse_v1(void **state)
{
        _cleanup_free_ char *text = fixture_text("mountinfo-v1");
        struct cgroup_mounts ms;

        assert_int_equal(cgroup_mounts_parse(text, &ms), 0);
        assert_int_equal(ms.mode, CGROUP_MODE_V1);
        assert_int_equal(ms.n, 6);
        assert_false(ms.m[0].v2);
        assert_string_equal(ms.m[0].controllers, "name=systemd"); /* xattr, release_agent dropped */
        assert_string_equal(ms.m[1].controllers, "cpu,cpuacct");
        assert_string_equal(ms.m[1].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
        assert_string_equal(ms.m[3].controllers, "net_cls,net_prio");
        /* The bind mount came first, the full mount wins. */
        assert_string_equal(ms.m[4].controllers, "memory");
        assert_string_equal(ms.m[4].mountpoint, "/sys/fs/cgroup/memory");
        assert_string_equal(ms.m[4].root, "/");
        cgroup_mounts_done(&ms);
}

static void test_parse_none(void **state)
{
        struct cgroup_mounts ms;

        assert_int_equal(cgroup_mounts_parse("27 1 8:1 / / rw - ext4 /dev/sda1 rw\n", &ms), -ENOENT);
        assert_int_equal(cgroup_mounts_parse("", &ms), -ENOENT);
        assert_int_equal(cgroup_mounts_parse("garbage\n", &ms), -EINVAL);
}

static void test_detect(void **state)
{
        static const struct {
                const char *kind;
                enum cgroup_mode mode;
        } cases[] = {{"v2", CGROUP_MODE_V2}, {"hybrid", CGROUP_MODE_HYBRID}, {"v1", CGROUP_MODE_V1}};

        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct fixture *f = host_new(cases[i].kind);
                enum cgroup_mode mode;
                assert_int_equal(cgroup_detect(&mode, NULL), 0);
                assert_int_equal(mode, cases[i].mode);
                host_free(f);
        }
}

/* ---- paths ---- */

static void check_resolve(const char *cgroups_path, const char *id, const char *own, const char *want)
{
        struct error_info err = {0};
        _cleanup_free_ char *p = NULL;

        assert_int_equal(cgroup_path_resolve(cgroups_path, id, own, &p, &err), 0);
        assert_string_equal(p, want);
}

static void check_resolve_fails(const char *cgroups_path, const char *id, const char *want_msg)
{
        struct error_info err = {0};
        char *p = NULL;

        assert_int_equal(cgroup_path_resolve(cgroups_path, id, "/own", &p, &err), -EINVAL);
        assert_null(p);
        assert_int_equal(err.errnum, EINVAL);
        assert_non_null(strstr(err.msg, want_msg));
}

static void test_path_resolve(void **state)
{
        check_resolve("/husk-test/abc", "abc", NULL, "husk-test/abc");
        check_resolve("/husk-test/abc", "abc", "/ignored", "husk-test/abc");
        check_resolve("//husk-test/./abc/", "abc", NULL, "husk-test/abc");
        check_resolve("machine/abc", "abc", "/", "machine/abc");
        check_resolve("machine/abc", "abc", "/process_api/60bc", "process_api/60bc/machine/abc");
        check_resolve("", "abc", "/process_api/60bc", "process_api/60bc/abc");
        check_resolve(NULL, "abc", "/", "abc");
        /* Without --systemd-cgroup the colon form is just a name, as in runc. */
        check_resolve("system.slice:husk:abc", "abc", "/", "system.slice:husk:abc");

        check_resolve_fails("/husk/../etc", "abc", "must not contain '..'");
        check_resolve_fails("..", "abc", "must not contain '..'");
        check_resolve_fails("a/..", "abc", "must not contain '..'");
        check_resolve_fails("/", "abc", "names the root cgroup");
        check_resolve_fails("/./", "abc", "names the root cgroup");
        check_resolve_fails(NULL, "a/b", "invalid container id");
        check_resolve_fails("", "..", "invalid container id");
        check_resolve_fails(NULL, NULL, "no cgroupsPath");
}

static void test_path_parent(void **state)
{
        static const char *const cases[][2] = {
                {"/user.slice/user-1000.slice/session-3.scope", "/user.slice/user-1000.slice"},
                {"/a", "/"},
                {"/", "/"},
        };

        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_free_ char *p = NULL;
                assert_int_equal(cgroup_path_parent(cases[i][0], &p), 0);
                assert_string_equal(p, cases[i][1]);
        }
}

/* /proc/self/cgroup as the init's cgroup mounts read it: every line, in order, v2 told apart. */
static void test_membership_parse(void **state)
{
        const char *text = "12:cpu,cpuacct:/husk-test/a\n"
                           "1:name=systemd:/user.slice/x\n"
                           "0::/../outside\n"
                           "malformed line\n"
                           "3:memory:/";
        struct cgroup_membership *m = NULL;
        size_t n = 0;

        (void) state;
        assert_int_equal(cgroup_membership_parse(text, &m, &n), 0);
        assert_int_equal(n, 4);
        assert_string_equal(m[0].controllers, "cpu,cpuacct");
        assert_string_equal(m[0].path, "/husk-test/a");
        assert_false(m[0].v2);
        assert_string_equal(m[1].controllers, "name=systemd");
        assert_string_equal(m[1].path, "/user.slice/x");
        assert_true(m[2].v2);
        assert_string_equal(m[2].controllers, "");
        assert_string_equal(m[2].path, "/../outside");
        /* The last line needs no newline. */
        assert_string_equal(m[3].controllers, "memory");
        assert_string_equal(m[3].path, "/");
        cgroup_membership_free(m, n);

        /* A v1 hierarchy with no controllers (not hierarchy 0) is not cgroup2. */
        assert_int_equal(cgroup_membership_parse("5::/x\n", &m, &n), 0);
        assert_int_equal(n, 1);
        assert_false(m[0].v2);
        cgroup_membership_free(m, n);

        assert_int_equal(cgroup_membership_parse("", &m, &n), 0);
        assert_int_equal(n, 0);
        cgroup_membership_free(m, n);
}

/*
 * A parent another husk made but has not filled yet (or was killed before it could) has empty
 * cpuset.cpus and cpuset.mems: it is filled from its own parent, or no task could join the
 * leaf below it.  A parent that has values keeps them and passes them down.
 */
static void test_cpuset_existing_parent(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *a = NULL, *b = NULL;
        struct error_info err = {0};
        _cleanup_free_ char *top = NULL, *leaf = NULL, *kept = NULL, *below = NULL;

        (void) state;
        assert_int_equal(mkdir(at(f, "/sys/fs/cgroup/cpuset/husk"), 0755), 0);
        put(f, "/sys/fs/cgroup/cpuset/husk/cpuset.cpus", "\n");
        put(f, "/sys/fs/cgroup/cpuset/husk/cpuset.mems", "\n");
        assert_int_equal(cgroup_create("/husk/a", "a", false, &a, &err), 0);
        top = get(f, "/sys/fs/cgroup/cpuset/husk/cpuset.cpus");
        leaf = get(f, "/sys/fs/cgroup/cpuset/husk/a/cpuset.mems");
        assert_string_equal(top, "0-3\n");
        assert_string_equal(leaf, "0\n");

        assert_int_equal(mkdir(at(f, "/sys/fs/cgroup/cpuset/narrow"), 0755), 0);
        put(f, "/sys/fs/cgroup/cpuset/narrow/cpuset.cpus", "1\n");
        put(f, "/sys/fs/cgroup/cpuset/narrow/cpuset.mems", "0\n");
        assert_int_equal(cgroup_create("/narrow/b", "b", false, &b, &err), 0);
        kept = get(f, "/sys/fs/cgroup/cpuset/narrow/cpuset.cpus");
        below = get(f, "/sys/fs/cgroup/cpuset/narrow/b/cpuset.cpus");
        assert_string_equal(kept, "1\n");
        assert_string_equal(below, "1\n");
}

static void test_self_path(void **state)
{
        _cleanup_free_ char *self = fixture_text("cgroup-v1");
        struct cgroup_mount cpu = {.controllers = "cpu,cpuacct", .root = "/"};
        struct cgroup_mount net = {.controllers = "net_cls,net_prio", .root = "/"};
        struct cgroup_mount systemd = {.controllers = "name=systemd", .root = "/"};
        struct cgroup_mount bound = {.controllers = "memory", .root = "/user.slice"};
        struct cgroup_mount elsewhere = {.controllers = "memory", .root = "/system.slice"};
        struct cgroup_mount blkio = {.controllers = "blkio", .root = "/"};
        struct cgroup_mount v2 = {.v2 = true, .controllers = "", .root = "/"};
        char *p;

        assert_int_equal(cgroup_self_path(self, &cpu, &p), 0);
        assert_string_equal(p, "/user.slice");
        free(p);
        assert_int_equal(cgroup_self_path(self, &net, &p), 0);
        assert_string_equal(p, "/");
        free(p);
        assert_int_equal(cgroup_self_path(self, &systemd, &p), 0);
        assert_string_equal(p, "/user.slice/user-0.slice/session-1.scope");
        free(p);
        assert_int_equal(cgroup_self_path(self, &bound, &p), 0);
        assert_string_equal(p, "/user-0.slice/session-1.scope");
        free(p);
        assert_int_equal(cgroup_self_path(self, &elsewhere, &p), -ENOENT);
        assert_int_equal(cgroup_self_path(self, &blkio, &p), -ENOENT);
        assert_int_equal(cgroup_self_path(self, &v2, &p), -ENOENT);
        assert_int_equal(cgroup_self_path("0::/\n", &v2, &p), 0);
        assert_string_equal(p, "/");
        free(p);
}

/* ---- create, enter, destroy ---- */

static const char *const hybrid_dirs[] = {"unified", "cpu",     "cpuacct", "cpuset", "memory",
                                          "devices", "freezer", "blkio",   "pids",   "systemd"};

static void test_create_hybrid_absolute(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct error_info err = {0};
        _cleanup_free_ char *text = NULL, *cpus = NULL, *mems = NULL, *procs = NULL;
        _cleanup_free_ pid_t *pids = NULL;
        char p[PATH_MAX], pid[32];
        size_t n;

        assert_int_equal(cgroup_create("/husk/abc", "abc", false, &cg, &err), 0);
        assert_string_equal(cgroup_path(cg), "/husk/abc");
        for (size_t i = 0; i < ARRAY_SIZE(hybrid_dirs); i++) {
                snprintf(p, sizeof p, "/sys/fs/cgroup/%s/husk/abc", hybrid_dirs[i]);
                assert_true(exists(f, p));
        }
        /* cpuset: copied into every new level */
        cpus = get(f, "/sys/fs/cgroup/cpuset/husk/abc/cpuset.cpus");
        mems = get(f, "/sys/fs/cgroup/cpuset/husk/cpuset.mems");
        assert_string_equal(cpus, "0-3\n");
        assert_string_equal(mems, "0\n");
        assert_false(exists(f, "/sys/fs/cgroup/memory/husk/abc/cpuset.cpus"));

        assert_true(cgroup_v2_fd(cg) >= 0);
        assert_int_equal(cgroup_serialize(cg, &text), 0);
        assert_int_equal(count_lines(text), 11);
        assert_non_null(strstr(text, "v2\t/sys/fs/cgroup/unified\t\thusk/abc\t11\n"));
        assert_non_null(strstr(text, "v1\t/sys/fs/cgroup/systemd\tname=systemd\thusk/abc\t11\n"));

        /* Entered through CLONE_INTO_CGROUP: only v1 is written. */
        snprintf(pid, sizeof pid, "%d", (int) getpid());
        assert_int_equal(cgroup_enter(cg, getpid(), true, &err), 0);
        assert_false(exists(f, "/sys/fs/cgroup/unified/husk/abc/cgroup.procs"));
        procs = get(f, "/sys/fs/cgroup/memory/husk/abc/cgroup.procs");
        assert_string_equal(procs, pid);
        assert_int_equal(cgroup_enter(cg, getpid(), false, &err), 0);
        assert_true(exists(f, "/sys/fs/cgroup/unified/husk/abc/cgroup.procs"));

        assert_int_equal(cgroup_pids(cg, &pids, &n, &err), 0);
        assert_int_equal(n, 1);
        assert_int_equal(pids[0], getpid());

        assert_int_equal(cgroup_destroy(cg, &err), 0);
        for (size_t i = 0; i < ARRAY_SIZE(hybrid_dirs); i++) {
                snprintf(p, sizeof p, "/sys/fs/cgroup/%s/husk", hybrid_dirs[i]);
                assert_false(exists(f, p));
                snprintf(p, sizeof p, "/sys/fs/cgroup/%s", hybrid_dirs[i]);
                assert_true(exists(f, p));
        }
        assert_int_equal(cgroup_v2_fd(cg), -EBADF);
        /* Again: nothing left to do. */
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

static void test_create_hybrid_relative(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct error_info err = {0};
        _cleanup_free_ char *text = NULL;
        const char *own = "/sys/fs/cgroup/memory/process_api/60bcebed9394fb00601a5435b79a7bdc";

        assert_int_equal(mkdir_p(at(f, own), 0755), 0);
        assert_int_equal(cgroup_create(NULL, "abc", false, &cg, &err), 0);
        assert_string_equal(cgroup_path(cg), "/abc");
        assert_true(exists(f, "/sys/fs/cgroup/memory/process_api/60bcebed9394fb00601a5435b79a7bdc/abc"));
        assert_false(exists(f, "/sys/fs/cgroup/memory/abc"));
        assert_true(exists(f, "/sys/fs/cgroup/pids/abc"));
        assert_true(exists(f, "/sys/fs/cgroup/unified/abc"));
        assert_int_equal(cgroup_serialize(cg, &text), 0);
        assert_non_null(strstr(text, "\tmemory\tprocess_api/60bcebed9394fb00601a5435b79a7bdc/abc\t001\n"));

        assert_int_equal(cgroup_destroy(cg, &err), 0);
        assert_false(exists(f, "/sys/fs/cgroup/memory/process_api/60bcebed9394fb00601a5435b79a7bdc/abc"));
        assert_true(exists(f, own)); /* not ours */
        assert_false(exists(f, "/sys/fs/cgroup/pids/abc"));
        host_free(f);
}

static void test_create_v2_relative(void **state)
{
        struct fixture *f = host_new("v2");
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct error_info err = {0};
        const char *own = "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope";

        assert_int_equal(mkdir_p(at(f, own), 0755), 0);
        /* Beside our own cgroup (under its parent), as runc does on v2. */
        assert_int_equal(cgroup_create("husk/abc", "abc", false, &cg, &err), 0);
        assert_string_equal(cgroup_path(cg), "/user.slice/user-1000.slice/husk/abc");
        assert_true(exists(f, "/sys/fs/cgroup/user.slice/user-1000.slice/husk/abc"));
        assert_true(cgroup_v2_fd(cg) >= 0);
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        assert_false(exists(f, "/sys/fs/cgroup/user.slice/user-1000.slice/husk"));
        assert_true(exists(f, own));
        host_free(f);
}

static void test_create_v1(void **state)
{
        struct fixture *f = host_new("v1");
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct error_info err = {0};
        _cleanup_free_ pid_t *pids = NULL;
        size_t n;

        assert_int_equal(cgroup_create("/husk/abc", "abc", false, &cg, &err), 0);
        assert_true(exists(f, "/sys/fs/cgroup/cpu,cpuacct/husk/abc"));
        assert_true(exists(f, "/sys/fs/cgroup/net_cls,net_prio/husk/abc"));
        assert_true(exists(f, "/sys/fs/cgroup/systemd/husk/abc"));
        assert_false(exists(f, "/var/lib/bind-of-memory/husk"));
        assert_int_equal(cgroup_v2_fd(cg), -EBADF);

        assert_int_equal(cgroup_pids(cg, &pids, &n, &err), 0); /* no cgroup.procs yet: empty */
        assert_int_equal(n, 0);
        assert_int_equal(cgroup_enter(cg, 42, false, &err), 0);
        /* A sub-cgroup the container made, with a process in it. */
        assert_int_equal(mkdir(at(f, "/sys/fs/cgroup/systemd/husk/abc/sub"), 0755), 0);
        put(f, "/sys/fs/cgroup/systemd/husk/abc/sub/cgroup.procs", "43\n44\n");
        assert_int_equal(cgroup_pids(cg, &pids, &n, &err), 0);
        assert_int_equal(n, 3);
        assert_int_equal(pids[0], 42);
        assert_int_equal(pids[2], 44);

        assert_int_equal(cgroup_destroy(cg, &err), 0);
        assert_false(exists(f, "/sys/fs/cgroup/systemd/husk"));
        assert_false(exists(f, "/sys/fs/cgroup/cpu,cpuacct/husk"));
        host_free(f);
}

static void test_existing_leaf_is_reused_not_removed(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL;
        struct error_info err = {0};
        _cleanup_free_ char *text = NULL;

        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/memory/husk/abc"), 0755), 0);
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/pids/husk"), 0755), 0);
        assert_int_equal(cgroup_create("/husk/abc", "abc", false, &cg, &err), 0);
        assert_int_equal(cgroup_serialize(cg, &text), 0);
        assert_non_null(strstr(text, "\tmemory\thusk/abc\t00\n"));
        assert_non_null(strstr(text, "\tpids\thusk/abc\t01\n"));
        assert_non_null(strstr(text, "\tcpu\thusk/abc\t11\n"));

        assert_int_equal(cgroup_destroy(cg, &err), 0);
        assert_true(exists(f, "/sys/fs/cgroup/memory/husk/abc"));
        assert_true(exists(f, "/sys/fs/cgroup/pids/husk"));
        assert_false(exists(f, "/sys/fs/cgroup/pids/husk/abc"));
        assert_false(exists(f, "/sys/fs/cgroup/cpu/husk"));
        host_free(f);
}

static void test_leaf_in_use(void **state)
{
        struct fixture *f = host_new("hybrid");
        struct cgroup *cg = NULL;
        struct error_info err = {0};
        _cleanup_free_ char *text = NULL;

        /* Holding processes: allowed with a warning (runc 1.1), and still not ours to remove. */
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/memory/husk/abc"), 0755), 0);
        put(f, "/sys/fs/cgroup/memory/husk/abc/cgroup.procs", "123\n");
        assert_int_equal(cgroup_create("/husk/abc", "abc", false, &cg, &err), 0);
        assert_int_equal(cgroup_serialize(cg, &text), 0);
        assert_non_null(strstr(text, "v1\t/sys/fs/cgroup/memory\tmemory\thusk/abc\t00\n"));
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        assert_true(exists(f, "/sys/fs/cgroup/memory/husk/abc/cgroup.procs"));
        assert_false(exists(f, "/sys/fs/cgroup/pids/husk"));
        cgroup_free(cg);
        cg = NULL;

        /* Frozen: refused at once, what was made before it removed again. */
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/freezer/husk/abc"), 0755), 0);
        put(f, "/sys/fs/cgroup/freezer/husk/abc/freezer.state", "FROZEN\n");
        assert_int_equal(cgroup_create("/husk/abc", "abc", false, &cg, &err), -EBUSY);
        assert_null(cg);
        assert_string_equal(err.msg, "cgroup '/sys/fs/cgroup/freezer/husk/abc' is frozen: thaw it first");
        assert_false(exists(f, "/sys/fs/cgroup/unified/husk"));
        assert_false(exists(f, "/sys/fs/cgroup/pids/husk"));
        assert_true(exists(f, "/sys/fs/cgroup/freezer/husk/abc/freezer.state"));
        host_free(f);
}

/*
 * A create killed half-way: its record was written from the plan, before any mkdir, and
 * names what may be made (the components missing at plan time); a later destroy from that
 * record removes what was made and leaves what existed before, even when it is empty.
 */
static void test_plan_record_before_make(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *planned = NULL, *later = NULL;
        struct error_info err = {0};
        _cleanup_free_ char *text = NULL;

        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/memory/shared"), 0755), 0);
        assert_int_equal(cgroup_plan("/shared/x/abc", "abc", false, &planned, &err), 0);
        assert_int_equal(cgroup_serialize(planned, &text), 0);
        assert_non_null(strstr(text, "v1\t/sys/fs/cgroup/memory\tmemory\tshared/x/abc\t011\n"));
        assert_non_null(strstr(text, "v2\t/sys/fs/cgroup/unified\t\tshared/x/abc\t111\n"));
        /* Planning made nothing. */
        assert_false(exists(f, "/sys/fs/cgroup/unified/shared"));
        assert_false(exists(f, "/sys/fs/cgroup/memory/shared/x"));

        /* The killed make got this far. */
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/unified/shared/x/abc"), 0755), 0);
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/memory/shared/x/abc"), 0755), 0);
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/cpu/shared/x"), 0755), 0);

        assert_int_equal(cgroup_deserialize(text, &later, &err), 0);
        assert_int_equal(cgroup_destroy(later, &err), 0);
        assert_false(exists(f, "/sys/fs/cgroup/unified/shared"));
        assert_false(exists(f, "/sys/fs/cgroup/cpu/shared"));
        assert_false(exists(f, "/sys/fs/cgroup/memory/shared/x"));
        assert_true(exists(f, "/sys/fs/cgroup/memory/shared"));

        /* A plan that is made: the marks become what the make made. */
        cgroup_free(planned);
        planned = NULL;
        free(text);
        text = NULL;
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/pids/shared/x"), 0755), 0);
        assert_int_equal(cgroup_plan("/shared/x/abc", "abc", false, &planned, &err), 0);
        assert_int_equal(mkdir_p(at(f, "/sys/fs/cgroup/cpu/shared/x"), 0755), 0); /* a racing maker */
        assert_int_equal(cgroup_make(planned, &err), 0);
        assert_int_equal(cgroup_serialize(planned, &text), 0);
        assert_non_null(strstr(text, "v1\t/sys/fs/cgroup/cpu\tcpu\tshared/x/abc\t001\n"));
        assert_non_null(strstr(text, "v1\t/sys/fs/cgroup/pids\tpids\tshared/x/abc\t001\n"));
        assert_non_null(strstr(text, "v1\t/sys/fs/cgroup/memory\tmemory\tshared/x/abc\t011\n"));
        assert_int_equal(cgroup_destroy(planned, &err), 0);
        assert_true(exists(f, "/sys/fs/cgroup/cpu/shared/x"));
        assert_false(exists(f, "/sys/fs/cgroup/memory/shared/x"));
        host_free(f);
}

static void test_create_refusals(void **state)
{
        struct fixture *f = host_new("hybrid");
        struct cgroup *cg = NULL;
        struct error_info err = {0};

        /* --systemd-cgroup takes only the slice:prefix:name form. */
        assert_int_equal(cgroup_create("/husk/abc", "abc", true, &cg, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "slice:prefix:name"));
        assert_int_equal(cgroup_create("/husk/../abc", "abc", false, &cg, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "'..'"));
        assert_null(cg);
        assert_false(exists(f, "/sys/fs/cgroup/unified/husk"));
        assert_false(exists(f, "/sys/fs/cgroup/unified/abc"));

        /* A mount point that is not there: reported with its path, nothing left behind. */
        assert_int_equal(rmdir(at(f, "/sys/fs/cgroup/systemd")), 0);
        assert_int_equal(cgroup_create("/husk/abc", "abc", false, &cg, &err), -ENOENT);
        assert_string_equal(err.msg, "open cgroup mount '/sys/fs/cgroup/systemd'");
        assert_false(exists(f, "/sys/fs/cgroup/pids/husk"));
        assert_false(exists(f, "/sys/fs/cgroup/unified/husk"));
        host_free(f);
}

/* ---- state.json round trip ---- */

static void test_serialize_round_trip(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *cg = NULL, *back = NULL;
        struct error_info err = {0};
        _cleanup_free_ char *text = NULL, *again = NULL;

        /* A tab and a backslash in a name stay on their line. */
        assert_int_equal(cgroup_create("/husk/we\tird\\name", "abc", false, &cg, &err), 0);
        assert_int_equal(cgroup_serialize(cg, &text), 0);
        assert_int_equal(count_lines(text), 11);
        assert_non_null(strstr(text, "husk/we\\011ird\\134name"));

        assert_int_equal(cgroup_deserialize(text, &back, &err), 0);
        assert_string_equal(cgroup_path(back), "/husk/we\tird\\name");
        assert_true(cgroup_v2_fd(back) >= 0);
        assert_int_equal(cgroup_serialize(back, &again), 0);
        assert_string_equal(text, again);

        /* Another process (husk delete) removes it from the record alone. */
        assert_int_equal(cgroup_destroy(back, &err), 0);
        assert_false(exists(f, "/sys/fs/cgroup/unified/husk"));
        assert_false(exists(f, "/sys/fs/cgroup/memory/husk"));
        /* The original object finds nothing left and does not fail. */
        assert_int_equal(cgroup_destroy(cg, &err), 0);

        /* Deserialising a record whose directories are gone still works (for delete). */
        cgroup_free(TAKE_PTR(back));
        assert_int_equal(cgroup_deserialize(text, &back, &err), 0);
        assert_int_equal(cgroup_v2_fd(back), -EBADF);
        assert_int_equal(cgroup_destroy(back, &err), 0);
        host_free(f);
}

static void test_deserialize_rejects(void **state)
{
        static const char *const bad[] = {
                "",
                "not ours\n",
                "husk-cgroup\t1\t/a\n",
                "husk-cgroup\t2\t/a\nv2\t/sys/fs/cgroup\t\ta\t1\n",
                "husk-cgroup\t1\t/a\nv3\t/sys/fs/cgroup\t\ta\t1\n",
                "husk-cgroup\t1\t/a\nv2\t/sys/fs/cgroup\t\ta\t11\n",
                "husk-cgroup\t1\t/a\nv2\t/sys/fs/cgroup\t\t../a\t01\n",
                "husk-cgroup\t1\t/a\nv2\t/sys/fs/cgroup\t\t/a\t1\n",
                "husk-cgroup\t1\t/a\nv2\t/sys/fs/cgroup\t\ta\tx\n",
                "husk-cgroup\t1\t/a\nv2\trelative\t\ta\t1\n",
                "husk-cgroup\t1\t/a\nv2\t/sys/fs/cgroup\t\ta\n",
                "husk-cgroup\t1\t/a\nv2\t/sys/fs/cgroup\t\ta\t1\textra\n",
                "husk-cgroup\t1\t/a\nv2\t/sys/fs/cgroup\t\ta\t1",
        };
        struct fixture *f = host_new("v2");

        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                struct cgroup *cg = NULL;
                struct error_info err = {0};
                assert_int_equal(cgroup_deserialize(bad[i], &cg, &err), -EINVAL);
                assert_null(cg);
                assert_non_null(strstr(err.msg, "cgroup record"));
        }
        host_free(f);
}

static void check_systemd(const char *in, const char *id, const char *want)
{
        struct error_info err = {0};
        char *path = NULL;

        assert_int_equal(cgroup_systemd_path(in, id, &path, &err), 0);
        assert_string_equal(path, want);
        free(path);
}

static void check_systemd_fails(const char *in, const char *want_msg)
{
        struct error_info err = {0};
        char *path = NULL;

        assert_int_equal(cgroup_systemd_path(in, "abc", &path, &err), -EINVAL);
        assert_null(path);
        assert_non_null(strstr(err.msg, want_msg));
}

/* --systemd-cgroup without a systemd: the path systemd would give the unit. */
static void test_systemd_path(void **state)
{
        (void) state;
        check_systemd("system.slice:husk:abc", "abc", "/system.slice/husk-abc.scope");
        check_systemd("machine-web-db.slice:docker:x1", "x1",
                      "/machine.slice/machine-web.slice/machine-web-db.slice/docker-x1.scope");
        check_systemd(":husk:abc", "abc", "/system.slice/husk-abc.scope");
        check_systemd("user.slice::abc", "abc", "/user.slice/abc.scope");
        check_systemd("-.slice:p:abc", "abc", "/p-abc.scope");
        check_systemd("system.slice:p:sub.slice", "abc", "/system.slice/sub.slice");
        check_systemd(NULL, "abc", "/system.slice/husk-abc.scope");
        check_systemd("", "id9", "/system.slice/husk-id9.scope");
        check_systemd_fails("/husk/abc", "must be slice:prefix:name");
        check_systemd_fails("a:b", "must be slice:prefix:name");
        check_systemd_fails("a:b:c:d", "must be slice:prefix:name");
        check_systemd_fails("system:p:abc", "ending in .slice");
        check_systemd_fails("a--b.slice:p:abc", "not one systemd accepts");
        check_systemd_fails("system.slice:p:a/b", "must not hold '/'");
        check_systemd_fails("system.slice:p:..", "must not hold '/'");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_teardown(test_parse_hybrid, teardown),
                cmocka_unit_test_teardown(test_parse_v2, teardown),
                cmocka_unit_test_teardown(test_parse_v1, teardown),
                cmocka_unit_test_teardown(test_parse_none, teardown),
                cmocka_unit_test_teardown(test_detect, teardown),
                cmocka_unit_test_teardown(test_path_resolve, teardown),
                cmocka_unit_test_teardown(test_path_parent, teardown),
                cmocka_unit_test_teardown(test_self_path, teardown),
                cmocka_unit_test(test_membership_parse),
                cmocka_unit_test_teardown(test_cpuset_existing_parent, teardown),
                cmocka_unit_test_teardown(test_create_hybrid_absolute, teardown),
                cmocka_unit_test_teardown(test_create_hybrid_relative, teardown),
                cmocka_unit_test_teardown(test_create_v2_relative, teardown),
                cmocka_unit_test_teardown(test_create_v1, teardown),
                cmocka_unit_test_teardown(test_existing_leaf_is_reused_not_removed, teardown),
                cmocka_unit_test_teardown(test_leaf_in_use, teardown),
                cmocka_unit_test_teardown(test_plan_record_before_make, teardown),
                cmocka_unit_test_teardown(test_create_refusals, teardown),
                cmocka_unit_test_teardown(test_serialize_round_trip, teardown),
                cmocka_unit_test_teardown(test_deserialize_rejects, teardown),
                cmocka_unit_test(test_systemd_path),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
