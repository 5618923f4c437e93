/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sync protocol's fd passing (SYNC_CONSOLE): an fd sent with a message
 * arrives as a new, close-on-exec fd of the same file; a message without one
 * gives -EBADF; an fd sent where none is asked for is closed, not leaked.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcontainer/sync.h"

static void pair(int sv[2])
{
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void test_fd_travels(void **state)
{
        struct sync_msg m;
        struct stat a, b;
        int sv[2], p[2], got = -1;

        pair(sv);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(sync_send_fd(sv[0], SYNC_CONSOLE, p[1]), 0);
        assert_int_equal(sync_recv_fd(sv[1], &m, &got), 1);
        assert_int_equal(m.type, SYNC_CONSOLE);
        assert_true(got >= 0);
        assert_int_not_equal(got, p[1]);
        assert_int_equal(fstat(got, &a), 0);
        assert_int_equal(fstat(p[1], &b), 0);
        assert_int_equal(a.st_ino, b.st_ino);
        assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
        /* Same pipe: what goes into the received fd comes out of p[0]. */
        assert_int_equal(write(got, "x", 1), 1);
        char c = 0;
        assert_int_equal(read(p[0], &c, 1), 1);
        assert_int_equal(c, 'x');
        close(got);
        close(p[0]);
        close(p[1]);
        close(sv[0]);
        close(sv[1]);
}

static void test_no_fd(void **state)
{
        struct sync_msg m;
        int sv[2], got = 42;

        pair(sv);
        assert_int_equal(sync_send(sv[0], SYNC_READY, 7), 0);
        assert_int_equal(sync_recv_fd(sv[1], &m, &got), 1);
        assert_int_equal(m.type, SYNC_READY);
        assert_int_equal(m.pid, 7);
        assert_int_equal(got, -EBADF);
        close(sv[0]);
        assert_int_equal(sync_recv_fd(sv[1], &m, &got), 0);
        assert_int_equal(got, -EBADF);
        close(sv[1]);
}

static void test_unwanted_fd_closed(void **state)
{
        struct sync_msg m;
        int sv[2], p[2];

        pair(sv);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(sync_send_fd(sv[0], SYNC_CONSOLE, p[1]), 0);
        close(p[1]);
        assert_int_equal(sync_recv(sv[1], &m), 1);
        assert_int_equal(m.type, SYNC_CONSOLE);
        /* The only write end was the one passed: closed by sync_recv, so the read end sees EOF. */
        char c;
        assert_int_equal(read(p[0], &c, 1), 0);
        close(p[0]);
        close(sv[0]);
        close(sv[1]);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fd_travels),
                cmocka_unit_test(test_no_fd),
                cmocka_unit_test(test_unwanted_fd_closed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
