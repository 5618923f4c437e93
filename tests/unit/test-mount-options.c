/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_opts_parse(): mount(8) flags and their negations (the later one
 * wins), the atime modes, propagation, bind/rbind, the recursive attributes
 * for mount_setattr, idmap/ridmap, tmpcopyup, and file system options
 * passed on as data.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "libcontainer/rootfs.h"

static int parse(struct mount_opts *mo, char **opts, size_t n)
{
        struct error_info err = {0};
        return mount_opts_parse(opts, n, mo, &err);
}

#define PARSE(mo, ...)                                                                                      \
        ({                                                                                                  \
                char *o_[] = {__VA_ARGS__};                                                                 \
                parse(mo, o_, sizeof o_ / sizeof o_[0]);                                                    \
        })

static void test_flags_and_negations(void **state)
{
        struct mount_opts mo;

        (void) state;
        assert_int_equal(
                PARSE(&mo, "ro", "nosuid", "nodev", "noexec", "sync", "dirsync", "mand", "nosymfollow"), 0);
        assert_int_equal(mo.flags, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS |
                                           MS_DIRSYNC | MS_MANDLOCK | MS_NOSYMFOLLOW);
        assert_int_equal(PARSE(&mo, "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "sync",
                               "async", "mand", "nomand", "nosymfollow", "symfollow"),
                         0);
        assert_int_equal(mo.flags, 0);
        /* One atime mode at a time: the later one wins. */
        assert_int_equal(PARSE(&mo, "noatime", "strictatime"), 0);
        assert_int_equal(mo.flags, MS_STRICTATIME);
        assert_int_equal(PARSE(&mo, "strictatime", "relatime"), 0);
        assert_int_equal(mo.flags, MS_RELATIME);
        assert_int_equal(PARSE(&mo, "noatime", "atime", "nodiratime", "diratime"), 0);
        assert_int_equal(mo.flags, 0);
}

static void test_bind_and_propagation(void **state)
{
        struct mount_opts mo;

        (void) state;
        assert_int_equal(PARSE(&mo, "bind", "rshared"), 0);
        assert_true(mo.bind);
        assert_false(mo.recursive_bind);
        assert_int_equal(mo.propagation, MS_SHARED | MS_REC);
        assert_int_equal(PARSE(&mo, "rbind", "private", "unbindable"), 0);
        assert_true(mo.bind && mo.recursive_bind);
        assert_int_equal(mo.propagation, MS_UNBINDABLE);
}

static void test_recursive_attributes(void **state)
{
        struct mount_opts mo;

        (void) state;
        assert_int_equal(PARSE(&mo, "rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow"),
                         0);
        assert_int_equal(mo.rec_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                             MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME |
                                             MOUNT_ATTR_NOSYMFOLLOW);
        assert_int_equal(mo.rec_clr, 0);
        assert_false(mo.rec_atime);
        assert_int_equal(mo.flags, 0);
        /* A negation clears what the earlier option set, and the other way round. */
        assert_int_equal(PARSE(&mo, "rro", "rrw", "rexec", "rnoexec"), 0);
        assert_int_equal(mo.rec_set, MOUNT_ATTR_NOEXEC);
        assert_int_equal(mo.rec_clr, MOUNT_ATTR_RDONLY);
        /* The atime mode is one value. */
        assert_int_equal(PARSE(&mo, "rnoatime", "rstrictatime"), 0);
        assert_true(mo.rec_atime);
        assert_int_equal(mo.rec_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
        assert_int_equal(PARSE(&mo, "rnoatime", "ratime"), 0);
        assert_int_equal(mo.rec_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME);
        assert_int_equal(PARSE(&mo, "rnorelatime"), 0);
        assert_int_equal(mo.rec_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
}

static void test_idmap_tmpcopyup(void **state)
{
        struct mount_opts mo;

        (void) state;
        assert_int_equal(PARSE(&mo, "bind", "idmap"), 0);
        assert_true(mo.idmap);
        assert_false(mo.recursive_idmap);
        assert_int_equal(PARSE(&mo, "rbind", "ridmap"), 0);
        assert_true(mo.idmap && mo.recursive_idmap);
        assert_int_equal(PARSE(&mo, "tmpcopyup", "mode=755"), 0);
        assert_true(mo.tmpcopyup);
        assert_string_equal(mo.data, "mode=755");
}

static void test_data(void **state)
{
        struct mount_opts mo;

        (void) state;
        assert_int_equal(PARSE(&mo, "nosuid", "mode=0620", "newinstance", "gid=5"), 0);
        assert_string_equal(mo.data, "mode=0620,newinstance,gid=5");
        assert_int_equal(mo.flags, MS_NOSUID);
        /* A word with a comma would smuggle options in; an empty one is no option. */
        assert_int_equal(PARSE(&mo, "size=1m,nr_inodes=2"), -EINVAL);
        assert_int_equal(PARSE(&mo, ""), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_flags_and_negations),
                cmocka_unit_test(test_bind_and_propagation),
                cmocka_unit_test(test_recursive_attributes),
                cmocka_unit_test(test_idmap_tmpcopyup),
                cmocka_unit_test(test_data),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
