/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json's "process" (config.md, config-linux.md), also exec's process.json. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "base/cleanup.h"
#include "specs/spec-internal.h"

#include "base/banned.h"

/* getrlimit(2): names and RLIMIT_* values, side by side. */
static const char *const rlimit_names[] = {
        "RLIMIT_AS",
        "RLIMIT_CORE",
        "RLIMIT_CPU",
        "RLIMIT_DATA",
        "RLIMIT_FSIZE",
        "RLIMIT_LOCKS",
        "RLIMIT_MEMLOCK",
        "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE",
        "RLIMIT_NOFILE",
        "RLIMIT_NPROC",
        "RLIMIT_RSS",
        "RLIMIT_RTPRIO",
        "RLIMIT_RTTIME",
        "RLIMIT_SIGPENDING",
        "RLIMIT_STACK",
        NULL,
};
static const int rlimit_values[] = {
        RLIMIT_AS,      RLIMIT_CORE,     RLIMIT_CPU,        RLIMIT_DATA,   RLIMIT_FSIZE, RLIMIT_LOCKS,
        RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE,       RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS,
        RLIMIT_RTPRIO,  RLIMIT_RTTIME,   RLIMIT_SIGPENDING, RLIMIT_STACK,
};
_Static_assert(ARRAY_SIZE(rlimit_names) == ARRAY_SIZE(rlimit_values) + 1, "rlimit tables");

