/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources → cgroup files without root: the pure translations (resources-plan.c),
 * then cgroup_apply_resources(), the freezer and the statistics against fake v2, hybrid and
 * v1 trees in a temporary directory (the hosts of tests/fixtures/cgroup/).
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
#include "cgroups/resources-internal.h"
#include "specs/events.h"
#include "specs/spec.h"

/* The file's text without its trailing newline (static buffer). */
static const char *get(const struct fixture *f, const char *path)
{
        static char buf[4096];
        ssize_t n = read_file_at(AT_FDCWD, at(f, path), buf, sizeof buf);

        if (n < 0)
                return "<missing>";
        buf[strcspn(buf, "\n")] = '\0';
        return buf;
}

static struct spec_resources *resources(const char *json)
{
        struct spec_resources *r = NULL;
        struct error_info err = {0};

        if (spec_resources_parse(json, "test.json", &r, &err) < 0)
                fail_msg("parse %s: %s", json, err.msg);
        return r;
}

/* ---- pure translations ---- */

static void test_shares_to_weight(void **state)
{
        assert_int_equal(cgroup_shares_to_weight(0), 0);
        assert_int_equal(cgroup_shares_to_weight(1), 1);
        assert_int_equal(cgroup_shares_to_weight(2), 1);
        assert_int_equal(cgroup_shares_to_weight(3), 2);
        assert_int_equal(cgroup_shares_to_weight(100), 17);
        assert_int_equal(cgroup_shares_to_weight(512), 59);
        assert_int_equal(cgroup_shares_to_weight(1024), 100); /* default onto default */
        assert_int_equal(cgroup_shares_to_weight(2048), 174);
        assert_int_equal(cgroup_shares_to_weight(262143), 10000);
        assert_int_equal(cgroup_shares_to_weight(262144), 10000);
        assert_int_equal(cgroup_shares_to_weight(1000000), 10000);
}

static void test_blkio_weight(void **state)
{
        assert_int_equal(cgroup_blkio_to_io_weight(10), 1);
        assert_int_equal(cgroup_blkio_to_io_weight(500), 4950);
        assert_int_equal(cgroup_blkio_to_io_weight(1000), 10000);
}

static void test_swap_v2(void **state)
{
        char buf[32];

        assert_int_equal(cgroup_swap_v2(100, -1, buf, sizeof buf), 0);
        assert_string_equal(buf, "max");
        assert_int_equal(cgroup_swap_v2(-1, -1, buf, sizeof buf), 0);
        assert_string_equal(buf, "max");
        assert_int_equal(cgroup_swap_v2(104857600, 314572800, buf, sizeof buf), 0);
        assert_string_equal(buf, "209715200");
        assert_int_equal(cgroup_swap_v2(100, 100, buf, sizeof buf), 0);
        assert_string_equal(buf, "0");
        assert_int_equal(cgroup_swap_v2(0, 300, buf, sizeof buf), -EINVAL);
        assert_int_equal(cgroup_swap_v2(-1, 300, buf, sizeof buf), -EINVAL);
        assert_int_equal(cgroup_swap_v2(300, 100, buf, sizeof buf), -EINVAL);
}

static void test_unified_keys(void **state)
{
        assert_true(cgroup_unified_key_valid("memory.high"));
        assert_true(cgroup_unified_key_valid("io.bfq.weight"));
        assert_true(cgroup_unified_key_valid("cgroup.max.depth"));
        assert_false(cgroup_unified_key_valid("memory"));
        assert_false(cgroup_unified_key_valid(".high"));
        assert_false(cgroup_unified_key_valid("memory."));
        assert_false(cgroup_unified_key_valid("../memory.max"));
        assert_false(cgroup_unified_key_valid("sub/memory.max"));
        assert_false(cgroup_unified_key_valid("cgroup.procs"));
        assert_false(cgroup_unified_key_valid("cgroup.threads"));
        assert_false(cgroup_unified_key_valid("cgroup.subtree_control"));
        assert_false(cgroup_unified_key_valid("cgroup.kill"));
}

static struct cgroup_avail avail_all(enum cgroup_where w)
{
        struct cgroup_avail a = {.has_v2 = w == CGROUP_IN_V2, .pure_v2 = w == CGROUP_IN_V2};

