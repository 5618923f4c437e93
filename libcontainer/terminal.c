/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process.terminal: a pty made inside the container, from the devpts
 * instance the config mounts at /dev/pts, in these steps:
 *
 *   child, after pivot_root (init.c):     terminal_open_pty(): /dev/ptmx opened
 *       inside the root by fd and checked, unlocked, its peer taken with
 *       TIOCGPTPEER (no path lookup for the slave), consoleSize set; then
 *       rootfs_bind_console() binds the slave onto /dev/console.
 *   child, just before sync 2 (init.c):   terminal_hand_over(): the master
 *       goes to the parent (SYNC_CONSOLE) and is closed here; setsid(), the
 *       slave becomes the controlling terminal and fds 0, 1 and 2.
 *   parent (container.c):  with --console-socket the master is sent there in
 *       one sendmsg (terminal_connect(), terminal_send_master()); `run` in the
 *       foreground without one proxies it to husk's own stdin and stdout
 *       (struct terminal_proxy).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>
#include <linux/magic.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/log.h"
#include "process.h"
#include "rootpath.h"
#include "sync.h"
#include "terminal.h"
#include "base/banned.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The pty multiplexer is char 5:2; pty slaves have majors 136 to 143 (UNIX98_PTY_SLAVE_MAJOR). */
#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTS_MAJOR_FIRST 136
#define PTS_MAJOR_LAST 143

/* ---- the child's side ------------------------------------------------------ */

/* The slave must be a pty slave on a devpts mount. */
static int check_slave(int slave)
{
        struct statfs sfs;
        struct stat st;

        if (fstatfs(slave, &sfs) < 0 || fstat(slave, &st) < 0)
                return -errno;
        if (sfs.f_type != DEVPTS_SUPER_MAGIC || !S_ISCHR(st.st_mode) ||
            major(st.st_rdev) < PTS_MAJOR_FIRST || major(st.st_rdev) > PTS_MAJOR_LAST)
                return -EPERM;
        return 0;
}

int terminal_open_pty(struct process_ctx *pc, int rootfd, struct error_info *err)
{
        const struct spec_process *p = pc->process;
        struct stat st;
        int unlock = 0;

        /*
         * The rootfs is hostile: resolved inside it by fd (its symlinks stay in
         * it), and what we opened must be the pty multiplexer.  /dev/ptmx is our
         * symlink to pts/ptmx, the container's own devpts instance.
         */
        _cleanup_close_ int master = root_open(rootfd, "/dev/ptmx", O_RDWR | O_NOCTTY);
        if (master < 0)
                return error_set(err, -master,
                                 "process.terminal: open /dev/ptmx in the container (is devpts mounted on "
                                 "/dev/pts?)");
        if (fstat(master, &st) < 0)
                return error_set(err, errno, "process.terminal: stat /dev/ptmx");
        if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != PTMX_MAJOR || minor(st.st_rdev) != PTMX_MINOR)
                return error_set_reason(err, EPERM,
                                        "process.terminal: /dev/ptmx in the container is not the pty "
                                        "multiplexer (char 5:2)");
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
                return error_set(err, errno, "process.terminal: unlock the pty");
        _cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return error_set(err, errno, "process.terminal: open the pty's slave (TIOCGPTPEER)");
        int r = check_slave(slave);
        if (r < 0)
                return error_set(err, -r,
                                 "process.terminal: the pty's slave is not on a devpts file system");
        if (p->has_console_size) {
                struct winsize ws = {.ws_row = (unsigned short) p->console_height,
                                     .ws_col = (unsigned short) p->console_width};
                if (ioctl(master, TIOCSWINSZ, &ws) < 0)
                        return error_set(err, errno, "process.consoleSize: set %ux%u", p->console_height,
                                         p->console_width);
        }
        /* The terminal belongs to whoever uses it (as login(1) does); its group stays devpts' gid=. */
        if (p->user.uid != 0 && fchown(slave, p->user.uid, (gid_t) -1) < 0)
                return error_set(err, errno, "process.terminal: give the pty to uid %u", p->user.uid);
        pc->pty_master = TAKE_FD(master);
        pc->pty_slave = TAKE_FD(slave);
        return 0;
}

int terminal_hand_over(struct process_ctx *pc, struct error_info *err)
{
        int r = sync_send_fd(pc->sync_fd, SYNC_CONSOLE, pc->pty_master);

        if (r < 0)
                return error_set(err, -r, "process.terminal: send the pty master to husk");
        /* Only the slave, as 0, 1 and 2, goes on into the container's process. */
        pc->pty_master = safe_close(pc->pty_master);
        if (setsid() < 0)
                return error_set(err, errno, "process.terminal: setsid");
        if (ioctl(pc->pty_slave, TIOCSCTTY, 0) < 0)
                return error_set(err, errno, "process.terminal: make the pty the controlling terminal");
        for (int fd = 0; fd < 3; fd++)
                if (dup2(pc->pty_slave, fd) < 0)
                        return error_set(err, errno, "process.terminal: make the pty fd %d", fd);
        pc->pty_slave = safe_close(pc->pty_slave);
        return 0;
}

/* ---- the parent's side: --console-socket ------------------------------------ */

int terminal_connect(const char *path, struct error_info *err)
{
        return unix_connect(path, "--console-socket", err);
}

