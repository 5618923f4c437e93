/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The small file helpers of base/fs.h on a temporary directory: write_all
 * writes everything (through a pipe larger than its buffer too);
 * write_file_at replaces but never creates; read_file_at truncates to its
 * buffer and NUL-terminates; read_file_alloc reads files of any size (and
 * /proc files whose size is 0); write_file_atomic_at makes the file appear
 * whole with the mode asked, replaces by rename and leaves no temporary file,
 * even when it fails; mkdir_p makes every missing level; rm_rf_at removes a
 * tree of files, fifos and symlinks without following a symlink out of it;
 * procfs_open_at and procfs_write_at accept only procfs, beneath procfd, with
 * no magic link and no mount stacked on /proc; path_exists, parse_long and
 * now_ms.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcontainer/base/fs.h"

static char base[] = "/tmp/husk-fs-XXXXXX";
static bool made; /* base exists: teardown removes it */
static int basefd = -1;
static mode_t saved_umask;

/* BASE/<rel> */
static const char *at_base(const char *rel, char *buf, size_t size)
{
        snprintf(buf, size, "%s/%s", base, rel);
        return buf;
}

static void put_file(const char *rel, const char *content, mode_t mode)
{
        int fd = openat(basefd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

        assert_true(fd >= 0);
        assert_int_equal(write_all(fd, content, strlen(content)), 0);
        close(fd);
}

/* The whole content of BASE/rel, read without the helpers under test. */
static void assert_content(const char *rel, const char *want)
{
        char buf[256] = {0};
        int fd = openat(basefd, rel, O_RDONLY | O_CLOEXEC);

        assert_true(fd >= 0);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        assert_true(n >= 0);
        assert_string_equal(buf, want);
}

static bool exists_at(int dirfd, const char *rel)
{
        struct stat st;
        return fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The number of entries of BASE/rel (without "." and ".."); "." for BASE. */
static int count_entries(const char *rel)
{
        int fd = openat(basefd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d;
        struct dirent *de;
        int n = 0;

        assert_true(fd >= 0);
        d = fdopendir(fd);
        assert_non_null(d);
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

/* A buffer of n bytes that is not one byte repeated. */
static char *pattern(size_t n)
{
        char *p = malloc(n + 1);

        assert_non_null(p);
        for (size_t i = 0; i < n; i++)
                p[i] = (char) ('a' + (i * 7 + i / 251) % 26);
        p[n] = '\0';
        return p;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void) st;
        (void) ftw;
        (void) (type == FTW_DP ? rmdir(path) : unlink(path));
        return 0; /* best effort: go on with the rest */
}

static int setup_dir(void **state)
{
        (void) state;
        saved_umask = umask(022);
        assert_non_null(mkdtemp(base));
        made = true;
        basefd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(basefd >= 0);
        return 0;
}

static int teardown_dir(void **state)
{
        (void) state;
        if (basefd >= 0)
                close(basefd);
        if (made)
                (void) nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        umask(saved_umask);
        return 0;
}

static void test_write_all(void **state)
{
        const size_t n = 1 << 20; /* 16 times a default pipe buffer */
        char *data = pattern(n);
        int p[2], back[2], fd;
        pid_t pid;

        (void) state;
        /* A regular file. */
        fd = openat(basefd, "all", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write_all(fd, data, n), 0);
        char *got = calloc(1, n + 1);
        assert_non_null(got);
        assert_int_equal(pread(fd, got, n + 1, 0), (ssize_t) n);
        assert_memory_equal(got, data, n);
        close(fd);

        /* A pipe read by a child: the writes block and resume; every byte arrives, in order. */
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(pipe2(back, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                size_t total = 0;
                ssize_t r;
                close(p[1]);
                while (total < n + 1 && (r = read(p[0], got + total, n + 1 - total)) > 0)
                        total += (size_t) r;
                (void) write(back[1], &total, sizeof total);
                (void) write(back[1], got, total);
                _exit(0);
        }
        close(p[0]);
        close(back[1]);
        assert_int_equal(write_all(p[1], data, n), 0);
        close(p[1]);
        size_t total = 0, off = 0;
        assert_int_equal(read(back[0], &total, sizeof total), (ssize_t) sizeof total);
        assert_int_equal(total, n);
        memset(got, 0, n);
        while (off < total) {
                ssize_t r = read(back[0], got + off, total - off);
                assert_true(r > 0);
                off += (size_t) r;
        }
        assert_memory_equal(got, data, n);
        close(back[0]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);

        /* No reader: EPIPE (SIGPIPE ignored), not a partial success. */
        void (*old)(int) = signal(SIGPIPE, SIG_IGN);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        close(p[0]);
        assert_int_equal(write_all(p[1], "x", 1), -EPIPE);
        close(p[1]);
        signal(SIGPIPE, old);
        assert_int_equal(write_all(-1, "x", 1), -EBADF);
        assert_int_equal(write_all(-1, "", 0), 0); /* nothing to write */
        free(got);
        free(data);
}

static void test_write_file_at(void **state)
{
        (void) state;
        put_file("wf", "a longer first content", 0644);
        assert_int_equal(write_file_at(basefd, "wf", "ab"), 0);
        assert_content("wf", "ab"); /* truncated, not overwritten in place */
        assert_int_equal(write_file_at(basefd, "wf", ""), 0);
        assert_content("wf", "");
        /* It does not create. */
        assert_int_equal(write_file_at(basefd, "wf-missing", "x"), -ENOENT);
        assert_false(exists_at(basefd, "wf-missing"));
        assert_int_equal(mkdirat(basefd, "wf-dir", 0755), 0);
        assert_int_equal(write_file_at(basefd, "wf-dir", "x"), -EISDIR);
}

static void test_read_file_at(void **state)
{
        char buf[16];

        (void) state;
        put_file("rf", "hello", 0644);
        memset(buf, 'Z', sizeof buf);
        assert_int_equal(read_file_at(basefd, "rf", buf, sizeof buf), 5);
        assert_string_equal(buf, "hello");

        /* Larger than the buffer: size-1 bytes, NUL-terminated, nothing written past it. */
        put_file("rf-big", "0123456789abcdefghijklmnopqrstuvwxyz", 0644);
        memset(buf, 'Z', sizeof buf);
        assert_int_equal(read_file_at(basefd, "rf-big", buf, 8), 7);
        assert_string_equal(buf, "0123456");
        assert_int_equal(buf[8], 'Z');
        memset(buf, 'Z', sizeof buf);
        assert_int_equal(read_file_at(basefd, "rf-big", buf, 1), 0);
        assert_int_equal(buf[0], '\0');
        assert_int_equal(buf[1], 'Z');

        put_file("rf-empty", "", 0644);
        assert_int_equal(read_file_at(basefd, "rf-empty", buf, sizeof buf), 0);
        assert_string_equal(buf, "");

        assert_int_equal(read_file_at(basefd, "rf-missing", buf, sizeof buf), -ENOENT);
        assert_int_equal(mkdirat(basefd, "rf-dir", 0755), 0);
        assert_int_equal(read_file_at(basefd, "rf-dir", buf, sizeof buf), -EISDIR);
}

static void test_read_file_alloc(void **state)
{
        const size_t n = 100000; /* several times the first allocation */
        char *data = pattern(n), *got = NULL;
        size_t len = 0;

        (void) state;
        put_file("ra-big", data, 0644);
        assert_int_equal(read_file_alloc(basefd, "ra-big", &got, &len), 0);
        assert_int_equal(len, n);
        assert_memory_equal(got, data, n);
        assert_int_equal(got[n], '\0');
        free(got);

        /* ret_len may be NULL. */
        got = NULL;
        put_file("ra-small", "small", 0644);
        assert_int_equal(read_file_alloc(basefd, "ra-small", &got, NULL), 0);
        assert_string_equal(got, "small");
        free(got);

        got = NULL;
        len = 42;
        put_file("ra-empty", "", 0644);
        assert_int_equal(read_file_alloc(basefd, "ra-empty", &got, &len), 0);
        assert_non_null(got);
        assert_string_equal(got, "");
        assert_int_equal(len, 0);
        free(got);

        /* A /proc file says size 0 but has content: read to the end, not to st_size. */
        got = NULL;
        assert_int_equal(read_file_alloc(AT_FDCWD, "/proc/self/status", &got, &len), 0);
        assert_true(len > 0);
        assert_int_equal(strlen(got), len);
        assert_non_null(strstr(got, "Pid:"));
        free(got);

        /* A failure leaves *ret alone. */
        got = (char *) data;
        assert_int_equal(read_file_alloc(basefd, "ra-missing", &got, &len), -ENOENT);
        assert_ptr_equal(got, data);
        free(data);
}

static void test_write_file_atomic_new(void **state)
{
        struct stat st;

        (void) state;
        assert_int_equal(mkdirat(basefd, "at", 0755), 0);
        int dfd = openat(basefd, "at", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        assert_int_equal(write_file_atomic_at(dfd, "state.json", "{\"id\":\"x\"}", 0640), 0);
        assert_content("at/state.json", "{\"id\":\"x\"}");
        assert_int_equal(fstatat(dfd, "state.json", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(write_file_atomic_at(dfd, "other", "", 0600), 0);
        assert_int_equal(fstatat(dfd, "other", &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(st.st_size, 0);
        /* No temporary file left: the directory holds the two files and nothing else. */
        assert_int_equal(count_entries("at"), 2);
        close(dfd);
}

static void test_write_file_atomic_replace(void **state)
{
        struct stat before, after;

        (void) state;
        assert_int_equal(mkdirat(basefd, "rp", 0755), 0);
        int dfd = openat(basefd, "rp", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        put_file("rp/f", "the old content, longer than the new", 0666 & ~022);
        int old = openat(dfd, "f", O_RDONLY | O_CLOEXEC);
        assert_true(old >= 0);
        assert_int_equal(fstat(old, &before), 0);

        assert_int_equal(write_file_atomic_at(dfd, "f", "new", 0600), 0);
        /* The name shows the new file whole, with the new mode... */
        assert_content("rp/f", "new");
        assert_int_equal(fstatat(dfd, "f", &after, 0), 0);
        assert_int_equal(after.st_mode & 07777, 0600);
        /* ...a new inode: the old file was replaced by rename, never rewritten in place. */
        assert_false(after.st_ino == before.st_ino && after.st_dev == before.st_dev);
        char buf[64] = {0};
        assert_true(pread(old, buf, sizeof buf - 1, 0) > 0);
        assert_string_equal(buf, "the old content, longer than the new");
        close(old);
        assert_int_equal(count_entries("rp"), 1);
        close(dfd);
}

static void test_write_file_atomic_failure(void **state)
{
        (void) state;
        /* The name is a non-empty directory: the rename fails, the temporary file goes. */
        assert_int_equal(mkdirat(basefd, "af", 0755), 0);
        assert_int_equal(mkdirat(basefd, "af/target", 0755), 0);
        put_file("af/target/inner", "kept", 0644);
        int dfd = openat(basefd, "af", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        assert_int_equal(write_file_atomic_at(dfd, "target", "x", 0644), -EISDIR);
        assert_int_equal(count_entries("af"), 1);
        assert_content("af/target/inner", "kept");
        /* A directory that does not take files. */
        assert_int_equal(write_file_atomic_at(-1, "x", "x", 0644), -EBADF);
        close(dfd);
}

/*
 * The temporary name is predictable (.NAME.PID.tmp): a symlink or a file planted under it
 * must not be followed or reused.  The victim keeps its content, NAME ends up a regular
 * file of ours with the mode asked for, and nothing else is left.
 */
static void test_write_file_atomic_planted_tmp(void **state)
{
        char tmp[64];
        struct stat st;

        (void) state;
        assert_int_equal(mkdirat(basefd, "pl", 0755), 0);
        put_file("pl-victim", "secret", 0644);
        int dfd = openat(basefd, "pl", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        snprintf(tmp, sizeof tmp, ".pid.%d.tmp", (int) getpid());
        assert_int_equal(symlinkat("../pl-victim", dfd, tmp), 0);
        assert_int_equal(write_file_atomic_at(dfd, "pid", "1234", 0640), 0);
        assert_content("pl-victim", "secret");
        assert_content("pl/pid", "1234");
        assert_int_equal(fstatat(dfd, "pid", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(count_entries("pl"), 1);

        /* A planted regular file (another owner's, another mode) is not reused either. */
        snprintf(tmp, sizeof tmp, "pl/.pid.%d.tmp", (int) getpid());
        put_file(tmp, "planted", 0666 & ~022);
        assert_int_equal(write_file_atomic_at(dfd, "pid", "5678", 0600), 0);
        assert_content("pl/pid", "5678");
        assert_int_equal(fstatat(dfd, "pid", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(count_entries("pl"), 1);
        close(dfd);
}

/* Input others hand us: regular files only, never waited on, never read past the limit. */
static void test_read_regular_file(void **state)
{
        char *got = (char *) "untouched";
        size_t len = 0;

        (void) state;
        put_file("rr-ok", "{\"a\": 1}", 0644);
        assert_int_equal(read_regular_file(basefd, "rr-ok", 64, &got, &len), 0);
        assert_string_equal(got, "{\"a\": 1}");
        assert_int_equal(len, 8);
        free(got);

        /* Exactly the limit is fine, one byte more is not. */
        put_file("rr-eight", "12345678", 0644);
        assert_int_equal(read_regular_file(basefd, "rr-eight", 8, &got, NULL), 0);
        free(got);
        got = (char *) "untouched";
        assert_int_equal(read_regular_file(basefd, "rr-eight", 7, &got, NULL), -EFBIG);
        assert_string_equal(got, "untouched");

        /* A fifo with no writer would block an open for reading: refused, at once. */
        assert_int_equal(mkfifoat(basefd, "rr-fifo", 0600), 0);
        long long t0 = now_ms();
        assert_int_equal(read_regular_file(basefd, "rr-fifo", 64, &got, NULL), -EINVAL);
        assert_true(now_ms() - t0 < 1000);
        /* A device that never ends, a directory. */
        assert_int_equal(read_regular_file(AT_FDCWD, "/dev/zero", 64, &got, NULL), -EINVAL);
        assert_int_equal(read_regular_file(basefd, ".", 64, &got, NULL), -EINVAL);
        assert_int_equal(read_regular_file(basefd, "rr-missing", 64, &got, NULL), -ENOENT);
        assert_string_equal(got, "untouched");
}

static void test_mkdir_p(void **state)
{
        char p[PATH_MAX];
        struct stat st;

        (void) state;
        assert_int_equal(mkdir_p(at_base("mk/a/b/c", p, sizeof p), 0750), 0);
        assert_int_equal(fstatat(basefd, "mk/a/b/c", &st, 0), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0750);
        assert_int_equal(fstatat(basefd, "mk/a", &st, 0), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0750);
        /* Existing levels are fine; a trailing slash too. */
        assert_int_equal(mkdir_p(at_base("mk/a/b/c", p, sizeof p), 0700), 0);
        assert_int_equal(mkdir_p(at_base("mk/a/x/", p, sizeof p), 0700), 0);
        assert_int_equal(fstatat(basefd, "mk/a/x", &st, 0), 0);
        assert_true(S_ISDIR(st.st_mode));
        /* A file in the way. */
        put_file("mk/file", "", 0644);
        assert_int_equal(mkdir_p(at_base("mk/file/sub", p, sizeof p), 0755), -ENOTDIR);
        /* Too long for PATH_MAX. */
        char *lng = malloc(PATH_MAX + 16);
        assert_non_null(lng);
        memset(lng, 'a', PATH_MAX + 15);
        lng[0] = '/';
        lng[PATH_MAX + 15] = '\0';
        assert_int_equal(mkdir_p(lng, 0755), -ENAMETOOLONG);
        free(lng);
}

static void test_rm_rf_nested(void **state)
{
        char p[PATH_MAX];

        (void) state;
        /* Outside the tree: a directory with a file and a subdirectory. */
        assert_int_equal(mkdirat(basefd, "keep", 0755), 0);
        put_file("keep/file", "keep me", 0644);
        assert_int_equal(mkdirat(basefd, "keep/sub", 0755), 0);
        put_file("keep/sub/file", "keep me too", 0644);

        assert_int_equal(mkdirat(basefd, "rm", 0755), 0);
        put_file("rm/f1", "1", 0644);
        assert_int_equal(mkdirat(basefd, "rm/sub", 0755), 0);
        put_file("rm/sub/f2", "2", 0600);
        assert_int_equal(mkdirat(basefd, "rm/sub/deeper", 0700), 0);
        put_file("rm/sub/deeper/f3", "3", 0400);
        assert_int_equal(mkdirat(basefd, "rm/empty", 0755), 0);
        assert_int_equal(mkfifoat(basefd, "rm/sub/fifo", 0600), 0);
        /* Symlinks out of the tree, relative and absolute, to directories and to a file. */
        assert_int_equal(symlinkat("../keep", basefd, "rm/link-dir"), 0);
        assert_int_equal(symlinkat(at_base("keep", p, sizeof p), basefd, "rm/sub/abs-link-dir"), 0);
        assert_int_equal(symlinkat("../../keep/file", basefd, "rm/sub/link-file"), 0);
        assert_int_equal(symlinkat("/nonexistent/husk", basefd, "rm/dangling"), 0);

        assert_int_equal(rm_rf_at(basefd, "rm"), 0);
        assert_false(exists_at(basefd, "rm"));
        /* The link targets and what they hold are untouched. */
        assert_content("keep/file", "keep me");
        assert_content("keep/sub/file", "keep me too");
        assert_int_equal(count_entries("keep"), 2);
}

static void test_rm_rf_edges(void **state)
{
        (void) state;
        /* Missing: nothing to do. */
        assert_int_equal(rm_rf_at(basefd, "rm-missing"), 0);
        /* A file. */
        put_file("rm-file", "x", 0644);
        assert_int_equal(rm_rf_at(basefd, "rm-file"), 0);
        assert_false(exists_at(basefd, "rm-file"));
        /* The name itself a symlink to a directory: the link goes, the directory stays. */
        assert_int_equal(mkdirat(basefd, "rm-target", 0755), 0);
        put_file("rm-target/inner", "stay", 0644);
        assert_int_equal(symlinkat("rm-target", basefd, "rm-link"), 0);
        assert_int_equal(rm_rf_at(basefd, "rm-link"), 0);
        assert_false(exists_at(basefd, "rm-link"));
        assert_content("rm-target/inner", "stay");
        /* An empty directory. */
        assert_int_equal(rm_rf_at(basefd, "rm-target/inner"), 0);
        assert_int_equal(rm_rf_at(basefd, "rm-target"), 0);
        assert_false(exists_at(basefd, "rm-target"));
}

static void test_path_exists(void **state)
{
        char p[PATH_MAX];

        (void) state;
        put_file("pe-file", "", 0644);
        assert_int_equal(symlinkat("/nonexistent/husk", basefd, "pe-dangling"), 0);
        assert_true(path_exists(at_base("pe-file", p, sizeof p)));
        assert_true(path_exists(base));
        assert_true(path_exists(at_base("pe-dangling", p, sizeof p))); /* lstat: the link is there */
        assert_false(path_exists(at_base("pe-missing", p, sizeof p)));
        assert_false(path_exists(at_base("pe-file/x", p, sizeof p)));
}

static void test_parse_long(void **state)
{
        char buf[64];
        long v = 0;

        (void) state;
        assert_int_equal(parse_long("0", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(parse_long("42", &v), 0);
        assert_int_equal(v, 42);
        assert_int_equal(parse_long("-17", &v), 0);
        assert_int_equal(v, -17);
        snprintf(buf, sizeof buf, "%ld", LONG_MAX);
        assert_int_equal(parse_long(buf, &v), 0);
        assert_true(v == LONG_MAX);
        snprintf(buf, sizeof buf, "%ld", LONG_MIN);
        assert_int_equal(parse_long(buf, &v), 0);
        assert_true(v == LONG_MIN);

        /* Errors leave the result alone. */
        v = 7;
        assert_int_equal(parse_long(NULL, &v), -EINVAL);
        assert_int_equal(parse_long("", &v), -EINVAL);
        assert_int_equal(parse_long("12x", &v), -EINVAL);
        assert_int_equal(parse_long("x", &v), -EINVAL);
        assert_int_equal(parse_long("-", &v), -EINVAL);
        assert_int_equal(parse_long("1 ", &v), -EINVAL);
        assert_int_equal(parse_long("99999999999999999999999", &v), -ERANGE);
        assert_int_equal(parse_long("-99999999999999999999999", &v), -ERANGE);
        assert_int_equal(v, 7);
}

static void test_now_ms(void **state)
{
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 50 * 1000000};
        long long a, b;

        (void) state;
        a = now_ms();
        assert_true(a > 0);
        assert_int_equal(nanosleep(&ts, NULL), 0);
        b = now_ms();
        /* At least the 50 ms slept (a truncated millisecond each end), and not seconds. */
        assert_true(b - a >= 49);
        assert_true(b - a < 10000);
        assert_true(now_ms() >= b);
}

static void test_procfs_open_at(void **state)
{
        struct statfs sfs;
        char path[32];
        int procfd, fd;

        (void) state;
        procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(procfd >= 0);
        /* "self" is a plain symlink: followed. */
        fd = procfs_open_at(procfd, "self/status", O_RDONLY);
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(fstatfs(fd, &sfs), 0);
        assert_true(sfs.f_type == PROC_SUPER_MAGIC);
        close(fd);
        fd = procfs_open_at(procfd, "thread-self/stat", O_RDONLY);
        assert_true(fd >= 0);
        close(fd);
        /* Magic links are refused. */
        snprintf(path, sizeof path, "self/fd/%d", basefd);
        assert_int_equal(procfs_open_at(procfd, path, O_RDONLY), -ELOOP);
        assert_int_equal(procfs_open_at(procfd, "self/cwd", O_RDONLY), -ELOOP);
        assert_int_equal(procfs_open_at(procfd, "self/root/etc/hostname", O_RDONLY), -ELOOP);
        /* Beneath procfd only. */
        assert_int_equal(procfs_open_at(procfd, "../etc/hostname", O_RDONLY), -EXDEV);
        assert_int_equal(procfs_open_at(procfd, "/proc/self/status", O_RDONLY), -EXDEV);
        assert_int_equal(procfs_open_at(procfd, "self/missing", O_RDONLY), -ENOENT);
        close(procfd);

        /*
         * A procfd that is not procfs: the file opens, then is refused.  (The check comes
         * after the open, so procfs_write_at's O_TRUNC has already emptied such a file:
         * only the error is asserted for it.  procfd is the caller's checked /proc.)
         */
        put_file("status", "Name: fake\n", 0644);
        assert_int_equal(procfs_open_at(basefd, "status", O_RDONLY), -EXDEV);
        assert_content("status", "Name: fake\n");
        assert_int_equal(procfs_write_at(basefd, "status", "x"), -EXDEV);
        assert_int_equal(procfs_open_at(basefd, "status", O_RDONLY), -EXDEV);
}

static void test_procfs_write_at(void **state)
{
        char old[16] = {0}, now[16] = {0};
        int procfd;

        (void) state;
        procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(procfd >= 0);
        /* Our own comm is writable without privilege. */
        assert_int_equal(prctl(PR_GET_NAME, old), 0);
        assert_int_equal(procfs_write_at(procfd, "thread-self/comm", "husk-fs-test"), 0);
        assert_int_equal(prctl(PR_GET_NAME, now), 0);
        assert_int_equal(prctl(PR_SET_NAME, old), 0);
        assert_string_equal(now, "husk-fs-test");
        assert_int_equal(procfs_write_at(procfd, "self/missing", "x"), -ENOENT);
        assert_int_equal(procfs_write_at(procfd, "self/cwd", "x"), -ELOOP);
        close(procfd);
}

/*
 * In a child with its own mount namespace, a directory is stacked on
 * /proc/sys/kernel and a file on /proc/sys/fs/file-max: procfs_open_at must
 * refuse to cross into either.
 * Exits 0 when both refuse, the failing step otherwise, 77 when the
 * namespace or the mounts cannot be had.
 */
static int stacked_child(void)
{
        char dir[PATH_MAX], file[PATH_MAX];
        int procfd, fd;

        if (unshare(CLONE_NEWNS) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
                return 77;
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return 77;
        if (mount(at_base("stack", dir, sizeof dir), "/proc/sys/kernel", NULL, MS_BIND, NULL) < 0)
                return 77;
        if (mount(at_base("stack/hostname", file, sizeof file), "/proc/sys/fs/file-max", NULL, MS_BIND,
                  NULL) < 0)
                return 77;
        procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (procfd < 0)
                return 77;
        fd = procfs_open_at(procfd, "sys/kernel/hostname", O_RDONLY);
        if (fd != -EXDEV)
                return 1;
        fd = procfs_open_at(procfd, "sys/fs/file-max", O_RDONLY);
        if (fd != -EXDEV)
                return 2;
        if (procfs_write_at(procfd, "sys/fs/file-max", "1") != -EXDEV)
                return 3;
        fd = procfs_open_at(procfd, "sys/fs/nr_open", O_RDONLY); /* beside them, not stacked */
        if (fd < 0)
                return 4;
        close(fd);
        return 0;
}

static void test_procfs_refuses_stacked_mounts(void **state)
{
        int status;
        pid_t pid;

        (void) state;
        assert_int_equal(mkdirat(basefd, "stack", 0755), 0);
        put_file("stack/hostname", "fake\n", 0644);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                _exit(stacked_child());
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
                skip(); /* no mount namespace here (not root, no user namespaces) */
        if (WEXITSTATUS(status) != 0)
                fail_msg("stacked-mount check %d in the child failed", WEXITSTATUS(status));
        assert_content("stack/hostname", "fake\n");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_all),
                cmocka_unit_test(test_write_file_at),
                cmocka_unit_test(test_read_file_at),
                cmocka_unit_test(test_read_file_alloc),
                cmocka_unit_test(test_write_file_atomic_new),
                cmocka_unit_test(test_write_file_atomic_planted_tmp),
                cmocka_unit_test(test_read_regular_file),
                cmocka_unit_test(test_write_file_atomic_replace),
                cmocka_unit_test(test_write_file_atomic_failure),
                cmocka_unit_test(test_mkdir_p),
                cmocka_unit_test(test_rm_rf_nested),
                cmocka_unit_test(test_rm_rf_edges),
                cmocka_unit_test(test_path_exists),
                cmocka_unit_test(test_parse_long),
                cmocka_unit_test(test_now_ms),
                cmocka_unit_test(test_procfs_open_at),
                cmocka_unit_test(test_procfs_write_at),
                cmocka_unit_test(test_procfs_refuses_stacked_mounts),
        };
        return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
