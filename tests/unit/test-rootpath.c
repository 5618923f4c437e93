/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-root path resolver (rootpath.h) against a hostile rootfs: absolute
 * symlinks, symlinks climbing with "..", plain ".." components, symlink
 * chains and magic links all stay inside the root; root_mkdir_p and
 * root_mkfile create what is missing inside the root even through a
 * symlinked parent, and never follow a final symlink out of it.  Results are
 * checked by inode against the expected file inside the root and against the
 * marker file outside it, never by name.  The normal cases (plain paths,
 * ENOENT, ENOTDIR, ELOOP) and fd_path() are covered too.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcontainer/rootpath.h"

/* BASE/outside holds the host's marker; BASE/root is the fake rootfs. */
static char base[] = "/tmp/husk-rootpath-XXXXXX";
static bool made; /* base exists: teardown removes it */
static char rootdir[PATH_MAX];
static char outside[PATH_MAX];
static int rootfd = -1;

/* BASE/root/<rel> */
static const char *in_root(const char *rel, char *buf, size_t size)
{
        snprintf(buf, size, "%s/%s", rootdir, rel);
        return buf;
}

/* BASE/outside/<rel> */
static const char *out_path(const char *rel, char *buf, size_t size)
{
        snprintf(buf, size, "%s/%s", outside, rel);
        return buf;
}

static void put_file(const char *path, const char *content)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        close(fd);
}

static void put_dir(const char *path)
{
        assert_int_equal(mkdir(path, 0755), 0);
}

static void put_link(const char *target, const char *path)
{
        assert_int_equal(symlink(target, path), 0);
}

/* fd is the file at host path (same device and inode). */
static bool same_file(int fd, const char *path)
{
        struct stat a, b;

        if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
                return false;
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* fd is ROOT/<rel>, and is not the host's marker or outside directory. */
static void assert_in_root(int fd, const char *rel)
{
        char p[PATH_MAX], m[PATH_MAX];

        assert_true(fd >= 0);
        if (!same_file(fd, in_root(rel, p, sizeof p)))
                fail_msg("fd %d is not %s", fd, p);
        assert_false(same_file(fd, out_path("marker", m, sizeof m)));
        assert_false(same_file(fd, outside));
}

/* root_open(path) gives ROOT/<rel>; the fd is closed. */
static void assert_resolves(const char *path, int flags, const char *rel)
{
        int fd = root_open(rootfd, path, flags);

        if (fd < 0)
                fail_msg("root_open('%s'): %s", path, strerror(-fd));
        assert_in_root(fd, rel);
        close(fd);
}

static bool exists(const char *path)
{
        struct stat st;
        return lstat(path, &st) == 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void) st;
        (void) ftw;
        (void) (type == FTW_DP ? rmdir(path) : unlink(path));
        return 0; /* best effort: go on with the rest */
}

static int setup_tree(void **state)
{
        char p[PATH_MAX], t[PATH_MAX];

        (void) state;
        assert_non_null(mkdtemp(base));
        made = true;
        snprintf(rootdir, sizeof rootdir, "%s/root", base);
        snprintf(outside, sizeof outside, "%s/outside", base);

        /* The host side: what an escape would reach. */
        put_dir(outside);
        put_file(out_path("marker", p, sizeof p), "host");
        put_dir(out_path("dir", p, sizeof p));

        /* The rootfs. */
        put_dir(rootdir);
        put_dir(in_root("etc", p, sizeof p));
        put_file(in_root("etc/marker", p, sizeof p), "inside-etc");
        put_dir(in_root("outside", p, sizeof p)); /* what "../outside" must become */
        put_file(in_root("outside/marker", p, sizeof p), "decoy");
        put_file(in_root("file", p, sizeof p), "plain");
        put_dir(in_root("a", p, sizeof p));
        put_dir(in_root("a/b", p, sizeof p));
        put_dir(in_root("proc", p, sizeof p));
        /* From ROOT/a/b, three ".." reach BASE on the host: BASE/outside is the host's. */
        put_link("../../../outside/marker", in_root("a/b/climb", p, sizeof p));
        put_link("../../../outside", in_root("a/b/climbdir", p, sizeof p));
        put_link("/etc", in_root("abs-etc", p, sizeof p));
        put_link(outside, in_root("abs-out", p, sizeof p)); /* the host's absolute path */
        put_link("..", in_root("up", p, sizeof p));
        /* chain1 -> chain2 -> /a/chain3 -> ../../../../outside */
        put_link("chain2", in_root("chain1", p, sizeof p));
        put_link("/a/chain3", in_root("chain2", p, sizeof p));
        put_link("../../../../outside", in_root("a/chain3", p, sizeof p));
        put_link("loop2", in_root("loop1", p, sizeof p));
        put_link("loop1", in_root("loop2", p, sizeof p));
        put_link("/proc/self/root", in_root("selfroot", p, sizeof p));
        put_link("/proc/self/cwd", in_root("selfcwd", p, sizeof p));
        put_link(out_path("made-by-mkfile", t, sizeof t), in_root("dangling-abs", p, sizeof p));

        rootfd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(rootfd >= 0);
        return 0;
}

