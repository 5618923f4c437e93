/*
 * payload: a small static program for the fixture rootfs.  Each subcommand
 * reports one thing the container sees, as plain text that a test can parse
 * with grep, cut or read.  It links nothing but libc and needs nothing from
 * the rootfs, so it also runs on the host (tests compare both sides).
 *
 *   pid                   "pid=P ppid=Q"
 *   id                    "uid=U gid=G euid=U egid=G groups=A,B"
 *   status                CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp
 *                         lines of /proc/self/status, as "Name=value"
 *   hostname, domainname  the uts names, one line
 *   ns [KIND]             "KIND KIND:[INODE]" for each /proc/self/ns entry,
 *                         or just the link target of KIND
 *   mountinfo             /proc/self/mountinfo
 *   links                 "NAME OPERSTATE up|down" for each /sys/class/net entry
 *                         (up|down from SIOCGIFFLAGS IFF_UP)
 *   exit N                exits with status N
 *   signal-self SIG       raises SIG with its default action
 *   trap SIG [CODE]       handles SIG, prints "ready", waits; on SIG prints
 *                         "got SIG" and exits CODE (default 0)
 *   sleep SECONDS         sleeps (fractions allowed)
 *   fds                   "FD TARGET" for each open fd
 *   cwd                   the working directory
 *   env                   the environment, one variable a line
 *   umask                 the umask, "%04o"
 *   cat FILE...           copies files to stdout
 *   write FILE TEXT       writes TEXT and a newline into FILE (created 0644)
 *   uidmap                "uid A B C" / "gid A B C" lines of uid_map, gid_map
 *   stat PATH...          "PATH type=T dev=MAJ:MIN mode=0MMMM uid=U gid=G"
 *                         (lstat; T is one of - d c b l p s)
 *   readlink PATH         the symlink's target
 *   isatty                "stdin=0|1 stdout=0|1 stderr=0|1"
 *   echo TEXT...          TEXT on stdout; "echo-err" writes it to stderr
 *   alloc MB              touches MB MiB of memory, 1 MiB at a time, then prints
 *                         "allocated MB" (a memory limit kills it first)
 *   forks N               forks N children that wait; prints "forked K" (K < N
 *                         when fork fails, with "fork: REASON" on stderr), then
 *                         kills and reaps them
 *   sched                 "policy=P nice=N priority=R ioprio-class=C ioprio=D
 *                         flags=0xF personality=0xX machine=M" of this process
 *   grab-exe MATCH SECS   an attack on the runtime's binary (CVE-2019-5736): for
 *                         SECS seconds, every other process whose /proc/PID/exe
 *                         names a file containing MATCH is stopped, its exe opened,
 *                         killed; then each grabbed file is reopened for writing
 *                         through /proc/self/fd and "#!/bin/sh" written over its
 *                         start.  Prints "grabbed G written W" and one line per
 *                         failure reason
 *
 * Errors go to stderr as "payload: ..." with exit 1; bad usage exits 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what, const char *arg)
{
        fprintf(stderr, "payload: %s '%s': %s\n", what, arg, strerror(errno));
        return 1;
}

static int usage(const char *msg)
{
        fprintf(stderr, "payload: %s\n", msg);
        return 2;
}

static int copy_fd(int fd)
{
        char buf[8192];
        ssize_t n;

        while ((n = read(fd, buf, sizeof buf)) > 0)
                if (fwrite(buf, 1, (size_t) n, stdout) != (size_t) n)
                        return -1;
        return n < 0 ? -1 : 0;
}

static int cat_file(const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        int r;

        if (fd < 0)
                return fail("open", path);
        r = copy_fd(fd);
        close(fd);
        if (r < 0)
                return fail("read", path);
        return 0;
}

/* Reads a small file into buf, strips the trailing newline. */
static int read_line(const char *path, char *buf, size_t size)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -1;
        n = read(fd, buf, size - 1);
        close(fd);
        if (n < 0)
                return -1;
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        return 0;
}

