/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The workload's process, set up by the container's init after pivot_root and
 * by an exec'd process after joining the namespaces; the order of the steps
 * and why is in process.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <stdint.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "filter.h"
#include "process.h"
#include "security.h"
#include "sync.h"
#include "base/banned.h"

DEFINE_CLEANUP_FUNC(cap_t, cap_free)

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int process_apply_sysctl(int procfd, const struct spec_linux *lx, struct error_info *err)
{
        char path[PATH_MAX];

        for (size_t i = 0; lx && i < lx->n_sysctl; i++) {
                const char *key = lx->sysctl[i].key;
                size_t n = (size_t) snprintf(path, sizeof path, "sys/%s", key);
                for (size_t k = sizeof "sys/" - 1; k < n; k++)
                        if (path[k] == '.')
                                path[k] = '/';
                /*
                 * Through the host's /proc, held since before the namespaces were made: what is
                 * mounted on the container's /proc/sys cannot stand in for the kernel's files, and
                 * the net, ipc and uts files show this process's own namespaces.
                 */
                int r = procfs_write_at(procfd, path, lx->sysctl[i].value);
                if (r < 0)
                        return error_set(err, -r, "linux.sysctl: set '%s' to '%s'", key,
                                         lx->sysctl[i].value);
        }
        return 0;
}

int process_use_procfs(int procfd, const struct spec_process *p, int *ret_lsm_fd, struct error_info *err)
{
        char buf[16];
        int r;

        if (p->has_oom_score_adj) {
                snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
                r = procfs_write_at(procfd, "self/oom_score_adj", buf);
                if (r < 0)
                        return error_set(err, -r, "process.oomScoreAdj: set %d", p->oom_score_adj);
        }
        /* Opened now, written right before execve (process_exec). */
        r = security_open_exec_label(procfd, p, err);
        if (r < 0 && r != -EBADF)
                return r;
        *ret_lsm_fd = r;
        return 0;
}

static int apply_rlimits(const struct spec_process *p, struct error_info *err)
{
        for (size_t i = 0; i < p->n_rlimits; i++) {
                const struct spec_rlimit *rl = &p->rlimits[i];
                struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};
                struct rlimit cur;

                if (setrlimit(rl->resource, &lim) == 0)
                        continue;
                int e = errno;
                if (e == EPERM && getrlimit(rl->resource, &cur) == 0)
                        return error_set(err, e,
                                         "process.rlimits[%zu]: cannot set %s to soft %llu, hard %llu: "
                                         "the hard limit here is %llu and raising it needs CAP_SYS_RESOURCE",
                                         i, rl->type, (unsigned long long) rl->soft,
                                         (unsigned long long) rl->hard, (unsigned long long) cur.rlim_max);
                return error_set(err, e, "process.rlimits[%zu]: set %s to soft %llu, hard %llu", i, rl->type,
                                 (unsigned long long) rl->soft, (unsigned long long) rl->hard);
        }
        return 0;
}

/* process.ioPriority: ioprio_set(2) for this process (the workload keeps it across execve). */
static int set_io_priority(const struct spec_io_priority *io, struct error_info *err)
{
        /* IOPRIO_PRIO_VALUE(class, data), IOPRIO_WHO_PROCESS = 1. */
        long value = ((long) io->class_value << 13) | io->priority;

        if (syscall(SYS_ioprio_set, 1, 0, value) < 0)
                return error_set(err, errno, "process.ioPriority: set class %s, priority %d", io->class,
                                 (int) io->priority);
        return 0;
}

/* sched_setattr(2)'s argument, as the uapi has it (glibc 2.36 has no wrapper). */
struct husk_sched_attr {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
        uint32_t sched_util_min;
        uint32_t sched_util_max;
};

/* process.scheduler: sched_setattr(2) with every field of the config. */
static int set_scheduler(const struct spec_scheduler *s, struct error_info *err)
{
        struct husk_sched_attr attr = {
                .size = sizeof attr,
                .sched_policy = (uint32_t) s->policy_value,
                .sched_nice = s->has_nice ? s->nice : 0,
                .sched_priority = s->has_priority ? (uint32_t) s->priority : 0,
                .sched_runtime = s->runtime,
                .sched_deadline = s->deadline,
                .sched_period = s->period,
                .sched_flags = s->flags_value,
        };

        if (syscall(SYS_sched_setattr, 0, &attr, 0) == 0)
                return 0;
        int e = errno;
        if (e == EPERM && (s->policy_value == SCHED_FIFO || s->policy_value == SCHED_RR ||
                           s->policy_value == SCHED_DEADLINE))
                return error_set(
                        err, e,
                        "process.scheduler: set policy %s, priority %d: real-time scheduling needs "
                        "CAP_SYS_NICE and a real-time budget here (cpu.rt_runtime_us of the cgroup)",
                        s->policy, (int) attr.sched_priority);
        return error_set(err, e, "process.scheduler: set policy %s (nice %d, priority %d)", s->policy,
                         (int) attr.sched_nice, (int) attr.sched_priority);
}

