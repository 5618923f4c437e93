/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * specs/: config.json parsing, the `husk spec` template and `husk features`.
 *
 * The corpus lives in $HUSK_FIXTURES (default tests/fixtures, as make runs
 * tests from the repository root):
 *   valid/NAME.json      must parse; some get their values spot-checked below
 *   invalid/NAME.json    must be refused with exactly the line in invalid/NAME.err
 * Each file becomes one test, so adding a pair of files adds a case.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/fs.h"
#include "specs/spec.h"

static const char *fixtures_dir(void)
{
        const char *dir = getenv("HUSK_FIXTURES");

        return dir && dir[0] ? dir : "tests/fixtures";
}

static char *read_fixture(const char *rel)
{
        char path[4096];
        char *text = NULL;

        snprintf(path, sizeof path, "%s/%s", fixtures_dir(), rel);
        if (read_file_alloc(AT_FDCWD, path, &text, NULL) < 0)
                fail_msg("cannot read fixture '%s': %s", path, strerror(errno));
        return text;
}

static struct spec *parse_ok(const char *text)
{
        struct error_info err = {0};
        struct spec *s = NULL;
        int r = spec_parse(text, "config.json", &s, &err);

        if (r < 0)
                fail_msg("unexpected error %d: %s", r, err.msg);
        assert_non_null(s);
        return s;
}

static struct spec *parse_fixture(const char *rel)
{
        char *text = read_fixture(rel);
        struct spec *s = parse_ok(text);

        free(text);
        return s;
}

static void expect_error(const char *text, const char *name, const char *expected)
{
        struct error_info err = {0};
        struct spec *s = NULL;
        int r = spec_parse(text, name, &s, &err);

        assert_int_equal(r, -EINVAL);
        assert_null(s);
        assert_int_equal(err.errnum, EINVAL);
        assert_true(err.has_reason); /* printed as is, without strerror */
        assert_string_equal(err.msg, expected);
}

/* ---- spot checks of the valid corpus ----------------------------------- */

static void check_runc_default(const struct spec *s)
{
        assert_string_equal(s->oci_version, "1.0.2-dev");
        assert_string_equal(s->root_path, "rootfs");
        assert_true(s->root_readonly);
        assert_string_equal(s->hostname, "runc");
        assert_int_equal(s->n_mounts, 7);
        assert_null(s->mounts[0].options);
        assert_int_equal(s->mounts[2].n_options, 6);
        assert_string_equal(s->mounts[2].options[5], "gid=5");
        assert_null(s->mounts[2].options[6]);
        assert_true(s->process->terminal);
        assert_string_equal(s->process->args[0], "sh");
        assert_null(s->process->args[1]);
        assert_int_equal(s->process->rlimits[0].resource, RLIMIT_NOFILE);
        assert_int_equal(s->process->capabilities->n_ambient, 3);
        assert_null(s->process->capabilities->inheritable);
        assert_int_equal(s->linux->n_namespaces, 6);
        assert_non_null(spec_find_namespace(s, SPEC_NS_CGROUP));
        assert_null(spec_find_namespace(s, SPEC_NS_USER));
        assert_false(s->linux->resources->devices[0].allow);
        assert_string_equal(s->linux->resources->devices[0].access, "rwm");
        assert_null(s->linux->resources->devices[0].type);
        assert_int_equal(s->linux->n_masked_paths, 10);
}

static void check_runc_rootless(const struct spec *s)
{
        const struct spec_namespace *user = spec_find_namespace(s, SPEC_NS_USER);

        assert_non_null(user);
        assert_null(user->path);
        assert_null(spec_find_namespace(s, SPEC_NS_NETWORK));
        assert_int_equal(s->linux->n_uid_mappings, 1);
        assert_int_equal(s->linux->uid_mappings[0].host_id, 1000);
        assert_int_equal(s->linux->gid_mappings[0].size, 1);
        assert_null(s->linux->resources);
        assert_string_equal(s->mounts[5].type, "none");
        assert_string_equal(s->mounts[5].options[0], "rbind");
}