static int teardown_tree(void **state)
{
        (void) state;
        if (rootfd >= 0)
                close(rootfd);
        if (made)
                (void) nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        return 0;
}

static void test_plain_paths(void **state)
{
        char buf[16] = {0};
        int fd;

        (void) state;
        assert_resolves("file", O_PATH, "file");
        assert_resolves("/file", O_PATH, "file");
        assert_resolves("etc/marker", O_RDONLY, "etc/marker");
        assert_resolves("etc", O_PATH | O_DIRECTORY, "etc");
        assert_resolves("/etc/", O_PATH | O_DIRECTORY, "etc");
        assert_resolves("/", O_PATH | O_DIRECTORY, ".");
        assert_resolves("", O_PATH | O_DIRECTORY, ".");
        assert_resolves(".", O_PATH | O_DIRECTORY, ".");

        /* The flags are the caller's (readable), plus close-on-exec. */
        fd = root_open(rootfd, "file", O_RDONLY);
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(read(fd, buf, sizeof buf - 1), 5);
        assert_string_equal(buf, "plain");
        close(fd);
}

static void test_errors(void **state)
{
        (void) state;
        assert_int_equal(root_open(rootfd, "missing", O_PATH), -ENOENT);
        assert_int_equal(root_open(rootfd, "etc/missing/x", O_PATH), -ENOENT);
        assert_int_equal(root_open(rootfd, "file/x", O_PATH), -ENOTDIR);
        assert_int_equal(root_open(rootfd, "file", O_PATH | O_DIRECTORY), -ENOTDIR);
        assert_int_equal(root_open(rootfd, "loop1", O_PATH), -ELOOP);
        assert_int_equal(root_open(rootfd, "file", O_RDONLY | O_CREAT | O_EXCL), -EEXIST);
}

static void test_absolute_symlink(void **state)
{
        int fd;

        (void) state;
        /* "/etc" is ROOT/etc, not the host's /etc. */
        fd = root_open(rootfd, "abs-etc", O_PATH | O_DIRECTORY);
        assert_in_root(fd, "etc");
        assert_false(same_file(fd, "/etc"));
        close(fd);
        assert_resolves("abs-etc/marker", O_RDONLY, "etc/marker");
        /*
         * The host's absolute path of the outside directory does not exist inside the root
         * (until test_mkdir_p_through_symlinked_parent, later, makes it there).
         */
        assert_int_equal(root_open(rootfd, "abs-out", O_PATH), -ENOENT);
        assert_int_equal(root_open(rootfd, "abs-out/marker", O_RDONLY), -ENOENT);
}

static void test_relative_symlink_climbing(void **state)
{
        (void) state;
        /* On the host, ROOT/a/b/../../.. is BASE: the links would reach BASE/outside. */
        assert_resolves("a/b/climb", O_RDONLY, "outside/marker");
        assert_resolves("a/b/climbdir", O_PATH | O_DIRECTORY, "outside");
        assert_resolves("a/b/climbdir/marker", O_RDONLY, "outside/marker");
        assert_resolves("up/up/up/outside/marker", O_RDONLY, "outside/marker");
}

static void test_dotdot_components(void **state)
{
        (void) state;
        assert_resolves("..", O_PATH | O_DIRECTORY, ".");
        assert_resolves("../../..", O_PATH | O_DIRECTORY, ".");
        assert_resolves("../outside/marker", O_RDONLY, "outside/marker");
        assert_resolves("/../../outside/marker", O_RDONLY, "outside/marker");
        assert_resolves("etc/../../../../outside/marker", O_RDONLY, "outside/marker");
        assert_resolves("a/b/../../../../../outside", O_PATH | O_DIRECTORY, "outside");
}

