/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * `husk events`: the container's resource statistics (filled by cgroups/) and the JSON lines
 * runc prints for them: {"type":"stats","id":"…","data":{"cpu":…,"memory":…,"pids":…,
 * "blkio":…,"hugetlb":…}} and {"type":"oom","id":"…"}.  Field names and units are runc's
 * (nanoseconds for cpu, bytes for memory).
 */

#include <stddef.h>
#include <stdint.h>

struct spec_stats_value {
        char name[64];
        uint64_t value;
};

struct spec_stats_memory_entry {
        uint64_t limit, usage, max, failcnt;
};

struct spec_stats_blkio_entry {
        uint64_t major, minor;
        char op[16]; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
        uint64_t value;
};

struct spec_stats_hugetlb {
        char page_size[16]; /* "2MB" */
        uint64_t usage, max, failcnt;
};

struct spec_stats {
        struct {
                uint64_t total, kernel, user; /* ns */
                uint64_t *percpu;
                size_t n_percpu;
                uint64_t periods, throttled_periods, throttled_time;
        } cpu;
        struct {
                uint64_t cache;
                struct spec_stats_memory_entry usage, swap, kernel, kernel_tcp;
                struct spec_stats_value *raw; /* memory.stat */
                size_t n_raw;
        } memory;
        struct {
                uint64_t current, limit; /* limit 0: none */
        } pids;
        struct {
                struct spec_stats_blkio_entry *service_bytes, *serviced;
                size_t n_service_bytes, n_serviced;
        } blkio;
        struct spec_stats_hugetlb *hugetlb;
        size_t n_hugetlb;
};

/* Frees what s points to (not s itself) and zeroes it. */
void spec_stats_done(struct spec_stats *s);

/*
 * One event as a single line of JSON (no newline), malloc'ed into *ret: type "stats" with
 * data, or another type ("oom") with data NULL.  Returns 0 or -ENOMEM.
 */
int spec_event_encode(const char *type, const char *id, const struct spec_stats *data, char **ret);