static int parse_signal(const char *s)
{
        static const struct {
                const char *name;
                int num;
        } sigs[] = {
                {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
                {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
                {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
                {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
                {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
                {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
                {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
                {"PWR", SIGPWR},       {"SYS", SIGSYS},
        };
        char *end;
        long n;

        if (strncmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
                if (strcmp(s, sigs[i].name) == 0)
                        return sigs[i].num;
        n = strtol(s, &end, 10);
        if (*s == '\0' || *end != '\0' || n <= 0 || n >= NSIG)
                return -1;
        return (int) n;
}

static int cmd_pid(void)
{
        printf("pid=%d ppid=%d\n", (int) getpid(), (int) getppid());
        return 0;
}

static int cmd_id(void)
{
        gid_t groups[NGROUPS_MAX];
        int n = getgroups(NGROUPS_MAX, groups);

        if (n < 0)
                return fail("getgroups", "");
        printf("uid=%u gid=%u euid=%u egid=%u groups=", (unsigned) getuid(), (unsigned) getgid(),
               (unsigned) geteuid(), (unsigned) getegid());
        for (int i = 0; i < n; i++)
                printf("%s%u", i ? "," : "", (unsigned) groups[i]);
        putchar('\n');
        return 0;
}

static int cmd_status(void)
{
        static const char *keys[] = {"CapInh", "CapPrm",     "CapEff", "CapBnd",
                                     "CapAmb", "NoNewPrivs", "Seccomp"};
        char line[512];
        FILE *f = fopen("/proc/self/status", "re");

        if (!f)
                return fail("open", "/proc/self/status");
        while (fgets(line, sizeof line, f)) {
                char *colon = strchr(line, ':');
                char *value;

                if (!colon)
                        continue;
                *colon = '\0';
                for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
                        if (strcmp(line, keys[i]) != 0)
                                continue;
                        value = colon + 1 + strspn(colon + 1, " \t");
                        printf("%s=%s", line, value);
                }
        }
        fclose(f);
        return 0;
}

static int cmd_uts(int domain)
{
        struct utsname u;

        if (uname(&u) < 0)
                return fail("uname", "");
        puts(domain ? u.domainname : u.nodename);
        return 0;
}

static int cmd_ns(const char *kind)
{
        char path[PATH_MAX], target[PATH_MAX];
        struct dirent *e;
        DIR *d;
        ssize_t n;

        if (kind) {
                snprintf(path, sizeof path, "/proc/self/ns/%s", kind);
                n = readlink(path, target, sizeof target - 1);
                if (n < 0)
                        return fail("readlink", path);
                target[n] = '\0';
                puts(target);
                return 0;
        }
        d = opendir("/proc/self/ns");
        if (!d)
                return fail("opendir", "/proc/self/ns");
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.')
                        continue;
                n = readlinkat(dirfd(d), e->d_name, target, sizeof target - 1);
                if (n < 0)
                        continue;
                target[n] = '\0';
                printf("%s %s\n", e->d_name, target);
        }
        closedir(d);
        return 0;
}

static int cmd_links(void)
{
        char path[PATH_MAX], state[64];
        struct dirent *e;
        int sock;
        DIR *d;

        d = opendir("/sys/class/net");
        if (!d)
                return fail("opendir", "/sys/class/net");
        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
                return fail("socket", "AF_INET");
        while ((e = readdir(d))) {
                struct ifreq ifr;
                const char *up = "?";

                if (e->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof path, "/sys/class/net/%s/operstate", e->d_name);
                if (read_line(path, state, sizeof state) < 0)
                        snprintf(state, sizeof state, "?");
                memset(&ifr, 0, sizeof ifr);
                if (strlen(e->d_name) < sizeof ifr.ifr_name)
                        memcpy(ifr.ifr_name, e->d_name, strlen(e->d_name));
                if (ifr.ifr_name[0] && ioctl(sock, SIOCGIFFLAGS, &ifr) == 0)
                        up = (ifr.ifr_flags & IFF_UP) ? "up" : "down";
                printf("%s %s %s\n", e->d_name, state, up);
        }
        close(sock);
        closedir(d);
        return 0;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
        caught = sig;
}

static int cmd_trap(const char *name, const char *code)
{
        struct sigaction sa;
        sigset_t block, old;
        int sig = parse_signal(name);

        if (sig < 0 || sig == SIGKILL || sig == SIGSTOP)
                return usage("trap: bad signal");
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigemptyset(&block);
        sigaddset(&block, sig);
        /* Block first, then sigsuspend: no window where the signal is lost. */
        sigprocmask(SIG_BLOCK, &block, &old);
        if (sigaction(sig, &sa, NULL) < 0)
                return fail("sigaction", name);
        puts("ready");
        fflush(stdout);
        sigdelset(&old, sig);
        while (!caught)
                sigsuspend(&old);
        printf("got %s\n", strncmp(name, "SIG", 3) == 0 ? name + 3 : name);
        fflush(stdout);
        return code ? atoi(code) : 0;
}

static int cmd_signal_self(const char *name)
{
        int sig = parse_signal(name);

        if (sig < 0)
                return usage("signal-self: bad signal");
        signal(sig, SIG_DFL);
        fflush(stdout);
        raise(sig);
        /* A pid namespace's init ignores signals it has no handler for. */
        fprintf(stderr, "payload: still alive after signal %d (pid %d)\n", sig, (int) getpid());
        return 1;
}

static int cmd_sleep(const char *arg)
{
        double secs = strtod(arg, NULL);
        struct timespec ts = {.tv_sec = (time_t) secs,
                              .tv_nsec = (long) ((secs - (double) (time_t) secs) * 1e9)};

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
        return 0;
}

static int cmd_alloc(const char *arg)
{
        long mb = strtol(arg, NULL, 10);

        for (long i = 0; i < mb; i++) {
                char *p = malloc(1 << 20);

                if (!p)
                        return fail("malloc", arg);
                memset(p, (int) (i & 0xff) | 1, 1 << 20);
        }
        printf("allocated %ld\n", mb);
        return 0;
}

static int cmd_forks(const char *arg)
{
        long n = strtol(arg, NULL, 10), k;
        pid_t pids[4096];

        if (n < 0 || n > 4096)
                return usage("forks N: 0 to 4096");
        for (k = 0; k < n; k++) {
                pid_t pid = fork();

                if (pid < 0) {
                        fprintf(stderr, "payload: fork: %s\n", strerror(errno));
                        break;
                }
                if (pid == 0) {
                        pause();
                        _exit(0);
                }
                pids[k] = pid;
        }
        printf("forked %ld\n", k);
        for (long i = 0; i < k; i++)
                kill(pids[i], SIGKILL);
        for (long i = 0; i < k; i++)
                while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
                        ;
        return 0;
}

static int cmd_fds(void)
{
        char path[sizeof "/proc/self/fd/" + 256], target[PATH_MAX];
        struct dirent *e;
        DIR *d = opendir("/proc/self/fd");

        if (!d)
                return fail("opendir", "/proc/self/fd");
        while ((e = readdir(d))) {
                ssize_t n;

                if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
                        continue;
                snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
                n = readlink(path, target, sizeof target - 1);
                if (n < 0)
                        continue;
                target[n] = '\0';
                printf("%s %s\n", e->d_name, target);
        }
        closedir(d);
        return 0;
}

static int cmd_write(const char *path, const char *text)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        size_t len = strlen(text);

        if (fd < 0)
                return fail("open", path);
        if (write(fd, text, len) != (ssize_t) len || write(fd, "\n", 1) != 1) {
                close(fd);
                return fail("write", path);
        }
        if (close(fd) < 0)
                return fail("close", path);
        return 0;
}

static int print_map(const char *prefix, const char *path)
{
        char line[256];
        FILE *f = fopen(path, "re");

        if (!f)
                return fail("open", path);
        while (fgets(line, sizeof line, f)) {
                unsigned long a, b, c;

                if (sscanf(line, "%lu %lu %lu", &a, &b, &c) == 3)
                        printf("%s %lu %lu %lu\n", prefix, a, b, c);
        }
        fclose(f);
        return 0;
}

static int cmd_stat(const char *path)
{
        struct stat st;
        char type = '?';

        if (lstat(path, &st) < 0)
                return fail("stat", path);
        switch (st.st_mode & S_IFMT) {
        case S_IFREG:
                type = '-';
                break;
        case S_IFDIR:
                type = 'd';
                break;
        case S_IFCHR:
                type = 'c';
                break;
        case S_IFBLK:
                type = 'b';
                break;
        case S_IFLNK:
                type = 'l';
                break;
        case S_IFIFO:
                type = 'p';
                break;
        case S_IFSOCK:
                type = 's';
                break;
        }
        printf("%s type=%c dev=%u:%u mode=%04o uid=%u gid=%u\n", path, type, major(st.st_rdev),
               minor(st.st_rdev), (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid,
               (unsigned) st.st_gid);
        return 0;
}

static int cmd_readlink(const char *path)
{
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);

        if (n < 0)
                return fail("readlink", path);
        target[n] = '\0';
        puts(target);
        return 0;
}

static int cmd_echo(FILE *f, int argc, char **argv)
{
        for (int i = 0; i < argc; i++)
                fprintf(f, "%s%s", i ? " " : "", argv[i]);
        fputc('\n', f);
        return 0;
}

/* ---- security probes ------------------------------------------------------ */

static int cmd_sched(void)
{
        struct {
                unsigned size, policy;
                unsigned long long flags;
                int nice;
                unsigned priority;
                unsigned long long runtime, deadline, period;
                unsigned util_min, util_max;
        } attr = {0};
        struct utsname u;
        long io;

        if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) < 0)
                return fail("sched_getattr", "");
        io = syscall(SYS_ioprio_get, 1, 0);
        if (io < 0)
                return fail("ioprio_get", "");
        uname(&u);
        printf("policy=%u nice=%d priority=%u ioprio-class=%ld ioprio=%ld flags=0x%llx personality=0x%x "
               "machine=%s\n",
               attr.policy, attr.nice, attr.priority, io >> 13, io & 0xff, attr.flags,
               (unsigned) personality(0xffffffff), u.machine);
        return 0;
}

#define GRAB_MAX 64

static int cmd_grab_exe(const char *match, const char *secs)
{
        int fds[GRAB_MAX], grabbed = 0, written = 0;
        struct timespec t0, t;
        double limit = atof(secs);

        clock_gettime(CLOCK_MONOTONIC, &t0);
        do {
                DIR *d = opendir("/proc");
                struct dirent *e;

                while (d && (e = readdir(d)) && grabbed < GRAB_MAX) {
                        char path[64], target[PATH_MAX];
                        int pid = atoi(e->d_name);
                        ssize_t n;

                        if (pid <= 0 || pid == getpid())
                                continue;
                        snprintf(path, sizeof path, "/proc/%d/exe", pid);
                        n = readlink(path, target, sizeof target - 1);
                        if (n <= 0)
                                continue;
                        target[n] = '\0';
                        if (!strstr(target, match))
                                continue;
                        kill(pid, SIGSTOP);
                        int fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (fd < 0)
                                printf("open %s (%s): %s\n", path, target, strerror(errno));
                        else
                                fds[grabbed++] = fd;
                        kill(pid, SIGKILL);
                }
                if (d)
                        closedir(d);
                clock_gettime(CLOCK_MONOTONIC, &t);
        } while ((double) (t.tv_sec - t0.tv_sec) + (double) (t.tv_nsec - t0.tv_nsec) / 1e9 < limit);

        /* Once the runtime is gone its file is no longer busy: try to write it. */
        for (int i = 0; i < grabbed; i++) {
                char path[64];
                int fd = -1;

                snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
                for (int tries = 0; tries < 300 && fd < 0; tries++) {
                        fd = open(path, O_WRONLY | O_CLOEXEC);
                        if (fd < 0 && errno != ETXTBSY)
                                break;
                        if (fd < 0)
                                usleep(10000);
                }
                if (fd < 0) {
                        printf("reopen for writing: %s\n", strerror(errno));
                        continue;
                }
                if (pwrite(fd, "#!/bin/sh\n", 10, 0) == 10)
                        written++;
                else
                        printf("write: %s\n", strerror(errno));
                close(fd);
        }
        printf("grabbed %d written %d\n", grabbed, written);
        return 0;
}

int main(int argc, char **argv)
{
        const char *cmd = argc > 1 ? argv[1] : "";
        int nargs = argc - 2;
        char **args = argv + 2;
        int r = 0;

        if (!strcmp(cmd, "pid"))
                r = cmd_pid();
        else if (!strcmp(cmd, "id"))
                r = cmd_id();
        else if (!strcmp(cmd, "status"))
                r = cmd_status();
        else if (!strcmp(cmd, "hostname"))
                r = cmd_uts(0);
        else if (!strcmp(cmd, "domainname"))
                r = cmd_uts(1);
        else if (!strcmp(cmd, "ns"))
                r = cmd_ns(nargs > 0 ? args[0] : NULL);
        else if (!strcmp(cmd, "mountinfo"))
                r = cat_file("/proc/self/mountinfo");
        else if (!strcmp(cmd, "links"))
                r = cmd_links();
        else if (!strcmp(cmd, "exit"))
                r = nargs > 0 ? atoi(args[0]) : usage("exit N");
        else if (!strcmp(cmd, "signal-self"))
                r = nargs > 0 ? cmd_signal_self(args[0]) : usage("signal-self SIG");
        else if (!strcmp(cmd, "trap"))
                r = nargs > 0 ? cmd_trap(args[0], nargs > 1 ? args[1] : NULL) : usage("trap SIG [CODE]");
        else if (!strcmp(cmd, "sleep"))
                r = nargs > 0 ? cmd_sleep(args[0]) : usage("sleep SECONDS");
        else if (!strcmp(cmd, "fds"))
                r = cmd_fds();
        else if (!strcmp(cmd, "alloc"))
                r = nargs > 0 ? cmd_alloc(args[0]) : usage("alloc MB");
        else if (!strcmp(cmd, "forks"))
                r = nargs > 0 ? cmd_forks(args[0]) : usage("forks N");
        else if (!strcmp(cmd, "cwd")) {
                char buf[PATH_MAX];

                if (!getcwd(buf, sizeof buf))
                        return fail("getcwd", "");
                puts(buf);
        } else if (!strcmp(cmd, "env")) {
                extern char **environ;

                for (char **e = environ; *e; e++)
                        puts(*e);
        } else if (!strcmp(cmd, "umask")) {
                mode_t m = umask(0);

                printf("%04o\n", (unsigned) m);
        } else if (!strcmp(cmd, "cat")) {
                if (nargs < 1)
                        return usage("cat FILE...");
                for (int i = 0; i < nargs && r == 0; i++)
                        r = cat_file(args[i]);
        } else if (!strcmp(cmd, "write"))
                r = nargs > 1 ? cmd_write(args[0], args[1]) : usage("write FILE TEXT");
        else if (!strcmp(cmd, "uidmap")) {
                r = print_map("uid", "/proc/self/uid_map");
                if (r == 0)
                        r = print_map("gid", "/proc/self/gid_map");
        } else if (!strcmp(cmd, "stat")) {
                if (nargs < 1)
                        return usage("stat PATH...");
                for (int i = 0; i < nargs; i++)
                        r |= cmd_stat(args[i]);
        } else if (!strcmp(cmd, "readlink"))
                r = nargs > 0 ? cmd_readlink(args[0]) : usage("readlink PATH");
        else if (!strcmp(cmd, "isatty"))
                printf("stdin=%d stdout=%d stderr=%d\n", isatty(0), isatty(1), isatty(2));
        else if (!strcmp(cmd, "echo"))
                r = cmd_echo(stdout, nargs, args);
        else if (!strcmp(cmd, "echo-err"))
                r = cmd_echo(stderr, nargs, args);
        else if (!strcmp(cmd, "sched"))
                r = cmd_sched();
        else if (!strcmp(cmd, "grab-exe"))
                r = nargs > 1 ? cmd_grab_exe(args[0], args[1]) : usage("grab-exe MATCH SECONDS");
        else if (!strcmp(cmd, "syscall")) {
                int cmd_syscall(int, char **); /* at the end of this file */
                r = cmd_syscall(nargs, args);
        } else
                return usage(
                        "usage: payload pid|id|status|hostname|domainname|ns [KIND]|mountinfo|"
                        "links|exit N|signal-self SIG|trap SIG [CODE]|sleep SECS|fds|cwd|env|"
                        "umask|cat FILE...|write FILE TEXT|uidmap|stat PATH...|readlink PATH|"
                        "isatty|echo TEXT...|echo-err TEXT...|alloc MB|forks N|sched|grab-exe MATCH SECS|"
                        "syscall [--trap] [--x86] NAME|NR [ARG...]");
        if (fflush(stdout) != 0)
                return 1;
        return r;
}

/*
 * syscall [--trap] [--x86] NAME|NR [ARG...] (seccomp.bats): makes one syscall and prints
 * "ret N" or "errno N".  --trap catches SIGSYS (SCMP_ACT_TRAP) and prints "sigsys NR";
 * --x86 makes it through the i386 entry (int $0x80, NR of that ABI) to test architectures.
 */
#include <stdbool.h>
#include <sys/syscall.h>

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
        char buf[64];
        int n = snprintf(buf, sizeof buf, "sigsys %d\n", si->si_syscall);

        (void) sig;
        (void) ctx;
        (void) !write(1, buf, (size_t) n);
        _exit(0);
}

int cmd_syscall(int argc, char **argv)
{
        static const struct {
                const char *name;
                long nr;
        } table[] = {
                {"getpid", SYS_getpid},
                {"getppid", SYS_getppid},
                {"getpgid", SYS_getpgid},
                {"getuid", SYS_getuid},
                {"personality", SYS_personality},
                {"unshare", SYS_unshare},
                {"keyctl", SYS_keyctl},
                {"sync", SYS_sync},
                {"getpriority", SYS_getpriority},
                {"setns", SYS_setns},
                {"chroot", SYS_chroot},
                {"getcwd", SYS_getcwd},
                {"umask", SYS_umask},
                {"mkdir", SYS_mkdir},
                {"getsid", SYS_getsid},
                {"clone3", SYS_clone3},
        };
        bool x86 = false;
        long nr = -1, a[6] = {0}, ret;

        for (; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
                if (!strcmp(argv[0], "--trap")) {
                        struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
                        sigaction(SIGSYS, &sa, NULL);
                } else if (!strcmp(argv[0], "--x86"))
                        x86 = true;
        }
        if (argc < 1)
                return usage("syscall [--trap] [--x86] NAME|NR [ARG...]");
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
                if (!strcmp(table[i].name, argv[0]))
                        nr = table[i].nr;
        if (nr < 0)
                nr = strtol(argv[0], NULL, 0);
        for (int i = 1; i < argc && i <= 6; i++)
                a[i - 1] = (long) strtoul(argv[i], NULL, 0);
        if (x86) {
#if defined(__x86_64__)
                __asm__ volatile("int $0x80"
                                 : "=a"(ret)
                                 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
                                 : "memory");
                if (ret < 0 && ret > -4096) {
                        errno = (int) -ret;
                        ret = -1;
                }
#else
                return usage("syscall --x86: only on x86_64");
#endif
        } else
                ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (ret < 0)
                printf("errno %d\n", errno);
        else
                printf("ret %ld\n", ret);
        return 0;
}
