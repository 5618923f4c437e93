/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Until a container's init exists, husk create and husk run can be interrupted: SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT are caught (without SA_RESTART, so a blocking call returns
 * EINTR) and remembered; the steps of a create look at it between them, and the rollback
 * removes what was made.  The init resets the handlers (it is a clone of husk and must not
 * swallow what `husk kill` sends it).
 */

#include "base/error.h"

/* Installs the handlers; a signal already remembered is forgotten. */
void interrupt_catch(void);

/* The default action again for the caught signals (in a clone about to become the init). */
void interrupt_reset(void);

/* 0, or the signal caught since interrupt_catch(). */
int interrupt_pending(void);

/* 0, or -EINTR with err saying which signal ended the call, before what. */
int interrupt_check(struct error_info *err, const char *before);