/* linux.personality: the execution domain (LINUX32: uname -m says i686 on x86_64). */
static int set_personality(const struct spec_personality *p, struct error_info *err)
{
        unsigned long persona = !strcmp(p->domain, "LINUX32") ? PER_LINUX32 : PER_LINUX;

        if (personality(persona) < 0)
                return error_set(err, errno, "linux.personality: set domain %s", p->domain);
        return 0;
}

/* Parses a cpu list ("0-3,7") into set; false when it is malformed or names a cpu out of range. */
static bool parse_cpu_list(const char *list, cpu_set_t *set)
{
        const char *s = list;

        CPU_ZERO(set);
        while (*s) {
                char *end;
                unsigned long a = strtoul(s, &end, 10), b = a;
                if (end == s)
                        return false;
                s = end;
                if (*s == '-') {
                        const char *t = s + 1;
                        b = strtoul(t, &end, 10);
                        if (end == t || b < a)
                                return false;
                        s = end;
                }
                if (b >= CPU_SETSIZE)
                        return false;
                for (unsigned long cpu = a; cpu <= b; cpu++)
                        CPU_SET(cpu, set);
                while (*s == ' ')
                        s++;
                if (*s == ',')
                        s++;
                else if (*s)
                        return false;
        }
        return CPU_COUNT(set) > 0;
}

int process_set_affinity(pid_t pid, const char *list, const char *which, struct error_info *err)
{
        cpu_set_t set;

        if (!list)
                return 0;
        if (!parse_cpu_list(list, &set))
                return error_set_reason(
                        err, EINVAL, "process.execCPUAffinity.%s: '%s' is not a list of CPUs", which, list);
        if (sched_setaffinity(pid, sizeof set, &set) < 0)
                return error_set(err, errno,
                                 "process.execCPUAffinity.%s: run on CPUs '%s' (none of them may be used "
                                 "here?)",
                                 which, list);
        return 0;
}

/* Room for every capability a kernel may have: cap_list() keeps each value once and below it. */
#define CAP_VALUES_MAX 128

/*
 * Resolves names to cap values, each value once (a config may repeat a name any number of
 * times: the list is bounded by the capabilities that exist, not by the config); unknown
 * names are warned about and skipped, as runc does.  out holds CAP_VALUES_MAX values.
 */
static size_t cap_list(char **names, size_t n, cap_value_t *out)
{
        bool seen[CAP_VALUES_MAX] = {false};
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
                cap_value_t v;
                if (cap_from_name(names[i], &v) < 0 || v < 0 || v > cap_max_bits() - 1 ||
                    v >= CAP_VALUES_MAX) {
                        log_warn("process.capabilities: unknown capability '%s', ignoring", names[i]);
                        continue;
                }
                if (seen[v])
                        continue;
                seen[v] = true;
                out[k++] = v;
        }
        return k;
}

static int drop_bounding(const struct spec_capabilities *caps, struct error_info *err)
{
        cap_value_t keep[CAP_VALUES_MAX];
        size_t n = cap_list(caps->bounding, caps->n_bounding, keep);

        for (cap_value_t v = 0; v < (cap_value_t) cap_max_bits(); v++) {
                bool kept = false;
                for (size_t i = 0; i < n; i++)
                        kept |= keep[i] == v;
                if (!kept && cap_drop_bound(v) < 0 && errno != EINVAL)
                        return error_set(err, errno, "process.capabilities.bounding: drop %s",
                                         cap_to_name(v));
        }
        return 0;
}

