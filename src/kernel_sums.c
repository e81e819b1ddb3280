/*
 * kernel_sums.c - the objective's sums in double precision: train.c's
 * wlr__objective over a range of rows, for the loss a fit reports, the
 * gradient it reports (and gradient descent's steps when features or
 * weights are beyond a float's reach), and Newton's gradient and Hessian.
 *
 * This one file is every path's: the Makefile compiles it once per path
 * with that path's flags (WLR__SUMS_PATH names the function): without the
 * vectoriser for the scalar path, with -mavx2 -mfma for avx2, vectorised
 * for neon. Its loops are plain C over the rows of a chunk, which the
 * compiler turns into vector code lane by lane (the same IEEE operations),
 * and its sums are kept in WLR__LANES interleaved lanes written out
 * explicitly, so every path adds in the same order: the same bits.
 *
 * What it computes (kernel.h), with x'_ij = (x_ij - mu_j) / sd_j (as
 * (x - mu) times 1/sd), z = b' + w' . x', the signed weight v = c_0 s
 * (y = 0) or -c_1 s (y = 1) and e = e^-|z|:
 *   loss term  |v| [max(z, 0) + log(1 + e) - y z]    = c s [softplus(z) - y z]
 *   r = c s (p - y) = v u / (1 + e), u = e where z and v have opposite
 *       signs, else 1 (kernel_step.c: no cancellation)
 *   h = c s p (1 - p) = |v| e / (1 + e)^2 (for either sign of z)
 * and their sums with x~ = (x', 1). exp and log1p are elementary.h's
 * polynomials: a libm call per row could not be vectorised, and libm's
 * results may differ from CPU to CPU.
 */
#include "kernel.h"
#include "elementary.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifndef WLR__SUMS_PATH
#define WLR__SUMS_PATH wlr__sums_scalar
#endif

#if !defined(WLR__SUMS_SECONDARY)
/* one copy of these (the scalar build's) */
double wlr__kernel_exp(double x) { return wlr__exp_nonpos(x); }
double wlr__kernel_log1p(double e) { return wlr__log1p_unit(e); }
#endif

/* acc[l] += v[k] (u == NULL) or v[k] u[k], row k into lane k mod
 * WLR__LANES; a run of fewer rows than a multiple of the lanes ends in
 * lanes 0 .. n mod WLR__LANES - 1. */
static inline void lane_sums(const double *restrict v, const double *restrict u,
                             size_t n, double *restrict acc)
{
    size_t k = 0;
    if (u) {
        for (; k + WLR__LANES <= n; k += WLR__LANES)
            for (size_t l = 0; l < WLR__LANES; l++) acc[l] += v[k + l] * u[k + l];
        for (size_t l = 0; k + l < n; l++) acc[l] += v[k + l] * u[k + l];
    } else {
        for (; k + WLR__LANES <= n; k += WLR__LANES)
            for (size_t l = 0; l < WLR__LANES; l++) acc[l] += v[k + l];
        for (size_t l = 0; k + l < n; l++) acc[l] += v[k + l];
    }
}

/* The lanes, added in order. */
static inline double lanes_total(const double *acc)
{
    double s = 0;
    for (size_t l = 0; l < WLR__LANES; l++) s += acc[l];
    return s;
}

/*
 * Rows lo .. hi - 1 a chunk of WLR__CHUNK rows at a time: per chunk, the
 * scaled columns, z, then the row terms (loss term t, r, h), then each sum
 * in WLR__LANES lanes started from zero; after the chunk each lane is added
 * into the range's lanes (two levels, so that no lane's sum grows over more
 * than ~WLR__CHUNK / WLR__LANES + (hi - lo) / WLR__CHUNK terms), and at the
 * end the range's lanes are added up in order into out.
 */
