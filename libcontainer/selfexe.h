/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "base/error.h"

/* fd (an open executable) cannot be opened for writing: a sealed memfd, or on a read-only mount. */
bool selfexe_is_protected(int fd);

/*
 * Makes sure the running husk is a protected file before it enters a
 * container: returns 0 when it is; otherwise re-executes itself (argv, the
 * same environment) from a sealed memfd copy and only returns on failure.
 */
int selfexe_protect(char **argv, struct error_info *err);
