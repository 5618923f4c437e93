/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* process.terminal: the container's pty, --console-socket and `run`'s proxy (terminal.c). */

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "base/error.h"

struct process_ctx;

/*
 * Child, after pivot_root (rootfd is the new "/"): opens /dev/ptmx inside the
 * root, checks it is the pty multiplexer and its peer a devpts slave, sets
 * process.consoleSize, gives the slave to process.user.uid.  Sets
 * pc->pty_master and pc->pty_slave (O_CLOEXEC); nothing on failure.
 */
int terminal_open_pty(struct process_ctx *pc, int rootfd, struct error_info *err);

/*
 * Child, last step before sync 2: sends the master to the parent on
 * pc->sync_fd (SYNC_CONSOLE) and closes it; setsid(); the slave becomes the
 * controlling terminal and fds 0, 1, 2 (its own fd is closed).
 */
int terminal_hand_over(struct process_ctx *pc, struct error_info *err);

/* Parent: a connected SOCK_STREAM unix socket to path (O_CLOEXEC), or -errno naming path. */
int terminal_connect(const char *path, struct error_info *err);

/* Parent: sends master over sock in one sendmsg (SCM_RIGHTS, payload "/dev/ptmx"). */
int terminal_send_master(int sock, int master, const char *path, struct error_info *err);

/* `run` in the foreground: the pty's master copied to and from husk's stdin and stdout. */
struct terminal_proxy {
        int master; /* not owned */
        int in;     /* STDIN_FILENO; -1 after its end */
        int out;    /* STDOUT_FILENO */
        bool raw;   /* stdin is a terminal put in raw mode; saved holds its settings */
        bool master_done;
        struct termios saved;
        char pending[4096]; /* input read, not yet written to the master */
        size_t pending_len, pending_off;
};

/*
 * Makes master non-blocking, copies our window size to it, and puts our stdin
 * in raw mode when it is a terminal.  terminal_proxy_end() undoes the raw mode
 * (call it on every path once this was called).
 */
int terminal_proxy_begin(struct terminal_proxy *t, int master, struct error_info *err);
void terminal_proxy_end(struct terminal_proxy *t);
/* SIGWINCH: our window size onto the container's terminal. */
void terminal_proxy_resize(struct terminal_proxy *t);
/* The fds to poll (at most 2 into pfd); 0 once the terminal has ended. */
size_t terminal_proxy_pollfds(const struct terminal_proxy *t, struct pollfd *pfd);
/* Copies what poll found ready. */
void terminal_proxy_handle(struct terminal_proxy *t, const struct pollfd *pfd, size_t n);
/* After the init exited: copies the rest of the output until the terminal ends or stays quiet. */
void terminal_proxy_drain(struct terminal_proxy *t);
