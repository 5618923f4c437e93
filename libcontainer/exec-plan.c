/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "exec-plan.h"
#include "security.h"
#include "base/banned.h"

void exec_plan_done(struct exec_plan *x)
{
        spec_free(x->config);
        spec_process_free(x->file);
        free(x->args);
        free(x->env);
        for (int i = 0; i < 4; i++)
                free(x->cap_arrays[i]);
        free(x->gids);
}

/* env with each K=V of add set: replacing the entry with the same K, else appended. */
static int merge_env(struct exec_plan *x, char **add, size_t n_add, struct error_info *err)
{
        struct spec_process *p = &x->p;

        x->env = calloc(p->n_env + n_add + 1, sizeof *x->env);
        if (!x->env)
                return error_set(err, ENOMEM, "--env");
        size_t n = 0;
        for (size_t i = 0; i < p->n_env; i++)
                x->env[n++] = p->env[i];
        for (size_t k = 0; k < n_add; k++) {
                const char *eq = strchr(add[k], '=');
                size_t klen = eq ? (size_t) (eq - add[k]) : 0;
                size_t i;

                if (!eq || klen == 0)
                        return error_set_reason(err, EINVAL, "--env: '%s' is not KEY=VALUE", add[k]);
                for (i = 0; i < n; i++)
                        if (!strncmp(x->env[i], add[k], klen + 1))
                                break;
                x->env[i] = add[k];
                if (i == n)
                        n++;
        }
        x->env[n] = NULL;
        p->env = x->env;
        p->n_env = n;
        return 0;
}

/* names + add into a new array (borrowed strings) stored in x->cap_arrays[slot]. */
static int caps_with(struct exec_plan *x, int slot, char ***list, size_t *n, char **add, size_t n_add)
{
        char **a = calloc(*n + n_add + 1, sizeof *a);

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < *n; i++)
                a[i] = (*list)[i];
        for (size_t i = 0; i < n_add; i++)
                a[*n + i] = add[i];
        x->cap_arrays[slot] = a;
        *list = a;
        *n += n_add;
        return 0;
}

/*
 * --cap adds to the bounding, effective and permitted sets (as runc), and to the ambient one
 * only when the process has inheritable capabilities (ambient ones need them).
 */
static int add_caps(struct exec_plan *x, char **add, size_t n_add, struct error_info *err)
{
        struct spec_capabilities *c = &x->caps;
        int r;

        if (!n_add)
                return 0;
        if (x->p.capabilities)
                *c = *x->p.capabilities;
        for (size_t i = 0; i < n_add; i++) {
                /* Checked here: process.c skips unknown names with a warning, a flag must not be. */
                if (strncmp(add[i], "CAP_", 4) != 0)
                        return error_set_reason(err, EINVAL, "--cap: '%s' is not a capability name (CAP_…)",
                                                add[i]);
        }
        r = caps_with(x, 0, &c->bounding, &c->n_bounding, add, n_add);
        if (r >= 0)
                r = caps_with(x, 1, &c->effective, &c->n_effective, add, n_add);
        if (r >= 0)
                r = caps_with(x, 2, &c->permitted, &c->n_permitted, add, n_add);
        if (r >= 0 && c->n_inheritable)
                r = caps_with(x, 3, &c->ambient, &c->n_ambient, add, n_add);
        if (r < 0)
                return error_set(err, -r, "--cap");
        x->p.capabilities = c;
        return 0;
}

static int apply_overrides(struct exec_plan *x, const struct container_exec_opts *o, struct error_info *err)
{
        struct spec_process *p = &x->p;
        int r;

        if (o->n_args) {
                x->args = calloc(o->n_args + 1, sizeof *x->args);
                if (!x->args)
                        return error_set(err, ENOMEM, "exec");
                memcpy(x->args, o->args, o->n_args * sizeof *x->args);
                p->args = x->args;
                p->n_args = o->n_args;
        }
        if (o->cwd) {
                if (o->cwd[0] != '/')
                        return error_set_reason(err, EINVAL, "--cwd: '%s' is not an absolute path", o->cwd);
                p->cwd = (char *) o->cwd;
        }
        r = merge_env(x, o->env, o->n_env, err);
        if (r < 0)
                return r;
        if (o->has_user) {
                p->user.uid = o->uid;
                p->user.gid = o->has_gid ? o->gid : 0;
        }
        if (o->n_additional_gids) {
                x->gids = calloc(o->n_additional_gids, sizeof *x->gids);
                if (!x->gids)
                        return error_set(err, ENOMEM, "--additional-gids");
                for (size_t i = 0; i < o->n_additional_gids; i++)
                        x->gids[i] = o->additional_gids[i];
                p->user.additional_gids = x->gids;
                p->user.n_additional_gids = o->n_additional_gids;
        }
        if (o->no_new_privs)
                p->no_new_privileges = true;
        if (o->apparmor_profile)
                p->apparmor_profile = (char *) o->apparmor_profile;
        if (o->process_label)
                p->selinux_label = (char *) o->process_label;
        return add_caps(x, o->caps, o->n_caps, err);
}

/*
 * The process: --process, or config.json's process with the command line's changes.  What a
 * process file leaves out (capabilities, rlimits, noNewPrivileges) comes from config.json,
 * as runc does.
 */
int exec_plan_make(struct exec_plan *x, const char *bundle, const struct container_exec_opts *o,
                   struct error_info *err)
{
        char path[PATH_MAX];
        struct error_info cerr = {0};
        int r;

        snprintf(path, sizeof path, "%s/%s/config.json", o->root, o->id);
        if (access(path, F_OK) < 0)
                snprintf(path, sizeof path, "%s/config.json", bundle);
        r = spec_load(path, &x->config, &cerr);
        if (r >= 0 && !x->config->process) {
                r = error_set_reason(&cerr, EINVAL, "config.json: process: missing");
        }
        if (r < 0 && !o->process_file) {
                *err = cerr;
                return error_prefix(err, r, "container '%s': the defaults for exec", o->id);
        }
        if (r < 0) {
                log_debug("exec without the container's defaults: %s", cerr.msg);
                spec_free(x->config);
                x->config = NULL;
        }
        if (!o->process_file) {
                x->p = *x->config->process;
                x->p.terminal = o->tty;
                r = apply_overrides(x, o, err);
                if (r < 0)
                        return r;
                return security_check_process(&x->p, err);
        }
        r = spec_process_load(o->process_file, &x->file, err);
        if (r < 0)
                return r;
        x->p = *x->file;
        if (o->tty)
                x->p.terminal = true;
        r = security_check_process(&x->p, err);
        if (r < 0)
                return error_prefix(err, r, "%s", o->process_file);
        if (x->config) {
                const struct spec_process *d = x->config->process;
                if (!x->p.capabilities)
                        x->p.capabilities = d->capabilities;
                if (!x->p.n_rlimits) {
                        x->p.rlimits = d->rlimits;
                        x->p.n_rlimits = d->n_rlimits;
                }
                x->p.no_new_privileges |= d->no_new_privileges;
        }
        return 0;
}
