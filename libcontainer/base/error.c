/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int error_set(struct error_info *err, int errnum, const char *fmt, ...)
{
        va_list ap;

        assert(errnum > 0);
        if (err) {
                err->errnum = errnum;
                err->has_reason = 0;
                va_start(ap, fmt);
                vsnprintf(err->msg, sizeof err->msg, fmt, ap);
                va_end(ap);
        }
        return -errnum;
}

int error_set_reason(struct error_info *err, int errnum, const char *fmt, ...)
{
        va_list ap;

        assert(errnum > 0);
        if (err) {
                err->errnum = errnum;
                err->has_reason = 1;
                va_start(ap, fmt);
                vsnprintf(err->msg, sizeof err->msg, fmt, ap);
                va_end(ap);
        }
        return -errnum;
}

int error_prefix(struct error_info *err, int r, const char *fmt, ...)
{
        char prefix[512], old[sizeof err->msg];
        va_list ap;

        if (!err)
                return r;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof prefix, fmt, ap);
        va_end(ap);
        if (err->errnum == 0 && r < 0)
                err->errnum = -r;
        memcpy(old, err->msg, sizeof old);
        if (old[0])
                snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
        else
                snprintf(err->msg, sizeof err->msg, "%s", prefix);
        return r;
}

const char *error_format(const struct error_info *err, char *buf, size_t size)
{
        if (err->has_reason)
                snprintf(buf, size, "%s", err->msg);
        else if (err->errnum > 0)
                snprintf(buf, size, "%s: %s", err->msg, strerror(err->errnum));
        else
                snprintf(buf, size, "%s", err->msg);
        return buf;
}
