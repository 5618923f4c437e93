/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* linux.seccomp in a container's life (filter.c; see the comment at its top for the order). */

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "specs/spec.h"

struct process_ctx;
struct spec_state;
struct syscall_filter;

/*
 * The parent: compiles s->linux->seccomp, or takes it from root's cache; *ret NULL when there
 * is none.  err names the field.
 */
int filter_compile(const struct spec *s, const char *root, struct syscall_filter **ret,
                   struct error_info *err);

/*
 * The child: loads pc->filter when late == process.noNewPrivileges (false: before the
 * capabilities go, true: last before sync 2 / execve), and sends the listener fd, if any, to
 * the parent on pc->sync_fd (SYNC_SECCOMP) at once.
 */
int filter_load(const struct process_ctx *pc, bool late, struct error_info *err);

/*
 * The parent: sends the container process state for st (pid: the process of fd) and fd to
 * s->listener_path.
 */
int filter_send_listener(const struct spec_seccomp *s, const struct spec_state *st, pid_t pid, int fd,
                         struct error_info *err);
