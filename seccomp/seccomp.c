/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.seccomp → BPF (see seccomp.h for why husk exports the program and
 * loads it with seccomp(2) itself).  The translation follows runc and crun
 * where the runtime-spec leaves room:
 *
 *  - errnoRet defaults to EPERM, for SCMP_ACT_ERRNO and SCMP_ACT_TRACE alike
 *    (TRACE's value is the one a tracer sees in PTRACE_GETEVENTMSG);
 *  - a rule whose action is the default action is skipped (libseccomp
 *    refuses it), and so is a syscall name this libseccomp does not know
 *    (profiles list names of newer kernels and other architectures);
 *  - a rule's conditions are ANDed in one libseccomp rule, unless two of
 *    them test the same argument: libseccomp cannot AND those, so each
 *    condition becomes a rule of its own (ORed), as runc and crun do;
 *  - the native architecture is always in the filter, plus the listed ones.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "seccomp/seccomp.h"
#include "base/banned.h"

DEFINE_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release)

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define FIELD "linux.seccomp"

/* In the order of spec_seccomp_flags[]. */
static const unsigned int flag_bits[] = {
        SECCOMP_FILTER_FLAG_TSYNC,
        SECCOMP_FILTER_FLAG_LOG,
        SECCOMP_FILTER_FLAG_SPEC_ALLOW,
        SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

static int name_index(const char *const *names, const char *name)
{
        for (int i = 0; names[i]; i++)
                if (!strcmp(names[i], name))
                        return i;
        return -1;
}

/* SCMP_ACT_* name → libseccomp action; errno_ret for ERRNO and TRACE. */
static uint32_t action_value(const char *name, uint32_t errno_ret)
{
        if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
                return SCMP_ACT_KILL_THREAD;
        if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
                return SCMP_ACT_KILL_PROCESS;
        if (!strcmp(name, "SCMP_ACT_TRAP"))
                return SCMP_ACT_TRAP;
        if (!strcmp(name, "SCMP_ACT_ERRNO"))
                return SCMP_ACT_ERRNO(errno_ret);
        if (!strcmp(name, "SCMP_ACT_TRACE"))
                return SCMP_ACT_TRACE(errno_ret);
        if (!strcmp(name, "SCMP_ACT_LOG"))
                return SCMP_ACT_LOG;
        if (!strcmp(name, "SCMP_ACT_NOTIFY"))
                return SCMP_ACT_NOTIFY;
        return SCMP_ACT_ALLOW; /* SCMP_ACT_ALLOW; specs/ refused every other name */
}

static enum scmp_compare op_value(const char *name)
{
        static const enum scmp_compare ops[] = {
                SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,        SCMP_CMP_EQ,
                SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ,
        };
        int i = name_index(spec_seccomp_ops, name);
        return i >= 0 ? ops[i] : _SCMP_CMP_MIN;
}

/* SCMP_ARCH_X86_64 → libseccomp's token for "x86_64"; 0 when this libseccomp does not know it. */
static uint32_t arch_value(const char *name)
{
        char lower[32];
        size_t n = 0;

        for (const char *p = name + strlen("SCMP_ARCH_"); *p && n < sizeof lower - 1; p++)
                lower[n++] = (char) (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        lower[n] = '\0';
        return seccomp_arch_resolve_name(lower);
}

/*
 * Whether the kernel takes flag: with a NULL program seccomp(2) checks the flags first
 * (EINVAL) and faults on the program next (EFAULT), before any permission check.
 */
static bool kernel_has_flag(unsigned int flag)
{
        if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
                flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER; /* meaningless without it */
        return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static uint32_t errno_or_eperm(bool has, uint32_t value)
{
        return has ? value : EPERM;
}

/* One syscall of syscalls[i], by its number, with its conditions. */
static int add_rule(scmp_filter_ctx ctx, const struct spec_seccomp_syscall *sc, size_t i, const char *name,
                    int nr, uint32_t action, struct error_info *err)
{
        struct scmp_arg_cmp conds[6 * 8];
        size_t n = sc->n_args < ARRAY_SIZE(conds) ? sc->n_args : ARRAY_SIZE(conds);
        bool same_index = false;
        int r;

        for (size_t k = 0; k < n; k++) {
                const struct spec_seccomp_arg *a = &sc->args[k];
                conds[k] = (struct scmp_arg_cmp){.arg = a->index,
                                                 .op = op_value(a->op),
                                                 .datum_a = a->value,
                                                 .datum_b = a->value_two};
                for (size_t j = 0; j < k; j++)
                        same_index |= sc->args[j].index == a->index;
        }
        if (!same_index) {
                r = seccomp_rule_add_array(ctx, action, nr, (unsigned) n, conds);
                if (r < 0)
                        return error_set(err, -r, FIELD ".syscalls[%zu]: add the rule for '%s'", i, name);
                return 0;
        }
        for (size_t k = 0; k < n; k++) {
                r = seccomp_rule_add_array(ctx, action, nr, 1, &conds[k]);
                if (r < 0)
                        return error_set(err, -r, FIELD ".syscalls[%zu].args[%zu]: add the rule for '%s'", i,
                                         k, name);
        }
        return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const struct spec_seccomp *s, uint32_t default_action,
                        bool *ret_notify, struct error_info *err)
{
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct spec_seccomp_syscall *sc = &s->syscalls[i];
                uint32_t action = action_value(sc->action, errno_or_eperm(sc->has_errno_ret, sc->errno_ret));

                if (action == default_action) {
                        log_debug(FIELD ".syscalls[%zu]: the default action, skipped", i);
                        continue;
                }
                for (size_t j = 0; j < sc->n_names; j++) {
                        const char *name = sc->names[j];
                        int nr = seccomp_syscall_resolve_name(name);

                        if (nr == __NR_SCMP_ERROR) {
                                log_debug(FIELD
                                          ".syscalls[%zu]: syscall '%s' unknown to libseccomp, skipped",
                                          i, name);
                                continue;
                        }
                        /*
                         * The init hands the listener fd to husk with sendmsg() once the filter is
                         * loaded: a notified sendmsg() would wait for a listener that never comes.
                         */
                        if (action == SCMP_ACT_NOTIFY && !strcmp(name, "sendmsg"))
                                return error_set_reason(err, EINVAL,
                                                        FIELD
                                                        ".syscalls[%zu]: SCMP_ACT_NOTIFY on 'sendmsg' "
                                                        "is not supported: husk sends the listener fd with "
                                                        "it after loading the filter",
                                                        i);
                        int r = add_rule(ctx, sc, i, name, nr, action, err);
                        if (r < 0)
                                return r;
                        *ret_notify |= action == SCMP_ACT_NOTIFY;
                }
        }
        return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct spec_seccomp *s, struct error_info *err)
{
        for (size_t i = 0; i < s->n_architectures; i++) {
                uint32_t arch = arch_value(s->architectures[i]);
                if (arch == 0)
                        return error_set_reason(
                                err, EOPNOTSUPP,
                                FIELD ".architectures[%zu]: '%s' is not known to libseccomp %u.%u.%u", i,
                                s->architectures[i], seccomp_version()->major, seccomp_version()->minor,
                                seccomp_version()->micro);
                int r = seccomp_arch_add(ctx, arch);
                if (r == -EDOM)
                        return error_set_reason(err, EINVAL,
                                                FIELD ".architectures[%zu]: '%s' cannot share a filter with "
                                                      "the native architecture (another byte order)",
                                                i, s->architectures[i]);
                if (r < 0 && r != -EEXIST)
                        return error_set(err, -r, FIELD ".architectures[%zu]: add '%s'", i,
                                         s->architectures[i]);
        }
        return 0;
}

static int plan_flags(const struct spec_seccomp *s, bool notify, unsigned int *ret, struct error_info *err)
{
        unsigned int flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;

        for (size_t i = 0; i < s->n_flags; i++) {
                int k = name_index(spec_seccomp_flags, s->flags[i]);
                unsigned int bit = k >= 0 ? flag_bits[k] : 0;

                if (!kernel_has_flag(bit))
                        return error_set_reason(err, EOPNOTSUPP,
                                                FIELD
                                                ".flags[%zu]: '%s' is not supported by the running kernel",
                                                i, s->flags[i]);
                if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify) {
                        log_debug(FIELD ".flags[%zu]: '%s' without SCMP_ACT_NOTIFY has no effect, ignored",
                                  i, s->flags[i]);
                        continue;
                }
                /* TSYNC and a listener need TSYNC_ESRCH (seccomp(2)). */
                if (bit == SECCOMP_FILTER_FLAG_TSYNC && notify) {
                        if (!kernel_has_flag(SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
                                return error_set_reason(err, EOPNOTSUPP,
                                                        FIELD ".flags[%zu]: '%s' with SCMP_ACT_NOTIFY needs "
                                                              "SECCOMP_FILTER_FLAG_TSYNC_ESRCH (Linux 5.7)",
                                                        i, s->flags[i]);
                        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
                }
                flags |= bit;
        }
        *ret = flags;
        return 0;
}

/* The program libseccomp made, read back from a memfd (2.5 can only write it to an fd). */
static int export_bpf(scmp_filter_ctx ctx, struct syscall_filter *f, struct error_info *err)
{
        _cleanup_close_ int fd = memfd_create("husk-seccomp", MFD_CLOEXEC);
        struct stat st;

        if (fd < 0)
                return error_set(err, errno, FIELD ": memfd_create");
        int r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return error_set(err, -r, FIELD ": export the filter");
        if (fstat(fd, &st) < 0)
                return error_set(err, errno, FIELD ": stat the exported filter");
        if (st.st_size <= 0 || st.st_size % (off_t) sizeof(struct sock_filter) ||
            st.st_size / (off_t) sizeof(struct sock_filter) > BPF_MAXINSNS)
                return error_set_reason(err, E2BIG,
                                        FIELD ": the filter has %lld bytes, not 1 to %d BPF instructions",
                                        (long long) st.st_size, BPF_MAXINSNS);
        f->insns = malloc((size_t) st.st_size);
        if (!f->insns)
                return error_set(err, ENOMEM, FIELD);
        if (pread(fd, f->insns, (size_t) st.st_size, 0) != st.st_size)
                return error_set(err, errno ? errno : EIO, FIELD ": read the exported filter");
        f->n_insns = (size_t) st.st_size / sizeof(struct sock_filter);
        return 0;
}

int syscall_filter_compile(const struct spec_seccomp *s, struct syscall_filter **ret, struct error_info *err)
{
        _cleanup_(syscall_filter_freep) struct syscall_filter *f = calloc(1, sizeof *f);
        uint32_t def = action_value(s->default_action,
                                    errno_or_eperm(s->has_default_errno_ret, s->default_errno_ret));
        int r;

        if (!f)
                return error_set(err, ENOMEM, FIELD);
        /* husk itself makes syscalls after loading (it sends the listener fd): they would wait forever. */
        if (def == SCMP_ACT_NOTIFY)
                return error_set_reason(err, EINVAL,
                                        FIELD ".defaultAction: SCMP_ACT_NOTIFY is not supported: husk's own "
                                              "syscalls after loading the filter would wait for a listener");
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(def);
        if (!ctx)
                return error_set(err, EINVAL, FIELD ".defaultAction: '%s' refused by libseccomp",
                                 s->default_action);
        r = add_arches(ctx, s, err);
        if (r < 0)
                return r;
        r = add_syscalls(ctx, s, def, &f->notify, err);
        if (r < 0)
                return r;
        if (f->notify && !s->listener_path)
                return error_set_reason(err, EINVAL,
                                        FIELD
                                        ".listenerPath: required by SCMP_ACT_NOTIFY (the listener gets "
                                        "the notification fd)");
        r = plan_flags(s, f->notify, &f->flags, err);
        if (r < 0)
                return r;
        r = export_bpf(ctx, f, err);
        if (r < 0)
                return r;
        log_debug(FIELD ": %zu BPF instructions, flags 0x%x%s", f->n_insns, f->flags,
                  f->notify ? ", with a listener" : "");
        *ret = TAKE_PTR(f);
        return 0;
}

int syscall_filter_load(const struct syscall_filter *f, struct error_info *err)
{
        struct sock_fprog prog = {.len = (unsigned short) f->n_insns, .filter = f->insns};
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);

        if (r < 0) {
                if (errno == EACCES)
                        return error_set(err, errno,
                                         FIELD ": load the filter (needs process.noNewPrivileges or "
                                               "CAP_SYS_ADMIN)");
                return error_set(err, errno, FIELD ": load the filter (flags 0x%x)", f->flags);
        }
        if (r > 0 && !f->notify) /* TSYNC: a thread that could not be synchronised */
                return error_set_reason(err, EBUSY, FIELD ": thread %ld cannot take the filter (TSYNC)", r);
        return f->notify ? (int) r : 0;
}

void syscall_filter_free(struct syscall_filter *f)
{
        if (!f)
                return;
        free(f->insns);
        free(f);
}

size_t syscall_filter_archs(const char **out, size_t max)
{
        size_t n = 0;

        for (size_t i = 0; spec_seccomp_arches[i] && n + 1 < max; i++)
                if (arch_value(spec_seccomp_arches[i]) != 0)
                        out[n++] = spec_seccomp_arches[i];
        out[n] = NULL;
        return n;
}

size_t syscall_filter_supported_flags(const char **out, size_t max)
{
        size_t n = 0;

        for (size_t i = 0; spec_seccomp_flags[i] && n + 1 < max; i++)
                if (kernel_has_flag(flag_bits[i]))
                        out[n++] = spec_seccomp_flags[i];
        out[n] = NULL;
        return n;
}

/* ---- the cache of compiled filters ----------------------------------------------------- */

/*
 * A file per profile, named by a 64-bit FNV-1a hash of its key and holding the key itself:
 * a hit needs the whole key to match, so a hash collision is a miss, never a wrong filter.
 *   "HUSKBPF1" | u32 flags | u32 notify | u64 key length | key | u64 n_insns | insns
 */
#define CACHE_MAGIC "HUSKBPF1"
#define CACHE_MAX_ENTRIES 64

struct key {
        char *buf;
        size_t len, size;
};

static void key_add(struct key *k, const void *p, size_t n)
{
        if (!k->buf && k->size)
                return; /* out of memory earlier */
        if (k->len + n + sizeof(uint64_t) > k->size) {
                size_t size = (k->len + n + sizeof(uint64_t)) * 2 + 256;
                char *b = realloc(k->buf, size);
                if (!b) {
                        free(k->buf);
                        k->buf = NULL;
                        k->size = 1;
                        return;
                }
                k->buf = b;
                k->size = size;
        }
        uint64_t len = n; /* length-prefixed: no two profiles give the same bytes */
        memcpy(k->buf + k->len, &len, sizeof len);
        memcpy(k->buf + k->len + sizeof len, p, n);
        k->len += sizeof len + n;
}

static void key_str(struct key *k, const char *s)
{
        key_add(k, s ? s : "\xff", s ? strlen(s) : 1);
}

static void key_u64(struct key *k, uint64_t v)
{
        key_add(k, &v, sizeof v);
}

static int make_key(const struct spec_seccomp *s, struct key *k)
{
        const struct scmp_version *v = seccomp_version();
        struct utsname u;

        if (uname(&u) < 0)
                return -errno;
        key_str(k, u.release);
        key_str(k, u.machine);
        key_u64(k, ((uint64_t) v->major << 32) | (v->minor << 16) | v->micro);
        key_str(k, s->default_action);
        key_u64(k, s->has_default_errno_ret ? s->default_errno_ret : UINT64_MAX);
        key_str(k, s->listener_path);
        key_u64(k, s->n_architectures);
        for (size_t i = 0; i < s->n_architectures; i++)
                key_str(k, s->architectures[i]);
        key_u64(k, s->n_flags);
        for (size_t i = 0; i < s->n_flags; i++)
                key_str(k, s->flags[i]);
        key_u64(k, s->n_syscalls);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct spec_seccomp_syscall *sc = &s->syscalls[i];
                key_str(k, sc->action);
                key_u64(k, sc->has_errno_ret ? sc->errno_ret : UINT64_MAX);
                key_u64(k, sc->n_names);
                for (size_t j = 0; j < sc->n_names; j++)
                        key_str(k, sc->names[j]);
                key_u64(k, sc->n_args);
                for (size_t j = 0; j < sc->n_args; j++) {
                        key_u64(k, sc->args[j].index);
                        key_u64(k, sc->args[j].value);
                        key_u64(k, sc->args[j].value_two);
                        key_str(k, sc->args[j].op);
                }
        }
        return k->buf ? 0 : -ENOMEM;
}

static uint64_t fnv1a(const char *p, size_t n)
{
        uint64_t h = 0xcbf29ce484222325ULL;

        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char) p[i]) * 0x100000001b3ULL;
        return h;
}

