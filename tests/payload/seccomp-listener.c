/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp-listener SOCKET DIR ANSWER: a seccomp user-notification agent for the tests
 * (linux.seccomp.listenerPath, SCMP_ACT_NOTIFY).
 *
 * Listens on the unix socket SOCKET.  Each connection brings the container process state
 * (JSON) and, as SCM_RIGHTS, the listener fd: the state goes to DIR/state-N.json (N = 1, 2,
 * ... in order of arrival) and the fd is served until its process is gone.  Every
 * notification is answered with ANSWER: "val:N" makes the syscall return N, "errno:N" makes
 * it fail with errno N; its syscall number is appended to DIR/notified.  Runs until killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/seccomp.h>

#define MAX_FDS 64

static int receive(int sock, const char *dir, int n)
{
        char buf[65536], path[4096];
        union {
                char data[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf - 1};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control.data,
                            .msg_controllen = sizeof control.data};
        int fd = -1;
        ssize_t len = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);

        if (len <= 0)
                return -1;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        snprintf(path, sizeof path, "%s/state-%d.json", dir, n);
        FILE *f = fopen(path, "we");
        if (f) {
                fwrite(buf, 1, (size_t) len, f);
                fputc('\n', f);
                fclose(f);
        }
        return fd;
}

/* Answers one notification; -1 when the fd is done with (its process is gone). */
static int answer(int fd, const char *dir, long value, int is_errno)
{
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;
        char path[4096];

        memset(&req, 0, sizeof req);
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return errno == ENOENT || errno == EINTR ? 0 : -1;
        snprintf(path, sizeof path, "%s/notified", dir);
        FILE *f = fopen(path, "ae");
        if (f) {
                fprintf(f, "%d\n", req.data.nr);
                fclose(f);
        }
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        if (is_errno)
                resp.error = (int) -value;
        else
                resp.val = value;
        (void) ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
        return 0;
}

int main(int argc, char **argv)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct pollfd p[MAX_FDS + 1];
        int n = 1, received = 0, is_errno;
        long value;

        if (argc != 4 || strlen(argv[1]) >= sizeof sa.sun_path ||
            (strncmp(argv[3], "val:", 4) && strncmp(argv[3], "errno:", 6))) {
                fprintf(stderr, "usage: seccomp-listener SOCKET DIR val:N|errno:N\n");
                return 2;
        }
        is_errno = !strncmp(argv[3], "errno:", 6);
        value = strtol(strchr(argv[3], ':') + 1, NULL, 0);
        memcpy(sa.sun_path, argv[1], strlen(argv[1]));
        int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        (void) unlink(argv[1]);
        if (l < 0 || bind(l, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(l, 16) < 0) {
                perror("seccomp-listener: listen");
                return 1;
        }
        p[0] = (struct pollfd){.fd = l, .events = POLLIN};
        for (;;) {
                if (poll(p, (nfds_t) n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return 1;
                }
                for (int i = 1; i < n; i++) {
                        if (p[i].revents & (POLLHUP | POLLERR | POLLNVAL) ||
                            (p[i].revents & POLLIN && answer(p[i].fd, argv[2], value, is_errno) < 0)) {
                                close(p[i].fd);
                                p[i--] = p[--n];
                        }
                }
                if (p[0].revents & POLLIN) {
                        int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
                        if (c < 0)
                                continue;
                        int fd = receive(c, argv[2], ++received);
                        close(c);
                        if (fd >= 0 && n <= MAX_FDS)
                                p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
                }
        }
}
