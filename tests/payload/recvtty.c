/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recvtty: the receiving end of `husk create --console-socket`, for the
 * integration tests (it runs on the host, not in the container).
 *
 *   recvtty [-i TEXT] [-q] SOCKET
 *
 * Listens on the unix socket SOCKET (replacing a stale one), accepts one
 * connection and receives one fd with SCM_RIGHTS.  Then it writes to stderr
 * one line describing what it got:
 *
 *   recvtty: payload=NAME fds=K tty=0|1 ptn=N rows=R cols=C
 *
 * (NAME: the message body; K: how many fds came; N: the pty number from
 * TIOCGPTN; R, C: the window size), writes TEXT (with -i) to the fd, and
 * copies everything read from the fd to stdout until end-of-file or EIO (the
 * last slave closed).  -q: exit after the line instead of copying.  Errors go
 * to stderr as "recvtty: ..." with exit 1; bad usage exits 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int fail(const char *what)
{
        fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
        return 1;
}

static int listen_on(const char *path)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd;

        if (strlen(path) >= sizeof sa.sun_path) {
                errno = ENAMETOOLONG;
                return -1;
        }
        memcpy(sa.sun_path, path, strlen(path) + 1);
        (void) unlink(path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 1) < 0)
                return -1;
        return fd;
}

/* Receives one message: its body into name, the first fd passed; *ret_n: how many fds came. */
static int receive_fd(int conn, char *name, size_t size, int *ret_n)
{
        union {
                char buf[CMSG_SPACE(8 * sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = name, .iov_len = size - 1};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf};
        int first = -1;
        ssize_t n;

        *ret_n = 0;
        n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return -1;
        name[n] = '\0';
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++, (*ret_n)++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
                        if (first < 0)
                                first = fd;
                        else
                                close(fd);
                }
        }
        if (first < 0)
                errno = EBADMSG;
        return first;
}

static int copy_out(int fd)
{
        char buf[4096];

        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n == 0 || (n < 0 && errno == EIO))
                        return 0;
                if (n < 0)
                        return fail("read the terminal");
                for (ssize_t off = 0; off < n;) {
                        ssize_t w = write(STDOUT_FILENO, buf + off, (size_t) (n - off));
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w < 0)
                                return fail("write stdout");
                        off += w;
                }
        }
}

int main(int argc, char **argv)
{
        const char *input = NULL;
        char name[4096];
        struct winsize ws = {0};
        int opt, quit = 0, nfds, ptn = -1;

        while ((opt = getopt(argc, argv, "i:q")) != -1) {
                if (opt == 'i')
                        input = optarg;
                else if (opt == 'q')
                        quit = 1;
                else
                        return 2;
        }
        if (optind + 1 != argc) {
                fprintf(stderr, "usage: recvtty [-i TEXT] [-q] SOCKET\n");
                return 2;
        }
        int sock = listen_on(argv[optind]);
        if (sock < 0)
                return fail(argv[optind]);
        int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0)
                return fail("accept");
        int fd = receive_fd(conn, name, sizeof name, &nfds);
        if (fd < 0)
                return fail("receive an fd");
        close(conn);
        close(sock);
        (void) unlink(argv[optind]);

        (void) ioctl(fd, TIOCGPTN, &ptn);
        (void) ioctl(fd, TIOCGWINSZ, &ws);
        fprintf(stderr, "recvtty: payload=%s fds=%d tty=%d ptn=%d rows=%u cols=%u\n", name, nfds, isatty(fd),
                ptn, ws.ws_row, ws.ws_col);
        if (quit)
                return 0;
        if (input) {
                size_t len = strlen(input);
                if (write(fd, input, len) != (ssize_t) len)
                        return fail("write the input");
        }
        return copy_out(fd);
}