static int read_full(int fd, void *buf, size_t n)
{
        ssize_t r = read(fd, buf, n);
        return r == (ssize_t) n ? 0 : -EIO;
}

static int cache_load(int dirfd, const char *name, const struct key *k, struct syscall_filter **ret)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        char magic[8];
        uint32_t flags, notify;
        uint64_t klen, n;

        if (fd < 0)
                return -errno;
        if (read_full(fd, magic, sizeof magic) < 0 || memcmp(magic, CACHE_MAGIC, sizeof magic) ||
            read_full(fd, &flags, sizeof flags) < 0 || read_full(fd, &notify, sizeof notify) < 0 ||
            read_full(fd, &klen, sizeof klen) < 0 || klen != k->len)
                return -EINVAL;
        _cleanup_free_ char *key = malloc(k->len);
        if (!key || read_full(fd, key, k->len) < 0 || memcmp(key, k->buf, k->len) ||
            read_full(fd, &n, sizeof n) < 0 || n == 0 || n > BPF_MAXINSNS)
                return -EINVAL;
        _cleanup_(syscall_filter_freep) struct syscall_filter *f = calloc(1, sizeof *f);
        if (!f || !(f->insns = malloc(n * sizeof *f->insns)))
                return -ENOMEM;
        if (read_full(fd, f->insns, n * sizeof *f->insns) < 0)
                return -EIO;
        f->n_insns = n;
        f->flags = flags;
        f->notify = notify;
        *ret = TAKE_PTR(f);
        return 0;
}

