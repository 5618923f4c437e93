/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * linux.resources → cgroup interface files, as a pure plan (resources-plan.c) that
 * resources.c then writes.  Each controller is driven by the hierarchy the host has it in:
 * a v1 hierarchy when one holds it, else the cgroup2 hierarchy when its cgroup.controllers
 * lists it (so a hybrid host whose hugetlb lives only in the unified mount still gets
 * hugepage limits), else it is absent and any field needing it is refused.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct spec_resources;

enum cgroup_ctl {
        CGROUP_CTL_CPU,
        CGROUP_CTL_CPUSET,
        CGROUP_CTL_MEMORY,
        CGROUP_CTL_PIDS,
        CGROUP_CTL_IO, /* "blkio" on v1, "io" on v2 */
        CGROUP_CTL_HUGETLB,
        CGROUP_CTL_RDMA,
        CGROUP_CTL_NET_CLS,
        CGROUP_CTL_NET_PRIO,
        CGROUP_CTL_CPUACCT, /* v1 only: usage statistics */
        CGROUP_CTL_FREEZER, /* v1 only: pause */
        _CGROUP_CTL_MAX,
};

enum cgroup_where {
        CGROUP_ABSENT,
        CGROUP_IN_V1,
        CGROUP_IN_V2,
};

/* Where the host has each controller. */
struct cgroup_avail {
        enum cgroup_where where[_CGROUP_CTL_MAX];
        bool has_v2;  /* a cgroup2 hierarchy exists (pure v2 or hybrid): `unified` goes there */
        bool pure_v2; /* for messages: "io" rather than "blkio" */
};

/* "memory", "blkio"/"io", ... : the controller's name in that hierarchy (NULL: no such one). */
const char *cgroup_ctl_name(enum cgroup_ctl c, bool v2);

enum cgroup_setting_flag {
        /* v1 memory.limit_in_bytes and memory.memsw.limit_in_bytes: resources.c orders them. */
        CGROUP_SETTING_MEMSW_PAIR = 1 << 0,
        /* Write file only when the cgroup has it, else alt_file with alt_value (io.bfq.weight). */
        CGROUP_SETTING_HAS_ALT = 1 << 1,
        /* A `unified` key: the file must already exist in the container's cgroup. */
        CGROUP_SETTING_MUST_EXIST = 1 << 2,
        /* A memory limit: EBUSY/EINVAL means it is below the current usage. */
        CGROUP_SETTING_MEMORY_LIMIT = 1 << 3,
};

/* One write: value into the container's file of ctl's hierarchy. */
struct cgroup_setting {
        int ctl; /* enum cgroup_ctl; -1 for a `unified` key of no controller ("cgroup.*") */
        bool v2; /* goes to the cgroup2 hierarchy */
        unsigned flags;
        char field[96];   /* for messages: "linux.resources.memory.limit" */
        char file[128];   /* "memory.max" */
        char value[1024]; /* "4194304" */
        char alt_file[128];
        char alt_value[64];
        char ctl_name[64]; /* v2 controller to enable in the parents ("memory"); "" for none */
};

struct cgroup_plan {
        struct cgroup_setting *s;
        size_t n, cap;
};

void cgroup_plan_done(struct cgroup_plan *p);

/*
 * The files and values for r on a host described by avail.  Pure.  Only the fields r sets
 * are written; runc's "0 means unset" is kept for memory sizes and cpu shares/quota/period
 * (engines send zeros for what the user did not set).  Fails with EINVAL for a value this
 * host's driver cannot express, EOPNOTSUPP for a field it does not have (realtime on v2,
 * network on v2, disableOOMKiller on v2, a missing controller), err naming the field.
 */
int cgroup_plan_resources(const struct spec_resources *r, const struct cgroup_avail *avail,
                          struct cgroup_plan *ret, struct error_info *err);

/* cpu.shares (2..262144) → cpu.weight (1..10000), the quadratic mapping runc and crun use. */
uint64_t cgroup_shares_to_weight(uint64_t shares);

/* blkio weight (10..1000) → io.weight (1..10000), linear as runc. */
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);

/*
 * OCI memory.swap (memory+swap) → memory.swap.max: -1 "max", else swap - limit.  -EINVAL
 * when there is no positive limit to subtract or swap is below it.
 */
int cgroup_swap_v2(int64_t limit, int64_t swap, char *buf, size_t size);

/* A `unified` key: one plain file name "<controller>.<file>", not a process-moving file. */
bool cgroup_unified_key_valid(const char *key);

/* Shared by resources.c and stats.c. */
struct cgroup;
struct cgroup_hierarchy;
struct cgroup_hierarchy *cgroup_v2_hierarchy(const struct cgroup *cg);
struct cgroup_hierarchy *cgroup_v1_hierarchy(const struct cgroup *cg, const char *controller);
void cgroup_avail_read(const struct cgroup *cg, struct cgroup_avail *ret);
/* A file holding one decimal number; -EINVAL for anything else ("max"). */
int cgroup_read_u64(int dirfd, const char *file, unsigned long long *ret);
