/*
 * fuzz_npy.c - libFuzzer harness for the .npy reader (src/npy.c).
 *
 * Input: two bytes giving the length L of the X file (little-endian), then
 * X's bytes, then y's. Whatever they are, wlr_read_npy must return a status,
 * leave a failed dataset empty, and a loaded one consistent.
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "fuzz_common.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    size_t lx = (size_t)data[0] | (size_t)data[1] << 8;
    data += 2;
    size -= 2;
    if (lx > size) lx = size;
    const char *xp = fuzz_file(0, data, lx);
    const char *yp = fuzz_file(1, data + lx, size - lx);
    if (!xp || !yp) return 0;

    wlr_dataset d;
    wlr_error err;
    memset(&d, 0xA5, sizeof d);
    wlr_status s = wlr_read_npy(xp, yp, &d, &err);
    if (s == WLR_OK) {
        if (d.n_rows == 0 || d.n_features == 0) abort();
        for (size_t i = 0; i < d.n_rows * d.n_features; i++)
            if (!isfinite(d.x[i])) abort();
        for (size_t i = 0; i < d.n_rows; i++)
            if (d.y[i] > 1) abort();
    } else {
        if (d.x || d.y || d.weight || d.names || d.n_rows) abort();
        if (strlen(err.message) == 0) abort();
    }
    wlr_dataset_free(&d);
    return 0;
}
