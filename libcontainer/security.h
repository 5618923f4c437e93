/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "base/error.h"
#include "specs/spec.h"

/*
 * Before anything is made: linux.sysctl keys must belong to a namespace the
 * container has of its own (not joined from the host), and an AppArmor
 * profile or SELinux label needs that LSM on the host.
 */
int security_check(const struct spec *s, struct error_info *err);
/* The LSM part of that, for an exec'd process. */
int security_check_process(const struct spec_process *p, struct error_info *err);

/*
 * Opens /proc/thread-self/attr/…/exec of the caller through procfd (verified
 * to be procfs) when p has an AppArmor profile or SELinux label; -EBADF when
 * it has none.  security_set_exec_label() writes the label there, right
 * before execve (fd < 0: nothing to do).
 */
int security_open_exec_label(int procfd, const struct spec_process *p, struct error_info *err);
int security_set_exec_label(int fd, const struct spec_process *p, struct error_info *err);
