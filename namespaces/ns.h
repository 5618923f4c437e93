/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Namespaces: the table from the spec's names to CLONE_NEW* flags, the plan of
 * which namespaces a container makes and which it joins, the one clone3 of
 * husk (clone.c), joining in one order, uid/gid maps, time namespace offsets
 * and bringing up the loopback device of a new network namespace (libmnl).
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "specs/spec.h"

struct error_info;

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/*
 * clone.c: clone3 with flags (CLONE_NEW*, CLONE_PARENT), SIGCHLD as exit
 * signal (with CLONE_PARENT: our own), a pidfd in *ret_pidfd when ret_pidfd is given, born in cgroup_fd
 * (a cgroup2 directory, CLONE_INTO_CGROUP) when it is >= 0.  Where the kernel
 * refuses the cgroup, the child is made outside it; where clone3 is refused
 * (ENOSYS) a child without flags is forked.  *ret_in_cgroup (may be NULL)
 * says whether the child was born in cgroup_fd.  Returns as fork() does, with
 * errno set on failure.
 */
pid_t ns_clone(uint64_t flags, int cgroup_fd, int *ret_pidfd, bool *ret_in_cgroup);

/*
 * How a container gets its namespaces (linux.namespaces):
 *  - the direct path (nothing to join but perhaps a pid namespace): one
 *    clone3 with every CLONE_NEW* flag; the child is the container's init;
 *  - the join path (a namespace given by path): the child joins them
 *    (ns_join_all), unshares the new ones (so they belong to the right user
 *    namespace), and forks the init with CLONE_PARENT when a new pid
 *    namespace is asked for, as runc's nsexec does.
 * The cgroup and time namespaces are never in clone_flags: the child unshares
 * the cgroup one after the parent has moved it into its cgroup (so that
 * cgroup becomes its root), the time one so it can write the offsets before
 * any process lives in it.
 */
struct ns_plan {
        uint64_t clone_flags;  /* CLONE_NEW* given to clone3 */
        int unshare_flags;     /* CLONE_NEW* the child unshares (join path) */
        int fds[_SPEC_NS_MAX]; /* namespaces to join, opened from their paths; -EBADF: none */
        bool join_path;        /* the child joins namespaces and may fork the init */
        bool new_user, new_pid, new_net, new_cgroup, new_time;
};

/* A plan that makes and joins nothing (every fd -EBADF). */
void ns_plan_init(struct ns_plan *p);

/*
 * Opens every namespace lx names by path (checked to be of its type) and
 * sorts the rest into clone and unshare flags.  err names the field.  The
 * caller closes the fds with ns_plan_close() on every path.
 */
int ns_plan_make(const struct spec_linux *lx, struct ns_plan *p, struct error_info *err);
void ns_plan_close(struct ns_plan *p);

/*
 * setns() into each namespace of fds, in the one order husk joins in: user
 * first (its capabilities allow the rest), then ipc, uts, net, cgroup, time,
 * and mnt last (it changes our root).  The pid namespace is not joined here:
 * setns() into it only places our future children, so callers do that around
 * their clone (ns_join_for_children).  Each fd is closed once joined.  what
 * names the namespaces in errors ("linux.namespaces", "/proc/<init>/ns").
 */
int ns_join_all(int fds[_SPEC_NS_MAX], const char *what, struct error_info *err);

/*
 * setns() into the namespace fd of type t (pid or time), which only places our
 * future children there.  With ret_saved, our own namespace of that type is
 * opened first (through procfd), to go back with ns_leave_for_children().
 */
int ns_join_for_children(int procfd, int fd, enum spec_namespace_type t, int *ret_saved,
                         struct error_info *err);
/* Back to the saved namespace (closed); saved < 0: nothing to do. */
void ns_leave_for_children(int saved, enum spec_namespace_type t);

/* The name of the type under /proc/PID/ns/ ("net", "mnt", …). */
const char *ns_proc_name(enum spec_namespace_type t);

/*
 * Writes /proc/PID/uid_map and gid_map (through procfd, an fd of a verified
 * procfs) from the config's mappings.  Written by the parent, which holds
 * the privileges in the parent user namespace.
 */
int ns_write_id_maps(int procfd, pid_t pid, const struct spec_linux *lx, struct error_info *err);

/* Writes the timeOffsets of the config to /proc/self/timens_offsets. */
int ns_write_time_offsets(int procfd, const struct spec_linux *lx, struct error_info *err);

/* Sets IFF_UP on "lo" in the current network namespace, through rtnetlink. */
int ns_loopback_up(struct error_info *err);

/* Opens /proc and checks that it really is procfs (PROC_SUPER_MAGIC). */
int ns_open_procfs(const char *path, struct error_info *err);
