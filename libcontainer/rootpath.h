/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Paths inside a container's rootfs, resolved by file descriptor without
 * leaving it.  The rootfs is hostile: its symlinks (absolute, "..", or
 * racing) are resolved as if rootfd were "/" (openat2 RESOLVE_IN_ROOT), and
 * magic links (/proc/self/fd/N) are refused.  Nothing here joins paths as
 * strings.  Each returns an O_CLOEXEC fd or -errno (no error_info: callers
 * name the config field).
 */

#include <sys/types.h>

/* Opens path (absolute or relative; both relative to rootfd) with flags. */
int root_open(int rootfd, const char *path, int flags);

/* Opens the directory at path, creating missing components (mode).  O_PATH fd. */
int root_mkdir_p(int rootfd, const char *path, mode_t mode);

/* Opens the file at path, creating it (and its parents) if missing.  O_PATH fd. */
int root_mkfile(int rootfd, const char *path, mode_t mode);

/*
 * Opens the parent directory of path (creating it when create is set) and
 * returns its O_PATH fd; *ret_base points into path at the last component.
 * "/" has no parent: -EINVAL.
 */
int root_open_parent(int rootfd, const char *path, int create, const char **ret_base);

/* "/proc/self/fd/N" for fd, into buf (at least 32 bytes). */
const char *fd_path(int fd, char *buf, size_t size);
