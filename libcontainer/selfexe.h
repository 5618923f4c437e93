/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "base/error.h"

/*
 * Makes sure the running husk is a protected file before it enters a
 * container: returns 0 when it is; otherwise re-executes itself (argv, the
 * same environment) from a sealed memfd copy and only returns on failure.
 */
int selfexe_protect(char **argv, struct error_info *err);
