/*
 * scaling.c - standardisation: each feature's mean and standard deviation,
 * so that the solvers can work on x' = (x - mu) / sd (see internal.h: the
 * objective stays the one on the original features).
 *
 * Welford's running mean and sum of squared deviations, which has no
 * cancellation: for the k-th value x of a column,
 *   delta = x - mean,  mean += delta / k,  m2 += delta (x - mean),
 * and sd = sqrt(m2 / n) at the end (numpy's std, ddof = 0).
 * Squares of values beyond 1e154 overflow a double, so the sums are kept in
 * units of a power of two, scale = 2^e: each value is divided by scale as
 * it comes (exact), and when a value passes SCALE_LIMIT scales, scale rises
 * and mean and m2 are divided by the change (exact too, but for tiny
 * earlier deviations that may round to zero, which cannot matter beside a
 * value of 1e120). Until a value passes SCALE_LIMIT, scale is 1 and the
 * sums are Welford's to the bit.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Values up to this many scales are taken as they are: their deviations'
 * squares (below 2^802) summed over any number of rows stay finite. */
#define SCALE_LIMIT 0x1p400

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
    if (!s->mu || !s->sd || !s->m2 || !s->scale) {
        wlr__scaling_free(s);
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
    }
    for (size_t j = 0; j < n; j++) {
        s->sd[j] = 1.0;
        s->scale[j] = 1.0;
    }
    return WLR_OK;
}

void wlr__scaling_add(wlr__scaling *s, const wlr_dataset *d)
{
    if (!s->on) return;
    for (size_t j = 0; j < s->n; j++) {
        const double *col = d->x + j * d->n_rows;
        double mean = s->mu[j], m2 = s->m2[j], scale = s->scale[j];
        for (size_t i = 0; i < d->n_rows; i++) {
            if (fabs(col[i]) > SCALE_LIMIT * scale) {
                int e;
                frexp(col[i], &e);              /* |x| < 2^e */
                double up = ldexp(1.0, e) / SCALE_LIMIT / scale;
                scale *= up;
                mean /= up;
                m2 /= up * up;
            }
            double x = col[i] / scale;
            double delta = x - mean;
            mean += delta / (double)(s->rows + i + 1);
            m2 += delta * (x - mean);
        }
        s->mu[j] = mean;
        s->m2[j] = m2;
        s->scale[j] = scale;
    }
    s->rows += d->n_rows;
}

void wlr__scaling_finish(wlr__scaling *s)
{
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
