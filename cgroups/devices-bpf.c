/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup v2 device controller is an eBPF program attached to the
 * cgroup (Documentation/admin-guide/cgroup-v2.rst, "Device controller").
 * The program gets struct bpf_cgroup_dev_ctx and returns 1 to allow, 0 to
 * deny.  We emit it instruction by instruction: it is a chain of blocks, one
 * per rule, each jumping to the next block when the rule does not match.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cgroups/devices-internal.h"
#include "base/banned.h"

/* The few instruction forms we need (the kernel's filter.h macros, restated). */
#define INSN(c, d, s, o, i)                                                                                 \
        ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(dst, src) INSN(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define AND32_IMM(dst, imm) INSN(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32_IMM(dst, imm) INSN(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define MOV64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers: r1 ctx, r2 type, r3 access, r4 major, r5 minor, r6 scratch. */
enum { R0, R1, R2, R3, R4, R5, R6 };

/* Emits one rule's block at out (when not NULL); returns its length. */
static size_t emit_rule(const struct device_rule *r, struct bpf_insn *out)
{
        struct bpf_insn b[12];
        size_t n = 0;

        /* Jump offsets are patched below to "the end of this block". */
        if (r->type != 'a')
                b[n++] = JNE_IMM(R2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
        if ((r->access & DEVICE_ACCESS_ALL) != DEVICE_ACCESS_ALL || !r->allow) {
                b[n++] = MOV32_REG(R6, R3);
                if (r->allow) {
                        /* match when nothing outside the rule's access is asked for */
                        b[n++] = AND32_IMM(R6, (int) (~r->access & DEVICE_ACCESS_ALL));
                        b[n++] = JNE_IMM(R6, 0, 0);
                } else {
                        /* match when any access the rule denies is asked for */
                        b[n++] = AND32_IMM(R6, (int) r->access);
                        b[n++] = JEQ_IMM(R6, 0, 0);
                }
        }
        if (r->type != 'a' && r->major >= 0)
                b[n++] = JNE_IMM(R4, (int) r->major, 0);
        if (r->type != 'a' && r->minor >= 0)
                b[n++] = JNE_IMM(R5, (int) r->minor, 0);
        b[n++] = MOV64_IMM(R0, r->allow ? 1 : 0);
        b[n++] = EXIT();

        for (size_t i = 0; i < n; i++)
                if (BPF_CLASS(b[i].code) == BPF_JMP && BPF_OP(b[i].code) != BPF_EXIT)
                        b[i].off = (short) (n - i - 1);
        if (out)
                memcpy(out, b, n * sizeof *b);
        return n;
}

int devices_bpf_compile(const struct device_rule *rules, size_t n, struct bpf_insn **ret, size_t *ret_n)
{
        static const struct bpf_insn prologue[] = {
                LDX_W(R2, R1, 0), AND32_IMM(R2, 0xffff), /* type */
                LDX_W(R3, R1, 0), RSH32_IMM(R3, 16),     /* access */
                LDX_W(R4, R1, 4), LDX_W(R5, R1, 8),      /* major, minor */
        };
        static const struct bpf_insn epilogue[] = {MOV64_IMM(R0, 1), EXIT()};
        size_t total = ARRAY_SIZE(prologue) + ARRAY_SIZE(epilogue), at;

        for (size_t i = 0; i < n; i++)
                total += emit_rule(&rules[i], NULL);
        struct bpf_insn *p = calloc(total, sizeof *p);
        if (!p)
                return -ENOMEM;
        memcpy(p, prologue, sizeof prologue);
        at = ARRAY_SIZE(prologue);
        for (size_t i = n; i-- > 0;)
                at += emit_rule(&rules[i], p + at);
        memcpy(p + at, epilogue, sizeof epilogue);
        *ret = p;
        *ret_n = total;
        return 0;
}

int devices_bpf_attach(int cgroup_fd, const struct bpf_insn *insns, size_t n, struct error_info *err)
{
        static char log[65536];
        union bpf_attr load = {
                .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
                .insns = (__u64) (uintptr_t) insns,
                .insn_cnt = (__u32) n,
                .license = (__u64) (uintptr_t) "GPL",
        };
        /*
         * Without a log first: kernels before 6.4 fail the whole load with ENOSPC when the
         * verifier's log does not fit its buffer.  The log is only asked for to explain a failure.
         */
        _cleanup_close_ int prog = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
        if (prog < 0) {
                int saved = errno;
                log[0] = '\0';
                load.log_buf = (__u64) (uintptr_t) log;
                load.log_size = sizeof log;
                load.log_level = 1;
                _cleanup_close_ int again = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
                size_t len = strlen(log);
                /* The verifier's last words say why. */
                const char *tail = len > 200 ? log + len - 200 : log;
                return error_set(err, saved, "load the device filter (%zu instructions)%s%s", n,
                                 len ? ": " : "", tail);
        }

        union bpf_attr attach = {
                .target_fd = (__u32) cgroup_fd,
                .attach_bpf_fd = (__u32) prog,
                .attach_type = BPF_CGROUP_DEVICE,
                .attach_flags = BPF_F_ALLOW_MULTI,
        };
        if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0)
                return error_set(err, errno, "attach the device filter to the cgroup");
        return 0;
}
