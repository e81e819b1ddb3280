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
 * and their sums with x~ = (x', 1). exp and log1p are polynomials (below):
 * a libm call per row could not be vectorised.
 */
#include "kernel.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifndef WLR__SUMS_PATH
#define WLR__SUMS_PATH wlr__sums_scalar
#endif

/* e^x below e^-708 = 3e-308 is below everything it is added to by 290
 * orders of magnitude; clamping there keeps 2^n a normal number. */
#define EXP_MIN (-708.0)
/* log2(e), and ln 2 in two parts so that n * LN2_HI is exact for |n| < 2^11
 * (LN2_HI has 32 significant bits). */
#define LOG2E 1.4426950408889634
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define LN2 0.69314718055994530942
/* Adding 1.5 * 2^52 rounds a double below 2^51 in magnitude to an integer
 * and leaves it in the low bits of the mantissa. */
#define ROUND_SHIFT 6755399441055744.0
#define SQRT2 1.41421356237309504880

/*
 * e^x for EXP_MIN <= x <= 0 (below is clamped): n = round(x / ln 2),
 * r = x - n ln 2, |r| <= 0.347, e^r by its Taylor polynomial of degree 12
 * (truncation below 1.7e-16), times 2^n built from its bits. At most 3 ulp
 * from glibc's exp on [-708, 0] (tests/test_kernel.c checks 4e-16).
 */
static inline double exp_nonpos(double x)
{
    x = x < EXP_MIN ? EXP_MIN : x;
    double t = fma(x, LOG2E, ROUND_SHIFT);
    double n = t - ROUND_SHIFT;
    double r = fma(-n, LN2_LO, fma(-n, LN2_HI, x));
    double p = 1.0 / 479001600.0;
    p = fma(p, r, 1.0 / 39916800.0);
    p = fma(p, r, 1.0 / 3628800.0);
    p = fma(p, r, 1.0 / 362880.0);
    p = fma(p, r, 1.0 / 40320.0);
    p = fma(p, r, 1.0 / 5040.0);
    p = fma(p, r, 1.0 / 720.0);
    p = fma(p, r, 1.0 / 120.0);
    p = fma(p, r, 1.0 / 24.0);
    p = fma(p, r, 1.0 / 6.0);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    /* t's low bits hold 2^51 + n: with the bias added, shifted into the
     * exponent field, 2^n (n + 1023 is in 1..1023 for -1022 <= n <= 0) */
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/*
 * log(1 + e) for 0 <= e <= 1: u = 1 + e = 2^k m with m in [0.707, 1.414],
 * f = m - 1 (exact), log m = 2 atanh(s) with s = f / (2 + f), |s| <= 0.172,
 * = 2 s (1 + s^2/3 + ... + s^20/21) (truncation below 6e-19). The rounding
 * of 1 + e costs at most half an ulp of 1, so the error is absolute: at
 * most 2.3e-16 against glibc's log1p (tests check 4e-16).
 */
static inline double log1p_unit(double e)
{
    double u = 1.0 + e;
    int big = u > SQRT2;
    double m = big ? 0.5 * u : u;
    double k = big ? 1.0 : 0.0;
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double s2 = s * s;
    double q = 1.0 / 21.0;
    q = fma(q, s2, 1.0 / 19.0);
    q = fma(q, s2, 1.0 / 17.0);
    q = fma(q, s2, 1.0 / 15.0);
    q = fma(q, s2, 1.0 / 13.0);
    q = fma(q, s2, 1.0 / 11.0);
    q = fma(q, s2, 1.0 / 9.0);
    q = fma(q, s2, 1.0 / 7.0);
    q = fma(q, s2, 1.0 / 5.0);
    q = fma(q, s2, 1.0 / 3.0);
    q = fma(q, s2, 1.0);
    return k * LN2 + 2.0 * s * q;
}

#if !defined(WLR__SUMS_SECONDARY)
/* one copy of these (the scalar build's) */
double wlr__kernel_exp(double x) { return exp_nonpos(x); }
double wlr__kernel_log1p(double e) { return log1p_unit(e); }
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
            double e = exp_nonpos(-fabs(z[k])), q = 1.0 / (1.0 + e);
            double u = (z[k] >= 0) == (v[k] >= 0) ? 1.0 : e;
            double sp = (z[k] > 0 ? z[k] : 0.0) + log1p_unit(e);
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
