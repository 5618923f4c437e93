/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cmd.h"
#include "container.h"
#include "base/banned.h"

/* A uid or gid: decimal digits only, below 2^32 - 1 (which stands for "no id"). */
static int parse_id(const char *s, unsigned *ret)
{
        unsigned long long v = 0;

        if (!s || !*s || strlen(s) > 10)
                return -1;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -1;
                v = v * 10 + (unsigned) (*p - '0');
        }
        if (v >= 0xffffffffULL)
                return -1;
        *ret = (unsigned) v;
        return 0;
}

/* Appends s to the NULL-terminated *list; 0 or -1 (ENOMEM). */
static int push(char ***list, size_t *n, char *s)
{
        char **grown = realloc(*list, (*n + 2) * sizeof *grown);

        if (!grown)
                return -1;
        grown[(*n)++] = s;
        grown[*n] = NULL;
        *list = grown;
        return 0;
}

static int parse_user(const char *s, struct container_exec_opts *o)
{
        _cleanup_free_ char *copy = strdup(s);
        unsigned uid, gid;

        if (!copy)
                return -1;
        char *colon = strchr(copy, ':');
        if (colon)
                *colon = '\0';
        if (parse_id(copy, &uid) < 0 || (colon && parse_id(colon + 1, &gid) < 0))
                return -1;
        o->has_user = true;
        o->uid = uid;
        o->has_gid = colon != NULL;
        o->gid = colon ? gid : 0;
        return 0;
}

static int parse_exec(int argc, char **argv, struct container_exec_opts *o, bool *ret_changes)
{
        enum {
                OPT_CONSOLE = 256,
                OPT_PID_FILE,
                OPT_CWD,
                OPT_CAP,
                OPT_NNP,
                OPT_APPARMOR,
                OPT_LABEL,
                OPT_PRESERVE,
                OPT_CGROUP,
                OPT_IGNORE_PAUSED,
        };
        static const struct option opts[] = {
                {"process", required_argument, NULL, 'p'},
                {"tty", no_argument, NULL, 't'},
                {"console-socket", required_argument, NULL, OPT_CONSOLE},
                {"detach", no_argument, NULL, 'd'},
                {"pid-file", required_argument, NULL, OPT_PID_FILE},
                {"cwd", required_argument, NULL, OPT_CWD},
                {"env", required_argument, NULL, 'e'},
                {"user", required_argument, NULL, 'u'},
                {"additional-gids", required_argument, NULL, 'g'},
                {"cap", required_argument, NULL, OPT_CAP},
                {"no-new-privs", no_argument, NULL, OPT_NNP},
                {"apparmor", required_argument, NULL, OPT_APPARMOR},
                {"process-label", required_argument, NULL, OPT_LABEL},
                {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
                {"cgroup", required_argument, NULL, OPT_CGROUP},
                {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
                {},
        };
        static gid_t gids[4096];
        unsigned id;
        long n;
        int c;

        *ret_changes = false;
        while ((c = getopt_long(argc, argv, "+p:tde:u:g:", opts, NULL)) != -1) {
                switch (c) {
                case 'p':
                        o->process_file = optarg;
                        break;
                case 't':
                        o->tty = true;
                        break;
                case OPT_CONSOLE:
                        o->console_socket = optarg;
                        break;
                case 'd':
                        o->detach = true;
                        break;
                case OPT_PID_FILE:
                        o->pid_file = optarg;
                        break;
                case OPT_CWD:
                        o->cwd = optarg;
                        *ret_changes = true;
                        break;
                case 'e':
                        if (!strchr(optarg, '=') || optarg[0] == '=')
                                return cmd_usage_error("exec", "--env: '%s' is not KEY=VALUE", optarg);
                        if (push(&o->env, &o->n_env, optarg) < 0)
                                return cmd_usage_error("exec", "out of memory");
                        *ret_changes = true;
                        break;
                case 'u':
                        if (parse_user(optarg, o) < 0)
                                return cmd_usage_error("exec",
                                                       "--user: '%s' is not UID[:GID] (numbers below "
                                                       "4294967295)",
                                                       optarg);
                        *ret_changes = true;
                        break;
                case 'g':
                        if (parse_id(optarg, &id) < 0)
                                return cmd_usage_error("exec", "--additional-gids: '%s' is not a gid",
                                                       optarg);
                        if (o->n_additional_gids == sizeof gids / sizeof gids[0])
                                return cmd_usage_error("exec", "--additional-gids: too many");
                        gids[o->n_additional_gids++] = id;
                        o->additional_gids = gids;
                        *ret_changes = true;
                        break;
                case OPT_CAP:
                        if (push(&o->caps, &o->n_caps, optarg) < 0)
                                return cmd_usage_error("exec", "out of memory");
                        *ret_changes = true;
                        break;
                case OPT_NNP:
                        o->no_new_privs = true;
                        *ret_changes = true;
                        break;
                case OPT_APPARMOR:
                        o->apparmor_profile = optarg;
                        *ret_changes = true;
                        break;
                case OPT_LABEL:
                        o->process_label = optarg;
                        *ret_changes = true;
                        break;
                case OPT_PRESERVE:
                        if (parse_long(optarg, &n) < 0 || n < 0 || n > 65000)
                                return cmd_usage_error("exec", "--preserve-fds: '%s' is not a count of fds",
                                                       optarg);
                        o->preserve_fds = (int) n;
                        break;
                case OPT_CGROUP:
                        if (push(&o->cgroups, &o->n_cgroups, optarg) < 0)
                                return cmd_usage_error("exec", "out of memory");
                        break;
                case OPT_IGNORE_PAUSED:
                        o->ignore_paused = true;
                        break;
                default:
                        return 1;
                }
        }
        return 0;
}

int cmd_exec(int argc, char **argv, const struct global_opts *g)
{
        struct container_exec_opts o = {.root = g->root};
        struct error_info err = {0};
        bool changes;
        int status = 0, r;

        r = parse_exec(argc, argv, &o, &changes);
        if (r == 0 && optind >= argc)
                r = cmd_usage_error("exec", "expects a container id");
        if (r == 0) {
                o.id = argv[optind];
                o.args = argv + optind + 1;
                o.n_args = (size_t) (argc - optind - 1);
                if (o.process_file && o.n_args)
                        r = cmd_usage_error("exec", "--process: give either a process file or a command, "
                                                    "not both");
                else if (o.process_file && changes)
                        r = cmd_usage_error("exec", "--process: --cwd, --env, --user, --additional-gids, "
                                                    "--cap and --no-new-privs belong in the process file");
                else if (!o.process_file && !o.n_args)
                        r = cmd_usage_error("exec", "expects a command to run (or --process FILE)");
        }
        if (r == 0 && container_exec(&o, &status, &err) < 0)
                r = cmd_fail(&err);
        free(o.env);
        free(o.caps);
        free(o.cgroups);
        return r ? r : status;
}
