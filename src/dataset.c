/*
 * dataset.c - the two-class dataset: allocation, class counts, names and the
 * FNV-1a hashes that compare generated data with scikit-learn's.
 *
 * Features are stored by column (x[j * n_rows + i]) so that the training
 * loops stream each feature contiguously; the hashes walk the data in
 * scikit-learn's row-major order instead.
 */
/* madvise's MADV_POPULATE_WRITE is Linux's, outside POSIX */
#define _DEFAULT_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

wlr_status wlr_dataset_alloc(wlr_dataset *d, size_t n_rows, size_t n_features,
                             wlr_error *err)
{
    memset(d, 0, sizeof *d);
    if (n_features != 0 && n_rows > SIZE_MAX / sizeof(double) / n_features)
        return wlr__fail(err, WLR_ERR_NOMEM, "dataset: %zu rows x %zu features "
                        "is too large", n_rows, n_features);
    /* calloc(0) may return NULL; allocate at least one element. */
    d->x = calloc(n_rows * n_features + 1, sizeof *d->x);
    d->y = calloc(n_rows + 1, sizeof *d->y);
    if (!d->x || !d->y) {
        wlr_dataset_free(d);
        return wlr__fail(err, WLR_ERR_NOMEM, "dataset: out of memory for %zu "
                        "rows x %zu features", n_rows, n_features);
    }
    d->n_rows = n_rows;
    d->n_features = n_features;
    return WLR_OK;
}

/* --------------------------------------------- faulting pages in ahead */

/*
 * A fresh dataset's memory comes from the kernel as pages that are mapped
 * and zeroed the first time they are written: measured on an Intel Xeon
 * VM, that zeroing (clear_page) was 22 % of generating 1e8 rows. A second
 * thread can take it: MADV_POPULATE_WRITE (Linux 5.14) faults a range in,
 * writable, without touching its contents, so it may run beside the thread
 * writing the data and changes nothing but the time. It goes through the
 * columns and the labels side by side, PREFAULT_CHUNK bytes of each at a
 * time, in the order the generator fills them. The ranges are first marked
 * for 2 MB pages (MADV_HUGEPAGE, where transparent huge pages are on
 * "madvise"), which the row shuffle's random swaps need far fewer TLB
 * entries for. Measured there, 1e8 rows (`bench_generate --big`, two runs
 * each): 19.2-19.9 s before, 13.7-14.8 s prefaulted, 12.2-13.6 s with 2 MB
 * pages too; on a Zen 1 VM 37.4-39.8 s without and 24.1-24.7 s with
 * (bench/README.md, "Generation"). Below PREFAULT_MIN_BYTES, or where the
 * calls are unknown, nothing is done.
 */
#define PREFAULT_CHUNK ((size_t)4 << 20)
#define PREFAULT_MIN_BYTES ((size_t)64 << 20)

#if defined(MADV_POPULATE_WRITE) || defined(MADV_HUGEPAGE)
/* Column j of d (j = n_features: the labels) and its size in bytes. */
static char *column(const wlr_dataset *d, size_t j, size_t *bytes)
{
    size_t n = d->n_rows;
    *bytes = j < d->n_features ? n * sizeof(double) : n;
    return j < d->n_features ? (char *)(d->x + j * n) : (char *)d->y;
}

/* madvise(advice) on the whole `align`-byte pages inside [p, p + bytes);
 * 0 if there are none. */
static int advise_inside(char *p, size_t bytes, size_t align, int advice)
{
    uintptr_t a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
    uintptr_t b = (uintptr_t)(p + bytes) & ~(uintptr_t)(align - 1);
    return b > a ? madvise((void *)a, b - a, advice) : 0;
}
#endif

void wlr__prefault(void *arg)
{
#ifdef MADV_POPULATE_WRITE
    const wlr_dataset *d = arg;
    for (size_t at = 0; at < d->n_rows * sizeof(double); at += PREFAULT_CHUNK) {
        for (size_t j = 0; j <= d->n_features; j++) {
            size_t bytes;
            char *col = column(d, j, &bytes);
            if (at >= bytes) continue;
            size_t chunk = bytes - at < PREFAULT_CHUNK ? bytes - at : PREFAULT_CHUNK;
            if (advise_inside(col + at, chunk, 4096, MADV_POPULATE_WRITE) != 0)
                return;         /* not supported here: the writes fault */
        }
    }
#else
    (void)arg;
#endif
}

int wlr__prefault_on = 1;

int wlr__prefault_wanted(const wlr_dataset *d)
{
    if (!wlr__prefault_on) return 0;
    if (d->n_rows * (d->n_features * sizeof(double) + 1) < PREFAULT_MIN_BYTES) return 0;
#ifdef MADV_HUGEPAGE
    for (size_t j = 0; j <= d->n_features; j++) {
        size_t bytes;
        char *col = column(d, j, &bytes);
        advise_inside(col, bytes, (size_t)2 << 20, MADV_HUGEPAGE);
    }
#endif
#ifdef MADV_POPULATE_WRITE
    return 1;
#else
    return 0;
#endif
}

