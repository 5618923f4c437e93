/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * linux.seccomp → a BPF program, compiled with libseccomp by husk itself
 * (the parent, before anything of the container exists) and loaded by the
 * container's init or exec'd process with seccomp(2) just before exec.
 *
 * Why not seccomp_load(): husk wants every SECCOMP_FILTER_FLAG_* under its
 * own control (libseccomp 2.5 has no attribute for WAIT_KILLABLE_RECV, and
 * the listener fd comes back from the same seccomp(2) call), and a compiled
 * program is plain memory: the child inherits it, no allocation and no
 * library call are left for after the filter is loaded.
 */

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "specs/spec.h"

struct sock_filter;

struct syscall_filter {
        struct sock_filter *insns; /* the BPF program, malloc'ed */
        size_t n_insns;
        unsigned int flags; /* SECCOMP_FILTER_FLAG_* given to seccomp(2) */
        bool notify;        /* an SCMP_ACT_NOTIFY rule: loading returns a listener fd */
};

/*
 * Compiles s for the native architecture and s->architectures.  Names of
 * syscalls this libseccomp does not know are skipped (debug log), as are
 * rules whose action is the default action.  Each flag is checked against
 * the running kernel.  On error err names the field (linux.seccomp.…), the
 * value and the reason.  *ret is the caller's (syscall_filter_free()).
 */
int syscall_filter_compile(const struct spec_seccomp *s, struct syscall_filter **ret,
                           struct error_info *err);

/*
 * As syscall_filter_compile(), through a cache of compiled filters in the directory
 * cache_dirfd (-EBADF: no cache).  An entry is keyed by the whole profile, the libseccomp
 * version and the kernel release, and holds the BPF and the flags: a hit skips libseccomp
 * (and its debug messages).  A cache that cannot be read or written is only logged.
 */
int syscall_filter_compile_cached(int cache_dirfd, const struct spec_seccomp *s, struct syscall_filter **ret,
                                  struct error_info *err);

/*
 * Loads f into the calling process (needs no_new_privs or CAP_SYS_ADMIN).
 * Returns the listener fd (O_CLOEXEC) when f->notify, else 0; -errno on
 * failure.  Makes one syscall and formats err only after it failed.
 */
int syscall_filter_load(const struct syscall_filter *f, struct error_info *err);

void syscall_filter_free(struct syscall_filter *f);
static inline void syscall_filter_freep(struct syscall_filter **f)
{
        syscall_filter_free(*f);
}

/* ---- for `husk features` ------------------------------------------------------------- */

/* The SCMP_ARCH_* names this libseccomp knows (of spec_seccomp_arches), NULL-terminated. */
size_t syscall_filter_archs(const char **out, size_t max);

/* The SECCOMP_FILTER_FLAG_* names (of spec_seccomp_flags) the running kernel accepts. */
size_t syscall_filter_supported_flags(const char **out, size_t max);
