/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json → struct spec: the top level, root, mounts, hooks and
 * annotations.  process lives in spec-process.c, linux in spec-linux.c and
 * spec-resources.c.  Unknown keys are ignored, as config.md asks; everything
 * else is checked once here so the rest of husk can trust the struct.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "base/fs.h"
#include "specs/spec-internal.h"

#include "base/banned.h"

static const char *const namespace_names[] = {
        [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "network", [SPEC_NS_MOUNT] = "mount",
        [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",         [SPEC_NS_USER] = "user",
        [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",       NULL,
};

const char *const spec_hook_names[] = {
        [SPEC_HOOK_PRESTART] = "prestart",
        [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
        [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
        [SPEC_HOOK_START_CONTAINER] = "startContainer",
        [SPEC_HOOK_POSTSTART] = "poststart",
        [SPEC_HOOK_POSTSTOP] = "poststop",
        NULL,
};

const char *spec_namespace_name(enum spec_namespace_type t)
{
        if ((unsigned) t >= _SPEC_NS_MAX)
                return NULL;
        return namespace_names[t];
}

int spec_namespace_from_name(const char *name)
{
        return name ? spec_lookup(namespace_names, name) : -1;
}

const char *const *spec_namespace_names(void)
{
        return namespace_names;
}

const struct spec_namespace *spec_find_namespace(const struct spec *s, enum spec_namespace_type t)
{
        if (!s || !s->linux)
                return NULL;
        for (size_t i = 0; i < s->linux->n_namespaces; i++)
                if (s->linux->namespaces[i].type == t)
                        return &s->linux->namespaces[i];
        return NULL;
}

const char *spec_annotation(const struct spec *s, const char *key)
{
        if (!s || !key)
                return NULL;
        for (size_t i = 0; i < s->n_annotations; i++)
                if (strcmp(s->annotations[i].key, key) == 0)
                        return s->annotations[i].value;
        return NULL;
}

/* "1.2.0", "1.0.2-dev", "1.1.0+build": semver with major 1. */
static int parse_version(struct spec_ctx *c, json_t *root, struct spec *s)
{
        const char *v, *p;
        int r, parts = 0;

        r = spec_get_string(c, root, "ociVersion", "", SPEC_REQUIRED, &s->oci_version);
        if (r < 0)
                return r;
        v = p = s->oci_version;
        for (;;) {
                size_t n = strspn(p, "0123456789");

                if (n == 0 || (n > 1 && p[0] == '0'))
                        break;
                parts++;
                p += n;
                if (parts == 3 || *p != '.')
                        break;
                p++;
        }
        if (parts != 3 || (*p && *p != '-' && *p != '+') || ((*p == '-' || *p == '+') && !p[1]))
                return spec_fail(c, "ociVersion", "'%s' is not a semantic version (need 1.x.y)", v);
        if (strncmp(v, "1.", 2) != 0)
                return spec_fail(c, "ociVersion", "'%s' is not supported (need 1.x.y)", v);
        return 0;
}

static int parse_root(struct spec_ctx *c, json_t *top, struct spec *s)
{
        json_t *root;
        int r;

        r = spec_get_object(c, top, "root", "", SPEC_REQUIRED, &root);
        if (r < 0)
                return r;
        r = spec_get_string(c, root, "path", "root", SPEC_REQUIRED, &s->root_path);
        if (r < 0)
                return r;
        if (!s->root_path[0])
                return spec_fail(c, "root.path", "must not be empty");
        r = spec_get_bool(c, root, "readonly", "root", SPEC_OPTIONAL, &s->root_readonly);
        return r < 0 ? r : 0;
}

static int parse_mount(struct spec_ctx *c, json_t *v, const char *path, struct spec_mount *m)
{
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_string(c, v, "destination", path, SPEC_REQUIRED, &m->destination)) < 0)
                return r;
        /* A relative destination is taken relative to "/" (as runc does). */
        if (!m->destination[0]) {
                char p[SPEC_PATH_MAX];

                return spec_fail(c, spec_path_key(p, path, "destination"), "must not be empty");
        }
        if ((r = spec_get_string(c, v, "source", path, SPEC_OPTIONAL, &m->source)) < 0 ||
            (r = spec_get_string(c, v, "type", path, SPEC_OPTIONAL, &m->type)) < 0 ||
            (r = spec_get_strv(c, v, "options", path, SPEC_OPTIONAL, &m->options, &m->n_options)) < 0 ||
            (r = spec_get_id_mappings(c, v, "uidMappings", path, &m->uid_mappings, &m->n_uid_mappings)) <
                    0 ||
            (r = spec_get_id_mappings(c, v, "gidMappings", path, &m->gid_mappings, &m->n_gid_mappings)) < 0)
                return r;
        if (!m->type || !m->type[0]) {
                bool bind = false;
                for (size_t i = 0; i < m->n_options; i++)
                        bind |= !strcmp(m->options[i], "bind") || !strcmp(m->options[i], "rbind");
                if (!bind) {
                        char p[SPEC_PATH_MAX];
                        return spec_fail(c, spec_path_key(p, path, "type"),
                                         "missing: a mount that is not a bind (option bind or rbind) needs "
                                         "a file system type");
                }
        }
        return 0;
}

static int parse_mounts(struct spec_ctx *c, json_t *top, struct spec *s)
{
        char path[SPEC_PATH_MAX];
        json_t *arr, *v;
        size_t i;
        int r;

        r = spec_get_array(c, top, "mounts", "", SPEC_OPTIONAL, &arr);
        if (r <= 0)
                return r;
        s->mounts = calloc(json_array_size(arr) + 1, sizeof *s->mounts);
        if (!s->mounts)
                return spec_oom(c);
        s->n_mounts = json_array_size(arr);
        json_array_foreach(arr, i, v)
        {
                r = parse_mount(c, v, spec_path_index(path, "mounts", i), &s->mounts[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_hook(struct spec_ctx *c, json_t *v, const char *path, struct spec_hook *h)
{
        char p[SPEC_PATH_MAX];
        int64_t timeout;
        int r;

        if (!json_is_object(v))
                return spec_fail(c, path, "must be an object");
        if ((r = spec_get_string(c, v, "path", path, SPEC_REQUIRED, &h->path)) < 0)
                return r;
        if (h->path[0] != '/')
                return spec_fail(c, spec_path_key(p, path, "path"), "'%s' is not an absolute path", h->path);
        if ((r = spec_get_strv(c, v, "args", path, SPEC_OPTIONAL, &h->args, &h->n_args)) < 0 ||
            (r = spec_get_strv(c, v, "env", path, SPEC_OPTIONAL, &h->env, &h->n_env)) < 0)
                return r;
        r = spec_get_int(c, v, "timeout", path, SPEC_OPTIONAL, INT32_MIN, INT32_MAX, &timeout);
        if (r < 0)
                return r;
        if (r > 0) {
                if (timeout <= 0)
                        return spec_fail(c, spec_path_key(p, path, "timeout"),
                                         "%lld is not a positive number of seconds", (long long) timeout);
                h->has_timeout = true;
                h->timeout = (int) timeout;
        }
        return 0;
}

static int parse_hooks(struct spec_ctx *c, json_t *top, struct spec *s)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        json_t *hooks, *arr, *v;
        size_t i;
        int r;

        r = spec_get_object(c, top, "hooks", "", SPEC_OPTIONAL, &hooks);
        if (r <= 0)
                return r;
        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++) {
                r = spec_get_array(c, hooks, spec_hook_names[k], "hooks", SPEC_OPTIONAL, &arr);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                s->hooks.hooks[k] = calloc(json_array_size(arr) + 1, sizeof(struct spec_hook));
                if (!s->hooks.hooks[k])
                        return spec_oom(c);
                s->hooks.n_hooks[k] = json_array_size(arr);
                spec_path_key(path, "hooks", spec_hook_names[k]);
                json_array_foreach(arr, i, v)
                {
                        r = parse_hook(c, v, spec_path_index(item, path, i), &s->hooks.hooks[k][i]);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int parse_top(struct spec_ctx *c, json_t *top, struct spec *s)
{
        json_t *obj;
        int r;

        if ((r = parse_version(c, top, s)) < 0 || (r = parse_root(c, top, s)) < 0 ||
            (r = parse_mounts(c, top, s)) < 0)
                return r;
        r = spec_get_object(c, top, "process", "", SPEC_OPTIONAL, &obj);
        if (r < 0)
                return r;
        if (r > 0 && (r = spec_parse_process(c, obj, "process", &s->process)) < 0)
                return r;
        if ((r = spec_get_string(c, top, "hostname", "", SPEC_OPTIONAL, &s->hostname)) < 0 ||
            (r = spec_get_string(c, top, "domainname", "", SPEC_OPTIONAL, &s->domainname)) < 0 ||
            (r = parse_hooks(c, top, s)) < 0 ||
            (r = spec_get_map(c, top, "annotations", "", &s->annotations, &s->n_annotations)) < 0)
                return r;
        r = spec_get_object(c, top, "linux", "", SPEC_OPTIONAL, &obj);
        if (r < 0)
                return r;
        if (r > 0 && (r = spec_parse_linux(c, obj, "linux", &s->linux)) < 0)
                return r;
        return spec_check_linux(c, s);
}

/*
 * Parses text into a JSON object; syntax errors read
 * "<name>: line L, column C: <jansson's text>".
 */
static int load_json(struct spec_ctx *c, const char *text, json_t **ret)
{
        json_error_t jerr;
        json_t *top;

        top = json_loads(text, 0, &jerr);
        if (!top && json_error_code(&jerr) == json_error_numeric_overflow) {
                /* Unsigned 64-bit values (18446744073709551615): quote them and retry. */
                _cleanup_free_ char *quoted = spec_quote_big_integers(text);

                if (!quoted)
                        return spec_oom(c);
                /*
                 * A later mistake is reported from the quoted text: its column is
                 * off only on a line that holds such a number.
                 */
                top = json_loads(quoted, 0, &jerr);
                c->quoted = true;
        }
        if (!top)
                return error_set_reason(c->err, EINVAL, "%s: line %d, column %d: %s", c->name, jerr.line,
                                        jerr.column, jerr.text);
        if (!json_is_object(top)) {
                json_decref(top);
                return spec_fail(c, NULL, "must hold a JSON object");
        }
        *ret = top;
        return 0;
}

int spec_parse(const char *json, const char *name, struct spec **ret, struct error_info *err)
{
        struct spec_ctx c = {.name = name ? name : "config.json", .err = err};
        _cleanup_(spec_freep) struct spec *s = NULL;
        json_auto_t *top = NULL;
        int r;

        r = load_json(&c, json, &top);
        if (r < 0)
                return r;
        s = calloc(1, sizeof *s);
        if (!s)
                return spec_oom(&c);
        r = parse_top(&c, top, s);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

static const char *base_name(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash && slash[1] ? slash + 1 : path;
}

/*
 * config.json: a regular file of at most SPEC_FILE_MAX bytes, so that a fifo or a device put
 * in its place cannot keep us waiting or reading for ever.  (process.json and resources.json
 * may come through a pipe, as engines and shells hand them.)  err names the file and reason.
 */
static int read_config(const char *path, char **ret, struct error_info *err)
{
        int r = read_regular_file(AT_FDCWD, path, SPEC_FILE_MAX, ret, NULL);

        if (r == -EINVAL)
                return error_set_reason(err, EINVAL, "'%s': not a regular file", path);
        if (r == -EFBIG)
                return error_set_reason(err, EFBIG, "'%s': larger than %d MiB", path,
                                        SPEC_FILE_MAX / (1024 * 1024));
        if (r < 0)
                return error_set(err, -r, "open '%s'", path);
        return 0;
}

int spec_load(const char *path, struct spec **ret, struct error_info *err)
{
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_config(path, &text, err);
        if (r < 0)
                return r;
        return spec_parse(text, base_name(path), ret, err);
}

int spec_process_parse(const char *json, const char *name, struct spec_process **ret, struct error_info *err)
{
        struct spec_ctx c = {.name = name ? name : "process.json", .err = err, .process_file = true};
        json_auto_t *top = NULL;
        int r;

        r = load_json(&c, json, &top);
        if (r < 0)
                return r;
        return spec_parse_process(&c, top, "", ret);
}

int spec_process_load(const char *path, struct spec_process **ret, struct error_info *err)
{
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_file_alloc(AT_FDCWD, path, &text, NULL);
        if (r < 0)
                return error_set(err, -r, "open '%s'", path);
        return spec_process_parse(text, base_name(path), ret, err);
}

int spec_resources_parse(const char *json, const char *name, struct spec_resources **ret,
                         struct error_info *err)
{
        struct spec_ctx c = {.name = name ? name : "resources.json", .err = err};
        struct spec_resources *res = NULL;
        json_auto_t *top = NULL;
        int r;

        r = load_json(&c, json, &top);
        if (r < 0)
                return r;
        r = spec_parse_resources(&c, top, "", &res);
        if (r < 0) {
                spec_resources_free(res);
                return r;
        }
        *ret = res;
        return 0;
}

int spec_resources_load(const char *path, struct spec_resources **ret, struct error_info *err)
{
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_file_alloc(AT_FDCWD, path, &text, NULL);
        if (r < 0)
                return error_set(err, -r, "open '%s'", path);
        return spec_resources_parse(text, base_name(path), ret, err);
}