static int set_capabilities(const struct spec_capabilities *caps, struct error_info *err)
{
        cap_value_t v[CAP_VALUES_MAX];
        _cleanup_(cap_freep) cap_t c = cap_init();
        size_t n;

        if (!c)
                return error_set(err, ENOMEM, "process.capabilities");
        n = cap_list(caps->effective, caps->n_effective, v);
        if (n && cap_set_flag(c, CAP_EFFECTIVE, (int) n, v, CAP_SET) < 0)
                return error_set(err, errno, "process.capabilities.effective");
        n = cap_list(caps->permitted, caps->n_permitted, v);
        if (n && cap_set_flag(c, CAP_PERMITTED, (int) n, v, CAP_SET) < 0)
                return error_set(err, errno, "process.capabilities.permitted");
        n = cap_list(caps->inheritable, caps->n_inheritable, v);
        if (n && cap_set_flag(c, CAP_INHERITABLE, (int) n, v, CAP_SET) < 0)
                return error_set(err, errno, "process.capabilities.inheritable");
        if (cap_set_proc(c) < 0)
                return error_set(err, errno,
                                 "process.capabilities: set effective, permitted and inheritable");

        if (cap_reset_ambient() < 0 && errno != EINVAL)
                return error_set(err, errno, "process.capabilities.ambient: reset");
        n = cap_list(caps->ambient, caps->n_ambient, v);
        for (size_t i = 0; i < n; i++)
                /*
                 * runc goes on silently: engines (buildah, runc's own default spec) list ambient caps
                 * without the inheritable ones, and a warning on every run is the workload's stderr.
                 */
                if (cap_set_ambient(v[i], CAP_SET) < 0)
                        log_debug("process.capabilities.ambient: cannot raise %s (it must be permitted and "
                                  "inheritable): %s, ignoring",
                                  cap_to_name(v[i]), strerror(errno));
        return 0;
}

static int change_user(const struct spec_process *p, struct error_info *err)
{
        const struct spec_user *u = &p->user;
        gid_t groups[NGROUPS_MAX];
        size_t n = u->n_additional_gids < NGROUPS_MAX ? u->n_additional_gids : NGROUPS_MAX;

        for (size_t i = 0; i < n; i++)
                groups[i] = u->additional_gids[i];
        if (setgroups(n, groups) < 0)
                return error_set(err, errno, "process.user.additionalGids: setgroups");
        if (setresgid(u->gid, u->gid, u->gid) < 0)
                return error_set(err, errno, "process.user.gid: set gid %u", u->gid);
        if (setresuid(u->uid, u->uid, u->uid) < 0)
                return error_set(err, errno, "process.user.uid: set uid %u", u->uid);
        return 0;
}

/*
 * As runc: tried first with our privileges (a cwd whose parents the user cannot search),
 * and when that is refused (EACCES, EPERM), again as the user (a cwd only the user may
 * enter, such as a volume chowned to it).  *ret_done says whether the chdir is made.
 */
static int change_cwd(const struct spec_process *p, bool as_user, bool *ret_done, struct error_info *err)
{
        char buf[PATH_MAX];

        if (*ret_done)
                return 0;
        if (chdir(p->cwd) < 0) {
                if (!as_user && (errno == EACCES || errno == EPERM))
                        return 0; /* again once we are the user */
                return error_set(err, errno, "process.cwd: chdir to '%s'", p->cwd);
        }
        *ret_done = true;
        /* A cwd reached through an fd of ours would sit outside the root (CVE-2024-21626). */
        if (!getcwd(buf, sizeof buf) || buf[0] != '/')
                return error_set_reason(err, EPERM, "process.cwd: '%s' is outside the container's root",
                                        p->cwd);
        return 0;
}

