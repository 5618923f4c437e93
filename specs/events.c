/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `husk events` JSON, shaped as runc prints it (its types.Event and types.Stats). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "specs/events.h"
#include "base/banned.h"

void spec_stats_done(struct spec_stats *s)
{
        free(s->cpu.percpu);
        free(s->memory.raw);
        free(s->blkio.service_bytes);
        free(s->blkio.serviced);
        free(s->hugetlb);
        memset(s, 0, sizeof *s);
}

/* jansson has no unsigned integers: values above INT64_MAX (an unset limit) are clamped. */
static json_t *u64(uint64_t v)
{
        return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t) v);
}

static json_t *memory_entry(const struct spec_stats_memory_entry *e)
{
        return json_pack("{s:o,s:o,s:o,s:o}", "limit", u64(e->limit), "usage", u64(e->usage), "max",
                         u64(e->max), "failcnt", u64(e->failcnt));
}

static json_t *blkio_list(const struct spec_stats_blkio_entry *e, size_t n)
{
        json_t *a = json_array();

        for (size_t i = 0; a && i < n; i++)
                json_array_append_new(a,
                                      json_pack("{s:o,s:o,s:s,s:o}", "major", u64(e[i].major), "minor",
                                                u64(e[i].minor), "op", e[i].op, "value", u64(e[i].value)));
        return a;
}

static json_t *stats_json(const struct spec_stats *s)
{
        json_t *percpu = json_array(), *raw = json_object(), *huge = json_object();

        for (size_t i = 0; percpu && i < s->cpu.n_percpu; i++)
                json_array_append_new(percpu, u64(s->cpu.percpu[i]));
        for (size_t i = 0; raw && i < s->memory.n_raw; i++)
                json_object_set_new(raw, s->memory.raw[i].name, u64(s->memory.raw[i].value));
        for (size_t i = 0; huge && i < s->n_hugetlb; i++)
                json_object_set_new(huge, s->hugetlb[i].page_size,
                                    json_pack("{s:o,s:o,s:o}", "usage", u64(s->hugetlb[i].usage), "max",
                                              u64(s->hugetlb[i].max), "failcnt",
                                              u64(s->hugetlb[i].failcnt)));
        return json_pack(
                "{s:{s:{s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o}},"
                "s:{s:o,s:o,s:o,s:o,s:o,s:o},"
                "s:{s:o,s:o},"
                "s:{s:o,s:o},"
                "s:o}",
                "cpu", "usage", "total", u64(s->cpu.total), "percpu", percpu, "kernel", u64(s->cpu.kernel),
                "user", u64(s->cpu.user), "throttling", "periods", u64(s->cpu.periods), "throttledPeriods",
                u64(s->cpu.throttled_periods), "throttledTime", u64(s->cpu.throttled_time), "memory",
                "cache", u64(s->memory.cache), "usage", memory_entry(&s->memory.usage), "swap",
                memory_entry(&s->memory.swap), "kernel", memory_entry(&s->memory.kernel), "kernelTCP",
                memory_entry(&s->memory.kernel_tcp), "raw", raw, "pids", "current", u64(s->pids.current),
                "limit", u64(s->pids.limit), "blkio", "ioServiceBytesRecursive",
                blkio_list(s->blkio.service_bytes, s->blkio.n_service_bytes), "ioServicedRecursive",
                blkio_list(s->blkio.serviced, s->blkio.n_serviced), "hugetlb", huge);
}

int spec_event_encode(const char *type, const char *id, const struct spec_stats *data, char **ret)
{
        json_t *ev = json_pack("{s:s,s:s}", "type", type, "id", id);
        char *text;

        if (!ev)
                return -ENOMEM;
        if (data) {
                json_t *d = stats_json(data);
                if (!d || json_object_set_new(ev, "data", d) < 0) {
                        json_decref(ev);
                        return -ENOMEM;
                }
        }
        text = json_dumps(ev, JSON_COMPACT);
        json_decref(ev);
        if (!text)
                return -ENOMEM;
        *ret = text;
        return 0;
}
