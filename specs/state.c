/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "specs/state.h"
#include "base/banned.h"

static int set_str(json_t *o, const char *key, const char *v)
{
        return json_object_set_new(o, key, json_string(v ? v : ""));
}

static json_t *state_object(const struct spec_state *st, bool full)
{
        json_t *o = json_object();

        if (!o)
                return NULL;
        set_str(o, "ociVersion", HUSK_OCI_VERSION);
        set_str(o, "id", st->id);
        json_object_set_new(o, "pid", json_integer(st->pid));
        if (!full)
                set_str(o, "status", st->status);
        set_str(o, "bundle", st->bundle);
        set_str(o, "rootfs", st->rootfs);
        set_str(o, "created", st->created);
        set_str(o, "owner", st->owner);
        if (st->n_annotations) {
                json_t *a = json_object();
                for (size_t i = 0; i < st->n_annotations; i++)
                        json_object_set_new(a, st->annotations[i].key,
                                            json_string(st->annotations[i].value));
                json_object_set_new(o, "annotations", a);
        }
        if (full) {
                json_object_set_new(o, "huskStartTime", json_integer((json_int_t) st->start_time));
                set_str(o, "huskCgroup", st->cgroup);
                json_object_set_new(o, "huskSystemdCgroup", json_boolean(st->systemd_cgroup));
                json_object_set_new(o, "huskPostHooks", json_boolean(st->post_hooks));
        }
        return o;
}

int spec_state_encode(const struct spec_state *st, enum spec_state_form form, char **ret)
{
        json_auto_t *o = state_object(st, form == SPEC_STATE_FILE);
        char *s = o ? json_dumps(o, form == SPEC_STATE_PRINT ? JSON_INDENT(2) : JSON_COMPACT) : NULL;

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int spec_process_state_encode(const struct spec_state *st, pid_t pid, const char *metadata, char **ret)
{
        json_auto_t *o = json_pack("{s:s, s:[s], s:I, s:s, s:o}", "ociVersion", HUSK_OCI_VERSION, "fds",
                                   "seccompFd", "pid", (json_int_t) pid, "metadata",
                                   metadata ? metadata : "", "state", state_object(st, false));
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int spec_state_list_encode(struct spec_state *const *list, size_t n, char **ret)
{
        json_auto_t *a = json_array();
        char *s;

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (json_array_append_new(a, state_object(list[i], false)) < 0)
                        return -ENOMEM;
        s = json_dumps(a, JSON_COMPACT);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static char *dup_str(json_t *o, const char *key)
{
        const char *s = json_string_value(json_object_get(o, key));
        return strdup(s ? s : "");
}

int spec_state_decode(const char *json, struct spec_state **ret, struct error_info *err)
{
        json_error_t jerr;
        json_auto_t *o = json_loads(json, 0, &jerr);
        struct spec_state *st;

        if (!o || !json_is_object(o))
                return error_set(err, EINVAL, "state.json: %s", o ? "not an object" : jerr.text);
        st = calloc(1, sizeof *st);
        if (!st)
                return -ENOMEM;
        st->id = dup_str(o, "id");
        st->pid = (pid_t) json_integer_value(json_object_get(o, "pid"));
        st->bundle = dup_str(o, "bundle");
        st->rootfs = dup_str(o, "rootfs");
        st->created = dup_str(o, "created");
        st->owner = dup_str(o, "owner");
        st->cgroup = dup_str(o, "huskCgroup");
        st->start_time = (unsigned long long) json_integer_value(json_object_get(o, "huskStartTime"));
        st->systemd_cgroup = json_is_true(json_object_get(o, "huskSystemdCgroup"));
        st->post_hooks = json_is_true(json_object_get(o, "huskPostHooks"));

        json_t *a = json_object_get(o, "annotations");
        if (json_is_object(a) && json_object_size(a)) {
                const char *k;
                json_t *v;
                st->annotations = calloc(json_object_size(a), sizeof *st->annotations);
                json_object_foreach(a, k, v)
                {
                        if (!st->annotations || !json_is_string(v))
                                continue;
                        st->annotations[st->n_annotations].key = strdup(k);
                        st->annotations[st->n_annotations].value = strdup(json_string_value(v));
                        st->n_annotations++;
                }
        }
        *ret = st;
        return 0;
}

void spec_state_free(struct spec_state *st)
{
        if (!st)
                return;
        free(st->id);
        free(st->status);
        free(st->bundle);
        free(st->rootfs);
        free(st->created);
        free(st->owner);
        free(st->cgroup);
        for (size_t i = 0; i < st->n_annotations; i++) {
                free(st->annotations[i].key);
                free(st->annotations[i].value);
        }
        free(st->annotations);
        free(st);
}
