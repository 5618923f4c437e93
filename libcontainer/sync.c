/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "sync.h"
#include "base/banned.h"

static int send_msg(int fd, const struct sync_msg *m)
{
        ssize_t n;

        do
                n = send(fd, m, sizeof *m, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return n == sizeof *m ? 0 : -EIO;
}

int sync_send(int fd, enum sync_type type, pid_t pid)
{
        struct sync_msg m = {.type = type, .pid = pid};

        return send_msg(fd, &m);
}

ssize_t send_with_fd(int sock, const void *buf, size_t len, int passfd)
{
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control = {0};
        struct iovec iov = {.iov_base = (void *) buf, .iov_len = len};
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof control.buf,
        };
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        ssize_t n;

        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &passfd, sizeof(int));
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n < 0 ? -errno : n;
}

int unix_connect(const char *path, const char *what, struct error_info *err)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        if (strlen(path) >= sizeof sa.sun_path)
                return error_set_reason(err, ENAMETOOLONG, "%s '%s': path too long (at most %zu)", what,
                                        path, sizeof sa.sun_path - 1);
        memcpy(sa.sun_path, path, strlen(path) + 1);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return error_set(err, errno, "%s: socket", what);
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return error_set(err, errno, "%s: connect to '%s'", what, path);
        return TAKE_FD(fd);
}

int sync_send_fd(int fd, enum sync_type type, int passfd)
{
        struct sync_msg m = {.type = type};
        ssize_t n = send_with_fd(fd, &m, sizeof m, passfd);

        if (n < 0)
                return (int) n;
        return n == sizeof m ? 0 : -EIO;
}

int sync_send_error(int fd, const struct error_info *err)
{
        struct sync_msg m = {.type = SYNC_ERROR};

        m.err = *err;
        return send_msg(fd, &m);
}

/* The fd that came with mh, if any; any others are closed. */
static int take_passed_fd(struct msghdr *mh)
{
        int got = -EBADF;

        for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int passed;
                        memcpy(&passed, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
                        if (got < 0)
                                got = passed;
                        else
                                (void) close(passed);
                }
        }
        return got;
}

int sync_recv_fd(int fd, struct sync_msg *ret, int *ret_fd)
{
        union {
                char buf[CMSG_SPACE(4 * sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = {.iov_base = ret, .iov_len = sizeof *ret};
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof control.buf,
        };
        ssize_t n;
        int passed;

        if (ret_fd)
                *ret_fd = -EBADF;
        memset(ret, 0, sizeof *ret);
        do
                n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        passed = take_passed_fd(&mh);
        int r = n == 0 ? 0 : ((size_t) n != sizeof *ret || (mh.msg_flags & MSG_CTRUNC)) ? -EBADMSG : 1;
        if (r == 1 && ret_fd)
                *ret_fd = passed;
        else if (passed >= 0)
                (void) close(passed);
        return r;
}

int sync_recv(int fd, struct sync_msg *ret)
{
        return sync_recv_fd(fd, ret, NULL);
}

static const char *sync_name(enum sync_type t)
{
        switch (t) {
        case SYNC_GO:
                return "go";
        case SYNC_USERMAP_REQ:
                return "user map request";
        case SYNC_USERMAP_ACK:
                return "user map ack";
        case SYNC_INIT_PID:
                return "init pid";
        case SYNC_READY:
                return "ready";
        case SYNC_HOOKS:
                return "run hooks";
        case SYNC_HOOKS_DONE:
                return "hooks done";
        case SYNC_CREATED:
                return "created";
        case SYNC_ERROR:
                return "error";
        case SYNC_CONSOLE:
                return "console";
        case SYNC_SECCOMP:
                return "seccomp listener fd";
        }
        return "?";
}

/* The child's error becomes ours. */
static int take_error(const struct sync_msg *m, struct error_info *err)
{
        if (err)
                *err = m->err;
        return -(m->err.errnum > 0 ? m->err.errnum : EIO);
}

int sync_expect(int fd, enum sync_type want, struct sync_msg *ret, struct error_info *err)
{
        int r = sync_recv(fd, ret);

        if (r < 0)
                return error_set(err, -r, "read from container init (waiting for '%s')", sync_name(want));
        if (r == 0)
                return error_set_reason(err, EPIPE, "container init exited before '%s'", sync_name(want));
        if (ret->type == SYNC_ERROR)
                return take_error(ret, err);
        if (ret->type != (uint32_t) want)
                return error_set(err, EPROTO, "container init sent '%s', expected '%s'",
                                 sync_name((enum sync_type) ret->type), sync_name(want));
        return 0;
}

int sync_expect_eof(int fd, struct error_info *err)
{
        struct sync_msg m;
        int r = sync_recv(fd, &m);

        if (r < 0)
                return error_set(err, -r, "read from container init (waiting for it to let go)");
        if (r == 0)
                return 0;
        if (m.type == SYNC_ERROR)
                return take_error(&m, err);
        return error_set(err, EPROTO, "container init sent '%s' instead of letting go", sync_name(m.type));
}