/* Too many entries (profiles come and go): start over rather than grow without end. */
static void cache_trim(int dirfd)
{
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_(closedirp) DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *de;
        size_t n = 0;

        if (!d) {
                if (fd >= 0)
                        (void) close(fd);
                return;
        }
        while ((de = readdir(d)))
                n += de->d_name[0] != '.';
        if (n < CACHE_MAX_ENTRIES)
                return;
        rewinddir(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        (void) unlinkat(dirfd, de->d_name, 0);
}

static int cache_store(int dirfd, const char *name, const struct key *k, const struct syscall_filter *f)
{
        char tmp[64];
        uint32_t flags = f->flags, notify = f->notify;
        uint64_t klen = k->len, n = f->n_insns;

        cache_trim(dirfd);
        snprintf(tmp, sizeof tmp, ".%s.%d", name, (int) getpid());
        _cleanup_close_ int fd =
                openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        struct iovec iov[] = {
                {(void *) CACHE_MAGIC, 8},
                {&flags, sizeof flags},
                {&notify, sizeof notify},
                {&klen, sizeof klen},
                {k->buf, k->len},
                {&n, sizeof n},
                {f->insns, n * sizeof *f->insns},
        };
        size_t total = 0;
        for (size_t i = 0; i < ARRAY_SIZE(iov); i++)
                total += iov[i].iov_len;
        if (writev(fd, iov, (int) ARRAY_SIZE(iov)) != (ssize_t) total ||
            renameat(dirfd, tmp, dirfd, name) < 0) {
                int e = errno ? errno : EIO;
                (void) unlinkat(dirfd, tmp, 0);
                return -e;
        }
        return 0;
}

int syscall_filter_compile_cached(int cache_dirfd, const struct spec_seccomp *s, struct syscall_filter **ret,
                                  struct error_info *err)
{
        struct key k = {0};
        char name[32];
        int r;

        if (cache_dirfd < 0 || make_key(s, &k) < 0) {
                free(k.buf);
                return syscall_filter_compile(s, ret, err);
        }
        snprintf(name, sizeof name, "%016llx", (unsigned long long) fnv1a(k.buf, k.len));
        r = cache_load(cache_dirfd, name, &k, ret);
        if (r == 0) {
                log_debug(FIELD ": %zu BPF instructions from the cache (%s), flags 0x%x", (*ret)->n_insns,
                          name, (*ret)->flags);
                free(k.buf);
                return 0;
        }
        r = syscall_filter_compile(s, ret, err);
        if (r >= 0) {
                int w = cache_store(cache_dirfd, name, &k, *ret);
                if (w < 0)
                        log_debug(FIELD ": cannot keep the compiled filter in the cache: %s", strerror(-w));
        }
        free(k.buf);
        return r;
}