        for (int c = 0; c < _CGROUP_CTL_MAX; c++)
                a.where[c] = w;
        if (w == CGROUP_IN_V2)
                a.where[CGROUP_CTL_NET_CLS] = a.where[CGROUP_CTL_NET_PRIO] = a.where[CGROUP_CTL_CPUACCT] =
                        a.where[CGROUP_CTL_FREEZER] = CGROUP_ABSENT;
        return a;
}

/* The plan's settings as "file=value" lines ("file=value|alt_file=alt_value" with an alternative). */
static char *plan_text(const char *json, const struct cgroup_avail *a)
{
        struct spec_resources *r = resources(json);
        struct cgroup_plan plan = {0};
        struct error_info err = {0};
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        if (cgroup_plan_resources(r, a, &plan, &err) < 0)
                fail_msg("plan %s: %s", json, err.msg);
        for (size_t i = 0; i < plan.n; i++) {
                const struct cgroup_setting *s = &plan.s[i];
                fprintf(out, "%s%s=%s", s->v2 ? "" : "v1:", s->file, s->value);
                if (s->flags & CGROUP_SETTING_HAS_ALT)
                        fprintf(out, "|%s=%s", s->alt_file, s->alt_value);
                fputc('\n', out);
        }
        fclose(out);
        cgroup_plan_done(&plan);
        spec_resources_free(r);
        return buf;
}

static void check_plan(const char *json, const struct cgroup_avail *a, const char *want)
{
        _cleanup_free_ char *got = plan_text(json, a);
        assert_string_equal(got, want);
}

static void check_plan_fails(const char *json, const struct cgroup_avail *a, int want_r,
                             const char *want_msg)
{
        struct spec_resources *r = resources(json);
        struct cgroup_plan plan = {0};
        struct error_info err = {0};

        assert_int_equal(cgroup_plan_resources(r, a, &plan, &err), want_r);
        if (!strstr(err.msg, want_msg))
                fail_msg("message '%s' lacks '%s'", err.msg, want_msg);
        spec_resources_free(r);
}

static void test_plan_v2(void **state)
{
        struct cgroup_avail a = avail_all(CGROUP_IN_V2);

        check_plan("{\"memory\":{\"limit\":104857600,\"reservation\":52428800,\"swap\":314572800}}", &a,
                   "memory.max=104857600\nmemory.low=52428800\nmemory.swap.max=209715200\n");
        check_plan("{\"memory\":{\"limit\":-1,\"swap\":-1}}", &a, "memory.max=max\nmemory.swap.max=max\n");
        /* 0 is "unset" as runc reads it */
        check_plan("{\"memory\":{\"limit\":0,\"swap\":0},\"cpu\":{\"shares\":0,\"quota\":0}}", &a, "");
        check_plan("{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"burst\":1000,\"idle\":1,"
                   "\"cpus\":\"0-1\",\"mems\":\"0\"}}",
                   &a,
                   "cpu.weight=100\ncpu.max=50000 100000\ncpu.max.burst=1000\ncpu.idle=1\n"
                   "cpuset.cpus=0-1\ncpuset.mems=0\n");
        check_plan("{\"cpu\":{\"quota\":-1}}", &a, "cpu.max=max\n");
        check_plan("{\"cpu\":{\"period\":20000}}", &a, "cpu.max=max 20000\n");
        check_plan("{\"pids\":{\"limit\":20}}", &a, "pids.max=20\n");
        check_plan("{\"pids\":{\"limit\":0}}", &a, "pids.max=max\n");
        check_plan("{\"pids\":{\"limit\":-1}}", &a, "pids.max=max\n");
        check_plan(
                "{\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":100}],"
                "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
                "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":16,\"rate\":2097152}],"
                "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":100}],"
                "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":200}]}}",
                &a,
                "io.bfq.weight=500|io.weight=4950\n"
                "io.bfq.weight=8:0 100|io.weight=8:0 910\n"
                "io.max=8:0 rbps=1048576\nio.max=8:16 wbps=2097152\n"
                "io.max=8:0 riops=100\nio.max=8:0 wiops=200\n");
        check_plan("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304},"
                   "{\"pageSize\":\"1GB\",\"limit\":0}]}",
                   &a, "hugetlb.2MB.max=4194304\nhugetlb.1GB.max=0\n");
        check_plan("{\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000},\"mlx4_0\":{"
                   "\"hcaObjects\":5}}}",
                   &a, "rdma.max=mlx5_1 hca_handle=3 hca_object=10000\nrdma.max=mlx4_0 hca_object=5\n");
        check_plan("{\"unified\":{\"memory.high\":\"1048576\",\"io.weight\":\"default 200\"}}", &a,
                   "memory.high=1048576\nio.weight=default 200\n");
        /* disableOOMKiller false is fine anywhere */
        check_plan("{\"memory\":{\"disableOOMKiller\":false}}", &a, "");
}

