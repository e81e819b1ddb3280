/*
 * predict.c - scoring rows with a model: p_i = sigma(w . x_i + b).
 *
 * THE LOGIT of a row with finite features can overflow (w x beyond
 * 1.8e308) or become inf - inf = NaN, though p is then 0 or 1 to the last
 * bit whenever the sign of z is known. Such a row is computed again with
 * every coefficient and feature scaled by 2^-600 (exact, but for terms too
 * small to matter beside an overflowing one, which may round to 0): the
 * scaled sum cannot overflow, and p is 1, 0 or 1/2 as it is positive,
 * negative or 0. No finite row gives a NaN.
 *
 * BOTH CORES: from WLR__PARALLEL_MIN_ROWS rows the rows are cut into
 * contiguous ranges, one a thread. Each p_i depends on row i alone, so the
 * result is the same bits with any number of threads.
 */
#include "internal.h"

#include <math.h>

/* Terms are scaled by this to recompute an overflowing logit. */
#define LOGIT_RESCALE 0x1p-600

/* z_i = b + sum_j w_j x_ij, in that order, every w and x times scale. */
static double logit(const wlr_model *m, const wlr_dataset *d, size_t i,
                    double scale)
{
    double z = m->intercept * scale * scale;
    for (size_t j = 0; j < m->n_features; j++)
        z += (m->coef[j] * scale) * (d->x[j * d->n_rows + i] * scale);
    return z;
}

/* p_i, finite for every finite row (see the top). */
static double row_probability(const wlr_model *m, const wlr_dataset *d, size_t i)
{
    double z = logit(m, d, i, 1.0);
    if (isfinite(z)) return wlr_sigmoid(z);
    z = logit(m, d, i, LOGIT_RESCALE);
    return z > 0 ? 1.0 : z < 0 ? 0.0 : isnan(z) ? NAN : 0.5;
}

typedef struct {
    const wlr_model *m;
    const wlr_dataset *d;
    double *p;
    size_t lo, hi;
} predict_job;

/* The calling thread's job (lo = 0) tells the progress hook every 2^20
 * rows, scaled to all of them. */
#define PROGRESS_ROWS ((size_t)(1 << 20) - 1)

static void predict_range(void *arg)
{
    predict_job *j = arg;
    double scale = (double)j->d->n_rows / (double)(j->hi > j->lo ? j->hi - j->lo : 1);
    for (size_t i = j->lo; i < j->hi; i++) {
        j->p[i] = row_probability(j->m, j->d, i);
        if (j->lo == 0 && (i & PROGRESS_ROWS) == PROGRESS_ROWS)
            wlr__progress("predict", (double)i * scale, (double)j->d->n_rows);
    }
}

void wlr__predict_proba_threads(const wlr_model *m, const wlr_dataset *d,
                                double *p, size_t n_threads)
{
    size_t n = d->n_rows;
    if (n_threads == 0) n_threads = wlr__threads_for(n);
    if (n_threads > WLR__MAX_THREADS) n_threads = WLR__MAX_THREADS;
    predict_job jobs[WLR__MAX_THREADS];
    wlr__job run[WLR__MAX_THREADS];
    for (size_t t = 0; t < n_threads; t++) {
        jobs[t] = (predict_job){m, d, p, n * t / n_threads, n * (t + 1) / n_threads};
        run[t] = (wlr__job){predict_range, &jobs[t]};
    }
    wlr__run_jobs(run, n_threads);
}

void wlr_predict_proba(const wlr_model *m, const wlr_dataset *d, double *p)
{
    wlr__predict_proba_threads(m, d, p, 0);
}
