/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Shared by the specs/ sources only: the JSON helpers every section parser
 * uses.  Each helper checks one value's type and range and, on a mistake,
 * fills err with "<name>: <json path>: <reason>" and returns -EINVAL.
 *
 * Key helpers (spec_get_*) return 1 when the key is present, 0 when it is
 * absent or null (unless need is SPEC_REQUIRED: then "<path>: required"),
 * and < 0 on error.  Out-parameters are written only when the key is present.
 * Value helpers (spec_*_value) check one value already in hand.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "specs/spec.h"

struct spec_ctx {
        const char *name; /* "config.json", first word of every message */
        struct error_info *err;
        bool quoted;       /* the text was read again through spec_quote_big_integers() */
        bool process_file; /* exec's process.json: "user" may be left out (0:0), as runc */
};

/* Room for the longest JSON path we print ("linux.resources.blockIO.…[12].major"). */
#define SPEC_PATH_MAX 512

enum spec_need {
        SPEC_OPTIONAL,
        SPEC_REQUIRED,
};

/*
 * jansson has no unsigned 64-bit integers.  Before parsing, integer literals
 * above INT64_MAX (18446744073709551615 is common for "unlimited") are turned
 * into strings carrying this prefix, which the unsigned helpers read back.
 */
#define SPEC_U64_MARK "\001u64:"

/* "parent.key", "parent[i]", "parent['key']" (maps whose keys hold dots). */
const char *spec_path_key(char *buf, const char *parent, const char *key);
const char *spec_path_index(char *buf, const char *parent, size_t i);
const char *spec_path_map(char *buf, const char *parent, const char *key);

int spec_fail(struct spec_ctx *c, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int spec_oom(struct spec_ctx *c);

/*
 * Index of s in a NULL-terminated table, or -1.  spec_fail_enum() words the
 * error: "'<value>' is not <what> (a, b, c)".
 */
int spec_lookup(const char *const *table, const char *s);
int spec_fail_enum(struct spec_ctx *c, const char *path, const char *value, const char *what,
                   const char *const *table);

int spec_uint_value(struct spec_ctx *c, json_t *v, const char *path, uint64_t max, uint64_t *ret);

/* Key helpers. */
int spec_get_object(struct spec_ctx *c, json_t *obj, const char *key, const char *parent,
                    enum spec_need need, json_t **ret);
/*
 * An optional object at parent.key: when present, writes its path ("linux.intelRdt")
 * to path (SPEC_PATH_MAX bytes), returns it in *ret_obj and allocates a zeroed
 * struct of size bytes into *ret.  Returns 1 when present, 0 when absent, < 0 on error.
 */
int spec_get_section(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, char *path,
                     json_t **ret_obj, size_t size, void **ret);
int spec_get_array(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                   json_t **ret);
int spec_get_string(struct spec_ctx *c, json_t *obj, const char *key, const char *parent,
                    enum spec_need need, char **ret);
int spec_get_bool(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                  bool *ret);
int spec_get_int(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                 int64_t min, int64_t max, int64_t *ret);
int spec_get_uint(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                  uint64_t max, uint64_t *ret);
int spec_get_u32(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                 uint32_t *ret);
int spec_get_i32(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                 int32_t *ret);

/* A NULL-terminated list of strings (empty list: a 1-slot array holding NULL). */
int spec_get_strv(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, enum spec_need need,
                  char ***ret, size_t *ret_n);
/* An object of string values, in file order. */
int spec_get_map(struct spec_ctx *c, json_t *obj, const char *key, const char *parent, struct spec_kv **ret,
                 size_t *ret_n);
int spec_get_id_mappings(struct spec_ctx *c, json_t *obj, const char *key, const char *parent,
                         struct spec_id_mapping **ret, size_t *ret_n);

/* Every entry of strv is one of table's names; what words the error. */
int spec_check_names(struct spec_ctx *c, char **strv, const char *parent, const char *what,
                     const char *const *table);

/* Returns a copy of json with integer literals above INT64_MAX quoted (see above). */
char *spec_quote_big_integers(const char *json);

/* The namespace type names in enum order, NULL-terminated. */
const char *const *spec_namespace_names(void);

/* Section parsers (spec-process.c, spec-linux.c, spec-resources.c). */
int spec_parse_process(struct spec_ctx *c, json_t *obj, const char *path, struct spec_process **ret);
int spec_parse_linux(struct spec_ctx *c, json_t *obj, const char *path, struct spec_linux **ret);
int spec_parse_resources(struct spec_ctx *c, json_t *obj, const char *path, struct spec_resources **ret);
/* Checks across sections (namespaces vs. mappings, hostname, …); spec-linux.c. */
int spec_check_linux(struct spec_ctx *c, const struct spec *s);

/* spec-free.c */
void spec_strv_free(char **strv);
static inline void spec_strv_freep(char ***strv)
{
        spec_strv_free(*strv);
}
