/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sync.h"
#include "base/banned.h"

int sync_send(int fd, enum sync_type type, pid_t pid)
{
        struct sync_msg m = {.type = type, .pid = pid};
        ssize_t n;

        do
                n = send(fd, &m, sizeof m, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return n == sizeof m ? 0 : -EIO;
}

int sync_send_error(int fd, const struct error_info *err)
{
        struct sync_msg m = {.type = SYNC_ERROR};
        ssize_t n;

        m.err = *err;
        do
                n = send(fd, &m, sizeof m, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n < 0 ? -errno : 0;
}

int sync_recv(int fd, struct sync_msg *ret)
{
        ssize_t n;

        memset(ret, 0, sizeof *ret);
        do
                n = recv(fd, ret, sizeof *ret, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return 0;
        if ((size_t) n != sizeof *ret)
                return -EBADMSG;
        return 1;
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
        case SYNC_START:
                return "start";
        case SYNC_ERROR:
                return "error";
        }
        return "?";
}

int sync_expect(int fd, enum sync_type want, struct sync_msg *ret, struct error_info *err)
{
        int r = sync_recv(fd, ret);

        if (r < 0)
                return error_set(err, -r, "read from container init (waiting for '%s')", sync_name(want));
        if (r == 0)
                return error_set_reason(err, EPIPE, "container init exited before '%s'", sync_name(want));
        if (ret->type == SYNC_ERROR) {
                if (err)
                        *err = ret->err;
                return -(ret->err.errnum > 0 ? ret->err.errnum : EIO);
        }
        if (ret->type != (uint32_t) want)
                return error_set(err, EPROTO, "container init sent '%s', expected '%s'",
                                 sync_name((enum sync_type) ret->type), sync_name(want));
        return 0;
}
