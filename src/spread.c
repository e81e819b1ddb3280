/*
 * spread.c - how much a measurement moves when it is repeated: the mean, the
 * sample standard deviation and the 2.5th and 97.5th percentiles of R
 * values (experiment --repeats: one value per train/test resplit).
 *
 * Why percentiles and not mean +- 1.96 sd: a recall over 213 minority rows,
 * or a difference of two such recalls, need not be symmetric about its
 * mean, and the middle 95 % of the values is what a reader means by "the
 * range a resplit gives". The percentiles are numpy's (np.percentile's
 * default "linear" method, to the bit), so a reader can check them.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Ascending; -0.0 before +0.0, so that the order, and so every result, is
 * the same whatever order qsort meets them in. */
static int compare_doubles(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    if (a < b) return -1;
    if (a > b) return 1;
    return (signbit(b) != 0) - (signbit(a) != 0);
}

/* numpy.percentile(v, q), method "linear" (Hyndman and Fan's 7th), on the
 * n values of sorted, ascending: the virtual index h = (n - 1) (q / 100)
 * falls between v[i] and v[i + 1], i = floor(h), g = h - i, and numpy's
 * _lerp joins them as
 *   a + (b - a) g          for g < 0.5,
 *   b - (b - a) (1 - g)    for g >= 0.5
 * (the nearer end first: what makes our bits its bits). */
double wlr__percentile(const double *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * (q / 100.0);
    if (!(h < (double)(n - 1))) return sorted[n - 1];
    if (h < 0) return sorted[0];
    double i = floor(h), g = h - i;
    size_t k = (size_t)i;
    double a = sorted[k], b = sorted[k + 1], d = b - a;
    return g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
}

wlr_status wlr__spread_compute(const double *v, size_t n, wlr__spread *s,
                               wlr_error *err)
{
    memset(s, 0, sizeof *s);
    if (n == 0) return wlr__fail(err, WLR_ERR_ARG, "spread: no values");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return wlr__fail(err, WLR_ERR_ARG, "spread: value %zu is %g, not a "
                             "finite number", i, v[i]);
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return wlr__fail(err, WLR_ERR_NOMEM, "spread: out of memory for %zu "
                         "values", n);
    memcpy(sorted, v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, compare_doubles);

    /* mean = (1/n) sum v;  sd = sqrt(sum (v - mean)^2 / (n - 1)), numpy's
     * std(ddof=1): undefined (NaN) for a single value */
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += v[i];
    s->n = n;
    s->mean = sum / (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (v[i] - s->mean) * (v[i] - s->mean);
    s->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    s->lo = wlr__percentile(sorted, n, WLR__SPREAD_LO);
    s->hi = wlr__percentile(sorted, n, WLR__SPREAD_HI);
    free(sorted);
    return WLR_OK;
}
