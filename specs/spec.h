/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The OCI runtime-spec data model (config.md, config-linux.md, 1.0 – 1.3) as
 * plain C structs.  spec_load() parses and validates config.json once; every
 * other folder reads these structs and never sees JSON.
 *
 * Conventions:
 *  - strings are malloc'ed char *, NULL when the field is absent;
 *  - arrays are a pointer plus a count (n_…), NULL/0 when absent;
 *  - string lists are NULL-terminated char ** plus their count;
 *  - an optional number has a "has_…" flag beside it;
 *  - maps (annotations, sysctl, unified, …) are arrays of struct spec_kv in
 *    the order they appear in the file.
 * Everything is owned by the struct spec and released by spec_free().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* GNU C predefines "linux" as 1; the spec calls its section "linux". */
#undef linux

/* The largest config.json read (a big one with every field is well under 1 MiB). */
#define SPEC_FILE_MAX (32 * 1024 * 1024)
/* The most lines uid_map and gid_map take (Linux 4.15 and later). */
#define SPEC_ID_MAPPINGS_MAX 340

struct error_info;

struct spec_kv {
        char *key;
        char *value;
};

struct spec_id_mapping {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};

/* ---- mounts ---------------------------------------------------------- */

struct spec_mount {
        char *destination; /* required, non-empty; a relative one is taken relative to "/" (runc) */
        char *source;
        char *type;
        char **options;
        size_t n_options;
        struct spec_id_mapping *uid_mappings; /* idmapped mounts */
        size_t n_uid_mappings;
        struct spec_id_mapping *gid_mappings;
        size_t n_gid_mappings;
};

/* ---- process --------------------------------------------------------- */

struct spec_rlimit {
        char *type;   /* "RLIMIT_NOFILE" */
        int resource; /* RLIMIT_* value resolved by the parser */
        uint64_t soft;
        uint64_t hard;
};

struct spec_capabilities {
        /* Each NULL-terminated list of names ("CAP_CHOWN"); has_… says the key was present. */
        char **bounding, **effective, **inheritable, **permitted, **ambient;
        size_t n_bounding, n_effective, n_inheritable, n_permitted, n_ambient;
};

struct spec_scheduler {
        char *policy;     /* SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE,
                             SCHED_DEADLINE */
        int policy_value; /* SCHED_* resolved by the parser */
        bool has_nice;
        int32_t nice;
        bool has_priority;
        int32_t priority;
        char **flags; /* SCHED_FLAG_* names */
        size_t n_flags;
        uint64_t flags_value; /* the SCHED_FLAG_* bits, resolved by the parser */
        uint64_t runtime, deadline, period;
};

struct spec_io_priority {
        char *class;     /* IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE */
        int class_value; /* IOPRIO_CLASS_* value resolved by the parser */
        int32_t priority;
};

struct spec_user {
        uint32_t uid;
        uint32_t gid;
        bool has_umask;
        uint32_t umask;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        char *username; /* Windows only; kept for completeness */
};

struct spec_process {
        bool terminal;
        bool has_console_size;
        uint32_t console_height, console_width;
        struct spec_user user;
        char **args; /* non-empty */
        size_t n_args;
        char *command_line; /* Windows only */
        char **env;
        size_t n_env;
        char *cwd; /* required, absolute */

        struct spec_capabilities *capabilities; /* NULL: key absent */
        struct spec_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        char *apparmor_profile;
        bool has_oom_score_adj;
        int oom_score_adj;
        struct spec_scheduler *scheduler;
        char *selinux_label;
        struct spec_io_priority *io_priority;
        /* execCPUAffinity: cpu lists as written ("0-3,7") */
        char *exec_cpu_affinity_initial;
        char *exec_cpu_affinity_final;
};

/* ---- hooks ----------------------------------------------------------- */

struct spec_hook {
        char *path; /* absolute */
        char **args;
        size_t n_args;
        char **env;
        size_t n_env;
        bool has_timeout;
        int timeout; /* seconds, > 0 */
};

enum spec_hook_kind {
        SPEC_HOOK_PRESTART,
        SPEC_HOOK_CREATE_RUNTIME,
        SPEC_HOOK_CREATE_CONTAINER,
        SPEC_HOOK_START_CONTAINER,
        SPEC_HOOK_POSTSTART,
        SPEC_HOOK_POSTSTOP,
        _SPEC_HOOK_KIND_MAX,
};

struct spec_hooks {
        struct spec_hook *hooks[_SPEC_HOOK_KIND_MAX];
        size_t n_hooks[_SPEC_HOOK_KIND_MAX];
};

/* ---- linux: namespaces, devices -------------------------------------- */

enum spec_namespace_type {
        SPEC_NS_PID,
        SPEC_NS_NETWORK,
        SPEC_NS_MOUNT,
        SPEC_NS_IPC,
        SPEC_NS_UTS,
        SPEC_NS_USER,
        SPEC_NS_CGROUP,
        SPEC_NS_TIME,
        _SPEC_NS_MAX,
};

struct spec_namespace {
        enum spec_namespace_type type;
        char *path; /* NULL: create a new one; else join this one */
};