static void test_plan_v1(void **state)
{
        struct cgroup_avail a = avail_all(CGROUP_IN_V1);

        check_plan("{\"memory\":{\"limit\":104857600,\"reservation\":52428800,\"swap\":314572800,"
                   "\"swappiness\":10,\"disableOOMKiller\":true,\"kernel\":1048576}}",
                   &a,
                   "v1:memory.limit_in_bytes=104857600\nv1:memory.soft_limit_in_bytes=52428800\n"
                   "v1:memory.memsw.limit_in_bytes=314572800\nv1:memory.swappiness=10\n"
                   "v1:memory.oom_control=1\n");
        check_plan("{\"memory\":{\"limit\":-1,\"swap\":-1}}", &a,
                   "v1:memory.limit_in_bytes=-1\nv1:memory.memsw.limit_in_bytes=-1\n");
        /* The period before the quota; realtime is allowed on v1 (period first). */
        check_plan("{\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"burst\":1000,"
                   "\"realtimeRuntime\":950000,\"realtimePeriod\":1000000,\"idle\":0,\"cpus\":\"1\"}}",
                   &a,
                   "v1:cpu.shares=512\nv1:cpu.cfs_period_us=100000\nv1:cpu.cfs_quota_us=50000\n"
                   "v1:cpu.cfs_burst_us=1000\nv1:cpu.rt_period_us=1000000\nv1:cpu.rt_runtime_us=950000\n"
                   "v1:cpu.idle=0\nv1:cpuset.cpus=1\n");
        check_plan("{\"pids\":{\"limit\":-1}}", &a, "v1:pids.max=max\n");
        check_plan(
                "{\"blockIO\":{\"weight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":100}],"
                "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
                "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":200}]}}",
                &a,
                "v1:blkio.weight=300|blkio.bfq.weight=300\n"
                "v1:blkio.weight_device=8:0 100|blkio.bfq.weight_device=8:0 100\n"
                "v1:blkio.throttle.read_bps_device=8:0 1048576\n"
                "v1:blkio.throttle.write_iops_device=8:0 200\n");
        check_plan("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}", &a,
                   "v1:hugetlb.2MB.limit_in_bytes=4194304\n");
        check_plan("{\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]}}",
                   &a, "v1:net_cls.classid=1048577\nv1:net_prio.ifpriomap=eth0 5\n");
}

static void test_plan_refusals(void **state)
{
        struct cgroup_avail v2 = avail_all(CGROUP_IN_V2), v1 = avail_all(CGROUP_IN_V1);

        check_plan_fails(
                "{\"memory\":{\"disableOOMKiller\":true}}", &v2, -EOPNOTSUPP,
                "linux.resources.memory.disableOOMKiller: cgroup v2 has no way to disable the OOM killer");
        check_plan_fails("{\"cpu\":{\"realtimeRuntime\":1000}}", &v2, -EOPNOTSUPP,
                         "linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime");
        check_plan_fails("{\"cpu\":{\"realtimePeriod\":1000}}", &v2, -EOPNOTSUPP, "realtime");
        check_plan_fails("{\"network\":{\"classID\":1}}", &v2, -EOPNOTSUPP,
                         "linux.resources.network.classID: needs the v1 'net_cls' cgroup controller");
        check_plan_fails("{\"network\":{\"priorities\":[{\"name\":\"eth0\",\"priority\":1}]}}", &v2,
                         -EOPNOTSUPP, "net_prio");
        check_plan_fails("{\"memory\":{\"swap\":1048576}}", &v2, -EINVAL,
                         "linux.resources.memory.swap: 1048576 needs a memory limit too");
        check_plan_fails("{\"unified\":{\"memory.high\":\"1\"}}", &v1, -EOPNOTSUPP,
                         "linux.resources.unified['memory.high']: needs a cgroup2 hierarchy");
        check_plan_fails("{\"unified\":{\"../../etc/passwd\":\"1\"}}", &v2, -EINVAL,
                         "unified['../../etc/passwd']: not a cgroup interface file name");
        check_plan_fails("{\"unified\":{\"cgroup.procs\":\"1\"}}", &v2, -EINVAL, "moves processes");
        check_plan_fails("{\"rdma\":{\"bad dev\":{\"hcaHandles\":1}}}", &v2, -EINVAL,
                         "'bad dev' is not a device");

        /* A controller the host lacks: the field and the controller are named. */
        v2.where[CGROUP_CTL_PIDS] = CGROUP_ABSENT;
        check_plan_fails(
                "{\"pids\":{\"limit\":5}}", &v2, -EOPNOTSUPP,
                "linux.resources.pids.limit: needs the 'pids' cgroup controller, which this host does "
                "not have");
        v2.where[CGROUP_CTL_IO] = CGROUP_ABSENT;
        check_plan_fails("{\"blockIO\":{\"weight\":100}}", &v2, -EOPNOTSUPP, "'io' cgroup controller");
        v1.where[CGROUP_CTL_HUGETLB] = CGROUP_ABSENT;
        check_plan_fails("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}", &v1, -EOPNOTSUPP,
                         "linux.resources.hugepageLimits: needs the 'hugetlb' cgroup controller");
}

