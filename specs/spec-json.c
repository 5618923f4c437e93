/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed access to jansson values with precise, path-carrying error messages. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "specs/spec-internal.h"

#include "base/banned.h"

/* vsnprintf: a path too long for the buffer is cut, which is fine for a message. */
__attribute__((format(printf, 2, 3))) static const char *path_format(char *buf, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, SPEC_PATH_MAX, fmt, ap);
        va_end(ap);
        return buf;
}

const char *spec_path_key(char *buf, const char *parent, const char *key)
{
        if (parent && parent[0])
                return path_format(buf, "%s.%s", parent, key);
        return path_format(buf, "%s", key);
}

const char *spec_path_index(char *buf, const char *parent, size_t i)
{
        return path_format(buf, "%s[%zu]", parent, i);
}

const char *spec_path_map(char *buf, const char *parent, const char *key)
{
        return path_format(buf, "%s['%s']", parent, key);
}

int spec_fail(struct spec_ctx *c, const char *path, const char *fmt, ...)
{
        char reason[768];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(reason, sizeof reason, fmt, ap);
        va_end(ap);
        if (path && path[0])
                return error_set_reason(c->err, EINVAL, "%s: %s: %s", c->name, path, reason);
        return error_set_reason(c->err, EINVAL, "%s: %s", c->name, reason);
}

int spec_oom(struct spec_ctx *c)
{
        return error_set(c->err, ENOMEM, "%s: out of memory", c->name);
}

int spec_lookup(const char *const *table, const char *s)
{
        for (int i = 0; table[i]; i++)
                if (strcmp(table[i], s) == 0)
                        return i;
        return -1;
}

int spec_fail_enum(struct spec_ctx *c, const char *path, const char *value, const char *what,
                   const char *const *table)
{
        char list[512];
        size_t len = 0;

        list[0] = '\0';
        for (int i = 0; table[i] && len < sizeof list; i++)
                len += (size_t) snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", table[i]);
        return spec_fail(c, path, "'%s' is not %s (%s)", value, what, list);
}

/* true when the digits in s[0..len) make a number above INT64_MAX but within UINT64_MAX. */
static bool above_int64(const char *s, size_t len)
{
        static const char i64max[] = "9223372036854775807", u64max[] = "18446744073709551615";

        if (len < 19 || len > 20)
                return false;
        if (len == 19)
                return strncmp(s, i64max, len) > 0;
        return strncmp(s, u64max, len) <= 0;
}

/*
 * A string produced by spec_quote_big_integers() is a number, not a string.  The mark is text a
 * config can hold too ("\u0001u64:x"): it counts only in a text that was quoted, and only
 * on what the quoting makes, the digits of a number above INT64_MAX.
 */
static bool is_big_integer(const struct spec_ctx *c, json_t *v)
{
        const char *s = json_string_value(v);
        size_t n;

        if (!c->quoted || !s || strncmp(s, SPEC_U64_MARK, strlen(SPEC_U64_MARK)) != 0)
                return false;
        s += strlen(SPEC_U64_MARK);
        n = strlen(s);
        return strspn(s, "0123456789") == n && above_int64(s, n);
}

static int spec_string_value(struct spec_ctx *c, json_t *v, const char *path, char **ret)
{
        char *s;

        if (!json_is_string(v) || is_big_integer(c, v))
                return spec_fail(c, path, "must be a string");
        s = strdup(json_string_value(v));
        if (!s)
                return spec_oom(c);
        *ret = s;
        return 0;
}

static int spec_int_value(struct spec_ctx *c, json_t *v, const char *path, int64_t min, int64_t max,
                          int64_t *ret)
{
        json_int_t n;

        if (is_big_integer(c, v))
                return spec_fail(c, path, "%s is out of range (%" PRId64 " to %" PRId64 ")",
                                 json_string_value(v) + strlen(SPEC_U64_MARK), min, max);
        if (!json_is_integer(v))
                return spec_fail(c, path, "must be an integer");
        n = json_integer_value(v);
        if (n < min || n > max)
                return spec_fail(c, path, "%lld is out of range (%" PRId64 " to %" PRId64 ")", (long long) n,
                                 min, max);
        *ret = n;
        return 0;
}

int spec_uint_value(struct spec_ctx *c, json_t *v, const char *path, uint64_t max, uint64_t *ret)
{
        uint64_t n;

        if (is_big_integer(c, v)) {
                const char *digits = json_string_value(v) + strlen(SPEC_U64_MARK);

                errno = 0;
                n = strtoull(digits, NULL, 10);
                if (errno == ERANGE || n > max)
                        return spec_fail(c, path, "%s is out of range (0 to %" PRIu64 ")", digits, max);
        } else if (json_is_integer(v)) {
                json_int_t i = json_integer_value(v);

                if (i < 0 || (uint64_t) i > max)
                        return spec_fail(c, path, "%lld is out of range (0 to %" PRIu64 ")", (long long) i,
                                         max);
                n = (uint64_t) i;
        } else {
                return spec_fail(c, path, "must be an integer");
        }
        *ret = n;
        return 0;
}