struct spec_time_offset {
        bool present;
        int64_t secs;
        uint32_t nanosecs;
};

struct spec_device {
        char *type;           /* "c", "u", "b", "p" */
        char *path;           /* absolute, inside the container */
        int64_t major, minor; /* required except for "p" */
        bool has_file_mode;
        uint32_t file_mode;
        bool has_uid;
        uint32_t uid;
        bool has_gid;
        uint32_t gid;
};

struct spec_net_device {
        char *host_name; /* the key: the interface on the host */
        char *name;      /* name inside the container; NULL: keep host_name */
};

/* ---- linux.resources ------------------------------------------------- */

struct spec_device_cgroup {
        bool allow;
        char *type; /* "a", "c", "b"; NULL means "a" */
        bool has_major;
        int64_t major; /* absent: all (-1 in runc's words) */
        bool has_minor;
        int64_t minor;
        char *access; /* subset of "rwm"; NULL means "rwm" */
};

struct spec_memory {
        bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
        int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1: unlimited */
        uint64_t swappiness;
        bool has_disable_oom_killer;
        bool disable_oom_killer;
        bool has_use_hierarchy;
        bool use_hierarchy;
        bool has_check_before_update;
        bool check_before_update;
};

struct spec_cpu {
        bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime, has_realtime_period,
                has_idle;
        uint64_t shares;
        int64_t quota; /* -1: unlimited */
        uint64_t burst;
        uint64_t period;
        int64_t realtime_runtime;
        uint64_t realtime_period;
        int64_t idle;
        char *cpus;
        char *mems;
};

struct spec_weight_device {
        int64_t major, minor;
        bool has_weight;
        uint16_t weight;
        bool has_leaf_weight;
        uint16_t leaf_weight;
};

struct spec_throttle_device {
        int64_t major, minor;
        uint64_t rate;
};

struct spec_block_io {
        bool has_weight;
        uint16_t weight;
        bool has_leaf_weight;
        uint16_t leaf_weight;
        struct spec_weight_device *weight_device;
        size_t n_weight_device;
        struct spec_throttle_device *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
                *throttle_write_iops;
        size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops, n_throttle_write_iops;
};

struct spec_hugepage_limit {
        char *page_size; /* "2MB", "1GB" */
        uint64_t limit;
};

struct spec_net_priority {
        char *name;
        uint32_t priority;
};

struct spec_network {
        bool has_class_id;
        uint32_t class_id;
        struct spec_net_priority *priorities;
        size_t n_priorities;
};

struct spec_rdma {
        char *device; /* the key */
        bool has_hca_handles;
        uint32_t hca_handles;
        bool has_hca_objects;
        uint32_t hca_objects;
};

struct spec_resources {
        struct spec_device_cgroup *devices;
        size_t n_devices;
        struct spec_memory *memory;
        struct spec_cpu *cpu;
        struct spec_block_io *block_io;
        struct spec_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        struct spec_network *network;
        bool has_pids_limit;
        int64_t pids_limit; /* <= 0: unlimited */
        struct spec_rdma *rdma;
        size_t n_rdma;
        struct spec_kv *unified;
        size_t n_unified;
};

/* ---- linux: seccomp -------------------------------------------------- */

struct spec_seccomp_arg {
        uint32_t index;
        uint64_t value;
        uint64_t value_two;
        char *op; /* SCMP_CMP_NE, …_LT, …_LE, …_EQ, …_GE, …_GT, …_MASKED_EQ */
};

struct spec_seccomp_syscall {
        char **names;
        size_t n_names;
        char *action; /* SCMP_ACT_* */
        bool has_errno_ret;
        uint32_t errno_ret;
        struct spec_seccomp_arg *args;
        size_t n_args;
};

struct spec_seccomp {
        char *default_action;
        bool has_default_errno_ret;
        uint32_t default_errno_ret;
        char **architectures; /* SCMP_ARCH_* */
        size_t n_architectures;
        char **flags; /* SECCOMP_FILTER_FLAG_* */
        size_t n_flags;
        char *listener_path;
        char *listener_metadata;
        struct spec_seccomp_syscall *syscalls;
        size_t n_syscalls;
};

/* ---- linux: the rest --------------------------------------------------- */

struct spec_intel_rdt {
        char *clos_id;
        char *l3_cache_schema;
        char *mem_bw_schema;
        char **schemata;
        size_t n_schemata;
        bool enable_cmt; /* deprecated in 1.3 for enableMonitoring; still read */
        bool enable_mbm;
        bool enable_monitoring; /* 1.3 */
};

struct spec_memory_policy {
        char *mode; /* MPOL_DEFAULT, MPOL_BIND, … */
        char *nodes;
        char **flags; /* MPOL_F_* */
        size_t n_flags;
};

struct spec_personality {
        char *domain; /* LINUX, LINUX32 */
        char **flags;
        size_t n_flags;
};