static void test_symlink_chain(void **state)
{
        (void) state;
        /* chain1 -> chain2 -> /a/chain3 -> ../../../../outside: ROOT/outside. */
        assert_resolves("chain1", O_PATH | O_DIRECTORY, "outside");
        assert_resolves("chain1/marker", O_RDONLY, "outside/marker");
        assert_resolves("/a/../chain1/../etc/marker", O_RDONLY, "etc/marker");
}

static void test_magic_links(void **state)
{
        char path[32];
        int procself, outfd;

        (void) state;
        /* A link in the tree to /proc/self/root is ROOT/proc/self/root: nothing there. */
        assert_int_equal(root_open(rootfd, "selfroot", O_PATH), -ENOENT);
        assert_int_equal(root_open(rootfd, "selfcwd/etc", O_PATH), -ENOENT);

        /*
         * A tree that does hold magic links: /proc/self as the root.  They are refused
         * with ELOOP (RESOLVE_NO_MAGICLINKS), a leaked fd of the outside directory too,
         * while proc's plain files still open.
         */
        procself = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(procself >= 0);
        outfd = open(outside, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(outfd >= 0);
        assert_int_equal(root_open(procself, "root", O_PATH), -ELOOP);
        assert_int_equal(root_open(procself, "cwd", O_PATH | O_DIRECTORY), -ELOOP);
        assert_int_equal(root_open(procself, "exe", O_PATH), -ELOOP);
        snprintf(path, sizeof path, "fd/%d", outfd);
        assert_int_equal(root_open(procself, path, O_PATH), -ELOOP);
        snprintf(path, sizeof path, "fd/%d/marker", outfd);
        assert_int_equal(root_open(procself, path, O_RDONLY), -ELOOP);
        int fd = root_open(procself, "status", O_RDONLY);
        assert_true(fd >= 0);
        close(fd);
        close(outfd);
        close(procself);
}

/*
 * In a child with its own mount namespace, /proc bind-mounted on ROOT/proc:
 * the tree's links to /proc/self/{root,cwd} now reach real magic links.
 * Exits 0 when all refuse, the failing step's number otherwise, 77 when the
 * namespace or the mount cannot be had.
 */
static int magic_child(void)
{
        char p[PATH_MAX];

        if (unshare(CLONE_NEWNS) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return 77;
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return 77;
        if (mount("/proc", in_root("proc", p, sizeof p), NULL, MS_BIND | MS_REC, NULL) < 0)
                return 77;
        /* The group's rootfd still walks the old namespace's mounts: open the root anew. */
        close(rootfd);
        rootfd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return 77;
        int fd = root_open(rootfd, "proc/self/status", O_RDONLY);
        if (fd < 0)
                return 1; /* the mount is there: plain files open */
        close(fd);
        if (root_open(rootfd, "selfroot", O_PATH) != -ELOOP)
                return 2;
        if (root_open(rootfd, "selfroot/etc/marker", O_RDONLY) != -ELOOP)
                return 3;
        if (root_open(rootfd, "selfcwd", O_PATH) != -ELOOP)
                return 4;
        if (root_open(rootfd, "proc/self/root", O_PATH) != -ELOOP)
                return 5;
        if (root_open(rootfd, "/proc/thread-self/cwd", O_PATH) != -ELOOP)
                return 6;
        return 0;
}

static void test_magic_links_through_mounted_proc(void **state)
{
        int status;
        pid_t pid;

        (void) state;
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                _exit(magic_child());
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
                skip(); /* no mount namespace here (not root, no user namespaces) */
        if (WEXITSTATUS(status) != 0)
                fail_msg("magic link check %d in the child failed", WEXITSTATUS(status));
}

static void test_open_parent(void **state)
{
        const char *b = NULL;
        char p[PATH_MAX];
        int fd;

        (void) state;
        fd = root_open_parent(rootfd, "etc/marker", 0, &b);
        assert_in_root(fd, "etc");
        assert_string_equal(b, "marker");
        close(fd);
        fd = root_open_parent(rootfd, "/top", 0, &b);
        assert_in_root(fd, ".");
        assert_string_equal(b, "top");
        close(fd);
        fd = root_open_parent(rootfd, "top", 0, &b);
        assert_in_root(fd, ".");
        assert_string_equal(b, "top");
        close(fd);
        assert_int_equal(root_open_parent(rootfd, "/", 0, &b), -EINVAL);
        assert_int_equal(root_open_parent(rootfd, "/", 1, &b), -EINVAL);

        /* A symlinked parent resolves inside the root; the last component is left alone. */
        fd = root_open_parent(rootfd, "a/b/climbdir/marker", 0, &b);
        assert_in_root(fd, "outside");
        assert_string_equal(b, "marker");
        close(fd);

        /* Missing parents: ENOENT, or created (inside the root) with create; not the leaf. */
        assert_int_equal(root_open_parent(rootfd, "np1/np2/leaf", 0, &b), -ENOENT);
        fd = root_open_parent(rootfd, "np1/np2/leaf", 1, &b);
        assert_in_root(fd, "np1/np2");
        assert_string_equal(b, "leaf");
        assert_false(exists(in_root("np1/np2/leaf", p, sizeof p)));
        close(fd);
        fd = root_open_parent(rootfd, "up/climbed/leaf", 1, &b);
        assert_in_root(fd, "climbed");
        assert_false(exists(in_root("climbed/leaf", p, sizeof p)));
        close(fd);
}

static void test_mkdir_p(void **state)
{
        struct stat st;
        mode_t old = umask(022);
        int fd;

        (void) state;
        fd = root_mkdir_p(rootfd, "m1/m2/m3", 0750);
        assert_in_root(fd, "m1/m2/m3");
        assert_int_equal(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
        assert_int_equal(fstat(fd, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0750);
        close(fd);
        /* Again: the existing directory, no error. */
        fd = root_mkdir_p(rootfd, "/m1/m2/m3/", 0700);
        assert_in_root(fd, "m1/m2/m3");
        close(fd);
        fd = root_mkdir_p(rootfd, "etc", 0700);
        assert_in_root(fd, "etc");
        close(fd);
        /* A file in the way. */
        assert_int_equal(root_mkdir_p(rootfd, "file", 0755), -ENOTDIR);
        assert_int_equal(root_mkdir_p(rootfd, "file/sub", 0755), -ENOTDIR);
        umask(old);
}

static void test_mkdir_p_through_symlinked_parent(void **state)
{
        char p[PATH_MAX], rel[PATH_MAX], hostetc[PATH_MAX];
        int fd;

        (void) state;
        /* A climbing link as parent: ROOT/outside/made1/made2, not BASE/outside/made1. */
        fd = root_mkdir_p(rootfd, "a/b/climbdir/made1/made2", 0755);
        assert_in_root(fd, "outside/made1/made2");
        assert_false(exists(out_path("made1", p, sizeof p)));
        close(fd);

        /*
         * A dangling link (the host's absolute path of the outside directory) as parent:
         * nothing is made on the host.  The resolver does not create a dangling link's
         * target (ENOENT); were it to, the directory would have to be inside the root.
         */
        fd = root_mkdir_p(rootfd, "abs-out/made3", 0755);
        assert_false(exists(out_path("made3", p, sizeof p)));
        if (fd >= 0) {
                snprintf(rel, sizeof rel, "%s/made3", outside + 1);
                assert_in_root(fd, rel);
                close(fd);
        } else {
                assert_int_equal(fd, -ENOENT);
        }
        /* Its missing components, made first as real directories, then take it. */
        snprintf(rel, sizeof rel, "%s", outside + 1);
        fd = root_mkdir_p(rootfd, rel, 0755);
        assert_in_root(fd, rel);
        close(fd);
        fd = root_mkdir_p(rootfd, "abs-out/made3", 0755);
        snprintf(rel, sizeof rel, "%s/made3", outside + 1);
        assert_in_root(fd, rel);
        assert_false(exists(out_path("made3", p, sizeof p)));
        close(fd);

        /* "/etc" as parent: ROOT/etc gets the directory, the host's /etc does not. */
        snprintf(rel, sizeof rel, "husk-rootpath-test-%d", (int) getpid());
        snprintf(p, sizeof p, "abs-etc/%s", rel);
        snprintf(hostetc, sizeof hostetc, "/etc/%s", rel);
        fd = root_mkdir_p(rootfd, p, 0755);
        bool leaked = exists(hostetc);
        if (leaked)
                (void) rmdir(hostetc); /* do not leave it on the host */
        assert_false(leaked);
        snprintf(p, sizeof p, "etc/%s", rel);
        assert_in_root(fd, p);
        close(fd);

        /* A chain as parent. */
        fd = root_mkdir_p(rootfd, "chain1/made4", 0755);
        assert_in_root(fd, "outside/made4");
        assert_false(exists(out_path("made4", p, sizeof p)));
        close(fd);
}

static void test_mkfile(void **state)
{
        char buf[16] = {0}, p[PATH_MAX];
        struct stat st;
        mode_t old = umask(022);
        int fd;

        (void) state;
        fd = root_mkfile(rootfd, "f1/f2/newfile", 0640);
        assert_in_root(fd, "f1/f2/newfile");
        assert_int_equal(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
        assert_int_equal(fstat(fd, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(st.st_size, 0);
        close(fd);
        /* An existing file is opened as it is, not truncated. */
        fd = root_mkfile(rootfd, "file", 0600);
        assert_in_root(fd, "file");
        close(fd);
        fd = open(in_root("file", p, sizeof p), O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(read(fd, buf, sizeof buf - 1), 5);
        assert_string_equal(buf, "plain");
        close(fd);
        /* Through a symlinked parent: inside the root. */
        fd = root_mkfile(rootfd, "a/b/climbdir/newf", 0644);
        assert_in_root(fd, "outside/newf");
        assert_false(exists(out_path("newf", p, sizeof p)));
        close(fd);
        assert_int_equal(root_mkfile(rootfd, "file/sub", 0644), -ENOTDIR);
        umask(old);
}

static void test_mkfile_final_symlink(void **state)
{
        char buf[16] = {0}, p[PATH_MAX], rel[PATH_MAX];
        int fd;

        (void) state;
        /* A final link climbing out is the in-root file, the host's marker is untouched. */
        fd = root_mkfile(rootfd, "a/b/climb", 0644);
        assert_in_root(fd, "outside/marker");
        close(fd);
        fd = open(out_path("marker", p, sizeof p), O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(read(fd, buf, sizeof buf - 1), 4);
        assert_string_equal(buf, "host");
        close(fd);

        /*
         * A final link to a missing file by the host's absolute path: nothing is created
         * on the host.  Either it fails (the link is not followed to create) or the file
         * it gives is inside the root.
         */
        fd = root_mkfile(rootfd, "dangling-abs", 0644);
        assert_false(exists(out_path("made-by-mkfile", p, sizeof p)));
        if (fd >= 0) {
                snprintf(rel, sizeof rel, "%s/made-by-mkfile", outside + 1);
                assert_in_root(fd, rel);
                close(fd);
        } else {
                assert_int_equal(fd, -ENOENT);
        }
        /* The link itself is still the link. */
        struct stat st;
        assert_int_equal(lstat(in_root("dangling-abs", p, sizeof p), &st), 0);
        assert_true(S_ISLNK(st.st_mode));
}

static void test_fd_path(void **state)
{
        char buf[32], want[32];
        int fd, again;

        (void) state;
        fd = root_open(rootfd, "etc/marker", O_RDONLY);
        assert_true(fd >= 0);
        snprintf(want, sizeof want, "/proc/self/fd/%d", fd);
        assert_ptr_equal(fd_path(fd, buf, sizeof buf), buf);
        assert_string_equal(buf, want);
        /* Reopening through it gives the same file. */
        again = open(buf, O_RDONLY | O_CLOEXEC);
        assert_true(again >= 0);
        assert_in_root(again, "etc/marker");
        close(again);
        close(fd);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain_paths),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_absolute_symlink),
                cmocka_unit_test(test_relative_symlink_climbing),
                cmocka_unit_test(test_dotdot_components),
                cmocka_unit_test(test_symlink_chain),
                cmocka_unit_test(test_magic_links),
                cmocka_unit_test(test_magic_links_through_mounted_proc),
                cmocka_unit_test(test_open_parent),
                cmocka_unit_test(test_mkdir_p),
                cmocka_unit_test(test_mkdir_p_through_symlinked_parent),
                cmocka_unit_test(test_mkfile),
                cmocka_unit_test(test_mkfile_final_symlink),
                cmocka_unit_test(test_fd_path),
        };
        return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
