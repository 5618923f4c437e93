/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Releasing a struct spec.  Every function accepts a partly filled struct:
 * the parsers hand arrays over (with their counts) before filling them, so
 * a parse that fails half-way is released by the same code.
 */
#include <stdlib.h>

#include "specs/spec-internal.h"

void spec_strv_free(char **strv)
{
        if (!strv)
                return;
        for (char **p = strv; *p; p++)
                free(*p);
        free(strv);
}

static void kv_free(struct spec_kv *kv, size_t n)
{
        for (size_t i = 0; kv && i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

static void mounts_free(struct spec_mount *m, size_t n)
{
        for (size_t i = 0; m && i < n; i++) {
                free(m[i].destination);
                free(m[i].source);
                free(m[i].type);
                spec_strv_free(m[i].options);
                free(m[i].uid_mappings);
                free(m[i].gid_mappings);
        }
        free(m);
}

static void capabilities_free(struct spec_capabilities *caps)
{
        if (!caps)
                return;
        spec_strv_free(caps->bounding);
        spec_strv_free(caps->effective);
        spec_strv_free(caps->inheritable);
        spec_strv_free(caps->permitted);
        spec_strv_free(caps->ambient);
        free(caps);
}

static void spec_process_free_contents(struct spec_process *p)
{
        if (!p)
                return;
        free(p->user.additional_gids);
        free(p->user.username);
        spec_strv_free(p->args);
        free(p->command_line);
        spec_strv_free(p->env);
        free(p->cwd);
        capabilities_free(p->capabilities);
        for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        if (p->scheduler) {
                free(p->scheduler->policy);
                spec_strv_free(p->scheduler->flags);
                free(p->scheduler);
        }
        free(p->selinux_label);
        if (p->io_priority) {
                free(p->io_priority->class);
                free(p->io_priority);
        }
        free(p->exec_cpu_affinity_initial);
        free(p->exec_cpu_affinity_final);
}

void spec_process_free(struct spec_process *p)
{
        spec_process_free_contents(p);
        free(p);
}

static void hooks_free(struct spec_hooks *h)
{
        for (int k = 0; k < _SPEC_HOOK_KIND_MAX; k++) {
                for (size_t i = 0; h->hooks[k] && i < h->n_hooks[k]; i++) {
                        free(h->hooks[k][i].path);
                        spec_strv_free(h->hooks[k][i].args);
                        spec_strv_free(h->hooks[k][i].env);
                }
                free(h->hooks[k]);
        }
}

static void block_io_free(struct spec_block_io *b)
{
        if (!b)
                return;
        free(b->weight_device);
        free(b->throttle_read_bps);
        free(b->throttle_write_bps);
        free(b->throttle_read_iops);
        free(b->throttle_write_iops);
        free(b);
}

void spec_resources_free(struct spec_resources *r)
{
        if (!r)
                return;
        for (size_t i = 0; r->devices && i < r->n_devices; i++) {
                free(r->devices[i].type);
                free(r->devices[i].access);
        }
        free(r->devices);
        free(r->memory);
        if (r->cpu) {
                free(r->cpu->cpus);
                free(r->cpu->mems);
                free(r->cpu);
        }
        block_io_free(r->block_io);
        for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        if (r->network) {
                for (size_t i = 0; r->network->priorities && i < r->network->n_priorities; i++)
                        free(r->network->priorities[i].name);
                free(r->network->priorities);
                free(r->network);
        }
        for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
                free(r->rdma[i].device);
        free(r->rdma);
        kv_free(r->unified, r->n_unified);
        free(r);
}

static void seccomp_free(struct spec_seccomp *s)
{
        if (!s)
                return;
        free(s->default_action);
        spec_strv_free(s->architectures);
        spec_strv_free(s->flags);
        free(s->listener_path);
        free(s->listener_metadata);
        for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
                spec_strv_free(s->syscalls[i].names);
                free(s->syscalls[i].action);
                for (size_t j = 0; s->syscalls[i].args && j < s->syscalls[i].n_args; j++)
                        free(s->syscalls[i].args[j].op);
                free(s->syscalls[i].args);
        }
        free(s->syscalls);
        free(s);
}

static void linux_small_free(struct spec_linux *l)
{
        if (l->intel_rdt) {
                free(l->intel_rdt->clos_id);
                free(l->intel_rdt->l3_cache_schema);
                free(l->intel_rdt->mem_bw_schema);
                spec_strv_free(l->intel_rdt->schemata);
                free(l->intel_rdt);
        }
        if (l->memory_policy) {
                free(l->memory_policy->mode);
                free(l->memory_policy->nodes);
                spec_strv_free(l->memory_policy->flags);
                free(l->memory_policy);
        }
        if (l->personality) {
                free(l->personality->domain);
                spec_strv_free(l->personality->flags);
                free(l->personality);
        }
}

static void spec_linux_free(struct spec_linux *l)
{
        if (!l)
                return;
        for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
                free(l->namespaces[i].path);
        free(l->namespaces);
        free(l->uid_mappings);
        free(l->gid_mappings);
        for (size_t i = 0; l->devices && i < l->n_devices; i++) {
                free(l->devices[i].type);
                free(l->devices[i].path);
        }
        free(l->devices);
        for (size_t i = 0; l->net_devices && i < l->n_net_devices; i++) {
                free(l->net_devices[i].host_name);
                free(l->net_devices[i].name);
        }
        free(l->net_devices);
        free(l->cgroups_path);
        spec_resources_free(l->resources);
        kv_free(l->sysctl, l->n_sysctl);
        seccomp_free(l->seccomp);
        free(l->rootfs_propagation);
        spec_strv_free(l->masked_paths);
        spec_strv_free(l->readonly_paths);
        free(l->mount_label);
        linux_small_free(l);
        free(l);
}

void spec_free(struct spec *s)
{
        if (!s)
                return;
        free(s->oci_version);
        free(s->root_path);
        mounts_free(s->mounts, s->n_mounts);
        spec_process_free(s->process);
        free(s->hostname);
        free(s->domainname);
        hooks_free(&s->hooks);
        kv_free(s->annotations, s->n_annotations);
        spec_linux_free(s->linux);
        free(s);
}
