/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device allow-list: the eBPF program's shape, and (as root) that the kernel enforces it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "cgroups/devices-internal.h"

static const struct device_rule deny_all_but_null[] = {
        {false, 'a', -1, -1, DEVICE_ACCESS_ALL},
        {true, 'c', 1, 3, DEVICE_ACCESS_ALL},
        {true, 'c', 1, 5, DEVICE_ACCESS_READ},
};

static void test_program_shape(void **state)
{
        _cleanup_free_ struct bpf_insn *p = NULL;
        size_t n = 0;

        assert_int_equal(devices_bpf_compile(deny_all_but_null, 3, &p, &n), 0);
        /* prologue 6 + deny-all 5 + allow c 1:3 rwm 5 + allow c 1:5 r 8 + epilogue 2 */
        assert_int_equal(n, 26);
        assert_int_equal(p[n - 1].code, BPF_JMP | BPF_EXIT);
        /* every jump stays inside the program */
        for (size_t i = 0; i < n; i++)
                if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT)
                        assert_true(i + 1 + (size_t) p[i].off < n);
}

static const char *cgroup2_mount(void)
{
        struct statfs sfs;

        if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
                return "/sys/fs/cgroup";
        if (statfs("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
                return "/sys/fs/cgroup/unified";
        return NULL;
}

/* In a child placed in the cgroup: 0 when /dev/null and reads of /dev/zero work and writes to it don't. */
static int probe_child(const char *dir)
{
        char procs[512], pid[32];

        snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
        snprintf(pid, sizeof pid, "%d", (int) getpid());
        if (write_file_at(AT_FDCWD, procs, pid) < 0)
                return 10;
        int fd = open("/dev/null", O_RDWR);
        if (fd < 0)
                return 11;
        close(fd);
        fd = open("/dev/zero", O_RDONLY);
        if (fd < 0)
                return 12;
        close(fd);
        if (open("/dev/zero", O_WRONLY) >= 0 || errno != EPERM)
                return 13;
        if (open("/dev/full", O_RDONLY) >= 0 || errno != EPERM)
                return 14;
        return 0;
}

static void test_kernel_enforces_filter(void **state)
{
        _cleanup_free_ struct bpf_insn *p = NULL;
        const char *mnt = cgroup2_mount();
        char dir[256];
        size_t n = 0;
        int status;

        if (geteuid() != 0 || !mnt)
                skip();
        snprintf(dir, sizeof dir, "%s/husk-unit-devices-%d", mnt, (int) getpid());
        assert_int_equal(mkdir(dir, 0755), 0);
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(devices_bpf_compile(deny_all_but_null, 3, &p, &n), 0);
        assert_int_equal(devices_bpf_attach(fd, p, n, NULL), 0);

        pid_t pid = fork();
        if (pid == 0)
                _exit(probe_child(dir));
        assert_int_equal(waitpid(pid, &status, 0), pid);
        (void) rmdir(dir);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_program_shape),
                cmocka_unit_test(test_kernel_enforces_filter),
        };
        return cmocka_run_group_tests_name("devices", tests, NULL, NULL);
}
