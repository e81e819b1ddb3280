/*
 * fuzz_common.h - what the libFuzzer harnesses share: the readers take a
 * path, so each input is written to a private file under /dev/shm (or
 * TMPDIR) and the path handed over.
 */
#ifndef WLR_FUZZ_COMMON_H
#define WLR_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes data[0..n) to a file named for this process and `tag`; returns its
 * path (static storage, one per tag slot), or NULL if it cannot. */
static const char *fuzz_file(int slot, const uint8_t *data, size_t n)
{
    static char paths[4][256];
    char *p = paths[slot & 3];
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(p, 256, "%s/wlr-fuzz-%ld-%d", dir, (long)getpid(), slot);
    FILE *f = fopen(p, "wb");
    if (!f) return NULL;
    if (n && fwrite(data, 1, n, f) != n) { fclose(f); return NULL; }
    if (fclose(f) != 0) return NULL;
    return p;
}

#endif
