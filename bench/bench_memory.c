/*
 * bench_memory.c - the floor that memory sets under training out of cache:
 * the time to read the training rows alone, in the order an epoch reads
 * them, against an epoch of the default fit on the same rows.
 *
 * Usage: bench_memory [ROWS]   (generated rows, default 20,000,000: the
 *   issue's 2e7, of which 80 % train, 272 MB of X and y)
 * The rows are made as `wlr train --samples ROWS` makes them (wlr_generate,
 * then wlr_split_inplace: the same memory, 2 MB pages where the kernel
 * gives them). Then, best of 5 each, per epoch of 0.8 ROWS row-visits:
 *   sequential   one pass over x_1, x_2 and y in order, summing them;
 *   batches      the same bytes as runs of 100 consecutive rows in a random
 *                order of the blocks, each run prefetched 8 runs ahead, as
 *                gradient descent reads them (wlr__gd_epoch, src/train.c);
 *   training     an epoch of the default fit (balanced, batch 100): 5
 *                epochs alone (epochs.h: without the fit's set-up and
 *                final loss pass) over 5.
 * Each as seconds, row-visits per second and bytes read per second; the
 * batches line is the most any batch-100 epoch can reach on this machine.
 */
#include "internal.h"
#include "epochs.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BATCH 100
#define AHEAD 8
#define LINE 64
#define REPEATS 5

/* The block order: a Fisher-Yates shuffle of 0 .. nb - 1 by xorshift64. */
static void block_order(size_t *order, size_t nb)
{
    uint64_t s = 0x9e3779b97f4a7c15u;
    for (size_t k = 0; k < nb; k++) order[k] = k;
    for (size_t k = nb - 1; k > 0; k--) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        size_t j = (size_t)(s % (k + 1)), t = order[k];
        order[k] = order[j];
        order[j] = t;
    }
}

static void prefetch(const void *p, size_t bytes)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(LINE - 1), end = (uintptr_t)p + bytes;
    for (; a < end; a += LINE) __builtin_prefetch((const void *)a, 0, 2);
}

/* sum of x_1 + x_2 + y over the rows in order; *secs its time */
static double sequential(const wlr_dataset *d, double *secs)
{
    const double *x1 = d->x, *x2 = d->x + d->n_rows;
    double t0 = wlr__now(), s = 0;
    for (size_t i = 0; i < d->n_rows; i++) s += x1[i] + x2[i] + d->y[i];
    *secs = wlr__now() - t0;
    return s;
}

/* the same sum, block by block in the given order */
static double batches(const wlr_dataset *d, const size_t *order, size_t nb, double *secs)
{
    const double *x1 = d->x, *x2 = d->x + d->n_rows;
    double t0 = wlr__now(), s = 0;
    for (size_t k = 0; k < nb; k++) {
        if (k + AHEAD < nb) {
            size_t f = order[k + AHEAD] * BATCH;
            prefetch(x1 + f, BATCH * sizeof(double));
            prefetch(x2 + f, BATCH * sizeof(double));
            prefetch(d->y + f, BATCH);
        }
        size_t f = order[k] * BATCH;
        double b = 0;
        for (size_t i = f; i < f + BATCH; i++) b += x1[i] + x2[i] + d->y[i];
        s += b;
    }
    *secs = wlr__now() - t0;
    return s;
}

/* x_1, x_2 and y: the bytes of a row */
#define ROW_BYTES (2 * sizeof(double) + 1)

static void line(const char *what, double secs, size_t rows)
{
    printf("%-12s %10.4f %14.3g %10.2f\n", what, secs, (double)rows / secs,
           (double)rows * ROW_BYTES / secs / 1e9);
}

int main(int argc, char **argv)
{
    size_t rows = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 20000000;
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    p.n_samples = rows;
    wlr_dataset all, train, test;
    wlr_error err;
    if (rows < 10 * BATCH || wlr_generate(&p, &all, &err) ||
        wlr_split_inplace(&all, 0.2, 42, 0, &train, &test, &err)) {
        fprintf(stderr, "bench_memory: %s\n", rows < 10 * BATCH ? "ROWS below 1000" : err.message);
        return 1;
    }
    size_t n = train.n_rows, nb = n / BATCH;
    size_t *order = malloc(nb * sizeof *order);
    if (!order) return 1;
    block_order(order, nb);

    double best_seq = INFINITY, best_bat = INFINITY, t, check = 0;
    for (int r = 0; r < REPEATS; r++) {
        check += sequential(&train, &t);
        if (t < best_seq) best_seq = t;
        check += batches(&train, order, nb, &t);
        if (t < best_bat) best_bat = t;
    }

    double epochs5;
    if (bench_epochs_alone(&train, "balanced", 5, 1, REPEATS, &epochs5)) return 1;
    double epoch = epochs5 / 5;

    printf("%zu training rows (%.0f MB of x and y), best of %d (check %g)\n", n,
           (double)n * ROW_BYTES / 1e6, REPEATS, check);
    printf("%-12s %10s %14s %10s\n", "epoch", "seconds", "row-visits/s", "GB/s");
    line("sequential", best_seq, n);
    line("batches", best_bat, n);
    line("training", epoch, n);
    printf("training runs at %.0f %% of the batches' read rate\n", 100 * best_bat / epoch);
    free(order);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return 0;
}
