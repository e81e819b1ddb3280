/*
 * dataset.c - the two-class dataset: allocation, class counts, names and the
 * FNV-1a hashes that compare generated data with scikit-learn's.
 *
 * Features are stored by column (x[j * n_rows + i]) so that the training
 * loops stream each feature contiguously; the hashes walk the data in
 * scikit-learn's row-major order instead.
 */
#include "wlr.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

wlr_status wlr_dataset_alloc(wlr_dataset *d, size_t n_rows, size_t n_features,
                             wlr_error *err)
{
    memset(d, 0, sizeof *d);
    if (n_features != 0 && n_rows > SIZE_MAX / sizeof(double) / n_features)
        return wlr_fail(err, WLR_ERR_NOMEM, "dataset: %zu rows x %zu features "
                        "is too large", n_rows, n_features);
    /* calloc(0) may return NULL; allocate at least one element. */
    d->x = calloc(n_rows * n_features + 1, sizeof *d->x);
    d->y = calloc(n_rows + 1, sizeof *d->y);
    if (!d->x || !d->y) {
        wlr_dataset_free(d);
        return wlr_fail(err, WLR_ERR_NOMEM, "dataset: out of memory for %zu "
                        "rows x %zu features", n_rows, n_features);
    }
    d->n_rows = n_rows;
    d->n_features = n_features;
    return WLR_OK;
}

void wlr_dataset_free(wlr_dataset *d)
{
    if (d->names)
        for (size_t j = 0; j < d->n_features; j++) free(d->names[j]);
    free(d->names);
    free(d->x);
    free(d->y);
    free(d->weight);
    memset(d, 0, sizeof *d);
}

void wlr_class_counts(const wlr_dataset *d, size_t counts[2])
{
    counts[0] = counts[1] = 0;
    for (size_t i = 0; i < d->n_rows; i++) counts[d->y[i] != 0]++;
}

const char *wlr_feature_name(const wlr_dataset *d, size_t j, char *buf,
                             size_t cap)
{
    if (d->names && d->names[j]) return d->names[j];
    snprintf(buf, cap, "x%zu", j + 1);
    return buf;
}

/* FNV-1a: h = (h xor byte) * 0x100000001b3 for every byte, mod 2^64. */
uint64_t wlr_fnv1a64(uint64_t h, const void *bytes, size_t n)
{
    const unsigned char *b = bytes;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t wlr_hash_x(const wlr_dataset *d)
{
    uint64_t h = WLR_FNV_OFFSET;
    for (size_t i = 0; i < d->n_rows; i++)
        for (size_t j = 0; j < d->n_features; j++) {
            /* little-endian float64 bytes, whatever the host's order */
            uint64_t u;
            unsigned char le[8];
            memcpy(&u, &d->x[j * d->n_rows + i], 8);
            for (int k = 0; k < 8; k++) le[k] = (unsigned char)(u >> (8 * k));
            h = wlr_fnv1a64(h, le, 8);
        }
    return h;
}

uint64_t wlr_hash_y(const wlr_dataset *d)
{
    return wlr_fnv1a64(WLR_FNV_OFFSET, d->y, d->n_rows);
}
