/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Scope-based release of memory and file descriptors (systemd's idea). */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
        free(*(void **) p);
}

/* Closes fd when >= 0 and returns -EBADF, so that "fd = safe_close(fd);" resets it. */
static inline int safe_close(int fd)
{
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd)
{
        safe_close(*fd);
}

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

static inline void closedirp(DIR **d)
{
        if (*d)
                closedir(*d);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Takes ownership: returns the value and leaves the source empty. */
#define TAKE_PTR(p)                                                                                         \
        ({                                                                                                  \
                __typeof__(p) _p = (p);                                                                     \
                (p) = NULL;                                                                                 \
                _p;                                                                                         \
        })
#define TAKE_FD(fd)                                                                                         \
        ({                                                                                                  \
                int _fd = (fd);                                                                             \
                (fd) = -EBADF;                                                                              \
                _fd;                                                                                        \
        })

/* Declares fnp(type *) calling fn(*p) when *p is set, for _cleanup_(fnp). */
#define DEFINE_CLEANUP_FUNC(type, fn)                                                                       \
        static inline void fn##p(type *p)                                                                   \
        {                                                                                                   \
                if (*p)                                                                                     \
                        fn(*p);                                                                             \
        }

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