void WLR__SUMS_PATH(const wlr__sums_args *a, size_t lo, size_t hi, double *out,
                    double *scratch)
{
    const wlr_dataset *d = a->d;
    size_t D = d->n_features, P = D + 1, N = d->n_rows;
    size_t n_out = WLR__SUMS_OUT(D, a->hess);
    double *range = scratch, *chunk = range + WLR__LANES * n_out;
    double *xs = chunk + WLR__LANES * n_out;            /* D columns */
    double *z = xs + (size_t)WLR__CHUNK * D, *v = z + WLR__CHUNK,
           *t = v + WLR__CHUNK, *r = t + WLR__CHUNK, *h = r + WLR__CHUNK,
           *hx = h + WLR__CHUNK;
    const double *theta = a->theta;
    double c0 = a->cw[0], nc1 = -a->cw[1];
    memset(range, 0, WLR__LANES * n_out * sizeof *range);
    for (size_t i = lo; i < hi; i += WLR__CHUNK) {
        size_t n = hi - i < WLR__CHUNK ? hi - i : WLR__CHUNK;
        const uint8_t *restrict y = d->y + i;
        /* x' and z = b' + sum_j w'_j x'_j */
        for (size_t k = 0; k < n; k++) z[k] = theta[D];
        for (size_t j = 0; j < D; j++) {
            const double *restrict x = d->x + j * N + i;
            double *restrict xj = xs + j * WLR__CHUNK;
            if (a->inv_sd) {
                double m = a->mu[j], s = a->inv_sd[j];
                for (size_t k = 0; k < n; k++) xj[k] = (x[k] - m) * s;
            } else {
                memcpy(xj, x, n * sizeof *xj);
            }
            double wj = theta[j];
            for (size_t k = 0; k < n; k++) z[k] = fma(wj, xj[k], z[k]);
        }
        /* the signed weights, then the row terms */
        for (size_t k = 0; k < n; k++) v[k] = y[k] ? nc1 : c0;
        if (d->weight) {
            const double *restrict s = d->weight + i;
            for (size_t k = 0; k < n; k++) v[k] = v[k] * s[k];
        }
        for (size_t k = 0; k < n; k++) {
            double e = wlr__exp_nonpos(-fabs(z[k])), q = 1.0 / (1.0 + e);
            double u = (z[k] >= 0) == (v[k] >= 0) ? 1.0 : e;
            double sp = (z[k] > 0 ? z[k] : 0.0) + wlr__log1p_unit(e);
            /* y z as a product, so that a NaN z makes a NaN loss */
            t[k] = fabs(v[k]) * (sp - (double)y[k] * z[k]);
            r[k] = v[k] * (u * q);
            h[k] = fabs(v[k]) * (e * q * q);
        }
        /* the chunk's sums */
        memset(chunk, 0, WLR__LANES * n_out * sizeof *chunk);
        lane_sums(t, NULL, n, chunk);
        for (size_t j = 0; j < D; j++)
            lane_sums(r, xs + j * WLR__CHUNK, n, chunk + (1 + j) * WLR__LANES);
        lane_sums(r, NULL, n, chunk + P * WLR__LANES);
        if (a->hess) {
            double *H = chunk + (1 + P) * WLR__LANES;
            for (size_t j = 0; j < P; j++) {
                const double *xj = j < D ? xs + j * WLR__CHUNK : NULL;
                if (xj) for (size_t k = 0; k < n; k++) hx[k] = h[k] * xj[k];
                else memcpy(hx, h, n * sizeof *hx);
                for (size_t k = 0; k < j; k++)
                    lane_sums(hx, xs + k * WLR__CHUNK, n,
                              H + (j * (j + 1) / 2 + k) * WLR__LANES);
                lane_sums(hx, xj, n, H + (j * (j + 1) / 2 + j) * WLR__LANES);
            }
        }
        for (size_t q = 0; q < WLR__LANES * n_out; q++) range[q] += chunk[q];
    }
    for (size_t q = 0; q < n_out; q++) out[q] = lanes_total(range + q * WLR__LANES);
}
