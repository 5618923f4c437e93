/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * husk update [-r FILE|-] [--memory ... flags as runc's] ID: the resources file (a
 * linux.resources object) first, then each flag over it.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "cmd.h"
#include "container.h"
#include "specs/spec.h"
#include "base/banned.h"

/*
 * Memory sizes as runc reads them: a number with an optional binary unit, case-insensitive,
 * with or without "b"/"ib": 100M, 1.5g, 512kb, 2GiB; -1 for unlimited.
 */
static int parse_bytes(const char *s, int64_t *ret)
{
        static const char units[] = "bkmgtp";
        char *end;
        double v;

        if (!strcmp(s, "-1")) {
                *ret = -1;
                return 0;
        }
        errno = 0;
        v = strtod(s, &end);
        if (errno || end == s || v < 0 || !isdigit((unsigned char) s[0]))
                return -EINVAL;
        double mult = 1;
        if (*end) {
                const char *u = strchr(units, tolower((unsigned char) *end));
                if (!u)
                        return -EINVAL;
                for (const char *k = units + 1; k <= u; k++)
                        mult *= 1024;
                end++;
                if (u != units && (!strcasecmp(end, "b") || !strcasecmp(end, "ib")))
                        end += strlen(end);
                if (*end)
                        return -EINVAL;
        }
        v *= mult;
        if (v >= 9.2e18)
                return -ERANGE;
        *ret = (int64_t) v;
        return 0;
}

