/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state directory and the derived status (state.h) on a temporary root,
 * with real processes: state_dir_create claims an id once (EEXIST "already
 * exists" the second time) and returns it locked; state_dir_open reports a
 * missing container, locks only when asked (waiting for the holder) and
 * does not follow a planted symlink; state_dir_remove removes everything, and only the directory its fd
 * names; state_write and state_read round-trip state.json.  state_status follows the rules above it in
 * state.h: pid 0 is creating while another process holds the lock and stopped otherwise (or when we hold it
 * ourselves); a live pid with its own start time is created with exec.fifo and running without (no cgroup
 * record: never paused; the paused case needs a cgroup and is not covered here); a pid reused (other start
 * time), a zombie or a reaped pid is stopped.  proc_start_time reads field 22 whatever the process's name
 * holds, and state_open_init gives a pidfd only for the process state.json names.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcontainer/state.h"

static char base[] = "/tmp/husk-state-XXXXXX";
static bool made;           /* base exists: teardown removes it */
static char root[PATH_MAX]; /* BASE/run: made by state_dir_create */
static int procfd = -1;

static const char *root_path(const char *rel, char *buf, size_t size)
{
        snprintf(buf, size, "%s/%s", root, rel);
        return buf;
}

static long long mono_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ROOT/id made (and left unlocked): an fd that holds no lock. */
static int fresh_dir(const char *id)
{
        struct error_info err = {0};
        int fd = state_dir_create(root, id, &err);

        if (fd < 0)
                fail_msg("state_dir_create '%s': %s", id, err.msg);
        close(fd); /* releases the creator's lock */
        fd = state_dir_open(root, id, false, &err);
        assert_true(fd >= 0);
        return fd;
}

/* Another open file description of ROOT/id can take the lock now. */
static bool lock_free(const char *id)
{
        char p[PATH_MAX];
        int fd = open(root_path(id, p, sizeof p), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        bool ok;

        assert_true(fd >= 0);
        ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
        if (!ok)
                assert_int_equal(errno, EWOULDBLOCK);
        close(fd);
        return ok;
}

/*
 * A child that waits until *release is closed (or written to), then exits 0.
 * What it does first: hold the lock of ROOT/lock_id, rename itself to name,
 * then say so with one byte.
 */
static pid_t spawn(int *release, const char *lock_id, const char *name, int hold_ms)
{
        int go[2], ready[2];
        char c;
        pid_t pid;

        assert_int_equal(pipe2(go, O_CLOEXEC), 0);
        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char p[PATH_MAX];
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(go[1]);
                close(ready[0]);
                c = 'k';
                if (lock_id) {
                        int fd = open(root_path(lock_id, p, sizeof p), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (fd < 0 || flock(fd, LOCK_EX) < 0)
                                c = 'E';
                }
                if (name)
                        (void) prctl(PR_SET_NAME, name);
                (void) write(ready[1], &c, 1);
                if (hold_ms > 0) {
                        struct timespec ts = {.tv_sec = hold_ms / 1000,
                                              .tv_nsec = (hold_ms % 1000) * 1000000L};
                        nanosleep(&ts, NULL);
                        _exit(0);
                }
                (void) read(go[0], &c, 1);
                _exit(0);
        }
        close(go[0]);
        close(ready[1]);
        assert_int_equal(read(ready[0], &c, 1), 1);
        assert_int_equal(c, 'k');
        close(ready[0]);
        *release = go[1];
        return pid;
}

/* Lets the child go and reaps it. */
static void finish(pid_t pid, int *release)
{
        int status;

        if (*release >= 0)
                close(*release);
        *release = -1;
        assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* Lets the child go and waits until it is a zombie, not reaped. */
static void make_zombie(pid_t pid, int *release)
{
        siginfo_t si;

        close(*release);
        *release = -1;
        memset(&si, 0, sizeof si);
        assert_int_equal(waitid(P_PID, (id_t) pid, &si, WEXITED | WNOWAIT), 0);
        assert_int_equal(si.si_pid, pid);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void) st;
        (void) ftw;
        (void) (type == FTW_DP ? rmdir(path) : unlink(path));
        return 0; /* best effort: go on with the rest */
}

static int setup_root(void **state)
{
        (void) state;
        assert_non_null(mkdtemp(base));
        made = true;
        snprintf(root, sizeof root, "%s/run", base);
        procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(procfd >= 0);
        return 0;
}

static int teardown_root(void **state)
{
        (void) state;
        if (procfd >= 0)
                close(procfd);
        if (made)
                (void) nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        return 0;
}

static void test_status_names(void **state)
{
        (void) state;
        assert_string_equal(container_status_name(STATUS_CREATING), "creating");
        assert_string_equal(container_status_name(STATUS_CREATED), "created");
        assert_string_equal(container_status_name(STATUS_RUNNING), "running");
        assert_string_equal(container_status_name(STATUS_PAUSED), "paused");
        assert_string_equal(container_status_name(STATUS_STOPPED), "stopped");
        assert_string_equal(container_status_name((enum container_status) 42), "unknown");
}

static void test_dir_create(void **state)
{
        struct error_info err = {0};
        struct stat a, b;
        char p[PATH_MAX];
        int fd;

        (void) state;
        fd = state_dir_create(root, "c1", &err);
        assert_true(fd >= 0);
        /* ROOT and ROOT/ID, both 0700; the fd is ROOT/ID. */
        assert_int_equal(stat(root, &a), 0);
        assert_true(S_ISDIR(a.st_mode));
        assert_int_equal(a.st_mode & 07777, 0700);
        assert_int_equal(stat(root_path("c1", p, sizeof p), &b), 0);
        assert_int_equal(b.st_mode & 07777, 0700);
        assert_int_equal(fstat(fd, &a), 0);
        assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        /* Returned locked: nobody else takes the lock until it is closed. */
        assert_false(lock_free("c1"));
        close(fd);
        assert_true(lock_free("c1"));
        /* A second id under the existing root. */
        fd = state_dir_create(root, "c2", &err);
        assert_true(fd >= 0);
        close(fd);
}

static void test_dir_create_twice(void **state)
{
        struct error_info err = {0};
        int fd, again;

        (void) state;
        fd = state_dir_create(root, "twice", &err);
        assert_true(fd >= 0);
        assert_int_equal(mkdirat(fd, "kept", 0700), 0);
        again = state_dir_create(root, "twice", &err);
        assert_int_equal(again, -EEXIST);
        assert_int_equal(err.errnum, EEXIST);
        assert_non_null(strstr(err.msg, "already exists"));
        assert_non_null(strstr(err.msg, "twice"));
        /* The first one's directory is left as it was, still locked by it. */
        struct stat st;
        assert_int_equal(fstatat(fd, "kept", &st, 0), 0);
        assert_false(lock_free("twice"));
        close(fd);
        /* Closed (the creator gone): still taken. */
        memset(&err, 0, sizeof err);
        assert_int_equal(state_dir_create(root, "twice", &err), -EEXIST);
        assert_non_null(strstr(err.msg, "already exists"));
        /* The refused creates left nothing of their own (no temporary directory). */
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/.creating.%d", root, (int) getpid());
        assert_int_equal(access(p, F_OK), -1);

        /* A temporary directory a killed husk with our pid left behind does not stand in the way. */
        assert_int_equal(mkdir(p, 0700), 0);
        fd = state_dir_create(root, "after-stale", &err);
        assert_true(fd >= 0);
        assert_int_equal(access(p, F_OK), -1);
        close(fd);
}

static void test_dir_open(void **state)
{
        struct error_info err = {0};
        char p[PATH_MAX], q[PATH_MAX];
        int fd, rd, lk;

        (void) state;
        assert_int_equal(state_dir_open(root, "nosuch", false, &err), -ENOENT);
        assert_int_equal(err.errnum, ENOENT);
        assert_non_null(strstr(err.msg, "does not exist"));
        assert_non_null(strstr(err.msg, "nosuch"));
        memset(&err, 0, sizeof err);
        snprintf(q, sizeof q, "%s/no-root", base);
        assert_int_equal(state_dir_open(q, "x", true, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "does not exist"));

        /* While the creator holds the lock, a reader opens at once and takes no lock. */
        fd = state_dir_create(root, "op", &err);
        assert_true(fd >= 0);
        rd = state_dir_open(root, "op", false, &err);
        assert_true(rd >= 0);
        close(fd);
        assert_true(lock_free("op"));
        /* With lock, it holds it. */
        lk = state_dir_open(root, "op", true, &err);
        assert_true(lk >= 0);
        assert_false(lock_free("op"));
        close(lk);
        assert_true(lock_free("op"));
        close(rd);

        /* A symlink planted as ROOT/ID is not followed to its directory. */
        snprintf(q, sizeof q, "%s/elsewhere", base);
        assert_int_equal(mkdir(q, 0700), 0);
        assert_int_equal(symlink(q, root_path("planted", p, sizeof p)), 0);
        memset(&err, 0, sizeof err);
        fd = state_dir_open(root, "planted", false, &err);
        if (fd >= 0)
                close(fd);
        assert_true(fd < 0);
        assert_true(err.errnum > 0);
}

static void test_dir_open_waits_for_lock(void **state)
{
        struct error_info err = {0};
        int release = -1, fd;
        long long t0, waited;
        pid_t pid;

        (void) state;
        close(fresh_dir("wait"));
        /* The child holds the lock for 300 ms after saying so, then exits. */
        pid = spawn(&release, "wait", NULL, 300);
        t0 = mono_ms();
        fd = state_dir_open(root, "wait", true, &err);
        waited = mono_ms() - t0;
        assert_true(fd >= 0);
        assert_true(waited >= 250);
        close(fd);
        finish(pid, &release);
}

static void test_dir_remove(void **state)
{
        struct error_info err = {0};
        char p[PATH_MAX];
        int fd;

        (void) state;
        fd = fresh_dir("rm");
        assert_int_equal(mkfifoat(fd, "exec.fifo", 0622), 0);
        int f = openat(fd, "state.json", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(f >= 0);
        close(f);
        assert_int_equal(mkdirat(fd, "sub", 0700), 0);
        assert_int_equal(mkdirat(fd, "sub/deeper", 0700), 0);
        assert_int_equal(symlinkat(base, fd, "sub/link-out"), 0);
        /* Something beside it that must stay. */
        assert_int_equal(mkdir(root_path("rm-neighbour", p, sizeof p), 0700), 0);

        assert_int_equal(state_dir_remove(root, "rm", fd, &err), 0);
        close(fd);
        struct stat st;
        assert_int_equal(lstat(root_path("rm", p, sizeof p), &st), -1);
        assert_int_equal(errno, ENOENT);
        assert_int_equal(state_dir_open(root, "rm", false, &err), -ENOENT);
        assert_int_equal(stat(root_path("rm-neighbour", p, sizeof p), &st), 0);
        assert_int_equal(stat(base, &st), 0); /* the link's target */

        memset(&err, 0, sizeof err);
        snprintf(p, sizeof p, "%s/no-root", base);
        assert_true(state_dir_remove(p, "x", -EBADF, &err) < 0);
        assert_int_equal(err.errnum, ENOENT);
}

/*
 * The identity of a state directory: once it was removed, a newer directory of the same id is
 * another container's.  A locked open that waited through the removal says "does not exist",
 * and a removal through the old fd leaves the newer one alone.
 */
static void test_dir_identity(void **state)
{
        struct error_info err = {0};
        char p[PATH_MAX];
        struct stat st;

        (void) state;
        int old = state_dir_create(root, "same", &err);
        assert_true(old >= 0);
        /* Another husk removes it (holding the lock, as every remover does) and a create follows. */
        assert_int_equal(state_dir_remove(root, "same", old, &err), 0);
        int newer = state_dir_create(root, "same", &err);
        assert_true(newer >= 0);
        close(newer);

        /* The old fd names a removed directory: removing through it touches nothing. */
        assert_int_equal(state_dir_remove(root, "same", old, &err), 0);
        assert_int_equal(stat(root_path("same", p, sizeof p), &st), 0);
        close(old);

        /* A locked open of the current one works; had it waited through a removal, ENOENT. */
        int cur = state_dir_open(root, "same", true, &err);
        assert_true(cur >= 0);
        assert_int_equal(state_dir_remove(root, "same", cur, &err), 0);
        assert_int_equal(stat(root_path("same", p, sizeof p), &st), -1);
        close(cur);
}

static void test_write_read(void **state)
{
        struct error_info err = {0};
        struct spec_state st = {
                .id = "rw",
                .pid = 4242,
                .bundle = "/some/bundle",
                .rootfs = "/some/bundle/rootfs",
                .created = "2024-01-02T03:04:05.123456789Z",
                .owner = "",
                .start_time = 123456789012ULL,
        };
        struct spec_state *got = NULL;
        struct stat s;
        int fd;

        (void) state;
        fd = fresh_dir("rw");
        /* Before the first write: still being created. */
        assert_int_equal(state_read(fd, &got, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "still being created"));
        assert_null(got);

        assert_int_equal(state_write(fd, &st, &err), 0);
        assert_int_equal(fstatat(fd, "state.json", &s, 0), 0);
        assert_true(S_ISREG(s.st_mode));
        assert_int_equal(s.st_mode & 07777, 0600);
        assert_int_equal(state_read(fd, &got, &err), 0);
        assert_non_null(got);
        assert_string_equal(got->id, "rw");
        assert_int_equal(got->pid, 4242);
        assert_string_equal(got->bundle, "/some/bundle");
        assert_string_equal(got->rootfs, "/some/bundle/rootfs");
        assert_string_equal(got->created, "2024-01-02T03:04:05.123456789Z");
        assert_true(got->start_time == 123456789012ULL);
        spec_state_free(got);
        got = NULL;

        /* A second write replaces the first. */
        st.pid = 7;
        st.start_time = 99;
        assert_int_equal(state_write(fd, &st, &err), 0);
        assert_int_equal(state_read(fd, &got, &err), 0);
        assert_int_equal(got->pid, 7);
        assert_true(got->start_time == 99);
        spec_state_free(got);
        got = NULL;

        /* Garbage is an error, not a state. */
        int f = openat(fd, "state.json", O_WRONLY | O_TRUNC | O_CLOEXEC);
        assert_true(f >= 0);
        assert_int_equal(write(f, "{not json", 9), 9);
        close(f);
        memset(&err, 0, sizeof err);
        assert_true(state_read(fd, &got, &err) < 0);
        assert_true(err.errnum > 0);
        assert_null(got);
        close(fd);
}

static void test_status_creating(void **state)
{
        struct spec_state st = {.id = "creating", .pid = 0};
        int release = -1, fd;
        pid_t pid;

        (void) state;
        fd = fresh_dir("creating");
        /* pid 0 and another process (the creator) holds the lock. */
        pid = spawn(&release, "creating", NULL, 0);
        assert_int_equal(state_status(fd, &st, false), STATUS_CREATING);
        /* We say we hold it: then the creator is gone, whatever flock says. */
        assert_int_equal(state_status(fd, &st, true), STATUS_STOPPED);
        /* The creator died: the lock goes with it. */
        finish(pid, &release);
        assert_int_equal(state_status(fd, &st, false), STATUS_STOPPED);
        close(fd);
}

static void test_status_stopped_without_pid(void **state)
{
        struct error_info err = {0};
        struct spec_state st = {.id = "nopid", .pid = 0};
        int fd, lk;

        (void) state;
        fd = fresh_dir("nopid");
        assert_int_equal(state_status(fd, &st, false), STATUS_STOPPED);
        /* We hold the lock (kill, delete): stopped. */
        lk = state_dir_open(root, "nopid", true, &err);
        assert_true(lk >= 0);
        assert_int_equal(state_status(lk, &st, true), STATUS_STOPPED);
        close(lk);
        /* The status is only derived: it does not take or keep the lock. */
        assert_true(lock_free("nopid"));
        close(fd);
}

static void test_status_created_running(void **state)
{
        struct spec_state st = {.id = "live"};
        int release = -1, fd;
        pid_t pid;

        (void) state;
        fd = fresh_dir("live");
        pid = spawn(&release, NULL, NULL, 0);
        st.pid = pid;
        st.start_time = proc_start_time(procfd, pid);
        assert_true(st.start_time != 0);
        /* A live init with its own start time, exec.fifo still there: created. */
        assert_int_equal(mkfifoat(fd, "exec.fifo", 0622), 0);
        assert_int_equal(state_status(fd, &st, false), STATUS_CREATED);
        assert_int_equal(state_status(fd, &st, true), STATUS_CREATED);
        /* The fifo gone (started), no cgroup record (st.cgroup NULL): running. */
        assert_int_equal(unlinkat(fd, "exec.fifo", 0), 0);
        assert_null(st.cgroup);
        assert_int_equal(state_status(fd, &st, false), STATUS_RUNNING);
        assert_int_equal(state_status(fd, &st, true), STATUS_RUNNING);
        finish(pid, &release);
        close(fd);
}

static void test_status_pid_reused(void **state)
{
        struct spec_state st = {.id = "reused"};
        unsigned long long real;
        int release = -1, fd;
        pid_t pid;

        (void) state;
        fd = fresh_dir("reused");
        pid = spawn(&release, NULL, NULL, 0);
        real = proc_start_time(procfd, pid);
        assert_true(real != 0);
        st.pid = pid;
        /* The pid is alive but is another process than state.json's: stopped, fifo or not. */
        st.start_time = real + 1;
        assert_int_equal(state_status(fd, &st, false), STATUS_STOPPED);
        st.start_time = real - 1;
        assert_int_equal(state_status(fd, &st, false), STATUS_STOPPED);
        assert_int_equal(mkfifoat(fd, "exec.fifo", 0622), 0);
        assert_int_equal(state_status(fd, &st, false), STATUS_STOPPED);
        /* The same facts with the right start time say created. */
        st.start_time = real;
        assert_int_equal(state_status(fd, &st, false), STATUS_CREATED);
        finish(pid, &release);
        close(fd);
}

static void test_status_exited(void **state)
{
        struct spec_state st = {.id = "exited"};
        int release = -1, fd;
        pid_t pid;

        (void) state;
        fd = fresh_dir("exited");
        pid = spawn(&release, NULL, NULL, 0);
        st.pid = pid;
        st.start_time = proc_start_time(procfd, pid);
        assert_true(st.start_time != 0);
        assert_int_equal(state_status(fd, &st, false), STATUS_RUNNING);
        assert_int_equal(mkfifoat(fd, "exec.fifo", 0622), 0);
        /* Exited, not yet reaped (a zombie, still in /proc): stopped. */
        make_zombie(pid, &release);
        assert_true(proc_start_time(procfd, pid) == 0);
        assert_int_equal(state_status(fd, &st, false), STATUS_STOPPED);
        /* Reaped: gone from /proc, stopped. */
        finish(pid, &release);
        assert_true(proc_start_time(procfd, pid) == 0);
        assert_int_equal(state_status(fd, &st, false), STATUS_STOPPED);
        close(fd);
}

/* Field 22 of /proc/self/stat, counted from the last ')' (the comm may hold anything). */
static unsigned long long own_start_time(void)
{
        char buf[1024] = {0}, *p, *save = NULL;
        int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_true(read(fd, buf, sizeof buf - 1) > 0);
        close(fd);
        p = strrchr(buf, ')');
        assert_non_null(p);
        /* Tokens after ")": field 3 (state) is the first, field 22 the twentieth. */
        char *tok = strtok_r(p + 1, " ", &save);
        for (int field = 3; tok && field < 22; field++)
                tok = strtok_r(NULL, " ", &save);
        assert_non_null(tok);
        return strtoull(tok, NULL, 10);
}

static void test_proc_start_time(void **state)
{
        unsigned long long self, before, after, uptime_ticks;
        double uptime = 0;
        int release = -1, fd;
        char buf[64] = {0};
        pid_t pid;

        (void) state;
        self = proc_start_time(procfd, getpid());
        assert_true(self != 0);
        assert_true(self == own_start_time());
        /* Clock ticks since boot: no later than now. */
        fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_true(read(fd, buf, sizeof buf - 1) > 0);
        close(fd);
        assert_int_equal(sscanf(buf, "%lf", &uptime), 1);
        uptime_ticks = (unsigned long long) ((uptime + 1) * (double) sysconf(_SC_CLK_TCK));
        assert_true(self <= uptime_ticks);

        /* A child renamed to a name with spaces and parentheses keeps its start time. */
        pid = spawn(&release, NULL, NULL, 0);
        before = proc_start_time(procfd, pid);
        assert_true(before >= self);
        finish(pid, &release);
        pid = spawn(&release, NULL, "a) b (c) d", 0);
        after = proc_start_time(procfd, pid);
        char comm[64] = {0}, path[64];
        snprintf(path, sizeof path, "/proc/%d/comm", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_true(read(fd, comm, sizeof comm - 1) > 0);
        close(fd);
        assert_string_equal(comm, "a) b (c) d\n");
        assert_true(after != 0);
        assert_true(after >= before);
        assert_true(after <= uptime_ticks + 100 * (unsigned long long) sysconf(_SC_CLK_TCK));
        finish(pid, &release);

        /* Gone: 0.  Not a /proc: 0. */
        assert_true(proc_start_time(procfd, pid) == 0);
        int notproc = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(notproc >= 0);
        assert_true(proc_start_time(notproc, getpid()) == 0);
        close(notproc);
}

/* The pid a pidfd refers to, from /proc/self/fdinfo; -1 when not a pidfd. */
static int pidfd_pid(int pidfd)
{
        char path[64], buf[1024] = {0}, *p;
        int fd, pid = -1;

        snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_true(read(fd, buf, sizeof buf - 1) > 0);
        close(fd);
        p = strstr(buf, "\nPid:");
        if (p)
                pid = atoi(p + 5);
        return pid;
}

static void test_open_init(void **state)
{
        struct spec_state st = {.id = "init"};
        int release = -1, fd;
        pid_t pid;

        (void) state;
        assert_int_equal(state_open_init(&st), -ESRCH); /* pid 0 */

        pid = spawn(&release, NULL, NULL, 0);
        st.pid = pid;
        st.start_time = proc_start_time(procfd, pid);
        assert_true(st.start_time != 0);
        fd = state_open_init(&st);
        assert_true(fd >= 0);
        assert_int_equal(pidfd_pid(fd), pid);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        close(fd);
        /* Another process under that pid. */
        st.start_time++;
        assert_int_equal(state_open_init(&st), -ESRCH);
        st.start_time--;
        /* Exited (a zombie), then reaped. */
        make_zombie(pid, &release);
        assert_int_equal(state_open_init(&st), -ESRCH);
        finish(pid, &release);
        assert_int_equal(state_open_init(&st), -ESRCH);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_status_names),
                cmocka_unit_test(test_dir_create),
                cmocka_unit_test(test_dir_create_twice),
                cmocka_unit_test(test_dir_open),
                cmocka_unit_test(test_dir_open_waits_for_lock),
                cmocka_unit_test(test_dir_remove),

                cmocka_unit_test(test_dir_identity),
                cmocka_unit_test(test_write_read),
                cmocka_unit_test(test_status_creating),
                cmocka_unit_test(test_status_stopped_without_pid),
                cmocka_unit_test(test_status_created_running),
                cmocka_unit_test(test_status_pid_reused),
                cmocka_unit_test(test_status_exited),
                cmocka_unit_test(test_proc_start_time),
                cmocka_unit_test(test_open_init),
        };
        return cmocka_run_group_tests(tests, setup_root, teardown_root);
}
