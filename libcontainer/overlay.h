/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * An overlay rootfs assembled from image layers (man husk-run, OVERLAY
 * ROOTFS).  The annotation io.husk.rootfs.layers lists layer directories,
 * top-most first, separated by ':' (relative ones are in the bundle); they
 * become the overlay's read-only lowerdirs.  The writable layer is the
 * container's: ROOT/ID/upper and ROOT/ID/work, removed with the state
 * directory by `delete`; or, with io.husk.rootfs.upper, the named directory
 * (made if missing) and its work directory UPPER.work beside it, both kept.
 */

#include "base/error.h"

#define OVERLAY_LAYERS_ANNOTATION "io.husk.rootfs.layers"
#define OVERLAY_UPPER_ANNOTATION "io.husk.rootfs.upper"

struct rootfs_where;
struct spec;

/*
 * Checks root.path (an empty directory) and the layers, makes the upper and
 * work directories and mounts the overlay as a detached mount (fsopen,
 * fsmount), which the init attaches at root.path in its own mount namespace:
 * nothing is mounted in the host's.  *ret_tree: its fd, or -EBADF when the
 * config has no layers annotation.  Run by the parent (host credentials:
 * trusted.overlay xattrs, the host's paths).
 */
int overlay_prepare(const struct spec *s, const struct rootfs_where *w, int *ret_tree,
                    struct error_info *err);