static void check_minimal(const struct spec *s)
{
        assert_string_equal(s->oci_version, "1.0.0");
        assert_false(s->root_readonly);
        assert_null(s->process);
        assert_null(s->linux);
        assert_int_equal(s->n_mounts, 0);
        assert_null(s->hostname);
        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++)
                assert_int_equal(s->hooks.n_hooks[k], 0);
}

static void check_full_process(const struct spec_process *p)
{
        assert_true(p->has_console_size);
        assert_int_equal(p->console_height, 24);
        assert_int_equal(p->console_width, 80);
        assert_int_equal(p->user.uid, 1000);
        assert_true(p->user.has_umask);
        assert_int_equal(p->user.umask, 022);
        assert_int_equal(p->user.n_additional_gids, 3);
        assert_int_equal(p->user.additional_gids[2], 4294967294u);
        assert_string_equal(p->user.username, "app");
        assert_int_equal(p->n_args, 3);
        assert_string_equal(p->args[2], "");
        assert_string_equal(p->command_line, "app.exe --serve");
        assert_string_equal(p->env[2], "EQUALS=a=b");
        assert_string_equal(p->cwd, "/home/app");
        assert_int_equal(p->capabilities->n_inheritable, 0);
        assert_non_null(p->capabilities->inheritable);
        assert_string_equal(p->capabilities->ambient[0], "CAP_NET_RAW");
        assert_int_equal(p->n_rlimits, 3);
        assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
        assert_true(p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == UINT64_MAX);
        assert_int_equal(p->rlimits[0].hard, 1048576);
        assert_true(p->no_new_privileges);
        assert_string_equal(p->apparmor_profile, "husk-default");
        assert_true(p->has_oom_score_adj);
        assert_int_equal(p->oom_score_adj, -500);
        assert_int_equal(p->scheduler->policy_value, 3); /* SCHED_BATCH */
        assert_true(p->scheduler->has_nice);
        assert_int_equal(p->scheduler->nice, -5);
        assert_int_equal(p->scheduler->n_flags, 2);
        assert_int_equal(p->scheduler->period, 300);
        assert_int_equal(p->io_priority->class_value, 2); /* IOPRIO_CLASS_BE */
        assert_int_equal(p->io_priority->priority, 4);
        assert_string_equal(p->exec_cpu_affinity_initial, "0-3, 7");
        assert_string_equal(p->exec_cpu_affinity_final, "1,3");
}

static void check_full_hooks(const struct spec *s)
{
        const struct spec_hooks *h = &s->hooks;

        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++)
                assert_true(h->n_hooks[k] >= 1);
        assert_int_equal(h->n_hooks[SPEC_HOOK_CREATE_RUNTIME], 2);
        assert_string_equal(h->hooks[SPEC_HOOK_PRESTART][0].args[1], "-v");
        assert_true(h->hooks[SPEC_HOOK_PRESTART][0].has_timeout);
        assert_int_equal(h->hooks[SPEC_HOOK_PRESTART][0].timeout, 5);
        assert_false(h->hooks[SPEC_HOOK_CREATE_RUNTIME][0].has_timeout);
        assert_int_equal(h->hooks[SPEC_HOOK_START_CONTAINER][0].n_env, 2);
        assert_int_equal(h->hooks[SPEC_HOOK_POSTSTOP][0].timeout, 30);
        assert_int_equal(h->hooks[SPEC_HOOK_POSTSTART][0].timeout, 2147483647);
}

