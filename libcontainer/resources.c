/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verbs that act on a container's cgroup once it exists: pause, resume, update and
 * events.  Each reads state.json under the state directory's lock, rebuilds the cgroup
 * from its record (cgroup_deserialize()) and makes one cgroups/ call.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup.h"
#include "container.h"
#include "specs/events.h"
#include "state.h"
#include "base/banned.h"

/* A locked state dir, its state.json, the derived status and the cgroup. */
struct target {
        int dirfd;
        struct spec_state *st;
        enum container_status status;
        struct cgroup *cg;
};

static void target_done(struct target *t)
{
        t->dirfd = safe_close(t->dirfd);
        spec_state_free(t->st);
        cgroup_free(t->cg);
        *t = (struct target){.dirfd = -EBADF};
}

static int target_open(const char *root, const char *id, struct target *t, struct error_info *err)
{
        int r;

        *t = (struct target){.dirfd = -EBADF};
        r = state_id_check(id, err);
        if (r < 0)
                return r;
        t->dirfd = state_dir_open(root, id, true, err);
        if (t->dirfd < 0)
                return t->dirfd;
        r = state_read(t->dirfd, &t->st, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", id);
        t->status = state_status(t->dirfd, t->st, true);
        if (!t->st->cgroup)
                return error_set_reason(err, ENOENT, "container '%s' has no cgroup record", id);
        r = cgroup_deserialize(t->st->cgroup, &t->cg, err);
        if (r < 0)
                return error_prefix(err, r, "container '%s'", id);
        return 0;
}

int container_pause(const char *root, const char *id, struct error_info *err)
{
        _cleanup_(target_done) struct target t = {.dirfd = -EBADF};
        int r = target_open(root, id, &t, err);

        if (r < 0)
                return r;
        if (t.status != STATUS_RUNNING)
                return error_set_reason(err, EINVAL, "container '%s' is not running (it is %s)", id,
                                        container_status_name(t.status));
        r = cgroup_freeze(t.cg, true, err);
        return r < 0 ? error_prefix(err, r, "pause '%s'", id) : 0;
}

int container_resume(const char *root, const char *id, struct error_info *err)
{
        _cleanup_(target_done) struct target t = {.dirfd = -EBADF};
        int r = target_open(root, id, &t, err);

        if (r < 0)
                return r;
        if (t.status != STATUS_PAUSED)
                return error_set_reason(err, EINVAL, "container '%s' is not paused (it is %s)", id,
                                        container_status_name(t.status));
        r = cgroup_freeze(t.cg, false, err);
        return r < 0 ? error_prefix(err, r, "resume '%s'", id) : 0;
}

int container_update(const char *root, const char *id, const struct spec_resources *res,
                     struct error_info *err)
{
        _cleanup_(target_done) struct target t = {.dirfd = -EBADF};
        int r = target_open(root, id, &t, err);

        if (r < 0)
                return r;
        if (t.status == STATUS_STOPPED)
                return error_set_reason(err, EINVAL, "container '%s' is stopped: there is nothing to update",
                                        id);
        r = cgroup_apply_resources(t.cg, res, true, err);
        return r < 0 ? error_prefix(err, r, "update '%s'", id) : 0;
}

static int emit_stats(const struct cgroup *cg, const char *id, container_event_fn fn, void *userdata,
                      struct error_info *err)
{
        _cleanup_free_ char *json = NULL;
        struct spec_stats s;
        int r;

        r = cgroup_stats(cg, &s, err);
        if (r < 0)
                return r;
        r = spec_event_encode("stats", id, &s, &json);
        spec_stats_done(&s);
        if (r < 0)
                return error_set(err, -r, "encode the statistics of '%s'", id);
        return fn(json, userdata);
}

static int emit_oom(const char *id, container_event_fn fn, void *userdata, struct error_info *err)
{
        _cleanup_free_ char *json = NULL;
        int r = spec_event_encode("oom", id, NULL, &json);

        if (r < 0)
                return error_set(err, -r, "encode an oom event of '%s'", id);
        return fn(json, userdata);
}

int container_events(const char *root, const char *id, bool stats_only, unsigned interval_ms,
                     container_event_fn fn, void *userdata, struct error_info *err)
{
        _cleanup_(target_done) struct target t = {.dirfd = -EBADF};
        struct cgroup_oom_watch oom = {.fd = -EBADF};
        int r = target_open(root, id, &t, err);

        if (r < 0)
                return r;
        if (t.status == STATUS_STOPPED)
                return error_set_reason(err, EINVAL, "container '%s' is not running", id);
        if (stats_only)
                return emit_stats(t.cg, id, fn, userdata, err);

        /* Streaming: let go of the lock, so that state, kill and delete are not held up. */
        _cleanup_close_ int pidfd = state_open_init(t.st);
        t.dirfd = safe_close(t.dirfd);
        if (pidfd < 0)
                return error_set(err, -pidfd, "container '%s' is not running", id);
        if (cgroup_oom_watch_open(t.cg, &oom, NULL) < 0)
                oom.fd = -EBADF; /* no memory controller: stats only */
        for (long long next = 0;;) {
                struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = oom.fd, .events = POLLIN}};
                unsigned long long n = 0;

                if (now_ms() >= next) {
                        r = emit_stats(t.cg, id, fn, userdata, err);
                        if (r < 0)
                                break;
                        next = now_ms() + interval_ms;
                }
                r = poll(p, oom.fd >= 0 ? 2 : 1, (int) (next - now_ms() > 0 ? next - now_ms() : 0));
                if (r < 0 && errno != EINTR) {
                        r = error_set(err, errno, "wait for events of '%s'", id);
                        break;
                }
                if (r > 0 && (p[1].revents & POLLIN) && cgroup_oom_watch_read(&oom, &n) == 0)
                        for (; n > 0 && r >= 0; n--)
                                r = emit_oom(id, fn, userdata, err);
                if (r < 0)
                        break;
                if (p[0].revents & (POLLIN | POLLHUP)) {
                        r = 0; /* the init has exited: a last look for an OOM that killed it */
                        if (oom.fd >= 0 && cgroup_oom_watch_read(&oom, &n) == 0)
                                for (; n > 0 && r >= 0; n--)
                                        r = emit_oom(id, fn, userdata, err);
                        break;
                }
        }
        cgroup_oom_watch_close(&oom);
        return r < 0 ? r : 0;
}
