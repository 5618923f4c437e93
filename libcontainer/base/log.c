/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_target = -1; /* -1: stderr */
static enum log_format log_fmt = LOG_FORMAT_TEXT;
static bool log_debug_on;

static const char *const level_names[] = {
        [LOG_LEVEL_ERROR] = "error",
        [LOG_LEVEL_WARN] = "warning",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

int log_open(const char *path, enum log_format format, bool debug)
{
        log_fmt = format;
        log_debug_on = debug;
        if (!path || !*path)
                return 0;
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        log_target = fd;
        return 0;
}

int log_fd(void)
{
        return log_target;
}

bool log_is_debug(void)
{
        return log_debug_on;
}

static size_t log_json_escape(char *buf, size_t size, const char *s)
{
        size_t n = 0;

        for (; *s && n + 7 < size; s++) {
                unsigned char c = (unsigned char) *s;

                if (c == '"' || c == '\\') {
                        buf[n++] = '\\';
                        buf[n++] = (char) c;
                } else if (c == '\n') {
                        buf[n++] = '\\';
                        buf[n++] = 'n';
                } else if (c == '\t') {
                        buf[n++] = '\\';
                        buf[n++] = 't';
                } else if (c < 0x20) {
                        n += (size_t) snprintf(buf + n, size - n, "\\u%04x", c);
                } else
                        buf[n++] = (char) c;
        }
        buf[n] = '\0';
        return n;
}

void log_write(enum log_level level, const char *fmt, ...)
{
        char msg[2048], line[4608];
        int saved = errno, fd = log_target >= 0 ? log_target : STDERR_FILENO;
        size_t n;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);

        if (log_fmt == LOG_FORMAT_JSON) {
                char esc[4200], stamp[64];
                struct timeval tv;
                struct tm tm;

                gettimeofday(&tv, NULL);
                gmtime_r(&tv.tv_sec, &tm);
                n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
                snprintf(stamp + n, sizeof stamp - n, ".%06ldZ", (long) tv.tv_usec);
                log_json_escape(esc, sizeof esc, msg);
                n = (size_t) snprintf(line, sizeof line,
                                      "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                                      level_names[level], esc, stamp);
        } else if (log_target >= 0) {
                n = (size_t) snprintf(line, sizeof line, "%s: %s\n", level_names[level], msg);
        } else {
                n = (size_t) snprintf(line, sizeof line, "husk: %s%s\n",
                                      level == LOG_LEVEL_ERROR  ? ""
                                      : level == LOG_LEVEL_WARN ? "warning: "
                                                                : "",
                                      msg);
        }
        if (n >= sizeof line)
                n = sizeof line - 1;
        (void) !write(fd, line, n); /* nothing sensible to do when logging fails */
        errno = saved;
}
