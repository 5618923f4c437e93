/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What run and exec share once the process runs (wait.c). */

#include <sys/types.h>

#include "base/error.h"

struct terminal_proxy;

/* Writes pid to path atomically (a temporary file renamed over it). */
int write_pid_file(const char *path, pid_t pid, struct error_info *err);

/*
 * Waits for pid (our child), passing every signal we get on to it through pidfd (every signal
 * is blocked already).  With tty, copies its terminal to and from our stdio meanwhile, SIGWINCH
 * resizes it, and its output is drained before we return.  *ret_status: exit_status().
 */
int wait_forwarding(pid_t pid, int pidfd, struct terminal_proxy *tty, int *ret_status,
                    struct error_info *err);
