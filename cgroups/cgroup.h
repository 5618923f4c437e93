/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The container's cgroup: placement only (create, enter, destroy).
 *
 * One struct cgroup stands for the container's directory in every cgroup
 * hierarchy the host has mounted: on a pure v2 host that is one directory
 * under /sys/fs/cgroup; on a hybrid host one per v1 hierarchy (named ones
 * such as name=systemd included) plus one in the cgroup2 mount
 * (/sys/fs/cgroup/unified); on a v1 host one per v1 hierarchy.  The layout
 * is read from /proc/self/mountinfo (a statfs of /sys/fs/cgroup first, so
 * that a pure v2 host does not pay for reading mountinfo).
 *
 * Ownership: only directories that cgroup_create() made are ever removed.
 * An existing, empty leaf is reused as runc does, but it is then not ours and
 * cgroup_destroy() leaves it in place.  The record of what was made travels
 * through cgroup_serialize() so that another husk process can destroy it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/cleanup.h"
#include "base/error.h"

struct cgroup;

enum cgroup_mode {
        CGROUP_MODE_V2,     /* cgroup2 at /sys/fs/cgroup (or only a cgroup2 mount) */
        CGROUP_MODE_HYBRID, /* v1 hierarchies plus a cgroup2 mount (usually .../unified) */
        CGROUP_MODE_V1,     /* v1 hierarchies only */
};

/* Works out the host's layout.  Returns 0, or -ENOENT when no cgroup file system is mounted. */
int cgroup_detect(enum cgroup_mode *ret, struct error_info *err);

/*
 * Creates the container's cgroup in every hierarchy, mkdir -p style.
 *
 * cgroups_path is linux.cgroupsPath:
 *   absolute ("/husk/abc")  that path below each hierarchy's mount point;
 *   relative ("husk/abc")   below the caller's own cgroup in each hierarchy (/proc/self/cgroup);
 *                           on a pure v2 host below its parent, as runc does, because the
 *                           caller's own cgroup holds processes and so could not enable
 *                           controllers for a child (the "no internal processes" rule);
 *   NULL or ""              as relative, with id as the path.
 * Components "" and "." are dropped; ".." is refused (EINVAL), as is a path naming no cgroup.
 * systemd (--systemd-cgroup, the "slice:prefix:name" form): there is no systemd to talk to,
 * so the form is mapped onto the cgroupfs path systemd would use (cgroup_systemd_path()) and
 * created like an absolute path.
 *
 * In a v1 cpuset hierarchy each new directory gets cpuset.cpus and cpuset.mems copied from
 * its parent, since a task cannot join a cpuset with empty ones (ENOSPC).
 *
 * An existing leaf is reused but not marked as ours; one that holds processes is taken with
 * a warning (as runc 1.1), one that is frozen is refused (EBUSY: the init would stop there).
 *
 * On success *ret owns the cgroup (cgroup_free()).  On failure every directory made here is
 * removed again, err names the path and the reason, and -errno is returned.
 */
int cgroup_create(const char *cgroups_path, const char *id, bool systemd, struct cgroup **ret,
                  struct error_info *err);

/*
 * cgroup_create() in two halves, so that what a create makes is recorded before it is made:
 * cgroup_plan() resolves the path in every hierarchy and marks the components that do not
 * exist yet (cgroup_serialize() then gives a record from which cgroup_destroy() in another
 * husk removes what a create killed half-way may have made, and nothing that was there
 * before); cgroup_make() makes them, its marks then saying what it really made.  A planned
 * cgroup that is never made is only freed (cgroup_free()), not destroyed.
 */
int cgroup_plan(const char *cgroups_path, const char *id, bool systemd, struct cgroup **ret,
                struct error_info *err);
int cgroup_make(struct cgroup *cg, struct error_info *err);

/*
 * "slice:prefix:name" → the path systemd gives that unit: the slice expanded as systemd nests
 * slices ("a-b.slice" → /a.slice/a-b.slice; "" → system.slice; "-.slice" → the root), then
 * "prefix-name.scope", or the name itself when it is a slice.  NULL or "" → system.slice and
 * "husk-ID.scope".  *ret is malloc'ed.  EINVAL with err for another form.
 */
int cgroup_systemd_path(const char *cgroups_path, const char *id, char **ret, struct error_info *err);