/* sched(7): the index is the SCHED_* value (SCHED_ISO is reserved, never implemented). */
static const char *const sched_policies[] = {
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
        "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

/* sched_setattr(2): the index is the bit of the SCHED_FLAG_* value. */
static const char *const sched_flags[] = {
        "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
        "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
        "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

/* ioprio_set(2): IOPRIO_CLASS_RT is 1, BE 2, IDLE 3. */
static const char *const ioprio_classes[] = {
        "IOPRIO_CLASS_RT",
        "IOPRIO_CLASS_BE",
        "IOPRIO_CLASS_IDLE",
        NULL,
};

static int parse_console_size(struct spec_ctx *c, json_t *obj, const char *path, struct spec_process *p)
{
        char p2[SPEC_PATH_MAX];
        json_t *box;
        int r;

        r = spec_get_object(c, obj, "consoleSize", path, SPEC_OPTIONAL, &box);
        if (r <= 0)
                return r;
        spec_path_key(p2, path, "consoleSize");
        if ((r = spec_get_u32(c, box, "height", p2, SPEC_REQUIRED, &p->console_height)) < 0 ||
            (r = spec_get_u32(c, box, "width", p2, SPEC_REQUIRED, &p->console_width)) < 0)
                return r;
        p->has_console_size = true;
        return 0;
}

static int parse_gids(struct spec_ctx *c, json_t *user, const char *path, struct spec_user *u)
{
        char p[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        json_t *arr, *v;
        size_t i;
        int r;

        r = spec_get_array(c, user, "additionalGids", path, SPEC_OPTIONAL, &arr);
        if (r <= 0)
                return r;
        spec_path_key(p, path, "additionalGids");
        /* setgroups(2) takes at most NGROUPS_MAX; more would be cut short without a word. */
        if (json_array_size(arr) > NGROUPS_MAX)
                return spec_fail(c, p, "%zu entries, more than the kernel's limit of %d",
                                 json_array_size(arr), NGROUPS_MAX);
        u->additional_gids = calloc(json_array_size(arr) + 1, sizeof(uint32_t));
        if (!u->additional_gids)
                return spec_oom(c);
        u->n_additional_gids = json_array_size(arr);
        json_array_foreach(arr, i, v)
        {
                uint64_t gid;

                r = spec_uint_value(c, v, spec_path_index(item, p, i), UINT32_MAX, &gid);
                if (r < 0)
                        return r;
                u->additional_gids[i] = (uint32_t) gid;
        }
        return 0;
}

static int parse_user(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_user *u)
{
        char path[SPEC_PATH_MAX];
        uint64_t mask;
        json_t *user;
        int r;

        r = spec_get_object(c, obj, "user", parent, c->process_file ? SPEC_OPTIONAL : SPEC_REQUIRED, &user);
        if (r <= 0)
                return r; /* left out of a process.json: root, as runc (u is zeroed) */
        spec_path_key(path, parent, "user");
        if ((r = spec_get_u32(c, user, "uid", path, SPEC_REQUIRED, &u->uid)) < 0 ||
            (r = spec_get_u32(c, user, "gid", path, SPEC_REQUIRED, &u->gid)) < 0)
                return r;
        r = spec_get_uint(c, user, "umask", path, SPEC_OPTIONAL, 0777, &mask);
        if (r < 0)
                return r;
        if (r > 0) {
                u->has_umask = true;
                u->umask = (uint32_t) mask;
        }
        if ((r = parse_gids(c, user, path, u)) < 0 ||
            (r = spec_get_string(c, user, "username", path, SPEC_OPTIONAL, &u->username)) < 0)
                return r;
        return 0;
}

/* args is the one list that must hold something: the program to run. */
static int parse_args(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        char path[SPEC_PATH_MAX];
        json_t *arr = json_object_get(obj, "args"), *v;
        size_t i;

        spec_path_key(path, parent, "args");
        if (!json_is_array(arr) || json_array_size(arr) == 0)
                return spec_fail(c, path, "must be a non-empty array of strings");
        json_array_foreach(arr, i, v) if (!json_is_string(v)) return spec_fail(
                c, path, "must be a non-empty array of strings");
        return spec_get_strv(c, obj, "args", parent, SPEC_REQUIRED, &p->args, &p->n_args);
}

static int parse_env(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        int r;

        r = spec_get_strv(c, obj, "env", parent, SPEC_OPTIONAL, &p->env, &p->n_env);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, "env");
        for (size_t i = 0; i < p->n_env; i++)
                if (p->env[i][0] == '=' || !strchr(p->env[i], '='))
                        return spec_fail(c, spec_path_index(item, path, i),
                                         "'%s' is not of the form NAME=value", p->env[i]);
        return 0;
}

static int parse_cwd(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        char path[SPEC_PATH_MAX];
        int r;

        r = spec_get_string(c, obj, "cwd", parent, SPEC_REQUIRED, &p->cwd);
        if (r < 0)
                return r;
        if (p->cwd[0] != '/')
                return spec_fail(c, spec_path_key(path, parent, "cwd"), "'%s' is not an absolute path",
                                 p->cwd);
        return 0;
}

/* Names only need to look like capabilities: libcap decides what this kernel knows. */
static int check_cap_names(struct spec_ctx *c, char **caps, const char *path)
{
        char item[SPEC_PATH_MAX];

        for (size_t i = 0; caps && caps[i]; i++) {
                const char *s = caps[i];

                if (strncmp(s, "CAP_", 4) != 0 || !s[4] ||
                    strspn(s + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != strlen(s + 4))
                        return spec_fail(c, spec_path_index(item, path, i),
                                         "'%s' is not a capability name (CAP_...)", s);
        }
        return 0;
}

static int parse_capabilities(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted", "ambient"};
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        struct spec_capabilities *caps;
        json_t *cobj;
        int r;

        r = spec_get_object(c, obj, "capabilities", parent, SPEC_OPTIONAL, &cobj);
        if (r <= 0)
                return r;
        caps = p->capabilities = calloc(1, sizeof *caps);
        if (!caps)
                return spec_oom(c);
        char **const *lists[] = {&caps->bounding, &caps->effective, &caps->inheritable, &caps->permitted,
                                 &caps->ambient};
        size_t *counts[] = {&caps->n_bounding, &caps->n_effective, &caps->n_inheritable, &caps->n_permitted,
                            &caps->n_ambient};
        spec_path_key(path, parent, "capabilities");
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
                r = spec_get_strv(c, cobj, sets[i], path, SPEC_OPTIONAL, (char ***) lists[i], counts[i]);
                if (r < 0)
                        return r;
                r = check_cap_names(c, *lists[i], spec_path_key(item, path, sets[i]));
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_rlimit(struct spec_ctx *c, json_t *v, const char *path, struct spec_rlimit *rl)
{
        char p[SPEC_PATH_MAX];
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_string(c, v, "type", path, SPEC_REQUIRED, &rl->type)) < 0)
                return r;
        r = spec_lookup(rlimit_names, rl->type);
        if (r < 0)
                return spec_fail_enum(c, spec_path_key(p, path, "type"), rl->type, "a resource limit",
                                      rlimit_names);
        rl->resource = rlimit_values[r];
        if ((r = spec_get_uint(c, v, "soft", path, SPEC_REQUIRED, UINT64_MAX, &rl->soft)) < 0 ||
            (r = spec_get_uint(c, v, "hard", path, SPEC_REQUIRED, UINT64_MAX, &rl->hard)) < 0)
                return r;
        if (rl->soft > rl->hard)
                return spec_fail(c, path, "soft limit %llu is above the hard limit %llu",
                                 (unsigned long long) rl->soft, (unsigned long long) rl->hard);
        return 0;
}

static int parse_rlimits(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX], tp[SPEC_PATH_MAX];
        json_t *arr, *v;
        size_t i;
        int r;

        r = spec_get_array(c, obj, "rlimits", parent, SPEC_OPTIONAL, &arr);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, "rlimits");
        p->rlimits = calloc(json_array_size(arr) + 1, sizeof *p->rlimits);
        if (!p->rlimits)
                return spec_oom(c);
        p->n_rlimits = json_array_size(arr);
        json_array_foreach(arr, i, v)
        {
                spec_path_index(item, path, i);
                r = parse_rlimit(c, v, item, &p->rlimits[i]);
                if (r < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (p->rlimits[j].resource == p->rlimits[i].resource)
                                return spec_fail(c, spec_path_key(tp, item, "type"), "duplicate '%s'",
                                                 p->rlimits[i].type);
        }
        return 0;
}

static int parse_scheduler(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        struct spec_scheduler *s;
        json_t *sobj;
        int r;

        r = spec_get_section(c, obj, "scheduler", parent, path, &sobj, sizeof *p->scheduler,
                             (void **) &p->scheduler);
        if (r <= 0)
                return r;
        s = p->scheduler;
        if ((r = spec_get_string(c, sobj, "policy", path, SPEC_REQUIRED, &s->policy)) < 0)
                return r;
        s->policy_value = spec_lookup(sched_policies, s->policy);
        if (s->policy_value < 0)
                return spec_fail_enum(c, spec_path_key(item, path, "policy"), s->policy,
                                      "a scheduling policy", sched_policies);
        if ((r = spec_get_i32(c, sobj, "nice", path, SPEC_OPTIONAL, &s->nice)) < 0)
                return r;
        s->has_nice = r > 0;
        if (s->has_nice && (s->nice < -20 || s->nice > 19))
                return spec_fail(c, spec_path_key(item, path, "nice"), "%d is out of range (-20 to 19)",
                                 (int) s->nice);
        if ((r = spec_get_i32(c, sobj, "priority", path, SPEC_OPTIONAL, &s->priority)) < 0)
                return r;
        s->has_priority = r > 0;
        if ((r = spec_get_strv(c, sobj, "flags", path, SPEC_OPTIONAL, &s->flags, &s->n_flags)) < 0 ||
            (r = spec_check_names(c, s->flags, spec_path_key(item, path, "flags"), "a scheduler flag",
                                  sched_flags)) < 0)
                return r;
        for (size_t i = 0; i < s->n_flags; i++)
                s->flags_value |= 1ULL << spec_lookup(sched_flags, s->flags[i]);
        if ((r = spec_get_uint(c, sobj, "runtime", path, SPEC_OPTIONAL, UINT64_MAX, &s->runtime)) < 0 ||
            (r = spec_get_uint(c, sobj, "deadline", path, SPEC_OPTIONAL, UINT64_MAX, &s->deadline)) < 0 ||
            (r = spec_get_uint(c, sobj, "period", path, SPEC_OPTIONAL, UINT64_MAX, &s->period)) < 0)
                return r;
        return 0;
}

static int parse_io_priority(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        struct spec_io_priority *io;
        json_t *iobj;
        int64_t prio = 0;
        int r;

        r = spec_get_section(c, obj, "ioPriority", parent, path, &iobj, sizeof *p->io_priority,
                             (void **) &p->io_priority);
        if (r <= 0)
                return r;
        io = p->io_priority;
        if ((r = spec_get_string(c, iobj, "class", path, SPEC_REQUIRED, &io->class)) < 0)
                return r;
        r = spec_lookup(ioprio_classes, io->class);
        if (r < 0)
                return spec_fail_enum(c, spec_path_key(item, path, "class"), io->class,
                                      "an I/O priority class", ioprio_classes);
        io->class_value = r + 1;
        r = spec_get_int(c, iobj, "priority", path, SPEC_OPTIONAL, 0, 7, &prio);
        if (r < 0)
                return r;
        io->priority = (int32_t) prio;
        return 0;
}

static int parse_affinity(struct spec_ctx *c, json_t *obj, const char *parent, struct spec_process *p)
{
        static const char *const keys[] = {"initial", "final"};
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        char **values[] = {&p->exec_cpu_affinity_initial, &p->exec_cpu_affinity_final};
        json_t *aobj;
        int r;

        r = spec_get_object(c, obj, "execCPUAffinity", parent, SPEC_OPTIONAL, &aobj);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, "execCPUAffinity");
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                r = spec_get_string(c, aobj, keys[i], path, SPEC_OPTIONAL, values[i]);
                if (r < 0)
                        return r;
                if (r > 0 && strspn(*values[i], "0123456789, -") != strlen(*values[i]))
                        return spec_fail(c, spec_path_key(item, path, keys[i]),
                                         "'%s' is not a CPU list (like 0-3,7)", *values[i]);
        }
        return 0;
}

