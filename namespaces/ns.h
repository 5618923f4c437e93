/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Namespaces: the table from the spec's names to CLONE_NEW* flags, joining
 * an existing namespace by path, uid/gid maps, time namespace offsets and
 * bringing up the loopback device of a new network namespace (libmnl).
 */

#include <stdbool.h>
#include <sys/types.h>

#include "specs/spec.h"

struct error_info;

/* CLONE_NEW* flag of a namespace type. */
int ns_clone_flag(enum spec_namespace_type t);

/* The name of the type under /proc/PID/ns/ ("net", "mnt", …). */
const char *ns_proc_name(enum spec_namespace_type t);

/*
 * Opens path and checks that it is a namespace of type t (NS_GET_NSTYPE).
 * Returns the fd (O_CLOEXEC) or -errno with err naming the path.
 */
int ns_open(enum spec_namespace_type t, const char *path, struct error_info *err);

/* setns() into fd, a namespace of type t.  err names the path. */
int ns_join_fd(int fd, enum spec_namespace_type t, const char *path, struct error_info *err);

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