static int parse_i64(const char *s, int64_t *ret)
{
        char *end;

        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || end == s || *end)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_u64(const char *s, uint64_t *ret)
{
        char *end;

        if (!isdigit((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *end)
                return -EINVAL;
        *ret = v;
        return 0;
}

enum {
        OPT_MEMORY = 256,
        OPT_MEMORY_RESERVATION,
        OPT_MEMORY_SWAP,
        OPT_KERNEL_MEMORY,
        OPT_KERNEL_MEMORY_TCP,
        OPT_CPU_SHARES,
        OPT_CPU_QUOTA,
        OPT_CPU_PERIOD,
        OPT_CPU_BURST,
        OPT_CPU_RT_PERIOD,
        OPT_CPU_RT_RUNTIME,
        OPT_CPUSET_CPUS,
        OPT_CPUSET_MEMS,
        OPT_PIDS_LIMIT,
        OPT_BLKIO_WEIGHT,
        OPT_L3_CACHE,
        OPT_MEM_BW,
};

/* The sections a flag writes into, made on first use. */
static int need_sections(struct spec_resources *r)
{
        if (!r->memory && !(r->memory = calloc(1, sizeof *r->memory)))
                return -ENOMEM;
        if (!r->cpu && !(r->cpu = calloc(1, sizeof *r->cpu)))
                return -ENOMEM;
        if (!r->block_io && !(r->block_io = calloc(1, sizeof *r->block_io)))
                return -ENOMEM;
        return 0;
}

static int bad_value(const char *flag, const char *v, const char *what)
{
        return cmd_usage_error("update", "--%s: '%s' is not %s", flag, v, what);
}

/* Applies one flag to r; returns 0, or 1 after printing a usage error. */
static int apply_flag(struct spec_resources *r, int c, const char *flag, const char *v)
{
        struct spec_memory *m = r->memory;
        struct spec_cpu *cpu = r->cpu;
        uint64_t u;

        switch (c) {
        case OPT_MEMORY:
        case OPT_MEMORY_RESERVATION:
        case OPT_MEMORY_SWAP: {
                int64_t b;
                if (parse_bytes(v, &b) < 0)
                        return bad_value(flag, v, "a size (like 100M, 1G, or -1 for unlimited)");
                if (c == OPT_MEMORY) {
                        m->has_limit = true;
                        m->limit = b;
                } else if (c == OPT_MEMORY_RESERVATION) {
                        m->has_reservation = true;
                        m->reservation = b;
                } else {
                        m->has_swap = true;
                        m->swap = b;
                }
                return 0;
        }
        case OPT_KERNEL_MEMORY:
        case OPT_KERNEL_MEMORY_TCP:
                log_warn("--%s: kernel memory limits are not supported by the kernel, ignoring", flag);
                return 0;
        case OPT_CPU_SHARES:
        case OPT_CPU_PERIOD:
        case OPT_CPU_BURST:
        case OPT_CPU_RT_PERIOD:
                if (parse_u64(v, &u) < 0)
                        return bad_value(flag, v, "a non-negative integer");
                if (c == OPT_CPU_SHARES)
                        cpu->has_shares = true, cpu->shares = u;
                else if (c == OPT_CPU_PERIOD)
                        cpu->has_period = true, cpu->period = u;
                else if (c == OPT_CPU_BURST)
                        cpu->has_burst = true, cpu->burst = u;
                else
                        cpu->has_realtime_period = true, cpu->realtime_period = u;
                return 0;
        case OPT_CPU_QUOTA:
                if (parse_i64(v, &cpu->quota) < 0)
                        return bad_value(flag, v, "an integer (-1 for unlimited)");
                cpu->has_quota = true;
                return 0;
        case OPT_CPU_RT_RUNTIME:
                if (parse_i64(v, &cpu->realtime_runtime) < 0)
                        return bad_value(flag, v, "an integer");
                cpu->has_realtime_runtime = true;
                return 0;
        case OPT_CPUSET_CPUS:
        case OPT_CPUSET_MEMS: {
                char **dst = c == OPT_CPUSET_CPUS ? &cpu->cpus : &cpu->mems;
                if (!*v || v[strspn(v, "0123456789,-")] != '\0')
                        return bad_value(flag, v, "a list like 0-2,4");
                free(*dst);
                *dst = strdup(v);
                return *dst ? 0 : cmd_usage_error("update", "out of memory");
        }
        case OPT_PIDS_LIMIT:
                if (parse_i64(v, &r->pids_limit) < 0)
                        return bad_value(flag, v, "an integer (0 or -1 for unlimited)");
                r->has_pids_limit = true;
                return 0;
        case OPT_BLKIO_WEIGHT:
                if (parse_u64(v, &u) < 0 || u < 10 || u > 1000)
                        return bad_value(flag, v, "a weight from 10 to 1000");
                r->block_io->has_weight = true;
                r->block_io->weight = (uint16_t) u;
                return 0;
        case OPT_L3_CACHE:
        case OPT_MEM_BW:
                return cmd_usage_error("update", "--%s: Intel RDT is not supported by this husk", flag);
        }
        return 1;
}

/* Drops the sections no flag or file filled, so that nothing is planned for them. */
static void prune(struct spec_resources *r)
{
        static const struct spec_memory no_memory;
        static const struct spec_cpu no_cpu;
        static const struct spec_block_io no_block_io;

        if (r->memory && !memcmp(r->memory, &no_memory, sizeof no_memory)) {
                free(r->memory);
                r->memory = NULL;
        }
        if (r->cpu && !memcmp(r->cpu, &no_cpu, sizeof no_cpu)) {
                free(r->cpu);
                r->cpu = NULL;
        }
        if (r->block_io && !memcmp(r->block_io, &no_block_io, sizeof no_block_io)) {
                free(r->block_io);
                r->block_io = NULL;
        }
}

static int load_resources(const char *path, struct spec_resources **ret, struct error_info *err)
{
        _cleanup_free_ char *text = NULL;
        int r;

        if (strcmp(path, "-"))
                return spec_resources_load(path, ret, err);
        r = read_file_alloc(STDIN_FILENO, "/dev/stdin", &text, NULL);
        if (r < 0)
                return error_set(err, -r, "read the resources from stdin");
        return spec_resources_parse(text, "stdin", ret, err);
}

int cmd_update(int argc, char **argv, const struct global_opts *g)
{
        static const struct option opts[] = {
                {"resources", required_argument, NULL, 'r'},
                {"memory", required_argument, NULL, OPT_MEMORY},
                {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
                {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
                {"kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY},
                {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP},
                {"cpu-share", required_argument, NULL, OPT_CPU_SHARES}, /* runc's spelling */
                {"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
                {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
                {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
                {"cpu-burst", required_argument, NULL, OPT_CPU_BURST},
                {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
                {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
                {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
                {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
                {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
                {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
                {"l3-cache-schema", required_argument, NULL, OPT_L3_CACHE},
                {"mem-bw-schema", required_argument, NULL, OPT_MEM_BW},
                {},
        };
        _cleanup_(spec_resources_freep) struct spec_resources *res = NULL;
        struct error_info err = {0};
        const char *file = NULL, *id;
        int c, idx;

        /* First pass: the file, which the flags then override. */
        while ((c = getopt_long(argc, argv, "r:", opts, &idx)) != -1) {
                if (c == '?')
                        return 1;
                if (c == 'r')
                        file = optarg;
        }
        if (cmd_one_id("update", argc, argv, optind, &id))
                return 1;
        if (file && load_resources(file, &res, &err) < 0)
                return cmd_fail(&err);
        if (!res && !(res = calloc(1, sizeof *res)))
                return cmd_usage_error("update", "out of memory");
        if (need_sections(res) < 0)
                return cmd_usage_error("update", "out of memory");
        optind = 0;
        while ((c = getopt_long(argc, argv, "r:", opts, &idx)) != -1) {
                if (c == 'r')
                        continue;
                if (apply_flag(res, c, opts[idx].name, optarg))
                        return 1;
        }
        prune(res);
        if (container_update(g->root, id, res, &err) < 0)
                return cmd_fail(&err);
        return 0;
}
