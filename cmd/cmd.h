/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The verbs of the husk command line: each parses its flags, makes one libcontainer call, prints. */

#include <stdbool.h>

#include "base/error.h"

struct global_opts {
        const char *root;
        bool systemd_cgroup;
        bool debug;
};

int cmd_run(int argc, char **argv, const struct global_opts *g);
int cmd_create(int argc, char **argv, const struct global_opts *g);
int cmd_start(int argc, char **argv, const struct global_opts *g);
int cmd_list(int argc, char **argv, const struct global_opts *g);
int cmd_ps(int argc, char **argv, const struct global_opts *g);
int cmd_spec(int argc, char **argv, const struct global_opts *g);
int cmd_features(int argc, char **argv, const struct global_opts *g);
int cmd_state(int argc, char **argv, const struct global_opts *g);
int cmd_kill(int argc, char **argv, const struct global_opts *g);
int cmd_delete(int argc, char **argv, const struct global_opts *g);
int cmd_pause(int argc, char **argv, const struct global_opts *g);
int cmd_resume(int argc, char **argv, const struct global_opts *g);
int cmd_update(int argc, char **argv, const struct global_opts *g);
int cmd_events(int argc, char **argv, const struct global_opts *g);
int cmd_exec(int argc, char **argv, const struct global_opts *g);

struct container_opts;
/* The flags of create and run (is_run: also -d and --keep) into o; returns 0, or 1 after a usage error. */
int cmd_parse_create(const char *verb, int argc, char **argv, bool is_run, struct container_opts *o);

/* Prints err once (log file and format as configured) and returns exit status 1. */
int cmd_fail(const struct error_info *err);

/* Prints "husk: msg" for a usage mistake and returns 1. */
int cmd_usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The single ID argument of a verb. */
int cmd_one_id(const char *verb, int argc, char **argv, int optind_, const char **ret);