/* ---- apply against fake trees ---- */

static struct cgroup *create(const char *path)
{
        struct cgroup *cg = NULL;
        struct error_info err = {0};

        if (cgroup_create(path, "abc", false, &cg, &err) < 0)
                fail_msg("create %s: %s", path, err.msg);
        return cg;
}

static void apply(struct cgroup *cg, const char *json, bool update)
{
        struct spec_resources *r = resources(json);
        struct error_info err = {0};

        if (cgroup_apply_resources(cg, r, update, &err) < 0)
                fail_msg("apply %s: %s", json, err.msg);
        spec_resources_free(r);
}

static void apply_fails(struct cgroup *cg, const char *json, bool update, int want_r, const char *want_msg)
{
        struct spec_resources *r = resources(json);
        struct error_info err = {0};

        assert_int_equal(cgroup_apply_resources(cg, r, update, &err), want_r);
        if (!strstr(err.msg, want_msg))
                fail_msg("message '%s' lacks '%s'", err.msg, want_msg);
        spec_resources_free(r);
}

#define V2 "/sys/fs/cgroup"
#define LEAF V2 "/husk-test/abc"

static void test_apply_v2(void **state)
{
        struct fixture *f = host_new("v2");
        put(f, V2 "/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");

        apply(cg,
              "{\"memory\":{\"limit\":104857600,\"swap\":209715200},\"cpu\":{\"shares\":2048,\"quota\":"
              "20000,"
              "\"period\":100000},\"pids\":{\"limit\":10},\"blockIO\":{\"weight\":1000,"
              "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":4096}]},"
              "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2097152}]}",
              false);
        assert_string_equal(get(f, LEAF "/memory.max"), "104857600");
        assert_string_equal(get(f, LEAF "/memory.swap.max"), "104857600");
        assert_string_equal(get(f, LEAF "/cpu.weight"), "174");
        assert_string_equal(get(f, LEAF "/cpu.max"), "20000 100000");
        assert_string_equal(get(f, LEAF "/pids.max"), "10");
        /* no BFQ file in this cgroup: the generic weight, converted */
        assert_string_equal(get(f, LEAF "/io.weight"), "10000");
        assert_false(exists(f, LEAF "/io.bfq.weight"));
        assert_string_equal(get(f, LEAF "/io.max"), "8:0 rbps=4096");
        assert_string_equal(get(f, LEAF "/hugetlb.2MB.max"), "2097152");
        /* controllers enabled from the root down to the parent, not in the leaf */
        assert_true(strchr(get(f, V2 "/cgroup.subtree_control"), '+') != NULL);
        assert_true(strchr(get(f, V2 "/husk-test/cgroup.subtree_control"), '+') != NULL);
        assert_false(exists(f, LEAF "/cgroup.subtree_control"));

        /* With BFQ there, its own file and scale. */
        put(f, LEAF "/io.bfq.weight", "100\n");
        apply(cg, "{\"blockIO\":{\"weight\":300}}", true);
        assert_string_equal(get(f, LEAF "/io.bfq.weight"), "300");

        /* unified: only existing files of available controllers */
        put(f, LEAF "/memory.high", "max\n");
        apply(cg, "{\"unified\":{\"memory.high\":\"2097152\"}}", false);
        assert_string_equal(get(f, LEAF "/memory.high"), "2097152");
        apply_fails(cg, "{\"unified\":{\"memory.nosuch\":\"1\"}}", false, -EINVAL,
                    "linux.resources.unified['memory.nosuch']: 'memory.nosuch' is not an interface file of "
                    "cgroup");
        apply_fails(cg, "{\"unified\":{\"foo.bar\":\"1\"}}", false, -EOPNOTSUPP,
                    "the 'foo' controller is not available in the cgroup2 hierarchy");
        assert_false(exists(f, LEAF "/foo.bar"));

        /* checkBeforeUpdate: refused below memory.current, on update only */
        put(f, LEAF "/memory.current", "8388608\n");
        apply_fails(cg, "{\"memory\":{\"limit\":4194304,\"checkBeforeUpdate\":true}}", true, -EBUSY,
                    "linux.resources.memory.limit: memory limit 4194304 is below the current usage 8388608");
        assert_string_equal(get(f, LEAF "/memory.max"), "104857600");
        apply(cg, "{\"memory\":{\"limit\":16777216,\"checkBeforeUpdate\":true}}", true);
        assert_string_equal(get(f, LEAF "/memory.max"), "16777216");

        /* a write the "kernel" refuses: the file, the value and why */
        assert_int_equal(mkdirat(cg->h[0].leaf_fd, "pids.max.d", 0755), 0);
        assert_int_equal(unlinkat(cg->h[0].leaf_fd, "pids.max", 0), 0);
        assert_int_equal(mkdirat(cg->h[0].leaf_fd, "pids.max", 0755), 0);
        apply_fails(cg, "{\"pids\":{\"limit\":3}}", true, -EISDIR,
                    "linux.resources.pids.limit: write '3' to '/sys/fs/cgroup/husk-test/abc/pids.max'");
        assert_int_equal(unlinkat(cg->h[0].leaf_fd, "pids.max", AT_REMOVEDIR), 0);
        assert_int_equal(unlinkat(cg->h[0].leaf_fd, "pids.max.d", AT_REMOVEDIR), 0);

        /* a controller missing from the hierarchy */
        put(f, V2 "/cgroup.controllers", "cpu memory\n");
        apply_fails(cg, "{\"pids\":{\"limit\":3}}", true, -EOPNOTSUPP,
                    "linux.resources.pids.limit: needs the 'pids' cgroup controller");

        struct error_info err = {0};
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

