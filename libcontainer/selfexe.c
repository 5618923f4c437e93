/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The husk binary, out of the container's reach (the CVE-2019-5736 class).
 *
 * A container's init and an exec'd process are clones of husk: until their
 * execve, /proc/PID/exe of each names husk's own file, and a workload whose
 * executable is "#!/proc/self/exe" even has the kernel run husk inside the
 * container.  A process of the container holding that file open could write
 * it once husk is gone, and the next husk run on the host would be its code.
 *
 * So a husk that is about to enter a container runs from a file nobody can
 * write: a binary on a read-only mount is that already (opening it for
 * writing fails with EROFS, whichever path reaches it), and costs nothing;
 * otherwise husk copies itself into a sealed memfd (no write, grow or shrink,
 * and the seals sealed) and re-executes from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "selfexe.h"
#include "base/banned.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#define SEALS_BASE (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW)
#define SEALS (SEALS_BASE | F_SEAL_WRITE)
/* No write() and no new writable mapping: as safe here, since nobody maps our copy. */
#define SEALS_FUTURE (SEALS_BASE | F_SEAL_FUTURE_WRITE)

extern char **environ;

static bool selfexe_is_protected(int fd)
{
        struct statvfs sv;
        int seals = fcntl(fd, F_GET_SEALS);

        if (seals >= 0 && ((seals & SEALS) == SEALS || (seals & SEALS_FUTURE) == SEALS_FUTURE))
                return true;
        return fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

static int sealed_copy(int src, struct error_info *err)
{
        struct stat st;

        if (fstat(src, &st) < 0)
                return error_set(err, errno, "protect the husk binary: stat /proc/self/exe");
        /* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make it unexecutable. */
        _cleanup_close_ int fd = memfd_create("husk", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (fd < 0 && errno == EINVAL)
                fd = memfd_create("husk", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return error_set(err, errno, "protect the husk binary: memfd_create");
        for (off_t off = 0; off < st.st_size;) {
                ssize_t n = sendfile(fd, src, &off, (size_t) (st.st_size - off));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return error_set(err, n < 0 ? errno : EIO,
                                         "protect the husk binary: copy it into a memfd");
        }
        /*
         * F_SEAL_WRITE waits for extra references to the pages to go and gives up with EBUSY;
         * pages just written can still sit in a per-CPU LRU batch.  Try again, then seal
         * against future writes only, which does not wait.
         */
        for (int i = 0; fcntl(fd, F_ADD_SEALS, SEALS) < 0; i++) {
                if (errno != EBUSY)
                        return error_set(err, errno, "protect the husk binary: seal its copy");
                if (i == 3) {
                        if (fcntl(fd, F_ADD_SEALS, SEALS_FUTURE) < 0)
                                return error_set(err, errno, "protect the husk binary: seal its copy");
                        break;
                }
                (void) usleep(1000);
        }
        return TAKE_FD(fd);
}

int selfexe_protect(char **argv, struct error_info *err)
{
        _cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

        if (self < 0)
                return error_set(err, errno, "protect the husk binary: open /proc/self/exe");
        if (selfexe_is_protected(self))
                return 0;
        _cleanup_close_ int copy = sealed_copy(self, err);
        if (copy < 0)
                return copy;
        self = safe_close(self);
        log_debug("re-executing from a sealed copy of the husk binary");
        syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
        return error_set(err, errno, "protect the husk binary: execute its sealed copy");
}
