/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/interrupt.h"
#include "base/banned.h"

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static volatile sig_atomic_t pending;

static void on_signal(int sig)
{
        pending = sig;
}

void interrupt_catch(void)
{
        struct sigaction sa = {.sa_handler = on_signal};

        sigemptyset(&sa.sa_mask);
        pending = 0;
        for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
                (void) sigaction(caught[i], &sa, NULL);
}

void interrupt_reset(void)
{
        for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
                (void) signal(caught[i], SIG_DFL);
}

int interrupt_pending(void)
{
        return pending;
}

int interrupt_check(struct error_info *err, const char *before)
{
        int sig = pending;

        if (!sig)
                return 0;
        const char *name = sigabbrev_np(sig);
        return error_set_reason(err, EINTR, "interrupted by SIG%s %s", name ? name : "?", before);
}