static void check_full_resources(const struct spec_resources *r)
{
        assert_int_equal(r->n_devices, 4);
        assert_true(r->devices[2].has_major);
        assert_false(r->devices[2].has_minor);
        assert_null(r->devices[3].access);
        assert_int_equal(r->memory->limit, 536870912);
        assert_int_equal(r->memory->kernel, -1);
        assert_true(r->memory->has_swappiness);
        assert_int_equal(r->memory->swappiness, 60);
        assert_true(r->memory->has_disable_oom_killer);
        assert_true(r->memory->check_before_update);
        assert_int_equal(r->cpu->burst, 1000000);
        assert_true(r->cpu->has_realtime_runtime);
        assert_int_equal(r->cpu->realtime_period, 1000000);
        assert_string_equal(r->cpu->mems, "0-7");
        assert_true(r->cpu->has_idle);
        assert_true(r->has_pids_limit);
        assert_int_equal(r->pids_limit, 32771);
        assert_int_equal(r->block_io->weight, 10);
        assert_int_equal(r->block_io->n_weight_device, 2);
        assert_false(r->block_io->weight_device[1].has_leaf_weight);
        assert_int_equal(r->block_io->throttle_write_iops[0].rate, 300);
        assert_string_equal(r->hugepage_limits[1].page_size, "64KB");
        assert_int_equal(r->network->class_id, 1048577);
        assert_string_equal(r->network->priorities[1].name, "eth1");
        assert_int_equal(r->n_rdma, 2);
        assert_string_equal(r->rdma[1].device, "mlx4_0");
        assert_false(r->rdma[1].has_hca_handles);
        assert_int_equal(r->n_unified, 2);
        assert_string_equal(r->unified[1].key, "hugetlb.1GB.max");
}

static void check_full_seccomp(const struct spec_seccomp *sc)
{
        assert_string_equal(sc->default_action, "SCMP_ACT_ERRNO");
        assert_true(sc->has_default_errno_ret);
        assert_int_equal(sc->default_errno_ret, 38);
        assert_int_equal(sc->n_architectures, 3);
        assert_int_equal(sc->n_flags, 2);
        assert_string_equal(sc->listener_path, "/run/seccomp-agent.sock");
        assert_string_equal(sc->listener_metadata, "MKNOD=/dev/null");
        assert_int_equal(sc->n_syscalls, 4);
        assert_string_equal(sc->syscalls[0].names[3], "not_a_syscall_yet");
        assert_int_equal(sc->syscalls[1].n_args, 2);
        assert_int_equal(sc->syscalls[1].args[1].index, 5);
        assert_true(sc->syscalls[1].args[1].value_two == UINT64_MAX);
        assert_string_equal(sc->syscalls[1].args[1].op, "SCMP_CMP_MASKED_EQ");
        assert_false(sc->syscalls[2].has_errno_ret);
        assert_int_equal(sc->syscalls[3].errno_ret, 1);
}

