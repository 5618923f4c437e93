/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Small file helpers.  Each returns >= 0 or -errno and takes no error_info. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes all of data (len bytes) to fd, retrying on EINTR and short writes. */
int write_all(int fd, const void *data, size_t len);

/* Opens dirfd/path with O_WRONLY|O_CLOEXEC (plus O_TRUNC) and writes s. */
int write_file_at(int dirfd, const char *path, const char *s);

/*
 * Writes s to procfd/path, where procfd is a /proc checked to be procfs: the
 * path is resolved beneath procfd without crossing a mount (nothing stacked on
 * /proc can stand in for it) and the file opened is checked to be procfs too.
 */
int procfs_write_at(int procfd, const char *path, const char *s);
/* The same checks, returning the open fd (flags: O_WRONLY, O_RDONLY…). */
int procfs_open_at(int procfd, const char *path, int flags);

/*
 * Reads at most size-1 bytes of dirfd/path into buf and NUL-terminates it.
 * Returns the number of bytes read.
 */
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size);

/* Reads the whole file into a malloc'ed, NUL-terminated buffer. */
int read_file_alloc(int dirfd, const char *path, char **ret, size_t *ret_len);

/*
 * As read_file_alloc() for input others hand us (config.json, process.json): only a regular
 * file (-EINVAL otherwise: a fifo would block, a device never end), opened without waiting on
 * it, of at most max bytes (-EFBIG, also when it grows past that while read).
 */
int read_regular_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* Writes s to dir/name atomically: a temporary file in dir, fsync, rename. */
int write_file_atomic_at(int dirfd, const char *name, const char *s, mode_t mode);

/* Creates every missing directory of path (absolute, host paths only). */
int mkdir_p(const char *path, mode_t mode);

/* Removes dirfd/name and everything below it; does not follow symlinks. */
int rm_rf_at(int dirfd, const char *name);

/* true when path exists (lstat). */
bool path_exists(const char *path);

/* Parses a decimal int/long with no trailing garbage.  Returns 0 or -EINVAL/-ERANGE. */
int parse_long(const char *s, long *ret);

/* CLOCK_MONOTONIC in milliseconds, for timeouts and intervals. */
long long now_ms(void);
