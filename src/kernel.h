/*
 * kernel.h - the fast kernels behind train.c: what each computes, and the
 * paths (instruction sets) each comes in.
 *
 * train.c says what training computes, one row at a time, in double
 * precision with libm. Two of its loops run over every row many times, and
 * each has a fast twin here:
 *
 * 1. THE STEP: train.c's batch_gradient, gradient descent's sums over a
 *    batch at theta = (w', b'),
 *      G_j = sum_i g_i x'_ij  (j < D),   G_D = sum_i g_i,
 *      g_i = c_{y_i} s_i (p_i - y_i),  p_i = sigma(z_i),  z_i = b' + w' . x'_i,
 *    in single precision (the noise of a 100-row batch dwarfs a float's
 *    rounding), 8 rows a vector. Tested (tests/test_kernel.c): each row's
 *    g_i within 3e-7 (|z_i| + 5) relative of the exact value at the same
 *    float inputs; each sum G_j within sum_i |g_i x'_ij| (1.5e-6 +
 *    6e-8 (D + 1) sum_k |w'_k x'_ik|) of the exact sum (the float sums'
 *    rounding, and z's); the same bits on every path.
 *
 * 2. THE SUMS: train.c's wlr__objective over a range of rows, in double
 *    precision: the loss sum, the gradient sums and (for Newton) the
 *    Hessian sums, with exp and log1p as polynomials accurate to 4e-16.
 *    Tested: within 1e-12 relative of wlr__objective, the same bits on
 *    every path.
 *
 * THE PATHS. Each kernel is compiled once per instruction set, from files
 * built with their own flags, and the best the CPU runs is chosen once, at
 * the first use (kernel.c):
 *   scalar  plain C, every machine (kernel_step.c; kernel_sums.c without
 *           the vectoriser)
 *   avx2    x86-64 with AVX2 and FMA (kernel_step_avx2.c; kernel_sums.c
 *           with -mavx2 -mfma)
 *   neon    aarch64 (kernel_step_neon.c; kernel_sums.c vectorised)
 * The environment variable WLR_KERNEL=scalar|avx2|neon forces one, so that
 * one machine can test and time every path it can run.
 *
 * SAME BITS ON EVERY PATH. Every path does the same IEEE operations in the
 * same order: row k of a chunk goes to lane k mod 8 (WLR__LANES) on every
 * path, vector or not; a * b + c is either two roundings (a plain multiply
 * and add: -ffp-contract=off everywhere) or one, written as fma()/fmaf()
 * or its intrinsic (the same IEEE operation on every machine); lanes are
 * added up in one fixed tree. No reciprocal estimates, no flushing of tiny
 * numbers to zero, no -ffast-math.
 */
#ifndef WLR_KERNEL_H
#define WLR_KERNEL_H

#include "internal.h"

/* Rows a vector holds, on every path: 8 floats fill an AVX2 register and two
 * NEON ones; the scalar path keeps 8 lanes too, so its sums are the same. */
#define WLR__LANES 8
/* A step's rows are summed a chunk at a time: each lane holds at most
 * WLR__CHUNK / 16 terms in float (two sets of lanes) before the chunk's
 * totals are added to G in double. */
#define WLR__CHUNK 256

/*
 * The step's kernel, one chunk: n <= WLR__CHUNK rows whose scaled features
 * x'_j are at x[j * stride + k] (k < n) and signed row weights v at
 * x[D * stride + k], where v = c_0 s (y = 0) or -c_1 s (y = 1): the sign
 * carries the label, the size the weight. theta holds b' and w' as floats
 * (theta[D] = b'). Adds the chunk's sums to G[0..D] (double). It may read
 * (never use) up to WLR__LANES - 1 rows past n in every column.
 */
typedef void (*wlr__step_fn)(const float *x, size_t stride, size_t D, size_t n,
                             const float *theta, double *G);

/* The sums' kernel: what it reads, and what it adds up. */
typedef struct {
    const wlr_dataset *d;
    const double *mu, *inv_sd;  /* x' = (x - mu) inv_sd; NULL = x' = x */
    double cw[2];
    const double *theta;        /* D + 1: w', b' */
    int hess;                   /* 1 = the Hessian sums too */
} wlr__sums_args;

/*
 * Over rows lo .. hi - 1, with r_i = c s (p - y), h_i = c s p (1 - p) and
 * x~ = (x', 1):
 *   out[0]           = sum_i c s [softplus(z_i) - y_i z_i]
 *   out[1 + j]       = sum_i r_i x~_ij                       (j <= D)
 *   out[1 + P + t]   = sum_i h_i x~_ij x~_ik   (with hess; t = j (j + 1) / 2
 *                      + k for k <= j, P = D + 1)
 * scratch holds WLR__SUMS_SCRATCH(D) doubles.
 */
typedef void (*wlr__sums_fn)(const wlr__sums_args *a, size_t lo, size_t hi,
                             double *out, double *scratch);
#define WLR__SUMS_OUT(D, hess) \
    (1 + ((D) + 1) + ((hess) ? ((D) + 1) * ((D) + 2) / 2 : 0))
#define WLR__SUMS_SCRATCH(D) \
    (2 * WLR__LANES * WLR__SUMS_OUT(D, 1) + (size_t)WLR__CHUNK * ((D) + 6))

/* A path: its name and its two kernels. */
typedef struct {
    const char *name;
    wlr__step_fn step;
    wlr__sums_fn sums;
} wlr__kernel;

/* The path in use (chosen once), or NULL if WLR_KERNEL names one this CPU
 * cannot run. */
const wlr__kernel *wlr__kernel_get(void);
/* Test hook: the path named, or NULL if this build or CPU has none. */
const wlr__kernel *wlr__kernel_named(const char *name);
/* Test and benchmark hook: use path k from now on (never while training
 * runs on another thread). */
void wlr__kernel_use(const wlr__kernel *k);
/* Test hook: every path this build has and this CPU runs, scalar first;
 * returns how many (at most 3). */
size_t wlr__kernels_available(const wlr__kernel **paths);

/* The paths' kernels, one per file (only those of the machine's
 * architecture exist). */
void wlr__step_scalar(const float *x, size_t stride, size_t D, size_t n,
                      const float *theta, double *G);
void wlr__step_avx2(const float *x, size_t stride, size_t D, size_t n,
                    const float *theta, double *G);
void wlr__step_neon(const float *x, size_t stride, size_t D, size_t n,
                    const float *theta, double *G);
void wlr__sums_scalar(const wlr__sums_args *a, size_t lo, size_t hi,
                      double *out, double *scratch);
void wlr__sums_avx2(const wlr__sums_args *a, size_t lo, size_t hi,
                    double *out, double *scratch);
void wlr__sums_neon(const wlr__sums_args *a, size_t lo, size_t hi,
                    double *out, double *scratch);

/* e^-|x| in single precision as every step path computes it, exposed for
 * its accuracy test; and the sums' e^x (x <= 0) and log(1 + e) (0 <= e
 * <= 1) in double. */
float wlr__kernel_expf(float x);
double wlr__kernel_exp(double x);
double wlr__kernel_log1p(double e);

#endif