static void check_full_linux(const struct spec_linux *l)
{
        assert_int_equal(l->n_namespaces, 8);
        assert_string_equal(l->namespaces[3].path, "/proc/1/ns/ipc");
        assert_int_equal(l->n_uid_mappings, 2);
        assert_int_equal(l->uid_mappings[1].container_id, 65536);
        assert_true(l->time_monotonic.present);
        assert_int_equal(l->time_monotonic.nanosecs, 500);
        assert_int_equal(l->time_boottime.secs, -3600);
        assert_int_equal(l->n_devices, 4);
        assert_true(l->devices[0].has_file_mode);
        assert_int_equal(l->devices[0].file_mode, 0666);
        assert_false(l->devices[1].has_uid);
        assert_string_equal(l->devices[3].type, "p");
        assert_int_equal(l->n_net_devices, 2);
        assert_string_equal(l->net_devices[0].host_name, "dummy0");
        assert_string_equal(l->net_devices[0].name, "eth1");
        assert_null(l->net_devices[1].name);
        assert_string_equal(l->cgroups_path, "/husk/full");
        check_full_resources(l->resources);
        assert_string_equal(l->intel_rdt->clos_id, "guaranteed_group");
        assert_string_equal(l->intel_rdt->schemata[0], "L2:0=f;1=f");
        assert_true(l->intel_rdt->enable_monitoring && l->intel_rdt->enable_cmt);
        assert_string_equal(l->memory_policy->mode, "MPOL_INTERLEAVE");
        assert_string_equal(l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
        assert_string_equal(l->sysctl[0].key, "net.ipv4.ip_forward");
        assert_string_equal(l->sysctl[1].value, "256");
        check_full_seccomp(l->seccomp);
        assert_string_equal(l->rootfs_propagation, "rslave");
        assert_string_equal(l->readonly_paths[0], "/proc/sys");
        assert_string_equal(l->mount_label, "system_u:object_r:container_file_t:s0:c1,c2");
        assert_string_equal(l->personality->domain, "LINUX32");
        assert_int_equal(l->personality->n_flags, 0);
}

static void check_full(const struct spec *s)
{
        assert_string_equal(s->oci_version, "1.3.0");
        assert_string_equal(s->mounts[1].destination, "data");
        assert_int_equal(s->mounts[1].uid_mappings[0].host_id, 100000);
        assert_int_equal(s->mounts[1].gid_mappings[0].host_id, 200000);
        assert_int_equal(s->mounts[2].n_options, 0);
        assert_string_equal(s->domainname, "example.org");
        assert_string_equal(spec_annotation(s, "io.example.count"), "3");
        assert_string_equal(spec_annotation(s, "io.example.empty"), "");
        assert_null(spec_annotation(s, "io.example.missing"));
        check_full_process(s->process);
        check_full_hooks(s);
        check_full_linux(s->linux);
}

static void check_podman(const struct spec *s)
{
        assert_string_equal(s->oci_version, "1.1.0+dev");
        assert_int_equal(s->process->user.n_additional_gids, 11);
        /* (uint64) -1 means "not set" */
        assert_false(s->linux->resources->memory->has_swappiness);
        assert_int_equal(s->linux->resources->pids_limit, 2048);
        assert_string_equal(spec_find_namespace(s, SPEC_NS_NETWORK)->path, "/run/netns/netns-1c7e4a61");
        assert_int_equal(s->linux->seccomp->n_syscalls, 9);
        assert_int_equal(s->linux->seccomp->syscalls[8].n_args, 2);
        assert_string_equal(spec_annotation(s, "io.container.manager"), "libpod");
}

static void check_containerd(const struct spec *s)
{
        assert_int_equal(s->process->user.uid, 65535);
        assert_int_equal(s->process->oom_score_adj, -998);
        assert_int_equal(s->linux->resources->memory->limit, -1);
        assert_int_equal(s->linux->resources->cpu->shares, 2);
        assert_string_equal(s->linux->cgroups_path,
                            "kubepods-besteffort-pod5e6f7a8b.slice:cri-containerd:9f1c3e5a7b");
        assert_int_equal(s->n_annotations, 10);
}

static const struct {
        const char *file;
        void (*check)(const struct spec *s);
} spot_checks[] = {
        {"runc-default.json", check_runc_default},
        {"runc-rootless.json", check_runc_rootless},
        {"minimal.json", check_minimal},
        {"full.json", check_full},
        {"podman.json", check_podman},
        {"containerd.json", check_containerd},
};

/* ---- one test per fixture -------------------------------------------- */

static void test_valid_fixture(void **state)
{
        const char *file = *state;
        char rel[512];
        struct spec *s;

        snprintf(rel, sizeof rel, "valid/%s", file);
        s = parse_fixture(rel);
        for (size_t i = 0; i < sizeof spot_checks / sizeof spot_checks[0]; i++)
                if (strcmp(spot_checks[i].file, file) == 0)
                        spot_checks[i].check(s);
        spec_free(s);
}

static void test_invalid_fixture(void **state)
{
        const char *file = *state;
        char rel[512];
        char *text, *expected;
        size_t len;

        snprintf(rel, sizeof rel, "invalid/%s", file);
        text = read_fixture(rel);
        len = strlen(rel);
        snprintf(rel + len - strlen("json"), sizeof rel - len + 4, "err");
        expected = read_fixture(rel);
        expected[strcspn(expected, "\n")] = '\0';
        expect_error(text, "config.json", expected);
        free(text);
        free(expected);
}

/* ---- the API around the parser --------------------------------------- */

static void test_namespace_names(void **state)
{
        (void) state;
        for (int t = 0; t < _SPEC_NS_MAX; t++)
                assert_int_equal(spec_namespace_from_name(spec_namespace_name(t)), t);
        assert_string_equal(spec_namespace_name(SPEC_NS_NETWORK), "network");
        assert_int_equal(spec_namespace_from_name("net"), -1);
        assert_int_equal(spec_namespace_from_name(NULL), -1);
        assert_null(spec_namespace_name(_SPEC_NS_MAX));
        assert_null(spec_find_namespace(NULL, SPEC_NS_PID));
        spec_free(NULL);
}

/* More additional gids than setgroups(2) takes: refused, not cut short. */
static void test_additional_gids_bound(void **state)
{
        const size_t n = NGROUPS_MAX + 1;
        char *text = malloc(n * 8 + 256);
        size_t used;

        assert_non_null(text);
        used = (size_t) sprintf(text, "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
                                      "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
                                      "\"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [");
        for (size_t i = 0; i < n; i++)
                used += (size_t) sprintf(text + used, "%s%zu", i ? "," : "", i % 1000);
        sprintf(text + used, "]}}}");
        expect_error(text, "config.json",
                     "config.json: process.user.additionalGids: 65537 entries, more than the kernel's limit of 65536");
        free(text);
}

static void test_load_missing_file(void **state)
{
        struct error_info err = {0};
        struct spec *s = NULL;

        (void) state;
        assert_int_equal(spec_load("/nonexistent/husk/config.json", &s, &err), -ENOENT);
        assert_null(s);
        assert_int_equal(err.errnum, ENOENT);
        assert_false(err.has_reason); /* the caller appends strerror */
        assert_string_equal(err.msg, "open '/nonexistent/husk/config.json'");
}

/* spec_load names the file by its base name in messages. */
static void test_load_names_file(void **state)
{
        struct error_info err = {0};
        struct spec *s = NULL;
        char path[4096];

        (void) state;
        snprintf(path, sizeof path, "%s/invalid/version-major-2.json", fixtures_dir());
        assert_int_equal(spec_load(path, &s, &err), -EINVAL);
        assert_string_equal(err.msg,
                            "version-major-2.json: ociVersion: '2.0.0' is not supported (need 1.x.y)");
        snprintf(path, sizeof path, "%s/valid/full.json", fixtures_dir());
        assert_int_equal(spec_load(path, &s, &err), 0);
        assert_string_equal(s->hostname, "full");
        spec_free(s);
}

static void test_syntax_errors(void **state)
{
        (void) state;
        expect_error("", "config.json",
                     "config.json: line 1, column 0: '[' or '{' expected near end of file");
        expect_error("[]", "config.json", "config.json: must hold a JSON object");
        expect_error("{\"ociVersion\": \"1.0.0\",\n \"root\": {\"path\": \"rootfs\"}\n", "config.json",
                     "config.json: line 3, column 0: '}' expected near end of file");
        /* Below INT64_MIN: not something the quoting of big integers can help. */
        expect_error("{\"ociVersion\": \"1.0.0\", \"x\": -99999999999999999999}", "config.json",
                     "config.json: line 1, column 50: too big negative integer");
}

/* Integers above INT64_MAX are read exactly; strings that look like them are left alone. */
static void test_big_integers(void **state)
{
        static const char text[] =
                "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
                " \"annotations\": {\"big\": \"99999999999999999999\", \"esc\\\"\": \"1\\\" "
                "18446744073709551615\"},"
                " \"process\": {\"args\": [\"a\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0},"
                "  \"rlimits\": [{\"type\": \"RLIMIT_AS\", \"soft\": 9223372036854775808,"
                "                \"hard\": 18446744073709551615}]},"
                " \"x\": [1e300, 12345678901234567890.5]}";
        struct spec *s = parse_ok(text);

        (void) state;
        assert_true(s->process->rlimits[0].soft == (uint64_t) INT64_MAX + 1);
        assert_true(s->process->rlimits[0].hard == UINT64_MAX);
        assert_string_equal(spec_annotation(s, "big"), "99999999999999999999");
        assert_string_equal(spec_annotation(s, "esc\""), "1\" 18446744073709551615");
        spec_free(s);
        expect_error("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": 18446744073709551615}}",
                     "config.json", "config.json: root.path: must be a string");
        expect_error(
                "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
                " \"process\": {\"args\": [\"a\"], \"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0},"
                " \"oomScoreAdj\": 18446744073709551615}}",
                "config.json",
                "config.json: process.oomScoreAdj: 18446744073709551615 is out of range (-1000 to 1000)");
}

