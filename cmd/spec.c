/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/cgroup.h"
#include "cmd.h"
#include "specs/spec.h"
#include "base/banned.h"

int cmd_spec(int argc, char **argv, const struct global_opts *g)
{
        static const struct option opts[] = {
                {"bundle", required_argument, NULL, 'b'},
                {"rootless", no_argument, NULL, 'r'},
                {},
        };
        _cleanup_free_ char *json = NULL;
        const char *bundle = ".";
        struct error_info err = {0};
        bool rootless = false;
        int c, r;

        while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        bundle = optarg;
                        break;
                case 'r':
                        rootless = true;
                        break;
                default:
                        return 1;
                }
        }
        if (optind != argc)
                return cmd_usage_error("spec", "takes no arguments");

        /* As runc: a cgroup namespace by default on a pure cgroup v2 host only. */
        enum cgroup_mode mode;
        bool cgroupns = cgroup_detect(&mode, NULL) == 0 && mode == CGROUP_MODE_V2;
        r = spec_template(rootless, cgroupns, getuid(), getgid(), &json);
        if (r < 0) {
                error_set(&err, -r, "make the default config.json");
                return cmd_fail(&err);
        }
        _cleanup_close_ int dirfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) {
                error_set(&err, errno, "open bundle '%s'", bundle);
                return cmd_fail(&err);
        }
        _cleanup_close_ int fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
                if (errno == EEXIST)
                        error_set_reason(&err, EEXIST, "config.json: file already exists in '%s'", bundle);
                else
                        error_set(&err, errno, "create '%s/config.json'", bundle);
                return cmd_fail(&err);
        }
        r = write_all(fd, json, strlen(json));
        if (r >= 0)
                r = write_all(fd, "\n", 1);
        if (r < 0) {
                error_set(&err, -r, "write '%s/config.json'", bundle);
                return cmd_fail(&err);
        }
        return 0;
}