int terminal_send_master(int sock, int master, const char *path, struct error_info *err)
{
        /* As runc: the payload is the name of the file sent (engines read only the fd). */
        /* As runc: the name of the file as the message, the fd beside it. */
        static const char name[] = "/dev/ptmx";
        ssize_t n = send_with_fd(sock, name, sizeof name - 1, master);

        if (n < 0)
                return error_set(err, (int) -n, "--console-socket: send the pty master to '%s'", path);
        if ((size_t) n != sizeof name - 1)
                return error_set_reason(err, EIO, "--console-socket: short send to '%s'", path);
        return 0;
}

/* ---- the parent's side: `run` in the foreground ------------------------------ */

void terminal_proxy_resize(struct terminal_proxy *t)
{
        struct winsize ws;
        int from = isatty(STDIN_FILENO) ? STDIN_FILENO : STDOUT_FILENO;

        /* Not a terminal, or one of unknown size: the pty keeps process.consoleSize. */
        if (ioctl(from, TIOCGWINSZ, &ws) < 0 || (ws.ws_row == 0 && ws.ws_col == 0))
                return;
        if (ioctl(t->master, TIOCSWINSZ, &ws) < 0)
                log_warn("set the window size of the container's terminal: %s, ignoring", strerror(errno));
}

int terminal_proxy_begin(struct terminal_proxy *t, int master, struct error_info *err)
{
        struct termios raw;

        *t = (struct terminal_proxy){.master = master, .in = STDIN_FILENO, .out = STDOUT_FILENO};
        int flags = fcntl(master, F_GETFL);
        if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0)
                return error_set(err, errno, "make the container's terminal non-blocking");
        terminal_proxy_resize(t);
        if (!isatty(STDIN_FILENO))
                return 0;
        /* Raw: every key (^C, ^Z, ^D too) goes to the container's terminal, which interprets it. */
        if (tcgetattr(STDIN_FILENO, &t->saved) < 0)
                return error_set(err, errno, "read the settings of husk's terminal");
        raw = t->saved;
        cfmakeraw(&raw);
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
                return error_set(err, errno, "put husk's terminal in raw mode");
        t->raw = true;
        return 0;
}

void terminal_proxy_end(struct terminal_proxy *t)
{
        if (t->raw && tcsetattr(STDIN_FILENO, TCSANOW, &t->saved) < 0)
                log_warn("restore the settings of husk's terminal: %s, ignoring", strerror(errno));
        t->raw = false;
}

size_t terminal_proxy_pollfds(const struct terminal_proxy *t, struct pollfd *pfd)
{
        size_t n = 0;

        if (t->master_done)
                return 0;
        /* Input is read only once what we read before has reached the terminal. */
        pfd[n++] = (struct pollfd){.fd = t->master,
                                   .events = POLLIN | (t->pending_len > t->pending_off ? POLLOUT : 0)};
        if (t->in >= 0 && t->pending_len == t->pending_off)
                pfd[n++] = (struct pollfd){.fd = t->in, .events = POLLIN};
        return n;
}

/* Copies what the container's terminal wrote to our stdout; 0 at its end (EOF, EIO). */
static int copy_output(struct terminal_proxy *t)
{
        char buf[8192];
        ssize_t n;

        do
                n = read(t->master, buf, sizeof buf);
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno == EAGAIN)
                return 1;
        if (n <= 0) {
                /* EIO: every slave fd is closed (the workload is gone). */
                t->master_done = true;
                return 0;
        }
        if (write_all(t->out, buf, (size_t) n) < 0)
                log_debug("write the container's output to stdout: %s", strerror(errno));
        return 1;
}

static void copy_input(struct terminal_proxy *t, bool readable)
{
        if (readable && t->pending_len == t->pending_off) {
                ssize_t n = read(t->in, t->pending, sizeof t->pending);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        return;
                if (n <= 0) {
                        t->in = -1; /* EOF: stop reading; a terminal cannot be half-closed */
                        return;
                }
                t->pending_len = (size_t) n;
                t->pending_off = 0;
        }
        while (t->pending_off < t->pending_len) {
                ssize_t n = write(t->master, t->pending + t->pending_off, t->pending_len - t->pending_off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        if (errno != EAGAIN)
                                t->pending_off = t->pending_len; /* the terminal is gone */
                        return;
                }
                t->pending_off += (size_t) n;
        }
}

void terminal_proxy_handle(struct terminal_proxy *t, const struct pollfd *pfd, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (!pfd[i].revents)
                        continue;
                if (pfd[i].fd == t->master) {
                        if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
                                (void) copy_output(t);
                        if (!t->master_done && (pfd[i].revents & POLLOUT))
                                copy_input(t, false);
                } else if (pfd[i].fd == t->in) {
                        copy_input(t, true);
                }
        }
}

void terminal_proxy_drain(struct terminal_proxy *t)
{
        /*
         * The init has exited.  Its output may still sit in the terminal: copy it
         * until every slave is closed (EIO), or until the terminal stays quiet for
         * a while (a process outside a pid namespace may keep the slave open).
         */
        while (!t->master_done) {
                struct pollfd p = {.fd = t->master, .events = POLLIN};
                int r = poll(&p, 1, 500);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        return;
                if (copy_output(t) == 0)
                        return;
        }
}