/*
 * The mark spec_quote_big_integers() puts on a number is a string a config can hold too
 * ("\u0001u64:..."): written as a string, it is a string, never a number.
 */
static void test_big_integer_mark_forged(void **state)
{
        static const char head[] = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
                                   " \"process\": {\"args\": [\"a\"], \"cwd\": \"/\", \"user\": ";
        static const char *const users[] = {
                "{\"uid\": \"\\u0001u64:x\", \"gid\": 0}}}",
                "{\"uid\": 0, \"gid\": \"\\u0001u64:\"}}}",
                "{\"uid\": \"\\u0001u64:18446744073709551615\", \"gid\": 0}}}",
                /* with a real big number elsewhere, so the text is quoted */
                "{\"uid\": \"\\u0001u64: 7\", \"gid\": 0}, \"x\": 18446744073709551615}}",
        };
        char text[512];
        struct spec *s;

        (void) state;
        for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
                snprintf(text, sizeof text, "%s%s", head, users[i]);
                expect_error(text, "config.json",
                             strstr(users[i], "\"gid\": \"")
                                     ? "config.json: process.user.gid: must be an integer"
                                     : "config.json: process.user.uid: must be an integer");
        }
        snprintf(text, sizeof text, "%s%s", head,
                 "{\"uid\": 0, \"gid\": 0}}, \"annotations\": {\"a\": \"\\u0001u64:5\"}}");
        s = parse_ok(text);
        assert_string_equal(spec_annotation(s, "a"), "\001u64:5");
        spec_free(s);
}

