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

/*
 * The Unicode controls that reorder what a terminal shows (U+202A-U+202E, U+2066-U+2069) and
 * the invisible ones that hide text (U+200B-U+200F): 0 when s does not start with one, else
 * its code point (3 bytes of UTF-8).
 */
static unsigned format_control(const unsigned char *s)
{
        if (s[0] != 0xe2 || !s[1] || !s[2])
                return 0;
        unsigned cp = ((unsigned) (s[0] & 0x0f) << 12) | ((unsigned) (s[1] & 0x3f) << 6) | (s[2] & 0x3f);
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
                return 0;
        if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069))
                return cp;
        return 0;
}

size_t log_escape(char *buf, size_t size, const char *s, bool json)
{
        size_t n = 0;

        for (const unsigned char *p = (const unsigned char *) s; *p && n + 7 < size; p++) {
                unsigned cp = format_control(p);

                if (cp) {
                        n += (size_t) snprintf(buf + n, size - n, "\\u%04x", cp);
                        p += 2;
                } else if (json && (*p == '"' || *p == '\\')) {
                        buf[n++] = '\\';
                        buf[n++] = (char) *p;
                } else if (*p == '\n') {
                        buf[n++] = '\\';
                        buf[n++] = 'n';
                } else if (*p == '\t' && json) {
                        buf[n++] = '\\';
                        buf[n++] = 't';
                } else if (*p == '\r') {
                        buf[n++] = '\\';
                        buf[n++] = 'r';
                } else if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
                        n += (size_t) snprintf(buf + n, size - n, json ? "\\u%04x" : "\\x%02x", *p);
                } else {
                        buf[n++] = (char) *p;
                }
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
                log_escape(esc, sizeof esc, msg, true);
                n = (size_t) snprintf(line, sizeof line,
                                      "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                                      level_names[level], esc, stamp);
        } else {
                /* One line, whatever the values it echoes hold. */
                char esc[4200];
                log_escape(esc, sizeof esc, msg, false);
                if (log_target >= 0)
                        n = (size_t) snprintf(line, sizeof line, "%s: %s\n", level_names[level], esc);
                else
                        n = (size_t) snprintf(line, sizeof line, "husk: %s%s\n",
                                              level == LOG_LEVEL_ERROR  ? ""
                                              : level == LOG_LEVEL_WARN ? "warning: "
                                                                        : "",
                                              esc);
        }
        if (n >= sizeof line)
                n = sizeof line - 1;
        (void) !write(fd, line, n); /* nothing sensible to do when logging fails */
        errno = saved;
}
