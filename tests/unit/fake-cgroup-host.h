/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A fake cgroup host for unit tests without root: the host is described by the fixture
 * mountinfo and /proc/self/cgroup files of tests/fixtures/cgroup/ ("mountinfo-<kind>",
 * "cgroup-<kind>"), and its hierarchies are plain directories in a temporary tree that
 * cgroups/ is pointed at (cgroup_host_set_for_testing).  Included by the test-cgroup*.c
 * files after <cmocka.h>; run from the top of the source tree.
 */

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup-internal.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/cgroup"
#endif

#define FAKE_HOST_UNUSED __attribute__((unused))

struct fixture {
        char root[64];
        char *mountinfo;
        char *self;
        struct cgroup_host host;
};

/* The fixture of the running test, removed by teardown() also when an assertion fails. */
static struct fixture *current;

FAKE_HOST_UNUSED static char *fixture_text(const char *name)
{
        char path[PATH_MAX];
        char *text = NULL;

        snprintf(path, sizeof path, FIXTURES "/%s", name);
        assert_int_equal(read_file_alloc(AT_FDCWD, path, &text, NULL), 0);
        return text;
}

/* Path below the fixture root: "<root>/sys/fs/cgroup/memory/husk". */
FAKE_HOST_UNUSED static const char *at(const struct fixture *f, const char *path)
{
        static char buf[4][PATH_MAX];
        static int i;

        i = (i + 1) % 4;
        snprintf(buf[i], sizeof buf[i], "%s%s", f->root, path);
        return buf[i];
}

FAKE_HOST_UNUSED static bool exists(const struct fixture *f, const char *path)
{
        return path_exists(at(f, path));
}

FAKE_HOST_UNUSED static void put(const struct fixture *f, const char *path, const char *text)
{
        _cleanup_close_ int fd = open(at(f, path), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write_all(fd, text, strlen(text)), 0);
}

/* The host of kind (hybrid, v1, v2): every mount point made as a directory, the v1 cpuset
 * root holding cpus and mems. */
FAKE_HOST_UNUSED static struct fixture *host_new(const char *kind)
{
        struct fixture *f = calloc(1, sizeof *f);
        struct cgroup_mounts ms;
        char name[64];

        assert_non_null(f);
        snprintf(f->root, sizeof f->root, "/tmp/test-cgroup.XXXXXX");
        assert_non_null(mkdtemp(f->root));
        snprintf(name, sizeof name, "mountinfo-%s", kind);
        f->mountinfo = fixture_text(name);
        snprintf(name, sizeof name, "cgroup-%s", kind);
        f->self = fixture_text(name);
        f->host = (struct cgroup_host){.root = f->root, .mountinfo = f->mountinfo, .self_cgroup = f->self};

        assert_int_equal(cgroup_mounts_parse(f->mountinfo, &ms), 0);
        for (size_t i = 0; i < ms.n; i++) {
                assert_int_equal(mkdir_p(at(f, ms.m[i].mountpoint), 0755), 0);
                if (!strcmp(ms.m[i].controllers, "cpuset")) {
                        char p[PATH_MAX];
                        snprintf(p, sizeof p, "%s/cpuset.cpus", ms.m[i].mountpoint);
                        put(f, p, "0-3\n");
                        snprintf(p, sizeof p, "%s/cpuset.mems", ms.m[i].mountpoint);
                        put(f, p, "0\n");
                }
        }
        cgroup_mounts_done(&ms);
        cgroup_host_set_for_testing(&f->host);
        current = f;
        return f;
}

FAKE_HOST_UNUSED static void host_free(struct fixture *f)
{
        current = NULL;
        cgroup_host_set_for_testing(NULL);
        assert_int_equal(rm_rf_at(AT_FDCWD, f->root), 0);
        free(f->mountinfo);
        free(f->self);
        free(f);
}

FAKE_HOST_UNUSED static int teardown(void **state)
{
        (void) state;
        if (current)
                host_free(current);
        return 0;
}