/*
 * Looks key up in obj: 1 and *ret when present, 0 when absent or null,
 * -EINVAL when absent and required.
 */
static int lookup(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                  json_t **ret)
{
        char path[SPEC_PATH_MAX];
        json_t *v = json_object_get(obj, key);

        if (!v || json_is_null(v)) {
                if (need == SPEC_REQUIRED)
                        return spec_fail(c, spec_path_key(path, parent, key), "required");
                return 0;
        }
        *ret = v;
        return 1;
}

int spec_get_object(struct spec_ctx *c, json_t *obj, const char *key, const char *parent,
                    enum spec_need need, json_t **ret)
{
        char path[SPEC_PATH_MAX];
        json_t *v = NULL;
        int r = lookup(c, obj, key, parent, need, &v);

        if (r <= 0)
                return r;
        if (!json_is_object(v))
                return spec_fail(c, spec_path_key(path, parent, key), "must be an object");
        *ret = v;
        return 1;
}

int spec_get_array(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                   json_t **ret)
{
        char path[SPEC_PATH_MAX];
        json_t *v = NULL;
        int r = lookup(c, obj, key, parent, need, &v);

        if (r <= 0)
                return r;
        if (!json_is_array(v))
                return spec_fail(c, spec_path_key(path, parent, key), "must be an array");
        *ret = v;
        return 1;
}

int spec_get_string(struct spec_ctx *c, json_t *obj, const char *key, const char *parent,
                    enum spec_need need, char **ret)
{
        char path[SPEC_PATH_MAX];
        json_t *v = NULL;
        int r = lookup(c, obj, key, parent, need, &v);

        if (r <= 0)
                return r;
        r = spec_string_value(c, v, spec_path_key(path, parent, key), ret);
        return r < 0 ? r : 1;
}

int spec_get_bool(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                  bool *ret)
{
        char path[SPEC_PATH_MAX];
        json_t *v = NULL;
        int r = lookup(c, obj, key, parent, need, &v);

        if (r <= 0)
                return r;
        if (!json_is_boolean(v))
                return spec_fail(c, spec_path_key(path, parent, key), "must be true or false");
        *ret = json_is_true(v);
        return 1;
}

int spec_get_int(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                 int64_t min, int64_t max, int64_t *ret)
{
        char path[SPEC_PATH_MAX];
        json_t *v = NULL;
        int r = lookup(c, obj, key, parent, need, &v);

        if (r <= 0)
                return r;
        r = spec_int_value(c, v, spec_path_key(path, parent, key), min, max, ret);
        return r < 0 ? r : 1;
}

int spec_get_uint(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                  uint64_t max, uint64_t *ret)
{
        char path[SPEC_PATH_MAX];
        json_t *v = NULL;
        int r = lookup(c, obj, key, parent, need, &v);

        if (r <= 0)
                return r;
        r = spec_uint_value(c, v, spec_path_key(path, parent, key), max, ret);
        return r < 0 ? r : 1;
}

int spec_get_u32(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                 uint32_t *ret)
{
        uint64_t v;
        int r = spec_get_uint(c, obj, key, parent, need, UINT32_MAX, &v);

        if (r > 0)
                *ret = (uint32_t) v;
        return r;
}

int spec_get_i32(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                 int32_t *ret)
{
        int64_t v;
        int r = spec_get_int(c, obj, key, parent, need, INT32_MIN, INT32_MAX, &v);

        if (r > 0)
                *ret = (int32_t) v;
        return r;
}

int spec_get_strv(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                  char ***ret, size_t *ret_n)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        _cleanup_(spec_strv_freep) char **strv = NULL;
        json_t *arr = NULL, *v;
        size_t i;
        int r;

        r = lookup(c, obj, key, parent, need, &arr);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, key);
        if (!json_is_array(arr))
                return spec_fail(c, path, "must be an array of strings");
        strv = calloc(json_array_size(arr) + 1, sizeof(char *));
        if (!strv)
                return spec_oom(c);
        json_array_foreach(arr, i, v)
        {
                r = spec_string_value(c, v, spec_path_index(item, path, i), &strv[i]);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(strv);
        *ret_n = json_array_size(arr);
        return 1;
}

