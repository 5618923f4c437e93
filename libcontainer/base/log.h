/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Logging.  Lines go to stderr, or to the --log file; with --log-format json
 * each line is {"level":"…","msg":"…","time":"RFC 3339"} as runc writes it,
 * which conmon and containerd read back.  Library folders log at debug level,
 * or warnings that end in ", ignoring".
 */

#include <stdbool.h>
#include <stddef.h>

enum log_level {
        LOG_LEVEL_ERROR,
        LOG_LEVEL_WARN,
        LOG_LEVEL_INFO,
        LOG_LEVEL_DEBUG,
};

enum log_format {
        LOG_FORMAT_TEXT,
        LOG_FORMAT_JSON,
};

/* Opens path for appending (NULL: stderr).  Returns 0 or -errno. */
int log_open(const char *path, enum log_format format, bool debug);

/* The fd log lines go to (for passing to the container's init); -1 for stderr. */
int log_fd(void);
bool log_is_debug(void);

/*
 * s as one line that shows what it holds: newlines, other control characters and the Unicode
 * controls that reorder or hide text written as escapes (\n, \x01 or \u0001, \u202e);
 * json: also quotes and backslashes, for a JSON string.  Returns the length written to buf.
 */
size_t log_escape(char *buf, size_t size, const char *s, bool json);

void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...)                                                                                      \
        do {                                                                                                \
                if (log_is_debug())                                                                         \
                        log_write(LOG_LEVEL_DEBUG, __VA_ARGS__);                                            \
        } while (0)
#define log_info(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