static int parse_process_linux(struct spec_ctx *c, json_t *obj, const char *path, struct spec_process *p)
{
        int64_t adj;
        int r;

        if ((r = parse_capabilities(c, obj, path, p)) < 0 || (r = parse_rlimits(c, obj, path, p)) < 0 ||
            (r = spec_get_bool(c, obj, "noNewPrivileges", path, SPEC_OPTIONAL, &p->no_new_privileges)) < 0 ||
            (r = spec_get_string(c, obj, "apparmorProfile", path, SPEC_OPTIONAL, &p->apparmor_profile)) < 0)
                return r;
        r = spec_get_int(c, obj, "oomScoreAdj", path, SPEC_OPTIONAL, -1000, 1000, &adj);
        if (r < 0)
                return r;
        if (r > 0) {
                p->has_oom_score_adj = true;
                p->oom_score_adj = (int) adj;
        }
        if ((r = parse_scheduler(c, obj, path, p)) < 0 ||
            (r = spec_get_string(c, obj, "selinuxLabel", path, SPEC_OPTIONAL, &p->selinux_label)) < 0 ||
            (r = parse_io_priority(c, obj, path, p)) < 0 || (r = parse_affinity(c, obj, path, p)) < 0)
                return r;
        return 0;
}

int spec_parse_process(struct spec_ctx *c, json_t *obj, const char *path, struct spec_process **ret)
{
        _cleanup_(spec_process_freep) struct spec_process *p = NULL;
        int r;

        if (!json_is_object(obj))
                return spec_fail(c, path, "must be an object");
        p = calloc(1, sizeof *p);
        if (!p)
                return spec_oom(c);
        if ((r = spec_get_bool(c, obj, "terminal", path, SPEC_OPTIONAL, &p->terminal)) < 0 ||
            (r = parse_console_size(c, obj, path, p)) < 0 || (r = parse_user(c, obj, path, &p->user)) < 0 ||
            (r = parse_args(c, obj, path, p)) < 0 ||
            (r = spec_get_string(c, obj, "commandLine", path, SPEC_OPTIONAL, &p->command_line)) < 0 ||
            (r = parse_env(c, obj, path, p)) < 0 || (r = parse_cwd(c, obj, path, p)) < 0 ||
            (r = parse_process_linux(c, obj, path, p)) < 0)
                return r;
        *ret = TAKE_PTR(p);
        return 0;
}
