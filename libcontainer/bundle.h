/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A bundle, read and checked before anything of the container is made (bundle.c). */

#include <stdbool.h>

#include "base/error.h"
#include "specs/spec.h"

/*
 * Reads DIR/config.json (dir NULL: the current directory) and finds its rootfs.  Checks what
 * must hold before anything is made: a process and root.path, the fields this build refuses
 * ("not supported by this husk yet"), the security fields the host must support
 * (security_check).  *ret_bundle and *ret_rootfs are absolute real paths; all three are the
 * caller's, written only on success.
 */
int bundle_load(const char *dir, char **ret_bundle, struct spec **ret_spec, char **ret_rootfs,
                struct error_info *err);

/*
 * process.terminal and --console-socket go together as in runc: a terminal that outlives husk
 * (create, run -d) needs a socket to go to, and a socket needs a terminal to receive.
 * foreground: `run` without -d, which proxies the terminal to its own stdio without a socket.
 */
int bundle_check_terminal(const struct spec *s, const char *console_socket, bool foreground,
                          struct error_info *err);
