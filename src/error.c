/*
 * error.c - errors are values: a status code plus a message for the caller
 * to show. The library itself never prints.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

wlr_status wlr__fail(wlr_error *err, wlr_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}