/* JSON null stands for "absent", as in Go's encoding/json. */
static void test_null_is_absent(void **state)
{
        struct spec *s =
                parse_ok("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\", \"readonly\": null},"
                         " \"process\": null, \"linux\": {\"resources\": null, \"namespaces\": null}}");

        (void) state;
        assert_null(s->process);
        assert_non_null(s->linux);
        assert_null(s->linux->resources);
        assert_int_equal(s->linux->n_namespaces, 0);
        spec_free(s);
}

static void test_semver(void **state)
{
        static const char *const good[] = {"1.0.0", "1.2.3", "1.0.2-dev", "1.1.0+dev", "1.10.100-rc.1+b"};
        static const char *const bad[] = {"1", "1.0", "1.0.0.0", "01.0.0", "1.0.0-", "v1.0.0", "1.a.0", ""};
        char text[256], msg[256];

        (void) state;
        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
                snprintf(text, sizeof text, "{\"ociVersion\": \"%s\", \"root\": {\"path\": \"r\"}}",
                         good[i]);
                spec_free(parse_ok(text));
        }
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                snprintf(text, sizeof text, "{\"ociVersion\": \"%s\", \"root\": {\"path\": \"r\"}}", bad[i]);
                snprintf(msg, sizeof msg,
                         "config.json: ociVersion: '%s' is not a semantic version (need 1.x.y)", bad[i]);
                expect_error(text, "config.json", msg);
        }
}

static void test_process_json(void **state)
{
        struct error_info err = {0};
        struct spec_process *p = NULL;

        (void) state;
        assert_int_equal(spec_process_parse("{\"args\": [\"sh\"], \"cwd\": \"/\", \"terminal\": true,"
                                            " \"user\": {\"uid\": 5, \"gid\": 6}}",
                                            "process.json", &p, &err),
                         0);
        assert_true(p->terminal);
        assert_int_equal(p->user.gid, 6);
        spec_process_free(p);
        p = NULL;
        assert_int_equal(spec_process_parse("{\"args\": [\"sh\"], \"user\": {\"uid\": 5, \"gid\": 6}}",
                                            "process.json", &p, &err),
                         -EINVAL);
        assert_null(p);
        assert_string_equal(err.msg, "process.json: cwd: required");
}

/* ---- template and features ------------------------------------------- */

/* The text is what jansson writes back after reading it: stable, 2-space indented. */
static void assert_round_trip(const char *text)
{
        json_error_t jerr;
        json_t *j = json_loads(text, 0, &jerr);
        char *again;

        assert_non_null(j);
        again = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        assert_string_equal(again, text);
        free(again);
        json_decref(j);
}

