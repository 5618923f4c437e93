/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The error model shared by every folder.
 *
 * A function that can fail returns int: >= 0 on success, -errno on failure.
 * Functions that perform an operation also take a caller-owned
 * struct error_info *err (may be NULL) and fill it in at the point of failure
 * with what failed and on what.  The struct is plain data, so the container's
 * init can send it over the sync socket unchanged.
 */

#include <stdarg.h>
#include <stddef.h>

struct error_info {
        int errnum;     /* > 0 once set */
        int has_reason; /* msg already says why: print it without strerror(errnum) */
        char msg[1024]; /* "open 'config.json'", no trailing newline */
};

/* Sets err (when not NULL) and returns -errnum.  errnum must be > 0. */
int error_set(struct error_info *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Same, for a message that states its own reason ("container 'x' does not exist"). */
int error_set_reason(struct error_info *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Prefixes "fmt: " to the message already in err.  Returns r unchanged. */
int error_prefix(struct error_info *err, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Formats "msg: strerror(errnum)" into buf; a message set with
 * error_set_reason() is printed as it is.
 */
const char *error_format(const struct error_info *err, char *buf, size_t size);