int spec_get_map(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, struct spec_kv **ret,
                 size_t *ret_n)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        struct spec_kv *kv;
        const char *k;
        json_t *map, *v;
        size_t n = 0;
        int r;

        r = spec_get_object(c, obj, key, parent, SPEC_OPTIONAL, &map);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, key);
        kv = calloc(json_object_size(map) + 1, sizeof *kv);
        if (!kv)
                return spec_oom(c);
        /* Hand the array over first: spec_free releases what is filled in so far. */
        *ret = kv;
        *ret_n = 0;
        json_object_foreach(map, k, v)
        {
                spec_path_map(item, path, k);
                kv[n].key = strdup(k);
                if (!kv[n].key)
                        return spec_oom(c);
                *ret_n = ++n;
                r = spec_string_value(c, v, item, &kv[n - 1].value);
                if (r < 0)
                        return r;
        }
        return 1;
}

int spec_get_id_mappings(struct spec_ctx *c, json_t *obj, const char *key, const char *parent,
                         struct spec_id_mapping **ret, size_t *ret_n)
{
        char path[SPEC_PATH_MAX], item[SPEC_PATH_MAX];
        _cleanup_free_ struct spec_id_mapping *m = NULL;
        json_t *arr = NULL, *v;
        size_t i;
        int r;

        r = spec_get_array(c, obj, key, parent, SPEC_OPTIONAL, &arr);
        if (r <= 0)
                return r;
        spec_path_key(path, parent, key);
        /* The kernel takes at most 340 lines in uid_map and gid_map (since 4.15). */
        if (json_array_size(arr) > SPEC_ID_MAPPINGS_MAX)
                return spec_fail(c, path, "%zu entries, more than the kernel's limit of %d",
                                 json_array_size(arr), SPEC_ID_MAPPINGS_MAX);
        m = calloc(json_array_size(arr) + 1, sizeof *m);
        if (!m)
                return spec_oom(c);
        json_array_foreach(arr, i, v)
        {
                spec_path_index(item, path, i);
                if (!json_is_object(v))
                        return spec_fail(c, item, "must be an object");
                if ((r = spec_get_u32(c, v, "containerID", item, SPEC_REQUIRED, &m[i].container_id)) < 0 ||
                    (r = spec_get_u32(c, v, "hostID", item, SPEC_REQUIRED, &m[i].host_id)) < 0 ||
                    (r = spec_get_u32(c, v, "size", item, SPEC_REQUIRED, &m[i].size)) < 0)
                        return r;
                if (m[i].size == 0)
                        return spec_fail(c, spec_path_key(path, item, "size"), "must be greater than 0");
        }
        *ret = TAKE_PTR(m);
        *ret_n = json_array_size(arr);
        return 1;
}

int spec_check_names(struct spec_ctx *c, char **strv, const char *parent, const char *what,
                     const char *const *table)
{
        char path[SPEC_PATH_MAX];

        for (size_t i = 0; strv && strv[i]; i++)
                if (spec_lookup(table, strv[i]) < 0)
                        return spec_fail_enum(c, spec_path_index(path, parent, i), strv[i], what, table);
        return 0;
}

char *spec_quote_big_integers(const char *json)
{
        size_t len = strlen(json), o = 0;
        /* Each replaced literal grows by the quotes and the mark (at most 20 digits → 30). */
        char *out = malloc(len * 2 + 16);
        bool in_string = false, escaped = false;

        if (!out)
                return NULL;
        for (size_t i = 0; i < len;) {
                char ch = json[i];

                if (in_string) {
                        in_string = escaped || ch != '"';
                        escaped = !escaped && ch == '\\';
                        out[o++] = json[i++];
                        continue;
                }
                if (ch == '"') {
                        in_string = true;
                        out[o++] = json[i++];
                        continue;
                }
                if (strchr("-0123456789", ch)) {
                        /* A whole number token: sign, digits, fraction, exponent. */
                        size_t n = strspn(json + i, "-+.eE0123456789");

                        if (strspn(json + i, "0123456789") == n && above_int64(json + i, n)) {
                                o += (size_t) snprintf(out + o, 40, "\"\\u0001u64:%.*s\"", (int) n,
                                                       json + i);
                        } else {
                                memcpy(out + o, json + i, n);
                                o += n;
                        }
                        i += n;
                        continue;
                }
                out[o++] = json[i++];
        }
        out[o] = '\0';
        return out;
}

int spec_get_section(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, char *path,
                     json_t **ret_obj, size_t size, void **ret)
{
        int r = spec_get_object(c, obj, key, parent, SPEC_OPTIONAL, ret_obj);

        if (r <= 0)
                return r;
        spec_path_key(path, parent, key);
        *ret = calloc(1, size);
        if (!*ret)
                return spec_oom(c);
        return 1;
}