static void test_template_default(void **state)
{
        char *text = NULL;
        struct spec *s;

        (void) state;
        assert_int_equal(spec_template(false, true, 1000, 1000, &text), 0);
        assert_non_null(strstr(text, "\n  \"process\": {\n    \"terminal\": true,"));
        assert_round_trip(text);
        s = parse_ok(text);
        assert_string_equal(s->oci_version, "1.2.0");
        assert_string_equal(s->hostname, "husk");
        assert_string_equal(s->root_path, "rootfs");
        assert_true(s->root_readonly);
        assert_string_equal(s->process->args[0], "sh");
        assert_string_equal(s->process->env[1], "TERM=xterm");
        assert_int_equal(s->process->capabilities->n_bounding, 3);
        assert_null(s->process->capabilities->ambient);
        assert_int_equal(s->process->rlimits[0].soft, 1024);
        assert_true(s->process->no_new_privileges);
        assert_int_equal(s->n_mounts, 7);
        assert_string_equal(s->mounts[6].destination, "/sys/fs/cgroup");
        assert_int_equal(s->linux->n_namespaces, 6);
        assert_non_null(spec_find_namespace(s, SPEC_NS_NETWORK));
        assert_non_null(spec_find_namespace(s, SPEC_NS_CGROUP));
        assert_null(spec_find_namespace(s, SPEC_NS_USER));
        assert_int_equal(s->linux->n_masked_paths, 11);
        assert_int_equal(s->linux->n_readonly_paths, 5);
        assert_int_equal(s->linux->resources->n_devices, 1);
        spec_free(s);
        free(text);
}

static void test_template_rootless(void **state)
{
        char *text = NULL;
        struct spec *s;

        (void) state;
        assert_int_equal(spec_template(true, false, 1234, 5678, &text), 0);
        assert_round_trip(text);
        s = parse_ok(text);
        assert_non_null(spec_find_namespace(s, SPEC_NS_USER));
        /* Not a pure cgroup v2 host: no cgroup namespace, as runc's spec. */
        assert_null(spec_find_namespace(s, SPEC_NS_CGROUP));
        assert_int_equal(s->linux->n_namespaces, 5);
        assert_null(spec_find_namespace(s, SPEC_NS_NETWORK));
        assert_int_equal(s->linux->uid_mappings[0].host_id, 1234);
        assert_int_equal(s->linux->uid_mappings[0].container_id, 0);
        assert_int_equal(s->linux->uid_mappings[0].size, 1);
        assert_int_equal(s->linux->gid_mappings[0].host_id, 5678);
        assert_null(s->linux->resources);
        assert_string_equal(s->mounts[5].destination, "/sys");
        assert_string_equal(s->mounts[5].source, "/sys");
        assert_string_equal(s->mounts[5].options[0], "rbind");
        for (size_t i = 0; i < s->n_mounts; i++)
                for (size_t j = 0; j < s->mounts[i].n_options; j++)
                        assert_true(strncmp(s->mounts[i].options[j], "gid=", 4) != 0);
        spec_free(s);
        free(text);
}

static size_t array_has(json_t *arr, const char *s)
{
        size_t i;
        json_t *v;

        json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) == 0) return 1;
        return 0;
}

