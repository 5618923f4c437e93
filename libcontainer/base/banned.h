/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Functions that are easy to misuse (git's banned.h idea).  Include this
 * after every system header of a source file: a use of one of these is then
 * a compile error.  `make lint` also greps for them.
 */

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef system
#define system(x) BANNED(system)
#undef gets
#define gets(x) BANNED(gets)