#define HY "/sys/fs/cgroup"

static void test_apply_hybrid(void **state)
{
        struct fixture *f = host_new("hybrid");
        put(f, HY "/unified/cgroup.controllers", "hugetlb\n");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");

        apply(cg,
              "{\"memory\":{\"limit\":104857600,\"swap\":209715200,\"swappiness\":0},"
              "\"cpu\":{\"shares\":512,\"quota\":20000,\"period\":50000,\"cpus\":\"2\"},\"pids\":{\"limit\":"
              "7},"
              "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2097152}],"
              "\"blockIO\":{\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":4096}]}}",
              false);
        assert_string_equal(get(f, HY "/memory/husk-test/abc/memory.limit_in_bytes"), "104857600");
        assert_string_equal(get(f, HY "/memory/husk-test/abc/memory.memsw.limit_in_bytes"), "209715200");
        assert_string_equal(get(f, HY "/memory/husk-test/abc/memory.swappiness"), "0");
        assert_string_equal(get(f, HY "/cpu/husk-test/abc/cpu.shares"), "512");
        assert_string_equal(get(f, HY "/cpu/husk-test/abc/cpu.cfs_quota_us"), "20000");
        assert_string_equal(get(f, HY "/cpu/husk-test/abc/cpu.cfs_period_us"), "50000");
        assert_string_equal(get(f, HY "/cpuset/husk-test/abc/cpuset.cpus"), "2");
        assert_string_equal(get(f, HY "/pids/husk-test/abc/pids.max"), "7");
        assert_string_equal(get(f, HY "/blkio/husk-test/abc/blkio.throttle.write_bps_device"), "8:0 4096");
        /* no v1 hugetlb here: it goes to the unified hierarchy, enabled on the way down */
        assert_string_equal(get(f, HY "/unified/husk-test/abc/hugetlb.2MB.max"), "2097152");
        assert_string_equal(get(f, HY "/unified/cgroup.subtree_control"), "+hugetlb");
        assert_string_equal(get(f, HY "/unified/husk-test/cgroup.subtree_control"), "+hugetlb");

        /* unified keys need their controller in the cgroup2 hierarchy */
        apply_fails(
                cg, "{\"unified\":{\"memory.high\":\"1\"}}", false, -EOPNOTSUPP,
                "the 'memory' controller is not available in the cgroup2 hierarchy '/sys/fs/cgroup/unified' "
                "(it has: hugetlb)");
        /* v2-only refusals do not apply to v1 controllers */
        apply(cg, "{\"cpu\":{\"realtimeRuntime\":1000,\"realtimePeriod\":100000}}", false);
        assert_string_equal(get(f, HY "/cpu/husk-test/abc/cpu.rt_runtime_us"), "1000");
        /* a controller this host lacks entirely */
        apply_fails(cg, "{\"network\":{\"classID\":1}}", false, -EOPNOTSUPP, "net_cls");

        struct error_info err = {0};
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