/*
 * An O_RDONLY|O_DIRECTORY|O_CLOEXEC fd of the container's cgroup in the cgroup2 hierarchy
 * (pure v2, or the unified mount on a hybrid host), for clone3's CLONE_INTO_CGROUP.
 * Borrowed: owned by cg, valid until cgroup_destroy() or cgroup_free().  -EBADF when there is
 * no cgroup2 hierarchy (v1 host) or the directory is gone.
 */
int cgroup_v2_fd(const struct cgroup *cg);

/*
 * Moves pid (the whole thread group) into the container's cgroup in every hierarchy, by
 * writing "cgroup.procs"; the cgroup2 one is skipped when entered_v2 (the process was cloned
 * there with CLONE_INTO_CGROUP).  Stops at the first failure; err names the file and the pid.
 */
int cgroup_enter(struct cgroup *cg, pid_t pid, bool entered_v2, struct error_info *err);

/*
 * Removes the directories cgroup_create() made, in every hierarchy.  The leaf goes first,
 * together with any sub-cgroups the container made below it (rmdir only; nothing is
 * killed); while it is busy (EBUSY: tasks still exiting) rmdir is retried for about a
 * second in all.  Intermediate directories we made are then removed while empty; EBUSY or
 * ENOTEMPTY there is not an error, since other containers may share them.  A directory
 * that is already gone counts as removed.  Carries on with the other hierarchies after a
 * failure; returns 0 or the first -errno, err naming that path.  Calling it again only
 * retries what is left.
 */
int cgroup_destroy(struct cgroup *cg, struct error_info *err);

/* Closes the fds and frees cg; removes nothing.  Accepts NULL. */
void cgroup_free(struct cgroup *cg);
DEFINE_CLEANUP_FUNC(struct cgroup *, cgroup_free)

/*
 * A NUL-terminated text form of cg for state.json, from which cgroup_deserialize() in
 * another husk process rebuilds it (to enter, list pids, or destroy).  One line per
 * hierarchy, fields separated by tabs; *ret is malloc'ed.  Returns 0 or -ENOMEM.
 */
int cgroup_serialize(const struct cgroup *cg, char **ret);

/*
 * Parses cgroup_serialize()'s output and opens each hierarchy's mount point and, when it is
 * still there, the container's directory.  Returns 0, -EINVAL for text that is not ours
 * (err says which line), or -errno when a mount point cannot be opened.
 */
int cgroup_deserialize(const char *s, struct cgroup **ret, struct error_info *err);

/*
 * The cgroup path as /proc/PID/cgroup shows it, for messages: "/husk-test/abc".  For a
 * relative cgroupsPath the path can differ between hierarchies; this is the one in the
 * cgroup2 hierarchy when there is one, else the first v1 hierarchy's.
 */
const char *cgroup_path(const struct cgroup *cg);

/* true when the container has a cgroup in a v1 hierarchy (hybrid and v1 hosts). */
bool cgroup_has_v1(const struct cgroup *cg);

/* One line of /proc/PID/cgroup, "ID:CONTROLLERS:PATH". */
struct cgroup_membership {
        bool v2;           /* "0::PATH": the cgroup2 hierarchy */
        char *controllers; /* "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
        char *path;        /* as the reader's cgroup namespace shows it: "/", "/a/b", "/../x" */
};

/*
 * Parses /proc/PID/cgroup text into *ret (malloc'ed, *ret_n entries, in the
 * text's order); lines without two ':' are skipped.  Pure.  Returns 0 or
 * -ENOMEM.  cgroup_membership_free() takes NULL.
 */
int cgroup_membership_parse(const char *text, struct cgroup_membership **ret, size_t *ret_n);
/* The same for the caller's own /proc/self/cgroup; err names the file. */
int cgroup_membership_read(struct cgroup_membership **ret, size_t *ret_n, struct error_info *err);
void cgroup_membership_free(struct cgroup_membership *m, size_t n);

/*
 * An O_PATH fd of the directory m names (a line of /proc/self/cgroup) in the caller's mount of
 * that hierarchy, found in /proc/self/mountinfo: what a user namespace, which may not mount
 * cgroup v1, binds instead.  err names the hierarchy or the path.
 */
int cgroup_open_host_dir(const struct cgroup_membership *m, struct error_info *err);

/*
 * The pids in the container's cgroup and the sub-cgroups below it, read from cgroup.procs
 * in the cgroup2 hierarchy when there is one, else the first v1 hierarchy.  *ret is
 * malloc'ed (NULL when *ret_n is 0).  Returns 0 or -errno.
 */
int cgroup_pids(const struct cgroup *cg, pid_t **ret, size_t *ret_n, struct error_info *err);

struct spec_device_cgroup;
struct spec_device;

