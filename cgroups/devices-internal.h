/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The device allow-list, in one form for both drivers (devices.c) and the v2 eBPF filter. */

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum {
        DEVICE_ACCESS_MKNOD = 1 << 0,
        DEVICE_ACCESS_READ = 1 << 1,
        DEVICE_ACCESS_WRITE = 1 << 2,
        DEVICE_ACCESS_ALL = 7,
};

struct device_rule {
        bool allow;
        char type;         /* 'a', 'c', 'b' */
        long major, minor; /* -1: any */
        unsigned access;   /* DEVICE_ACCESS_* */
};

/*
 * Compiles rules into a BPF_PROG_TYPE_CGROUP_DEVICE program.  Rules are
 * checked from the last to the first and the first match decides, which is
 * what applying them in order to a v1 devices cgroup means; a request no
 * rule matches is allowed (a new v1 cgroup allows everything).  An allow
 * rule matches when it grants every access asked for; a deny rule when it
 * denies any of them.  *ret is malloc'ed.
 */
int devices_bpf_compile(const struct device_rule *rules, size_t n, struct bpf_insn **ret, size_t *ret_n);

/* Loads the program and attaches it to the cgroup2 directory fd (BPF_F_ALLOW_MULTI). */
int devices_bpf_attach(int cgroup_fd, const struct bpf_insn *insns, size_t n, struct error_info *err);
