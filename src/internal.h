/*
 * internal.h - helpers shared by the library's source files; not public API.
 */
#ifndef WLR_INTERNAL_H
#define WLR_INTERNAL_H

#include "wlr.h"

/* Fills err->message (printf-style) and returns code: `return wlr_fail(...)`.
 * err may be NULL. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
wlr_status wlr_fail(wlr_error *err, wlr_status code, const char *fmt, ...);

#endif