#define MEM HY "/memory/husk-test/abc"

/*
 * memory.limit_in_bytes must never exceed memory.memsw.limit_in_bytes: raising, memsw goes
 * first; lowering, the limit goes first.  A memsw file that cannot be written shows the order:
 * the limit has been written before it or not.
 */
static void test_memsw_order(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");
        int fd = cgroup_v1_leaf_fd(cg, "memory");

        assert_true(fd >= 0);
        put(f, MEM "/memory.limit_in_bytes", "104857600\n");
        assert_int_equal(mkdirat(fd, "memory.memsw.limit_in_bytes", 0755), 0);
        /* raising: memsw first, so the limit is untouched when memsw fails */
        apply_fails(cg, "{\"memory\":{\"limit\":209715200,\"swap\":419430400}}", true, -EISDIR,
                    "memory.memsw.limit_in_bytes");
        assert_string_equal(get(f, MEM "/memory.limit_in_bytes"), "104857600");
        /* lowering: the limit first */
        apply_fails(cg, "{\"memory\":{\"limit\":52428800,\"swap\":62914560}}", true, -EISDIR,
                    "memory.memsw.limit_in_bytes");
        assert_string_equal(get(f, MEM "/memory.limit_in_bytes"), "52428800");
        /* unlimited swap counts as raising */
        put(f, MEM "/memory.limit_in_bytes", "104857600\n");
        apply_fails(cg, "{\"memory\":{\"limit\":52428800,\"swap\":-1}}", true, -EISDIR,
                    "memory.memsw.limit_in_bytes");
        assert_string_equal(get(f, MEM "/memory.limit_in_bytes"), "104857600");
        assert_int_equal(unlinkat(fd, "memory.memsw.limit_in_bytes", AT_REMOVEDIR), 0);

        struct error_info err = {0};
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

static void test_apply_v1_only(void **state)
{
        struct fixture *f = host_new("v1");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");

        apply(cg, "{\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"lo\",\"priority\":3}]}}",
              false);
        assert_string_equal(get(f, "/sys/fs/cgroup/net_cls,net_prio/husk-test/abc/net_cls.classid"),
                            "1048577");
        assert_string_equal(get(f, "/sys/fs/cgroup/net_cls,net_prio/husk-test/abc/net_prio.ifpriomap"),
                            "lo 3");
        apply(cg, "{\"memory\":{\"disableOOMKiller\":true}}", false);
        assert_string_equal(get(f, "/sys/fs/cgroup/memory/husk-test/abc/memory.oom_control"), "1");
        apply_fails(cg, "{\"unified\":{\"pids.max\":\"1\"}}", false, -EOPNOTSUPP,
                    "needs a cgroup2 hierarchy");
        apply_fails(cg, "{\"blockIO\":{\"weight\":100}}", false, -EOPNOTSUPP,
                    "needs the 'blkio' cgroup controller");

        struct error_info err = {0};
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

/* ---- freezer ---- */

static void test_freeze_v1(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");
        struct error_info err = {0};
        bool frozen = true;

        put(f, HY "/freezer/husk-test/abc/freezer.state", "THAWED\n");
        assert_int_equal(cgroup_is_frozen(cg, &frozen, &err), 0);
        assert_false(frozen);
        assert_int_equal(cgroup_freeze(cg, true, &err), 0);
        assert_string_equal(get(f, HY "/freezer/husk-test/abc/freezer.state"), "FROZEN");
        assert_int_equal(cgroup_is_frozen(cg, &frozen, &err), 0);
        assert_true(frozen);
        assert_int_equal(cgroup_freeze(cg, false, &err), 0);
        assert_string_equal(get(f, HY "/freezer/husk-test/abc/freezer.state"), "THAWED");
        /* the unified hierarchy's freezer is not used when v1 has one */
        assert_false(exists(f, HY "/unified/husk-test/abc/cgroup.freeze"));
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

static void test_freeze_v2(void **state)
{
        struct fixture *f = host_new("v2");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");
        struct error_info err = {0};
        bool frozen = false;

        /* The fake cgroup.events says frozen already: the wait ends at once. */
        put(f, LEAF "/cgroup.events", "populated 1\nfrozen 1\n");
        assert_int_equal(cgroup_freeze(cg, true, &err), 0);
        assert_string_equal(get(f, LEAF "/cgroup.freeze"), "1");
        assert_int_equal(cgroup_is_frozen(cg, &frozen, &err), 0);
        assert_true(frozen);
        put(f, LEAF "/cgroup.events", "populated 1\nfrozen 0\n");
        assert_int_equal(cgroup_freeze(cg, false, &err), 0);
        assert_string_equal(get(f, LEAF "/cgroup.freeze"), "0");
        assert_int_equal(cgroup_is_frozen(cg, &frozen, &err), 0);
        assert_false(frozen);

        /* cgroup.kill where the kernel has it */
        assert_int_equal(cgroup_kill_all(cg, &err), 0);
        assert_string_equal(get(f, LEAF "/cgroup.kill"), "1");
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

/* ---- statistics ---- */

static void test_stats_v2(void **state)
{
        struct fixture *f = host_new("v2");
        put(f, V2 "/cgroup.controllers", "cpu io memory hugetlb pids\n");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");
        _cleanup_free_ char *json = NULL;
        struct error_info err = {0};
        struct spec_stats s;

        put(f, LEAF "/cpu.stat",
            "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 4\n"
            "nr_throttled 2\nthrottled_usec 30\n");
        put(f, LEAF "/memory.current", "1048576\n");
        put(f, LEAF "/memory.max", "max\n");
        put(f, LEAF "/memory.peak", "2097152\n");
        put(f, LEAF "/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        put(f, LEAF "/memory.stat", "anon 4096\nfile 8192\n");
        put(f, LEAF "/pids.current", "3\n");
        put(f, LEAF "/pids.max", "max\n");
        put(f, LEAF "/io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
        put(f, LEAF "/hugetlb.2MB.max", "2097152\n");
        put(f, LEAF "/hugetlb.2MB.current", "0\n");
        put(f, LEAF "/hugetlb.2MB.rsvd.max", "max\n");

        assert_int_equal(cgroup_stats(cg, &s, &err), 0);
        assert_int_equal(s.cpu.total, 1500000);
        assert_int_equal(s.cpu.user, 1000000);
        assert_int_equal(s.cpu.kernel, 500000);
        assert_int_equal(s.cpu.throttled_periods, 2);
        assert_int_equal(s.cpu.throttled_time, 30000);
        assert_int_equal(s.memory.usage.usage, 1048576);
        assert_true(s.memory.usage.limit == UINT64_MAX);
        assert_int_equal(s.memory.usage.max, 2097152);
        assert_int_equal(s.memory.usage.failcnt, 3);
        assert_int_equal(s.memory.cache, 8192);
        assert_int_equal(s.memory.n_raw, 2);
        assert_int_equal(s.pids.current, 3);
        assert_int_equal(s.pids.limit, 0);
        assert_int_equal(s.blkio.n_service_bytes, 2);
        assert_int_equal(s.blkio.service_bytes[1].value, 200);
        assert_string_equal(s.blkio.service_bytes[1].op, "Write");
        assert_int_equal(s.n_hugetlb, 1);
        assert_string_equal(s.hugetlb[0].page_size, "2MB");

        assert_int_equal(spec_event_encode("stats", "abc", &s, &json), 0);
        assert_non_null(strstr(json, "{\"type\":\"stats\",\"id\":\"abc\",\"data\":{"));
        assert_non_null(strstr(json, "\"usage\":{\"limit\":9223372036854775807,\"usage\":1048576,"
                                     "\"max\":2097152,\"failcnt\":3}"));
        assert_non_null(strstr(json, "\"pids\":{\"current\":3,\"limit\":0}"));
        assert_non_null(strstr(json, "\"raw\":{\"anon\":4096,\"file\":8192}"));
        assert_non_null(strstr(json, "{\"major\":8,\"minor\":0,\"op\":\"Read\",\"value\":100}"));
        assert_non_null(strstr(json, "\"hugetlb\":{\"2MB\":{"));
        spec_stats_done(&s);
        free(json);
        json = NULL;
        assert_int_equal(spec_event_encode("oom", "abc", NULL, &json), 0);
        assert_string_equal(json, "{\"type\":\"oom\",\"id\":\"abc\"}");

        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

static void test_stats_hybrid(void **state)
{
        struct fixture *f = host_new("hybrid");
        _cleanup_(cgroup_freep) struct cgroup *cg = create("/husk-test/abc");
        struct error_info err = {0};
        struct spec_stats s;

        put(f, HY "/cpuacct/husk-test/abc/cpuacct.usage", "123456789\n");
        put(f, HY "/cpuacct/husk-test/abc/cpuacct.usage_percpu", "100000000 23456789 \n");
        put(f, HY "/cpuacct/husk-test/abc/cpuacct.stat", "user 5\nsystem 2\n");
        put(f, HY "/cpu/husk-test/abc/cpu.stat", "nr_periods 10\nnr_throttled 1\nthrottled_time 777\n");
        put(f, MEM "/memory.usage_in_bytes", "4096\n");
        put(f, MEM "/memory.limit_in_bytes", "8192\n");
        put(f, MEM "/memory.failcnt", "6\n");
        put(f, MEM "/memory.stat", "cache 10\ntotal_cache 20\n");
        put(f, HY "/pids/husk-test/abc/pids.current", "2\n");
        put(f, HY "/pids/husk-test/abc/pids.max", "9\n");
        put(f, HY "/blkio/husk-test/abc/blkio.throttle.io_service_bytes_recursive",
            "8:0 Read 11\n8:0 Write 22\nTotal 33\n");

        assert_int_equal(cgroup_stats(cg, &s, &err), 0);
        assert_int_equal(s.cpu.total, 123456789);
        assert_int_equal(s.cpu.n_percpu, 2);
        assert_int_equal(s.cpu.percpu[1], 23456789);
        assert_int_equal(s.cpu.user, 50000000);
        assert_int_equal(s.cpu.kernel, 20000000);
        assert_int_equal(s.cpu.throttled_time, 777);
        assert_int_equal(s.memory.usage.usage, 4096);
        assert_int_equal(s.memory.usage.limit, 8192);
        assert_int_equal(s.memory.usage.failcnt, 6);
        assert_int_equal(s.memory.cache, 20);
        assert_int_equal(s.pids.current, 2);
        assert_int_equal(s.pids.limit, 9);
        assert_int_equal(s.blkio.n_service_bytes, 2);
        assert_int_equal(s.blkio.service_bytes[0].value, 11);
        spec_stats_done(&s);
        assert_int_equal(cgroup_destroy(cg, &err), 0);
        host_free(f);
}

/* ---- update's resources file ---- */

static void test_resources_parse(void **state)
{
        struct spec_resources *r = NULL;
        struct error_info err = {0};

        assert_int_equal(spec_resources_parse("{\"memory\":{\"limit\":\"x\"}}", "stdin", &r, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "stdin: memory.limit"));
        assert_null(r);
        assert_int_equal(spec_resources_parse("[1]", "r.json", &r, &err), -EINVAL);
        assert_int_equal(spec_resources_parse("{\"pids\":{\"limit\":5}}", "r.json", &r, &err), 0);
        assert_true(r->has_pids_limit);
        assert_int_equal(r->pids_limit, 5);
        spec_resources_free(r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shares_to_weight),
                cmocka_unit_test(test_blkio_weight),
                cmocka_unit_test(test_swap_v2),
                cmocka_unit_test(test_unified_keys),
                cmocka_unit_test(test_plan_v2),
                cmocka_unit_test(test_plan_v1),
                cmocka_unit_test(test_plan_refusals),
                cmocka_unit_test_teardown(test_apply_v2, teardown),
                cmocka_unit_test_teardown(test_apply_hybrid, teardown),
                cmocka_unit_test_teardown(test_memsw_order, teardown),
                cmocka_unit_test_teardown(test_apply_v1_only, teardown),
                cmocka_unit_test_teardown(test_freeze_v1, teardown),
                cmocka_unit_test_teardown(test_freeze_v2, teardown),
                cmocka_unit_test_teardown(test_stats_v2, teardown),
                cmocka_unit_test_teardown(test_stats_hybrid, teardown),
                cmocka_unit_test(test_resources_parse),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