struct spec_linux {
        struct spec_namespace *namespaces;
        size_t n_namespaces;
        struct spec_id_mapping *uid_mappings;
        size_t n_uid_mappings;
        struct spec_id_mapping *gid_mappings;
        size_t n_gid_mappings;
        struct spec_time_offset time_monotonic; /* timeOffsets.monotonic */
        struct spec_time_offset time_boottime;  /* timeOffsets.boottime */
        struct spec_device *devices;
        size_t n_devices;
        struct spec_net_device *net_devices;
        size_t n_net_devices;
        char *cgroups_path;
        struct spec_resources *resources;
        struct spec_intel_rdt *intel_rdt;
        struct spec_memory_policy *memory_policy;
        struct spec_kv *sysctl;
        size_t n_sysctl;
        struct spec_seccomp *seccomp;
        char *rootfs_propagation; /* shared, slave, private, unbindable (r-forms too) */
        char **masked_paths;
        size_t n_masked_paths;
        char **readonly_paths;
        size_t n_readonly_paths;
        char *mount_label;
        struct spec_personality *personality;
};

/* ---- the whole config ------------------------------------------------ */

struct spec {
        char *oci_version;
        char *root_path; /* as written in config.json; may be relative to the bundle */
        bool root_readonly;
        struct spec_mount *mounts;
        size_t n_mounts;
        struct spec_process *process; /* NULL when absent */
        char *hostname;
        char *domainname;
        struct spec_hooks hooks;
        struct spec_kv *annotations;
        size_t n_annotations;
        struct spec_linux *linux; /* NULL when absent */
};

/*
 * Reads and validates path (normally BUNDLE/config.json).  On failure err
 * says which field, which value and why, prefixed by the file's base name:
 * "config.json: process.args: must be a non-empty array of strings".
 * Returns 0 and *ret (free with spec_free) or -errno.
 */
int spec_load(const char *path, struct spec **ret, struct error_info *err);

/* Same, from a string; name is used in messages ("config.json"). */
int spec_parse(const char *json, const char *name, struct spec **ret, struct error_info *err);

void spec_free(struct spec *s);
static inline void spec_freep(struct spec **s)
{
        spec_free(*s);
}

/*
 * exec's --process file: one "process" object (config.md) on its own, with
 * the same checks as config.json's.  Free with spec_process_free().
 */
int spec_process_load(const char *path, struct spec_process **ret, struct error_info *err);
int spec_process_parse(const char *json, const char *name, struct spec_process **ret,
                       struct error_info *err);
void spec_process_free(struct spec_process *p);
static inline void spec_process_freep(struct spec_process **p)
{
        spec_process_free(*p);
}

/*
 * `husk update -r FILE`: one linux.resources object (config-linux.md) on its own, with the
 * same checks as config.json's; messages name the field without the "linux.resources."
 * prefix.  Free with spec_resources_free() (accepts NULL).
 */
int spec_resources_load(const char *path, struct spec_resources **ret, struct error_info *err);
int spec_resources_parse(const char *json, const char *name, struct spec_resources **ret,
                         struct error_info *err);
void spec_resources_free(struct spec_resources *r);
static inline void spec_resources_freep(struct spec_resources **r)
{
        spec_resources_free(*r);
}

/* The namespace entry of a type, or NULL when the config does not list it. */
const struct spec_namespace *spec_find_namespace(const struct spec *s, enum spec_namespace_type t);

/* "pid", "network", … ; and back (-1 when unknown). */
const char *spec_namespace_name(enum spec_namespace_type t);

/* "prestart", "createRuntime", … as config.json names the hook kinds, by enum spec_hook_kind;
 * NULL-terminated. */
extern const char *const spec_hook_names[];
/* The names linux.seccomp may use, as config-linux.md lists them; NULL-terminated. */
extern const char *const spec_seccomp_actions[]; /* SCMP_ACT_* */
extern const char *const spec_seccomp_arches[];  /* SCMP_ARCH_* */
extern const char *const spec_seccomp_flags[];   /* SECCOMP_FILTER_FLAG_* */
extern const char *const spec_seccomp_ops[];     /* SCMP_CMP_* */
int spec_namespace_from_name(const char *name);

/* Looks up an annotation; NULL when absent. */
const char *spec_annotation(const struct spec *s, const char *key);

/*
 * The default config.json of `husk spec` (as runc's), NUL-terminated and
 * malloc'ed.  rootless: user namespace with the caller's ids mapped to 0,
 * no network namespace, /sys bound from the host, no cgroup limits.  cgroupns: a cgroup
 * namespace too (runc's spec has one on a pure cgroup v2 host only).
 */
int spec_template(bool rootless, bool cgroupns, uid_t uid, gid_t gid, char **ret);

/* What the seccomp folder supports, for features' linux.seccomp; lists NULL-terminated. */
struct spec_features_seccomp {
        bool enabled;
        const char *const *actions;
        const char *const *operators;
        const char *const *archs;
        const char *const *known_flags;
        const char *const *supported_flags; /* by the running kernel */
};

/* The `husk features` JSON (features.md), malloc'ed.  sc NULL: seccomp is not enabled. */
int spec_features_json(const struct spec_features_seccomp *sc, char **ret);