/*
 * The device allow-list (linux.resources.devices), applied as runc does: the
 * config's rules in order, then the devices every container gets (null,
 * zero, full, random, urandom, tty, ptmx, the ptys, tun, and mknod of any
 * node), then each linux.devices entry.  v1 and hybrid hosts: the devices
 * controller's devices.allow/devices.deny.  Pure cgroup v2: an eBPF
 * program attached to the container's cgroup (devices-bpf.c).
 */
int cgroup_apply_devices(struct cgroup *cg, const struct spec_device_cgroup *rules, size_t n_rules,
                         const struct spec_device *devices, size_t n_devices, struct error_info *err);

struct spec_resources;

/*
 * linux.resources (all but devices, see cgroup_apply_devices()) written into the container's
 * cgroup.  Each controller goes to the hierarchy the host has it in: a v1 hierarchy when one
 * holds it, else the cgroup2 one (then enabled in cgroup.subtree_control from the root down
 * to the container's parent; nothing is ever disabled).  `unified` keys go to the cgroup2
 * directory (pure v2 or hybrid) and must name an existing interface file of an available
 * controller.  Only the fields r sets are written.  update: `husk update` (checkBeforeUpdate
 * applies).  Fails on the first setting that cannot be made, err naming the field, the file,
 * the value and why (a missing controller, a value the kernel refuses, a memory limit below
 * the current usage); settings already written stay.  Returns 0 or -errno.
 */
int cgroup_apply_resources(struct cgroup *cg, const struct spec_resources *r, bool update,
                           struct error_info *err);

/*
 * Freezes (frozen) or thaws every process of the container and waits until the kernel says
 * it is done (v1 freezer.state reads FROZEN/THAWED; v2 cgroup.events says "frozen 1/0"),
 * for at most 5 s; a freeze that does not complete is undone and fails with EBUSY.  Uses the
 * v1 freezer when the host has one, else cgroup2's cgroup.freeze.
 */
int cgroup_freeze(struct cgroup *cg, bool frozen, struct error_info *err);

/* *ret: the container's cgroup is frozen (by the same freezer cgroup_freeze() uses). */
int cgroup_is_frozen(const struct cgroup *cg, bool *ret, struct error_info *err);

/*
 * SIGKILL to every process of the container's cgroup2 directory at once (cgroup.kill).
 * -EOPNOTSUPP when there is no cgroup2 directory or the kernel lacks cgroup.kill: the caller
 * then signals cgroup_pids() one by one.
 */
int cgroup_kill_all(struct cgroup *cg, struct error_info *err);

struct spec_stats;

/*
 * The statistics `husk events` prints (cpu, memory, pids, blkio, hugetlb), each read from
 * the hierarchy the host has the controller in; what a host does not have stays zero.
 * *ret is filled (free with spec_stats_done()); returns 0 or -errno.
 */
int cgroup_stats(const struct cgroup *cg, struct spec_stats *ret, struct error_info *err);

/*
 * OOM notification.  fd becomes readable (poll POLLIN) when the container's memory cgroup
 * may have had an OOM kill; cgroup_oom_watch_read() then says how many happened since the
 * last call (0 for a wake-up that was not one, e.g. the cgroup going away).  v2: inotify on
 * memory.events (its oom_kill counter); v1: an eventfd registered for memory.oom_control in
 * cgroup.event_control.  leaf_fd is borrowed from the cgroup, which must outlive the watch.
 */
struct cgroup_oom_watch {
        int fd;
        int leaf_fd;
        bool v2;
        unsigned long long last;
};
int cgroup_oom_watch_open(const struct cgroup *cg, struct cgroup_oom_watch *ret, struct error_info *err);
int cgroup_oom_watch_read(struct cgroup_oom_watch *w, unsigned long long *ret_new);
void cgroup_oom_watch_close(struct cgroup_oom_watch *w);

/*
 * `husk exec --cgroup`: points cg (a deserialized copy) at sub, an existing directory below
 * the container's cgroup, in the v1 hierarchy holding controller (one no v1 hierarchy
 * holds: the cgroup2 one), or in every hierarchy when controller is NULL.  cgroup_enter()
 * and cgroup_v2_fd() then use the sub-cgroup.  "" and "/" name the container's cgroup itself
 * (as runc); ".." and "." are refused (EINVAL); a missing directory or controller is ENOENT.
 * Returns 0 or -errno, err set.
 */
int cgroup_descend(struct cgroup *cg, const char *controller, const char *sub, struct error_info *err);
