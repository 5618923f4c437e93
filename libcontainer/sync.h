/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The sync protocol between husk (the parent) and the container's init (the
 * child), over a SOCK_SEQPACKET socketpair.  Every message is one struct
 * sync_msg.  The child's end is O_CLOEXEC: when its execve() succeeds the
 * parent reads end-of-file, which is how it learns that the workload runs.
 *
 * The sync points, numbered as in the comments on both sides:
 *
 *   sync 1  parent → child  SYNC_GO: id maps written, cgroup entered; the
 *                           child may set itself up.
 *           (join path only, between 1 and 2:
 *            child → parent SYNC_USERMAP_REQ, parent → child SYNC_USERMAP_ACK
 *            when the child made its user namespace with unshare();
 *            child → parent SYNC_INIT_PID when the child forked the
 *            container's init into a new pid namespace.)
 *           (only when there are prestart, createRuntime, createContainer or
 *            startContainer hooks, with the mounts made, before pivot_root:
 *            child → parent SYNC_HOOKS: run prestart and createRuntime;
 *            parent → child SYNC_HOOKS_DONE with the init's pid on the host,
 *            for the state the child's own hooks get.)
 *           (only with process.terminal, after the process is set up:
 *            child → parent SYNC_CONSOLE carrying the pty's master as
 *            SCM_RIGHTS; the child has closed its copy, the slave is its
 *            stdio and controlling terminal.  The parent hands the master
 *            to --console-socket or keeps it to proxy `run`'s own stdio.)
 *           (only with an SCMP_ACT_NOTIFY rule, right after the filter is
 *            loaded: child → parent SYNC_SECCOMP carrying the listener fd
 *            as SCM_RIGHTS; the parent sends it on to linux.seccomp's
 *            listenerPath at once, before it reads anything else.)
 *   sync 2  child → parent  SYNC_READY: namespaces, rootfs, process set up;
 *                           the child waits.
 *   sync 3  parent → child  SYNC_CREATED: state.json written.  The child
 *                           stops being tied to the parent's life
 *                           (PR_SET_PDEATHSIG), closes its end (the parent
 *                           reads end-of-file: the container is created) and
 *                           blocks opening exec.fifo for writing.
 *
 * `start` (any husk process) opens exec.fifo for reading, which releases the
 * child: it writes one byte, runs the startContainer hooks and execs.  A
 * failure after that point is written into the fifo as a struct error_info;
 * the fifo's write end is O_CLOEXEC, so end-of-file there means the execve()
 * worked.
 *
 * At any point the child may send SYNC_ERROR with the error that stopped it
 * and exit; the parent reports that error.
 */

#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

enum sync_type {
        SYNC_GO = 1,
        SYNC_USERMAP_REQ,
        SYNC_USERMAP_ACK,
        SYNC_INIT_PID,
        SYNC_HOOKS,
        SYNC_HOOKS_DONE,
        SYNC_READY,
        SYNC_CREATED,
        SYNC_ERROR,
        SYNC_CONSOLE,
        SYNC_SECCOMP,
};

struct sync_msg {
        uint32_t type; /* enum sync_type */
        int32_t pid;
        struct error_info err;
};

/* Sends a message of type with pid; returns 0 or -errno. */
int sync_send(int fd, enum sync_type type, pid_t pid);

/* Sends a message of type with passfd attached (SCM_RIGHTS); returns 0 or -errno. */
int sync_send_fd(int fd, enum sync_type type, int passfd);

/* A stream socket connected to the unix socket at path; what names it in errors ("--console-socket"). */
int unix_connect(const char *path, const char *what, struct error_info *err);

/* One sendmsg of buf with passfd as SCM_RIGHTS (no SIGPIPE); the bytes sent or -errno. */
ssize_t send_with_fd(int sock, const void *buf, size_t len, int passfd);

/* Sends SYNC_ERROR carrying err. */
int sync_send_error(int fd, const struct error_info *err);

/*
 * Receives one message.  Returns 1 on a message, 0 on end-of-file (the peer
 * exec'd or exited), -errno on failure.
 */
int sync_recv(int fd, struct sync_msg *ret);

/*
 * As sync_recv(), and *ret_fd is the fd that came with the message
 * (O_CLOEXEC, the caller's to close) or -EBADF when none did.
 */
int sync_recv_fd(int fd, struct sync_msg *ret, int *ret_fd);

/* Receives a message and checks it is of type want.  SYNC_ERROR → its errnum
 * and err filled; EOF → -EPIPE with a message naming the step. */
int sync_expect(int fd, enum sync_type want, struct sync_msg *ret, struct error_info *err);

/* After sync 3: 0 when the child let go of the socket (EOF), else its error. */
int sync_expect_eof(int fd, struct error_info *err);