static void test_features(void **state)
{
        json_error_t jerr;
        char *text = NULL;
        json_t *f, *l;

        (void) state;
        assert_int_equal(spec_features_json(NULL, &text), 0);
        assert_round_trip(text);
        f = json_loads(text, 0, &jerr);
        assert_non_null(f);
        assert_string_equal(json_string_value(json_object_get(f, "ociVersionMin")), "1.0.0");
        assert_string_equal(json_string_value(json_object_get(f, "ociVersionMax")), "1.3.0");
        /* Every kind of hook is run. */
        assert_true(json_is_array(json_object_get(f, "hooks")));
        assert_int_equal(json_array_size(json_object_get(f, "hooks")), 6);
        assert_true(array_has(json_object_get(f, "hooks"), "startContainer"));
        assert_int_equal(json_array_size(json_object_get(f, "mountOptions")), 55);
        assert_true(array_has(json_object_get(f, "mountOptions"), "nosymfollow"));
        assert_true(array_has(json_object_get(f, "mountOptions"), "rro"));
        assert_true(array_has(json_object_get(f, "mountOptions"), "ridmap"));
        assert_true(array_has(json_object_get(f, "mountOptions"), "tmpcopyup"));
        l = json_object_get(f, "linux");
        assert_int_equal(json_array_size(json_object_get(l, "namespaces")), 8);
        assert_true(array_has(json_object_get(l, "namespaces"), "time"));
        assert_int_equal(json_array_size(json_object_get(l, "capabilities")), 41);
        assert_true(array_has(json_object_get(l, "capabilities"), "CAP_CHECKPOINT_RESTORE"));
        assert_true(json_is_true(json_object_get(json_object_get(l, "cgroup"), "v2")));
        assert_true(json_is_false(json_object_get(json_object_get(l, "cgroup"), "systemd")));
        assert_true(json_is_false(json_object_get(json_object_get(l, "seccomp"), "enabled")));
        assert_true(json_is_true(json_object_get(json_object_get(l, "apparmor"), "enabled")));
        assert_true(json_is_true(json_object_get(json_object_get(l, "selinux"), "enabled")));
        assert_true(json_is_false(json_object_get(json_object_get(l, "intelRdt"), "enabled")));
        assert_true(json_is_true(json_object_get(
                json_object_get(json_object_get(l, "mountExtensions"), "idmap"), "enabled")));
        assert_true(json_is_string(json_object_get(json_object_get(f, "annotations"), "io.husk.version")));
        assert_true(
                json_is_string(json_object_get(json_object_get(f, "annotations"), "io.husk.rootfs.layers")));
        assert_true(array_has(json_object_get(f, "potentiallyUnsafeConfigAnnotations"), "io.husk.rootfs."));
        json_decref(f);
        free(text);
}

/* ---- the test list --------------------------------------------------- */

static int by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int json_file(const struct dirent *d)
{
        size_t n = strlen(d->d_name);

        return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

/* Appends one test per .json file in DIR; the test's state is the file name. */
static size_t add_fixture_tests(struct CMUnitTest *tests, size_t n, size_t max, const char *dir,
                                CMUnitTestFunction fn)
{
        char path[4096], *name;
        struct dirent **list;
        int count;

        snprintf(path, sizeof path, "%s/%s", fixtures_dir(), dir);
        count = scandir(path, &list, json_file, by_name);
        if (count < 0) {
                fprintf(stderr, "cannot list '%s': %s (set HUSK_FIXTURES)\n", path, strerror(errno));
                exit(1);
        }
        for (int i = 0; i < count; i++) {
                if (n >= max)
                        abort();
                if (asprintf(&name, "%s/%s", dir, list[i]->d_name) < 0)
                        abort();
                tests[n] = (struct CMUnitTest){
                        .name = name, .test_func = fn, .initial_state = strdup(list[i]->d_name)};
                n++;
                free(list[i]);
        }
        free(list);
        return n;
}

int main(void)
{
        static const struct CMUnitTest fixed[] = {
                cmocka_unit_test(test_namespace_names),   cmocka_unit_test(test_load_missing_file),
                cmocka_unit_test(test_additional_gids_bound),
                cmocka_unit_test(test_load_names_file),   cmocka_unit_test(test_syntax_errors),
                cmocka_unit_test(test_big_integers),      cmocka_unit_test(test_big_integer_mark_forged),
                cmocka_unit_test(test_null_is_absent),    cmocka_unit_test(test_semver),
                cmocka_unit_test(test_process_json),      cmocka_unit_test(test_template_default),
                cmocka_unit_test(test_template_rootless), cmocka_unit_test(test_features),
        };
        size_t n = sizeof fixed / sizeof fixed[0], max = n + 1024;
        struct CMUnitTest *tests = calloc(max, sizeof *tests);
        int failed;

        if (!tests)
                return 1;
        memcpy(tests, fixed, sizeof fixed);
        n = add_fixture_tests(tests, n, max, "valid", test_valid_fixture);
        n = add_fixture_tests(tests, n, max, "invalid", test_invalid_fixture);
        failed = _cmocka_run_group_tests("spec", tests, n, NULL, NULL);
        for (size_t i = sizeof fixed / sizeof fixed[0]; i < n; i++) {
                free((char *) tests[i].name);
                free(tests[i].initial_state);
        }
        free(tests);
        return failed;
}