void wlr_dataset_free(wlr_dataset *d)
{
    if (d->names)
        for (size_t j = 0; j < d->n_features; j++) free(d->names[j]);
    free(d->names);
    free(d->label_name);
    free(d->weight_name);
    free(d->x);
    free(d->y);
    free(d->weight);
    memset(d, 0, sizeof *d);
}

void wlr_class_counts(const wlr_dataset *d, size_t counts[2])
{
    /* labels are 0 or 1, so their sum is the count of ones (in a local:
     * through counts[], every row would wait for the last one's store) */
    size_t ones = 0;
    for (size_t i = 0; i < d->n_rows; i++) ones += d->y[i] != 0;
    counts[0] = d->n_rows - ones;
    counts[1] = ones;
}

const char *wlr_feature_name(const wlr_dataset *d, size_t j, char *buf,
                             size_t cap)
{
    if (d->names && d->names[j]) return d->names[j];
    snprintf(buf, cap, "x%zu", j + 1);
    return buf;
}

/* FNV-1a: h = (h xor byte) * 0x100000001b3 for every byte, mod 2^64. */
uint64_t wlr__fnv1a64(uint64_t h, const void *bytes, size_t n)
{
    const unsigned char *b = bytes;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t wlr__hash_x(const wlr_dataset *d)
{
    uint64_t h = WLR__FNV_OFFSET;
    for (size_t i = 0; i < d->n_rows; i++)
        for (size_t j = 0; j < d->n_features; j++) {
            /* little-endian float64 bytes, whatever the host's order */
            uint64_t u;
            unsigned char le[8];
            memcpy(&u, &d->x[j * d->n_rows + i], 8);
            for (int k = 0; k < 8; k++) le[k] = (unsigned char)(u >> (8 * k));
            h = wlr__fnv1a64(h, le, 8);
        }
    return h;
}

uint64_t wlr__hash_y(const wlr_dataset *d)
{
    return wlr__fnv1a64(WLR__FNV_OFFSET, d->y, d->n_rows);
}

/* ------------------------------------------------------ shuffling rows */

/* Row swaps of the shuffle drawn (and their rows prefetched) ahead of
 * doing them: enough to keep a few dozen cache misses in flight; measured
 * best among 16, 64 and 256 on 1e8 rows. */
#define SHUFFLE_BATCH 64

/* A hint that the cache line at p will soon be written (GCC, Clang); only
 * speed depends on it. */
#if defined(__GNUC__)
#define PREFETCH_FOR_WRITE(p) __builtin_prefetch((p), 1, 3)
#else
#define PREFETCH_FOR_WRITE(p) ((void)(p))
#endif

/* Swaps rows i and j: every feature column, the label and the weight. */
static void swap_rows(wlr_dataset *d, size_t i, size_t j)
{
    size_t n = d->n_rows;
    for (size_t c = 0; c < d->n_features; c++) {
        double *col = d->x + c * n;
        double t = col[i];
        col[i] = col[j];
        col[j] = t;
    }
    uint8_t t = d->y[i];
    d->y[i] = d->y[j];
    d->y[j] = t;
    if (d->weight) {
        double w = d->weight[i];
        d->weight[i] = d->weight[j];
        d->weight[j] = w;
    }
}

/*
 * numpy's X[permutation(n)], in place: new row r = old row perm[r], where
 * numpy builds perm by Fisher-Yates swaps on 0..n-1 (for i = n-1 down to 1:
 * swap positions i and interval(i)). Doing the very same swaps on the rows
 * keeps "row at position r = old row perm[r]" true throughout, so it ends
 * with exactly the gathered result, with no index array.
 *
 * Speed: row j is a random row, a cache (and TLB) miss in every column once
 * the data outgrows the caches. The j of the next SHUFFLE_BATCH steps depend
 * only on the random stream, not on the data, so they are drawn first and
 * their rows prefetched, then the swaps are done in order; the misses then
 * overlap instead of queueing (about 2x faster on 1e8 rows).
 */
void wlr__shuffle_rows(wlr__rng *rng, wlr_dataset *d)
{
    size_t n = d->n_rows, cols = d->n_features;
    size_t js[SHUFFLE_BATCH];
    size_t i = n > 0 ? n - 1 : 0;
    while (i >= 1) {
        size_t batch = i < SHUFFLE_BATCH ? i : SHUFFLE_BATCH;
        for (size_t k = 0; k < batch; k++) {
            size_t j = (size_t)wlr__rng_interval(rng, i - k);
            js[k] = j;
            for (size_t c = 0; c < cols; c++)
                PREFETCH_FOR_WRITE(d->x + c * n + j);
            PREFETCH_FOR_WRITE(d->y + j);
            if (d->weight) PREFETCH_FOR_WRITE(d->weight + j);
        }
        for (size_t k = 0; k < batch; k++) swap_rows(d, i - k, js[k]);
        i -= batch;
    }
}