int process_find_executable(const struct spec_process *p, char *buf, size_t size, struct error_info *err)
{
        const char *name = p->args[0], *path = DEFAULT_PATH;
        struct stat st;

        /* Worded as runc words them: engines turn these words into exit statuses 127 and 126. */
        if (strchr(name, '/')) {
                if (stat(name, &st) < 0)
                        return error_set_reason(err, errno, "exec: \"%s\": stat %s: %s", name, name,
                                                errno == ENOENT ? "no such file or directory"
                                                                : strerror(errno));
                if (!S_ISREG(st.st_mode) || access(name, X_OK) < 0)
                        return error_set_reason(err, EACCES, "exec: \"%s\": permission denied", name);
                snprintf(buf, size, "%s", name);
                return 0;
        }
        for (size_t i = 0; i < p->n_env; i++)
                if (!strncmp(p->env[i], "PATH=", 5))
                        path = p->env[i] + 5;
        for (const char *dir = path, *end; dir; dir = *end ? end + 1 : NULL) {
                end = strchrnul(dir, ':');
                int len = (int) (end - dir);
                snprintf(buf, size, "%.*s%s%s", len, len ? dir : ".", "/", name);
                if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
                        return 0;
        }
        return error_set_reason(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

void process_ctx_init(struct process_ctx *pc, const struct spec_process *p, const struct spec_linux *lx)
{
        *pc = (struct process_ctx){
                .process = p,
                .lx = lx,
                .sync_fd = -EBADF,
                .lsm_fd = -EBADF,
                .pty_master = -EBADF,
                .pty_slave = -EBADF,
        };
}

int process_setup(const struct process_ctx *pc, struct error_info *err)
{
        const struct spec_process *p = pc->process;
        int r;

        r = apply_rlimits(p, err);
        if (r < 0)
                return r;
        /* While we may still raise them: real-time classes need CAP_SYS_NICE / CAP_SYS_ADMIN. */
        if (p->io_priority && (r = set_io_priority(p->io_priority, err)) < 0)
                return r;
        if (p->scheduler && (r = set_scheduler(p->scheduler, err)) < 0)
                return r;
        if (pc->lx && pc->lx->personality && (r = set_personality(pc->lx->personality, err)) < 0)
                return r;
        /* Without no_new_privs loading a seccomp filter needs CAP_SYS_ADMIN: before it goes. */
        r = filter_load(pc, false, err);
        if (r < 0)
                return r;

        if (p->capabilities) {
                r = drop_bounding(p->capabilities, err);
                if (r < 0)
                        return r;
                if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                        return error_set(err, errno, "prctl PR_SET_KEEPCAPS");
        }
        bool in_cwd = false;
        r = change_cwd(p, false, &in_cwd, err);
        if (r < 0)
                return r;
        r = change_user(p, err);
        if (r < 0)
                return r;
        if (p->capabilities) {
                (void) prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0); /* cleared by execve anyway */
                r = set_capabilities(p->capabilities, err);
                if (r < 0)
                        return r;
        }
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return error_set(err, errno, "process.noNewPrivileges");
        umask(p->user.has_umask ? p->user.umask : 022);
        return change_cwd(p, true, &in_cwd, err);
}

/*
 * Builds envp: the config's env, plus HOME when it does not set one (as runc),
 * plus LISTEN_FDS and LISTEN_PID when socket-activation fds are passed on.
 */
static char **make_env(const struct spec_process *p, int listen_fds)
{
        static char home[PATH_MAX + 8], listen[32];
        char **env = calloc(p->n_env + 4, sizeof *env);
        bool has_home = false;
        size_t n = 0;

        if (!env)
                return p->env;
        for (size_t i = 0; i < p->n_env; i++) {
                has_home |= !strncmp(p->env[i], "HOME=", 5);
                env[n++] = p->env[i];
        }
        if (!has_home) {
                snprintf(home, sizeof home, "HOME=/");
                _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
                char line[1024];
                while (f && fgets(line, sizeof line, f)) {
                        char *fields[7] = {0}, *s = line;
                        for (int k = 0; k < 7 && s; k++)
                                fields[k] = strsep(&s, ":");
                        if (fields[5] && fields[2] && strtoul(fields[2], NULL, 10) == p->user.uid) {
                                snprintf(home, sizeof home, "HOME=%s", fields[5]);
                                break;
                        }
                }
                env[n++] = home;
        }
        if (listen_fds > 0) {
                snprintf(listen, sizeof listen, "LISTEN_FDS=%d", listen_fds);
                env[n++] = listen;
                env[n++] = (char *) "LISTEN_PID=1";
        }
        env[n] = NULL;
        return env;
}

void process_exec(const struct process_ctx *pc, int report_fd, const char *path)
{
        struct error_info err = {0};
        unsigned first = 3 + (unsigned) pc->listen_fds + (unsigned) pc->preserve_fds;
        sigset_t all;

        /* Preserved fds pass through; everything of ours closes on exec. */
        for (unsigned fd = 3; fd < first; fd++)
                (void) fcntl((int) fd, F_SETFD, 0);
        if (close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                for (int fd = (int) first; fd < 65536; fd++)
                        (void) fcntl(fd, F_SETFD, FD_CLOEXEC);

        /* husk blocked every signal to forward them; the workload starts with none blocked. */
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        /* Set by init_main for the set-up only: a detached container outlives husk. */
        (void) prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
        /* In the container's cgroup now: the CPUs the workload runs on. */
        if (process_set_affinity(0, pc->process->exec_cpu_affinity_final, "final", &err) < 0 ||
            security_set_exec_label(pc->lsm_fd, pc->process, &err) < 0) {
                (void) write(report_fd, &err, sizeof err);
                _exit(127);
        }
        execve(path, pc->process->args, make_env(pc->process, pc->listen_fds));

        error_set(&err, errno, "exec '%s'", path);
        (void) write(report_fd, &err, sizeof err);
        _exit(127);
}
