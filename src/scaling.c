/*
 * scaling.c - standardisation: each feature's mean and standard deviation,
 * so that the solvers can work on x' = (x - mu) / sd (see internal.h: the
 * objective stays the one on the original features).
 *
 * A column is taken CHUNK rows at a time. In a chunk of n values the mean
 * and the sum of squared deviations come from two plain passes,
 *   m = (sum_k x_k) / n,   q = sum_k (x_k - m)^2,
 * which have no cancellation (the deviations are taken from the chunk's own
 * mean) and no division per value, so they run at the speed of the memory
 * (the whole set-up of the tutorial's fit, these sums included, takes
 * 0.6 ms of its 13.4: bench/README.md, "The fit's set-up").
 * The chunks are then merged into the running (count N, mean M, sum Q) by
 * Chan, Golub and LeVeque's rule:
 *   delta = m - M,  N' = N + n,  M' = M + delta n / N',
 *   Q' = Q + q + delta^2 N n / N'.
 * sd = sqrt(Q / N) at the end (numpy's std, ddof = 0).
 *
 * Squares of values beyond 1e154 overflow a double, so the sums are kept in
 * units of a power of two, scale = 2^e: each value is divided by scale
 * (exact), and when a chunk holds a value of more than SCALE_LIMIT scales,
 * scale rises first and M and Q are divided by the change (exact too, but
 * for tiny earlier deviations that may round to 0, which cannot matter
 * beside a value of 1e120). Until then scale is 1.
 *
 * The chunks are the rows 0 .. CHUNK - 1, CHUNK .. 2 CHUNK - 1, ... of all
 * the rows added, however they come: the streaming trainer adds a window
 * at a time, and a chunk that a window's end cuts waits (in pending) for
 * the rest of its rows, so that its sums are the in-memory ones, bit for
 * bit.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Values up to this many scales are taken as they are: their deviations'
 * squares (below 2^802) summed over any number of rows stay finite. */
#define SCALE_LIMIT 0x1p400
/* Rows a chunk: its sums stay in the cache between the two passes. */
#define CHUNK 1024

wlr_status wlr__scaling_alloc(wlr__scaling *s, size_t n, int standardize,
                              wlr_error *err)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->on = standardize != 0;
    s->mu = calloc(n + 1, sizeof *s->mu);
    s->sd = calloc(n + 1, sizeof *s->sd);
    s->m2 = calloc(n + 1, sizeof *s->m2);
    s->scale = calloc(n + 1, sizeof *s->scale);
    s->pending = standardize ? malloc((n * CHUNK + 1) * sizeof *s->pending) : NULL;
    if (!s->mu || !s->sd || !s->m2 || !s->scale || (standardize && !s->pending)) {
        wlr__scaling_free(s);
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
    }
    for (size_t j = 0; j < n; j++) {
        s->sd[j] = 1.0;
        s->scale[j] = 1.0;
    }
    return WLR_OK;
}

/* The largest |x_k|, k < n (NaN-free data: wlr_train checks). */
static double max_abs(const double *x, size_t n)
{
    double top = 0;
    for (size_t k = 0; k < n; k++) top = fabs(x[k]) > top ? fabs(x[k]) : top;
    return top;
}

/* Column j's chunk x[0 .. n-1] merged into the running sums (see the
 * top); rows is the count so far. */
static void add_chunk(wlr__scaling *s, size_t j, const double *x, size_t n,
                      size_t rows)
{
    double scale = s->scale[j], top = max_abs(x, n);
    if (top > SCALE_LIMIT * scale) {
        int e;
        frexp(top, &e);                 /* top < 2^e */
        double up = ldexp(1.0, e) / SCALE_LIMIT / scale;
        scale *= up;
        s->mu[j] /= up;
        s->m2[j] /= up * up;
        s->scale[j] = scale;
    }
    /* each sum in 4 running parts (no chain of dependent adds), added
     * in a fixed order; 1 / scale is exact (a power of two) */
    double inv = 1.0 / scale, sum[4] = {0, 0, 0, 0}, sq[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < n; k++) sum[k % 4] += x[k] * inv;
    double m = ((sum[0] + sum[1]) + (sum[2] + sum[3])) / (double)n;
    for (size_t k = 0; k < n; k++) {
        double d = x[k] * inv - m;
        sq[k % 4] += d * d;
    }
    double q = (sq[0] + sq[1]) + (sq[2] + sq[3]);
    double total = (double)(rows + n), delta = m - s->mu[j];
    s->mu[j] += delta * ((double)n / total);
    s->m2[j] += q + delta * delta * ((double)rows * (double)n / total);
}

/* The pending rows as a chunk of their own (the last of all, or a full
 * one). */
static void add_pending(wlr__scaling *s)
{
    for (size_t j = 0; j < s->n && s->n_pending > 0; j++)
        add_chunk(s, j, s->pending + j * CHUNK, s->n_pending, s->rows);
    s->rows += s->n_pending;
    s->n_pending = 0;
}

void wlr__scaling_add(wlr__scaling *s, const wlr_dataset *d)
{
    if (!s->on) return;
    size_t N = d->n_rows, i = 0;
    /* first the rows that complete a chunk an earlier add began */
    if (s->n_pending > 0) {
        size_t take = CHUNK - s->n_pending < N ? CHUNK - s->n_pending : N;
        for (size_t j = 0; j < s->n; j++)
            memcpy(s->pending + j * CHUNK + s->n_pending, d->x + j * N,
                   take * sizeof *s->pending);
        s->n_pending += take;
        i = take;
        if (s->n_pending == CHUNK) add_pending(s);
    }
    for (; i + CHUNK <= N; i += CHUNK) {
        for (size_t j = 0; j < s->n; j++) add_chunk(s, j, d->x + j * N + i, CHUNK, s->rows);
        s->rows += CHUNK;
    }
    /* the rest waits for the next add, or for finish */
    for (size_t j = 0; i < N && j < s->n; j++)
        memcpy(s->pending + j * CHUNK, d->x + j * N + i, (N - i) * sizeof *s->pending);
    if (i < N) s->n_pending = N - i;
}

void wlr__scaling_finish(wlr__scaling *s)
{
    if (s->on) add_pending(s);
    for (size_t j = 0; j < s->n; j++) {
        if (!s->on || s->rows == 0) {
            s->mu[j] = 0.0;
            s->sd[j] = 1.0;
            continue;
        }
        double sd = s->scale[j] * sqrt(s->m2[j] / (double)s->rows);
        s->mu[j] *= s->scale[j];
        /* a constant column stays as it is, less its mean */
        s->sd[j] = sd > 0 ? sd : 1.0;
    }
}

wlr_status wlr__scaling_init(wlr__scaling *s, const wlr_dataset *d,
                             int standardize, wlr_error *err)
{
    wlr_status st = wlr__scaling_alloc(s, d->n_features, standardize, err);
    if (st) return st;
    wlr__scaling_add(s, d);
    wlr__scaling_finish(s);
    return WLR_OK;
}

void wlr__scaling_free(wlr__scaling *s)
{
    free(s->mu);
    free(s->sd);
    free(s->m2);
    free(s->scale);
    free(s->pending);
    memset(s, 0, sizeof *s);
}

/* a_j = w'_j / sd_j, c = b' - sum_j a_j mu_j. */
void wlr__scaling_unscale(const wlr__scaling *s, const double *theta, double *a,
                          double *c)
{
    double b = theta[s->n];
    for (size_t j = 0; j < s->n; j++) {
        a[j] = theta[j] / s->sd[j];
        b -= a[j] * s->mu[j];
    }
    *c = b;
}
