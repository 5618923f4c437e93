/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mounts as the parent plans them, before anything is made: every
 * mount(8)-style option parsed once (a bad one leaves nothing behind), the
 * SELinux mount label added where a fresh file system takes it.  Pure: the
 * unit tests (test-mount-options.c) call it directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "rootfs.h"
#include "base/banned.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* ---- options ---------------------------------------------------------- */

enum opt_kind {
        OPT_SET,
        OPT_CLEAR,
        OPT_PROPAGATION,
        OPT_BIND,
        OPT_RBIND,
        OPT_REC_SET,   /* a MOUNT_ATTR_* set on the whole tree (mount_setattr AT_RECURSIVE) */
        OPT_REC_CLEAR, /* a MOUNT_ATTR_* cleared on the whole tree */
        OPT_REC_ATIME, /* the atime mode of the whole tree: MOUNT_ATTR_{RELATIME,NOATIME,STRICTATIME} */
        OPT_IDMAP,
        OPT_RIDMAP,
        OPT_TMPCOPYUP,
};

static const struct {
        const char *name;
        enum opt_kind kind;
        unsigned long flag;
} mount_option_table[] = {
        /* keep in sync with specs/features.c: list only what is implemented */
        {"ro", OPT_SET, MS_RDONLY},
        {"rw", OPT_CLEAR, MS_RDONLY},
        {"nosuid", OPT_SET, MS_NOSUID},
        {"suid", OPT_CLEAR, MS_NOSUID},
        {"nodev", OPT_SET, MS_NODEV},
        {"dev", OPT_CLEAR, MS_NODEV},
        {"noexec", OPT_SET, MS_NOEXEC},
        {"exec", OPT_CLEAR, MS_NOEXEC},
        {"sync", OPT_SET, MS_SYNCHRONOUS},
        {"async", OPT_CLEAR, MS_SYNCHRONOUS},
        {"dirsync", OPT_SET, MS_DIRSYNC},
        {"remount", OPT_SET, MS_REMOUNT},
        {"mand", OPT_SET, MS_MANDLOCK},
        {"nomand", OPT_CLEAR, MS_MANDLOCK},
        {"atime", OPT_CLEAR, MS_NOATIME},
        {"noatime", OPT_SET, MS_NOATIME},
        {"diratime", OPT_CLEAR, MS_NODIRATIME},
        {"nodiratime", OPT_SET, MS_NODIRATIME},
        {"relatime", OPT_SET, MS_RELATIME},
        {"norelatime", OPT_CLEAR, MS_RELATIME},
        {"strictatime", OPT_SET, MS_STRICTATIME},
        {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
        {"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
        {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
        {"bind", OPT_BIND, 0},
        {"rbind", OPT_RBIND, 0},
        {"private", OPT_PROPAGATION, MS_PRIVATE},
        {"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC},
        {"shared", OPT_PROPAGATION, MS_SHARED},
        {"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC},
        {"slave", OPT_PROPAGATION, MS_SLAVE},
        {"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC},
        {"unbindable", OPT_PROPAGATION, MS_UNBINDABLE},
        {"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC},
        {"rro", OPT_REC_SET, MOUNT_ATTR_RDONLY},
        {"rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY},
        {"rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID},
        {"rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID},
        {"rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV},
        {"rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV},
        {"rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC},
        {"rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC},
        {"rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME},
        {"rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME},
        {"rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW},
        {"rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW},
        /*
         * The kernel takes the atime mode as one value, never a single bit cleared: "atime" and
         * "nostrictatime" mean the kernel's default (relatime), "norelatime" means strictatime.
         */
        {"ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
        {"rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME},
        {"rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
        {"rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
        {"rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME},
        {"rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME},
        {"idmap", OPT_IDMAP, 0},
        {"ridmap", OPT_RIDMAP, 0},
        {"tmpcopyup", OPT_TMPCOPYUP, 0},
};

int mount_opts_parse(char *const *options, size_t n, struct mount_opts *ret, struct error_info *err)
{
        size_t used = 0;

        memset(ret, 0, sizeof *ret);
        for (size_t i = 0; i < n; i++) {
                const char *o = options[i];
                unsigned long f;
                size_t k;

                for (k = 0; k < ARRAY_SIZE(mount_option_table); k++)
                        if (!strcmp(o, mount_option_table[k].name))
                                break;
                if (k == ARRAY_SIZE(mount_option_table)) {
                        if (!*o || strchr(o, ','))
                                return error_set_reason(err, EINVAL,
                                                        "options[%zu]: '%s' is not a mount option", i, o);
                        /* Not a generic option: hand it to the file system. */
                        int w = snprintf(ret->data + used, sizeof ret->data - used, "%s%s", used ? "," : "",
                                         o);
                        if (w < 0 || (size_t) w >= sizeof ret->data - used)
                                return error_set(err, E2BIG, "options[%zu]: file system options too long",
                                                 i);
                        used += (size_t) w;
                        continue;
                }
                f = mount_option_table[k].flag;
                switch (mount_option_table[k].kind) {
                case OPT_SET:
                        ret->flags |= f;
                        if (f & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))
                                ret->flags &= ~((MS_NOATIME | MS_RELATIME | MS_STRICTATIME) & ~f);
                        break;
                case OPT_CLEAR:
                        ret->flags &= ~f;
                        break;
                case OPT_PROPAGATION:
                        ret->propagation = f;
                        break;
                case OPT_BIND:
                        ret->bind = true;
                        break;
                case OPT_RBIND:
                        ret->bind = ret->recursive_bind = true;
                        break;
                case OPT_REC_SET:
                        ret->rec_set |= f;
                        ret->rec_clr &= ~f;
                        break;
                case OPT_REC_CLEAR:
                        ret->rec_clr |= f;
                        ret->rec_set &= ~f;
                        break;
                case OPT_REC_ATIME:
                        ret->rec_atime = true;
                        ret->rec_set = (ret->rec_set & ~MOUNT_ATTR__ATIME) | f;
                        break;
                case OPT_IDMAP:
                        ret->idmap = true;
                        break;
                case OPT_RIDMAP:
                        ret->idmap = ret->recursive_idmap = true;
                        break;
                case OPT_TMPCOPYUP:
                        ret->tmpcopyup = true;
                        break;
                }
        }
        return 0;
}

/* ---- the plan ---------------------------------------------------------- */

void mount_plan_init(struct mount_plan *p)
{
        *p = (struct mount_plan){.rootfs_tree = -EBADF};
}

void mount_plan_release(struct mount_plan *p)
{
        for (size_t i = 0; p->fds && i < p->n; i++)
                p->fds[i] = safe_close(p->fds[i]);
        free(p->fds);
        p->fds = NULL;
        p->rootfs_tree = safe_close(p->rootfs_tree);
}

void mount_plan_free(struct mount_plan *p)
{
        mount_plan_release(p);
        free(p->opts);
        p->opts = NULL;
        p->n = 0;
}

/*
 * linux.mountLabel (security.c has checked that SELinux is there): the file systems the
 * container gets fresh instances of carry it as their context, as runc labels them.
 */
static int add_mount_label(const struct spec *s, const struct spec_mount *m, struct mount_opts *mo)
{
        const char *label = s->linux ? s->linux->mount_label : NULL;
        size_t used = strlen(mo->data);

        if (!label || !*label || mo->bind || !m->type ||
            (strcmp(m->type, "tmpfs") && strcmp(m->type, "devpts") && strcmp(m->type, "mqueue")))
                return 0;
        int w = snprintf(mo->data + used, sizeof mo->data - used, "%scontext=\"%s\"", used ? "," : "",
                         label);
        if (w < 0 || (size_t) w >= sizeof mo->data - used)
                return -E2BIG;
        return 0;
}

/* One mount's options, checked for what only makes sense together. */
static int plan_one(const struct spec *s, size_t i, struct mount_opts *mo, struct error_info *err)
{
        const struct spec_mount *m = &s->mounts[i];
        struct error_info e = {0};
        int r = mount_opts_parse(m->options, m->n_options, mo, &e);

        if (r < 0)
                return error_set_reason(err, -r, "config.json: mounts[%zu] ('%s'): %s", i, m->destination,
                                        e.msg);
        if (m->type && !strcmp(m->type, "bind"))
                mo->bind = true;
        if (mo->bind && mo->data[0])
                return error_set_reason(err, EINVAL,
                                        "config.json: mounts[%zu] ('%s'): options '%s': unknown "
                                        "(a bind mount takes no file system options)",
                                        i, m->destination, mo->data);
        if (mo->tmpcopyup && (mo->bind || !m->type || strcmp(m->type, "tmpfs") != 0))
                return error_set_reason(err, EINVAL,
                                        "config.json: mounts[%zu] ('%s'): tmpcopyup: only for tmpfs mounts",
                                        i, m->destination);
        r = add_mount_label(s, m, mo);
        if (r < 0)
                return error_set_reason(err, -r,
                                        "config.json: mounts[%zu] ('%s'): linux.mountLabel: the options "
                                        "are too long with it",
                                        i, m->destination);
        return 0;
}

int mount_plan_make(const struct spec *s, struct mount_plan *p, struct error_info *err)
{
        mount_plan_init(p);
        p->opts = calloc(s->n_mounts ? s->n_mounts : 1, sizeof *p->opts);
        if (!p->opts)
                return error_set(err, ENOMEM, "plan the mounts");
        p->n = s->n_mounts;
        for (size_t i = 0; i < s->n_mounts; i++) {
                int r = plan_one(s, i, &p->opts[i], err);
                if (r < 0)
                        return r;
        }
        return 0;
}
