/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "container.h"
#include "base/banned.h"

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == pid)
                        return true;
        return false;
}

/* Field number (0-based, split on blanks) of "PID" in ps's header line; -1 when absent. */
static int pid_column(const char *header)
{
        int col = 0;

        for (const char *p = header; *p;) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (!*p || *p == '\n')
                        break;
                size_t len = strcspn(p, " \t\n");
                if (len == 3 && !strncmp(p, "PID", 3))
                        return col;
                p += len;
                col++;
        }
        return -1;
}

static long field_value(const char *line, int col)
{
        const char *p = line;

        for (int i = 0;; i++) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (!*p)
                        return -1;
                if (i == col)
                        return strtol(p, NULL, 10);
                p += strcspn(p, " \t\n");
        }
}

/* Runs ps(1) with args (default -ef) and prints its header and the lines of our pids, as runc does. */
static int print_table(const pid_t *pids, size_t n, char **args, int n_args)
{
        int fds[2], status;
        char **argv = calloc((size_t) n_args + 3, sizeof *argv);

        if (!argv || pipe(fds) < 0)
                return cmd_usage_error("ps", "cannot run ps: %s", strerror(errno));
        argv[0] = (char *) "ps";
        if (n_args == 0)
                argv[1] = (char *) "-ef";
        for (int i = 0; i < n_args; i++)
                argv[i + 1] = args[i];
        pid_t child = fork();
        if (child < 0)
                return cmd_usage_error("ps", "fork: %s", strerror(errno));
        if (child == 0) {
                dup2(fds[1], 1);
                close(fds[0]);
                close(fds[1]);
                execvp("ps", argv);
                fprintf(stderr, "husk: ps: exec ps: %s\n", strerror(errno));
                _exit(127);
        }
        free(argv);
        close(fds[1]);
        _cleanup_fclose_ FILE *f = fdopen(fds[0], "r");
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        int col = -1;
        bool header = true;
        while (f && getline(&line, &size, f) > 0) {
                if (header) {
                        header = false;
                        col = pid_column(line);
                        fputs(line, stdout);
                        continue;
                }
                if (col >= 0 && has_pid(pids, n, field_value(line, col)))
                        fputs(line, stdout);
        }
        if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return cmd_usage_error("ps", "ps failed (status %d)",
                                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        if (col < 0)
                return cmd_usage_error("ps", "ps printed no PID column");
        return 0;
}

int cmd_ps(int argc, char **argv, const struct global_opts *g)
{
        static const struct option opts[] = {
                {"format", required_argument, NULL, 'f'},
                {},
        };
        struct error_info err = {0};
        const char *format = "table";
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int c;

        while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
                if (c != 'f')
                        return 1;
                format = optarg;
        }
        if (optind >= argc)
                return cmd_usage_error("ps", "usage: husk ps [--format table|json] ID [PS ARGS...]");
        if (strcmp(format, "table") && strcmp(format, "json"))
                return cmd_usage_error("ps", "--format: '%s' is not one of table, json", format);
        const char *id = argv[optind];
        if (container_ps(g->root, id, &pids, &n, &err) < 0)
                return cmd_fail(&err);
        if (!strcmp(format, "json")) {
                if (argc - optind > 1)
                        return cmd_usage_error("ps", "ps arguments cannot be used with --format json");
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf("%s%d", i ? "," : "", (int) pids[i]);
                printf("]\n");
                return 0;
        }
        fflush(stdout);
        return print_table(pids, n, argv + optind + 1, argc - optind - 1);
}
