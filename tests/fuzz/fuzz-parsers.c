/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A libFuzzer target over the parsers of what husk reads from others: config.json (spec_parse,
 * the text spec_load() reads for bundle_load()), state.json (spec_state_decode, as state_read()
 * hands it), exec's --process file (spec_process_parse) and update's -r file
 * (spec_resources_parse).
 *
 * The first byte of an input picks the parser, modulo 4: '0' config.json, '1' state.json,
 * '2' process.json, '3' resources.json (so the seeds in corpus/ read as text).  The rest is the
 * file, made NUL-terminated the way read_regular_file() hands it over.
 *
 * Beyond what the sanitizers catch, each parser must keep its contract: 0 with a result, or
 * -errno with err set (errnum > 0, a NUL-terminated message); -ENOMEM may leave err unset.
 * A state.json that decodes must encode again in each form husk writes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "specs/spec.h"
#include "specs/state.h"

enum fuzz_parser {
        FUZZ_CONFIG,
        FUZZ_STATE,
        FUZZ_PROCESS,
        FUZZ_RESOURCES,
        _FUZZ_PARSER_MAX,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(int r, const void *ret, const struct error_info *err)
{
        if (r >= 0) {
                if (r != 0 || !ret)
                        abort();
                return;
        }
        if (r == -ENOMEM)
                return;
        if (err->errnum <= 0 || -r != err->errnum || !memchr(err->msg, '\0', sizeof err->msg) ||
            !err->msg[0])
                abort();
}

static void fuzz_config(const char *text)
{
        struct error_info err = {0};
        struct spec *s = NULL;
        int r = spec_parse(text, "config.json", &s, &err);

        check_result(r, s, &err);
        spec_free(s);
}

static void fuzz_state(const char *text)
{
        static const enum spec_state_form forms[] = {SPEC_STATE_FILE, SPEC_STATE_PRINT, SPEC_STATE_HOOK};
        struct error_info err = {0};
        struct spec_state *st = NULL;
        int r = spec_state_decode(text, &st, &err);

        check_result(r, st, &err);
        if (r < 0)
                return;
        for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
                char *json = NULL;

                if (spec_state_encode(st, forms[i], &json) == 0 && !json)
                        abort();
                free(json);
        }
        spec_state_free(st);
}

static void fuzz_process(const char *text)
{
        struct error_info err = {0};
        struct spec_process *p = NULL;
        int r = spec_process_parse(text, "process.json", &p, &err);

        check_result(r, p, &err);
        spec_process_free(p);
}

static void fuzz_resources(const char *text)
{
        struct error_info err = {0};
        struct spec_resources *res = NULL;
        int r = spec_resources_parse(text, "resources.json", &res, &err);

        check_result(r, res, &err);
        spec_resources_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text;

        if (size < 1)
                return 0;
        text = malloc(size);
        if (!text)
                return 0;
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';
        switch ((enum fuzz_parser)(data[0] % _FUZZ_PARSER_MAX)) {
        case FUZZ_CONFIG:
                fuzz_config(text);
                break;
        case FUZZ_STATE:
                fuzz_state(text);
                break;
        case FUZZ_PROCESS:
                fuzz_process(text);
                break;
        case FUZZ_RESOURCES:
                fuzz_resources(text);
                break;
        case _FUZZ_PARSER_MAX:
                abort();
        }
        free(text);
        return 0;
}
