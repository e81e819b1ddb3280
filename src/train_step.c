/*
 * train_step.c - gradient descent's step in single precision: each batch's
 * gradient sums, 16 rows at a time, and the loop of an epoch's steps.
 *
 * THE STEP'S SUMS. Every batch of gradient descent needs the raw sums
 *   G_j = sum_i g_i x'_ij  (j < D),   G_D = sum_i g_i,
 *   g_i = c_{y_i} s_i (p_i - y_i),  p_i = sigma(z_i),  z_i = b' + w' . x'_i,
 * on the scaled features x' at the scaled parameters theta = (w', b'). The
 * noise of a step (100 rows of 80,000) dwarfs the rounding of single
 * precision, so a step is computed in floats, FLANES = 16 rows at a time
 * (one AVX-512 register, two AVX2 ones, four SSE ones):
 *   1. x'_ij and the signed weight w_i = c_0 s_i (y_i = 0) or -c_1 s_i
 *      (y_i = 1), as floats: from a copy made once (wlr__fast_rows_set) or
 *      converted from the dataset as the rows are read, the same floats;
 *   2. z = b' + w'_1 x'_1 + ... + w'_D x'_D in floats, in that order;
 *   3. g = w u / (1 + e) with e = e^-|z| and u = e where z and w have
 *      opposite signs, else 1 (see row_grads: no cancellation where p is
 *      near y);
 *   4. g x'_j and g added into 16 float lanes (row k of a run into lane
 *      k mod 16); after every FLUSH_ROWS rows of a run, and at its end, each
 *      sum's lanes are added in a fixed tree (lanes_total_f) and the total
 *      is added to G in double.
 * Every operation is the same IEEE one on every lane, and the lanes are
 * added in the same order, on every clone (the vector types below are
 * GNU C's: one instruction per 16 lanes on AVX-512, two on AVX2, four on
 * SSE), so the sums are the same bits on every machine, from the copy or
 * from the dataset.
 *
 * ERROR, per row (tests/test_step.c): theta and x' round to float, and z
 * is accumulated by D fused multiply-adds (one rounding each), so z is off
 * by about (|b'| + sum_j |w'_j x'_j|) (D + 1) 2^-24; an absolute error d in
 * z is a relative error of about d in e^-|z|; the exponential
 * (fv_exp_neg_abs), 1 + e and the division add about 3 ulp. The sums add
 * at most FLUSH_ROWS / 16 terms per lane in float before they reach
 * double. All of it is far below the noise of a batch's gradient; the
 * losses, the final gradient and Newton are in double.
 *
 * SPEED. At batch 100 a step's arithmetic is short and each step waits
 * for the last (z needs the new theta): what sets the pace is the chain
 * theta -> z -> e -> g -> sums -> theta. Hence the exponential in Estrin's
 * scheme (depth 3, not 7), 2^n added into the exponent bits, the clamp on
 * the integer bits, one division for u / (1 + e) times w, two groups of 16
 * rows per loop turn (so that the next group's loads and arithmetic overlap
 * the last's), and the update fused into this loop (wlr__gd_step, inline).
 */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FLANES 16
/* The float lanes of a run are added up and into G (in double) after this
 * many rows: each lane then holds at most 16 rows' terms. */
#define FLUSH_ROWS 256
/* Feature counts compiled with D known (the loops over j unrolled, every
 * x'_j of a group in a register); more features take the general loop, up
 * to STEP_MAX_D (its vectors on the stack: 2 (D + 1) 64 bytes); beyond
 * that the step is summed in double, by the final gradient's loops. */
#define STEP_UNROLLED_D 4
#define STEP_MAX_D 256
/* So is it when a feature (scaled) is beyond +-2^64 in magnitude: floats
 * reach 3.4e38 (2^128), and z = b' + sum_j w'_j x'_j must not overflow
 * them while the model is sane. And when a row weight c_y s is neither 0
 * nor within [2^-64, 2^40]: then |g x'| <= 2^104 and a lane's FLUSH_ROWS
 * / 16 terms stay below 2^108, and the typical g (w times a p - y of
 * 1e-3 to 1) stays a normal float (above 2^-126), where a weight of 1e39
 * would round to infinity and one of 1e-46 to zero. */
#define STEP_MAX_X 18446744073709551616.0
#define STEP_MIN_W 0x1p-64
#define STEP_MAX_W 0x1p40
/* Below e^-86 = 4.5e-38, 2^n (n >= -124) and e^x would leave the normal
 * floats; no gradient weight needs them. */
#define EXPF_MIN (-86.0f)
#define LOG2EF 1.44269504f
#define LN2F 0.693147182f
/* Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer and
 * leaves it in the low mantissa bits. */
#define ROUND_SHIFTF 12582912.0f

/* The helpers below take and return 64-byte vectors and are always inlined,
 * so the calling convention gcc and clang warn about (-Wpsabi: how such
 * vectors are passed without AVX-512) never applies. (gcc also prints a
 * note on it that only the command line's -Wno-psabi silences: see the
 * Makefile.) */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

typedef float fv __attribute__((vector_size(FLANES * sizeof(float))));
typedef int32_t iv __attribute__((vector_size(FLANES * sizeof(int32_t))));
typedef uint32_t uv __attribute__((vector_size(FLANES * sizeof(uint32_t))));
typedef float fv8 __attribute__((vector_size(8 * sizeof(float))));
typedef double dv8 __attribute__((vector_size(8 * sizeof(double))));
typedef int64_t lv8 __attribute__((vector_size(8 * sizeof(int64_t))));
/* The same vectors at any element-aligned address. */
typedef float fv_u __attribute__((vector_size(FLANES * sizeof(float)), aligned(4),
                                  may_alias));
typedef double dv8_u __attribute__((vector_size(8 * sizeof(double)), aligned(8),
                                    may_alias));
#define INLINE static inline __attribute__((always_inline))

/* stmt for j = 0 .. n - 1, n <= STEP_UNROLLED_D + 1 a constant, written out
 * with j a constant in each copy: arrays indexed so, from the start, the
 * compiler keeps in registers (a loop, even one it unrolls later, keeps
 * them in memory: theta and G waited for a store and a load every step). */
#define FOR_J(n, stmt)                                                       \
    do {                                                                     \
        { const size_t j = 0; if (j < (n)) { stmt; } }                       \
        { const size_t j = 1; if (j < (n)) { stmt; } }                       \
        { const size_t j = 2; if (j < (n)) { stmt; } }                       \
        { const size_t j = 3; if (j < (n)) { stmt; } }                       \
        { const size_t j = 4; if (j < (n)) { stmt; } }                       \
    } while (0)

/* v in every lane. (A loop: gcc 12 turns the initialiser {v, v, ...} of a
 * variable into 16 inserts.) */
INLINE fv fv_splat(float v)
{
    fv r;
    for (int k = 0; k < FLANES; k++) r[k] = v;
    return r;
}

INLINE iv iv_splat(int32_t v)
{
    iv r;
    for (int k = 0; k < FLANES; k++) r[k] = v;
    return r;
}

INLINE dv8 dv8_splat(double v)
{
    dv8 r;
    for (int k = 0; k < 8; k++) r[k] = v;
    return r;
}

INLINE lv8 lv8_splat(int64_t v)
{
    lv8 r;
    for (int k = 0; k < 8; k++) r[k] = v;
    return r;
}

/* a b + c rounded once, lane by lane: one instruction on v3 and v4, libm's
 * fmaf (exact, slower) on the baseline; the same bits everywhere. */
INLINE fv fv_fma(fv a, fv b, fv c)
{
    fv r;
    for (int k = 0; k < FLANES; k++) r[k] = fmaf(a[k], b[k], c[k]);
    return r;
}

/* m ? a : b lane by lane, m all ones or all zeros. */
INLINE fv fv_select(iv m, fv a, fv b)
{
    return (fv)((m & (iv)a) | (~m & (iv)b));
}

INLINE fv fv_load(const float *p)
{
    return *(const fv_u *)p;
}

/* 16 doubles rounded to floats. */
INLINE fv fv_round(dv8 lo, dv8 hi)
{
    fv8 a = __builtin_convertvector(lo, fv8), b = __builtin_convertvector(hi, fv8);
    return __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                   12, 13, 14, 15);
}

/* Lanes 0 .. n-1 all ones, the others zero (n <= 16): 16 of the words
 * below, from the (16 - n)-th. (A load: gcc 12 makes 16 inserts of a
 * splat of n.) */
static const int32_t live_words[2 * FLANES] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

INLINE iv live_lanes(size_t n)
{
    return (iv)fv_load((const float *)(live_words + FLANES - n));
}

/*
 * e^-|x| in single precision, lane by lane:
 *   x = -|x| (the sign bit set), clamped at EXPF_MIN;
 *   n = round(x / ln 2), r = x - n ln 2 (one fused step with ln 2 rounded
 *   to float: its error |n| 1.9e-9 is 20 times below what rounding z to
 *   float already costs), |r| <= 0.347;
 *   e^r by its Taylor polynomial of degree 7 (truncation below r^8 / 8! =
 *   5e-9 relative), evaluated in Estrin's scheme:
 *     (1 + r) + r^2 (1/2 + r/6) + r^4 [(1/24 + r/120) + r^2 (1/720 + r/5040)];
 *   2^n e^r by adding n to the exponent field of e^r (which stays >= 2).
 * The clamp works on the bits: for floats with the sign bit set, a more
 * negative float is a larger signed integer, so max(x, EXPF_MIN) is the
 * integer min of the two (a NaN z, sign bit set, becomes EXPF_MIN).
 * Measured against glibc's exp over [-86, 86] (tests/test_step.c):
 * relative error at most 1.8e-7 + 2.2e-9 |x| (the second term from ln 2
 * rounded to float), 1.64e-7 at worst on [-10, 10].
 */
INLINE fv fv_exp_neg_abs(fv x)
{
    iv bits = (iv)x | iv_splat(INT32_MIN), lo = (iv)fv_splat(EXPF_MIN);
    x = fv_select(bits < lo, (fv)bits, (fv)lo);
    fv t = fv_fma(x, fv_splat(LOG2EF), fv_splat(ROUND_SHIFTF));
    fv n = t - fv_splat(ROUND_SHIFTF);
    fv r = fv_fma(-n, fv_splat(LN2F), x);
    fv r2 = r * r, r4 = r2 * r2;
    fv p01 = r + fv_splat(1.0f);
    fv p23 = fv_fma(r, fv_splat(1.0f / 6.0f), fv_splat(0.5f));
    fv p45 = fv_fma(r, fv_splat(1.0f / 120.0f), fv_splat(1.0f / 24.0f));
    fv p67 = fv_fma(r, fv_splat(1.0f / 5040.0f), fv_splat(1.0f / 720.0f));
    fv p = fv_fma(r4, fv_fma(r2, p67, p45), fv_fma(r2, p23, p01));
    /* t's low bits hold 2^22 + n, so (t << 23) is n in the exponent field */
    return (fv)((uv)p + ((uv)t << 23));
}

float wlr__fast_expf(float x)
{
    return fv_exp_neg_abs(fv_splat(x))[0];
}

/* Step 3 for 16 rows: g = w u / (1 + e), e = e^-|z|, u = e where the sign
 * bits of z and w differ, else 1. */
INLINE fv row_grads_f(fv z, fv w)
{
    fv e = fv_exp_neg_abs(z);
    iv differ = ((iv)z ^ (iv)w) >> 31;
    return fv_select(differ, w * e, w) / (fv_splat(1.0f) + e);
}

/* Bit k of the result is y[k], for 16 labels of 0 or 1: each byte's bit
 * lands in the top byte of the product, at bit 56 + k. */
static inline uint32_t label_bits(const uint8_t *y)
{
    uint64_t lo, hi;
    memcpy(&lo, y, 8);
    memcpy(&hi, y + 8, 8);
    lo = (lo * 0x0102040810204080ULL) >> 56;
    hi = (hi * 0x0102040810204080ULL) >> 56;
    return (uint32_t)(lo | hi << 8);
}

/* The row weight as a float, from the class weight c_0 or -c_1 and s. */
static inline float signed_weight(const wlr__fast_rows *r, size_t i)
{
    double c = r->d->y[i] ? -r->cw[1] : r->cw[0];
    return (float)(r->d->weight ? c * r->d->weight[i] : c);
}

/* x'_ij as a float. */
static inline float scaled_x(const wlr__fast_rows *r, size_t j, size_t i)
{
    double x = r->d->x[j * r->d->n_rows + i];
    return (float)(r->scaled ? (x - r->mu[j]) * r->inv_sd[j] : x);
}

/* x'_j of the 16 rows from i, converted from the dataset (the same floats
 * as scaled_x); i + 16 <= n_rows. */
INLINE fv convert_x(const wlr__fast_rows *r, size_t j, size_t i)
{
    const double *x = r->d->x + j * r->d->n_rows + i;
    dv8 lo = *(const dv8_u *)x, hi = *(const dv8_u *)(x + 8);
    if (r->scaled) {
        dv8 mu = dv8_splat(r->mu[j]), inv = dv8_splat(r->inv_sd[j]);
        lo = (lo - mu) * inv;
        hi = (hi - mu) * inv;
    }
    return fv_round(lo, hi);
}

/* w of the 16 rows from i, converted from the labels and weights (the same
 * floats as signed_weight); i + 16 <= n_rows. */
INLINE fv convert_w(const wlr__fast_rows *r, size_t i)
{
    uint32_t bits = label_bits(r->d->y + i);
    if (!r->d->weight) {
        iv lane = {1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7,
                   1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14,
                   1 << 15};
        iv one = (iv_splat((int32_t)bits) & lane) != 0;
        return fv_select(one, fv_splat((float)-r->cw[1]), fv_splat((float)r->cw[0]));
    }
    lv8 lane = {1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7};
    lv8 lo_one = (lv8_splat(bits & 0xff) & lane) != 0;
    lv8 hi_one = (lv8_splat(bits >> 8) & lane) != 0;
    dv8 c0 = dv8_splat(r->cw[0]), c1 = dv8_splat(-r->cw[1]);
    dv8 clo = (dv8)((lo_one & (lv8)c1) | (~lo_one & (lv8)c0));
    dv8 chi = (dv8)((hi_one & (lv8)c1) | (~hi_one & (lv8)c0));
    const double *s = r->d->weight + i;
    return fv_round(clo * *(const dv8_u *)s, chi * *(const dv8_u *)(s + 8));
}

/* Stages the 16 rows from i, of which the first `live` belong to the run,
 * into buf: x'_j at buf + 16 j, w at buf + 16 D, the other rows' lanes
 * zero (so that they add nothing, and nothing that is not a number). From
 * the copy (masked) or converted from the dataset; near the end of the
 * dataset, where 16 rows are not there to read, the live rows one at a
 * time. (The group then reads its inputs from memory, like the copy's:
 * vectors that arrive by different paths would stop the compiler from
 * vectorising fv_fma's lanes.) */
INLINE void stage_group(const wlr__fast_rows *r, size_t i, size_t live, size_t D,
                        int copy, float *buf)
{
    iv keep = live_lanes(live);
    if (copy) {
        for (size_t j = 0; j <= D; j++)
            *(fv_u *)(buf + j * FLANES) =
                (fv)((iv)fv_load(r->copy + j * r->stride + i) & keep);
    } else if (i + FLANES <= r->d->n_rows) {
        for (size_t j = 0; j < D; j++)
            *(fv_u *)(buf + j * FLANES) = (fv)((iv)convert_x(r, j, i) & keep);
        *(fv_u *)(buf + D * FLANES) = (fv)((iv)convert_w(r, i) & keep);
    } else {
        memset(buf, 0, (D + 1) * FLANES * sizeof *buf);
        for (size_t k = 0; k < live; k++) {
            for (size_t j = 0; j < D; j++) buf[j * FLANES + k] = scaled_x(r, j, i + k);
            buf[D * FLANES + k] = signed_weight(r, i + k);
        }
    }
}

/* Steps 2-4 for 16 rows whose x'_j are at x + j stride and w at
 * x + D stride: acc[j] += g x'_j, acc[D] += g. th holds theta's D + 1
 * floats, each in every lane. */
INLINE void step_group(const float *x, size_t stride, const fv *th, size_t D,
                       fv *acc, iv keep, int masked)
{
    fv z = th[D];
#pragma GCC unroll 4
    for (size_t j = 0; j < D; j++) z = fv_fma(th[j], fv_load(x + j * stride), z);
    fv g = row_grads_f(z, fv_load(x + D * stride));
    if (masked) g = (fv)((iv)g & keep);
#pragma GCC unroll 4
    for (size_t j = 0; j < D; j++)
        acc[j] = fv_fma(g, fv_load(x + j * stride), acc[j]);
    acc[D] = acc[D] + g;
}

/* The group of the 16 rows from i (`live` in the run): read from the copy
 * in place when whole, else staged in buf ((D + 1) 16 floats). */
INLINE void run_group(const wlr__fast_rows *r, size_t i, size_t live,
                      const fv *th, size_t D, int copy, fv *acc, float *buf)
{
    if (copy && live == FLANES) {
        step_group(r->copy + i, r->stride, th, D, acc, live_lanes(0), 0);
        return;
    }
    if (copy) {
        step_group(r->copy + i, r->stride, th, D, acc, live_lanes(live), 1);
        return;
    }
    stage_group(r, i, live, D, copy, buf);
    step_group(buf, FLANES, th, D, acc, live_lanes(0), 0);
}

/* The 16 lanes added in a fixed tree: halves, quarters, eighths, pairs. */
INLINE float lanes_total_f(fv v)
{
    v = v + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1,
                                    2, 3, 4, 5, 6, 7);
    v = v + __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14,
                                    15, 8, 9, 10, 11);
    v = v + __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9,
                                    14, 15, 12, 13);
    v = v + __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10,
                                    13, 12, 15, 14);
    return v[0];
}

/* G[j] += the lanes of acc[j] added up, j <= D. Three sums (D = 2) are
 * added up together, the same tree (lanes_total_f) on the three at once
 * with half the shuffles: the first level pairs acc[0] and acc[1] in one
 * vector (and acc[2] with itself), the second all three. */
INLINE void flush_sums(const fv *acc, size_t D, double *G)
{
    if (D <= STEP_UNROLLED_D && D != 2) {
        FOR_J(D + 1, G[j] += (double)lanes_total_f(acc[j]));
        return;
    }
    if (D != 2) {
        for (size_t j = 0; j <= D; j++) G[j] += (double)lanes_total_f(acc[j]);
        return;
    }
    fv a = acc[0], b = acc[1], c = acc[2];
    /* [a halves added | b halves added] and [c halves added | the same] */
    fv ab = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18,
                                    19, 20, 21, 22, 23) +
            __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25,
                                    26, 27, 28, 29, 30, 31);
    fv cc = c + __builtin_shufflevector(c, c, 8, 9, 10, 11, 12, 13, 14, 15, 0,
                                        1, 2, 3, 4, 5, 6, 7);
    /* quarters: [a | b | c | c], four lanes each */
    fv q = __builtin_shufflevector(ab, cc, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18,
                                   19, 20, 21, 22, 23) +
           __builtin_shufflevector(ab, cc, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21,
                                   22, 23, 16, 17, 18, 19);
    /* eighths, then pairs, within each four */
    q = q + __builtin_shufflevector(q, q, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9,
                                    14, 15, 12, 13);
    q = q + __builtin_shufflevector(q, q, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10,
                                    13, 12, 15, 14);
    G[0] += (double)q[0];
    G[1] += (double)q[4];
    G[2] += (double)q[8];
}

/* theta's D + 1 values rounded to floats, each in every lane of th[j]. */
INLINE void theta_lanes(const double *theta, size_t D, fv *th)
{
    if (D <= STEP_UNROLLED_D)
        FOR_J(D + 1, th[j] = fv_splat((float)theta[j]));
    else
        for (size_t j = 0; j <= D; j++) th[j] = fv_splat((float)theta[j]);
}

/* G = the step's sums over the runs, at theta given as th (theta_lanes): D
 * is r's feature count, a constant where unrolled; copy says whether r has
 * its copy; acc holds D + 1 vectors. */
INLINE void step_sums_in(const wlr__fast_rows *r, const fv *th,
                         const size_t *first, const size_t *count, int n_runs,
                         double *G, size_t D, int copy, fv *acc, float *buf)
{
    if (D <= STEP_UNROLLED_D)
        FOR_J(D + 1, G[j] = 0);
    else
        for (size_t j = 0; j <= D; j++) G[j] = 0;
    for (int run = 0; run < n_runs; run++) {
        size_t end = first[run] + count[run];
        for (size_t lo = first[run]; lo < end; lo += FLUSH_ROWS) {
            size_t hi = end - lo < FLUSH_ROWS ? end : lo + FLUSH_ROWS, i = lo;
            if (D <= STEP_UNROLLED_D)
                FOR_J(D + 1, acc[j] = fv_splat(0.0f));
            else
                for (size_t j = 0; j <= D; j++) acc[j] = fv_splat(0.0f);
            for (; i + 2 * FLANES <= hi; i += 2 * FLANES) {
                run_group(r, i, FLANES, th, D, copy, acc, buf);
                run_group(r, i + FLANES, FLANES, th, D, copy, acc,
                          buf + (D + 1) * FLANES);
            }
            for (; i + FLANES <= hi; i += FLANES)
                run_group(r, i, FLANES, th, D, copy, acc, buf);
            if (i < hi) run_group(r, i, hi - i, th, D, copy, acc, buf);
            flush_sums(acc, D, G);
        }
    }
}

/* step_sums_in for D <= STEP_UNROLLED_D, a constant: its vectors are
 * locals, which the compiler keeps in registers. */
INLINE void step_sums(const wlr__fast_rows *r, const fv *th,
                      const size_t *first, const size_t *count, int n_runs,
                      double *G, size_t D, int copy)
{
    fv acc[STEP_UNROLLED_D + 1];
    float buf[2 * (STEP_UNROLLED_D + 1) * FLANES];
    step_sums_in(r, th, first, count, n_runs, G, D, copy, acc, buf);
}

/* step_sums_in for any D up to STEP_MAX_D, its vectors on the stack. */
WLR__VECTOR_CLONES
static void step_sums_general(const wlr__fast_rows *r, const double *theta,
                              const size_t *first, const size_t *count,
                              int n_runs, double *G)
{
    fv th[STEP_MAX_D + 1], acc[STEP_MAX_D + 1];
    float buf[2 * (STEP_MAX_D + 1) * FLANES];
    size_t D = r->d->n_features;
    theta_lanes(theta, D, th);
    if (r->copy)
        step_sums_in(r, th, first, count, n_runs, G, D, 1, acc, buf);
    else
        step_sums_in(r, th, first, count, n_runs, G, D, 0, acc, buf);
}

/* step_sums with D a constant where it can be. */
INLINE void step_sums_any(const wlr__fast_rows *r, const double *theta,
                          const size_t *first, const size_t *count, int n_runs,
                          double *G)
{
    int copy = r->copy != NULL;
    fv th[STEP_UNROLLED_D + 1];
#define STEP_D(D) (theta_lanes(theta, D, th),                                    \
                   copy ? step_sums(r, th, first, count, n_runs, G, D, 1)        \
                        : step_sums(r, th, first, count, n_runs, G, D, 0))
    switch (r->d->n_features) {
    case 1: STEP_D(1); break;
    case 2: STEP_D(2); break;
    case 3: STEP_D(3); break;
    case 4: STEP_D(4); break;
    default: step_sums_general(r, theta, first, count, n_runs, G); break;
    }
#undef STEP_D
}



/* ----------------------------------------------- the step's rows and loop */

/* The copy's columns are padded to a multiple of FLANES rows with at least
 * FLANES zero rows after the last, so that a group of 16 from any row is
 * there to read. */
static size_t copy_stride(size_t n_rows)
{
    return (n_rows + 2 * FLANES - 1) / FLANES * FLANES;
}

/* The copy's columns: x'_j and w, 16 rows at a time by the very functions
 * the convert path reads with (convert_x, convert_w), the last rows one at
 * a time (scaled_x, signed_weight): the same floats. */
WLR__VECTOR_CLONES
static void fill_copy(const wlr__fast_rows *r, float *copy, size_t stride)
{
    size_t N = r->d->n_rows, D = r->d->n_features, i = 0;
    for (; i + FLANES <= N; i += FLANES) {
        for (size_t j = 0; j < D; j++)
            *(fv_u *)(copy + j * stride + i) = convert_x(r, j, i);
        *(fv_u *)(copy + D * stride + i) = convert_w(r, i);
    }
    for (; i < N; i++) {
        for (size_t j = 0; j < D; j++) copy[j * stride + i] = scaled_x(r, j, i);
        copy[D * stride + i] = signed_weight(r, i);
    }
}

/* Is every row weight c_y s 0 or within [STEP_MIN_W, STEP_MAX_W]? Checked
 * for both class weights against the smallest nonzero and the largest s
 * (s >= 0, which wlr_train checks), a bound on every row's. */
static int weights_fit_floats(const wlr__fast_rows *r)
{
    const double *s = r->d->weight;
    double lo = 1.0, hi = 1.0;
    if (s) {
        lo = INFINITY;
        hi = 0.0;
        for (size_t i = 0; i < r->d->n_rows; i++) {
            lo = s[i] > 0 && s[i] < lo ? s[i] : lo;
            hi = s[i] > hi ? s[i] : hi;
        }
        if (hi == 0.0) return 1;        /* every row weighs 0 */
    }
    for (int k = 0; k < 2; k++) {
        double c = r->cw[k];
        if (c != 0 && !(c * lo >= STEP_MIN_W && c * hi <= STEP_MAX_W)) return 0;
    }
    return 1;
}

/* Is every scaled feature within +-STEP_MAX_X (and a number)? */
static int features_fit_floats(const wlr__fast_rows *r)
{
    const wlr_dataset *d = r->d;
    for (size_t j = 0; j < d->n_features; j++) {
        double mu = r->scaled ? r->mu[j] : 0.0, inv = r->scaled ? r->inv_sd[j] : 1.0;
        if (!wlr__fast_within(d->x + j * d->n_rows, d->n_rows, mu, inv, STEP_MAX_X))
            return 0;
    }
    return 1;
}

void wlr__fast_rows_set(wlr__fast_rows *r, const wlr_dataset *d, const double cw[2],
                       const wlr__scaling *s, double *inv_sd, int copy)
{
    size_t D = d->n_features, stride = copy_stride(d->n_rows);
    memset(r, 0, sizeof *r);
    r->d = d;
    r->cw[0] = cw[0];
    r->cw[1] = cw[1];
    r->mu = s->mu;
    r->inv_sd = inv_sd;
    for (size_t j = 0; j < D; j++) {
        inv_sd[j] = 1.0 / s->sd[j];
        r->scaled |= s->mu[j] != 0 || s->sd[j] != 1;
    }
    r->in_double =
        D > STEP_MAX_D || !features_fit_floats(r) || !weights_fit_floats(r);
    if (!copy || r->in_double ||
        stride > WLR__FAST_COPY_MAX / sizeof(float) / (D + 1))
        return;
    float *c = malloc((D + 1) * stride * sizeof *c);
    if (!c) return;             /* converted as read: the same results */
    fill_copy(r, c, stride);
    /* the padding rows: zero */
    for (size_t j = 0; j <= D; j++)
        memset(c + j * stride + d->n_rows, 0, (stride - d->n_rows) * sizeof *c);
    r->copy = c;
    r->stride = stride;
}

void wlr__fast_rows_free(wlr__fast_rows *r)
{
    free(r->copy);
    r->copy = NULL;
}

/* A block of a big batch (wlr__sums_by_blocks). */
typedef struct {
    const wlr__fast_rows *r;
    const double *theta;
} step_ctx;

WLR__VECTOR_CLONES
static void step_block(const void *ctx, const size_t *first, const size_t *count,
                       int n_runs, double *out, double *scratch)
{
    const step_ctx *c = ctx;
    (void)scratch;
    step_sums_any(c->r, c->theta, first, count, n_runs, out);
}

/* Past STEP_MAX_D features, the step's sums in double: at (a, c) on the
 * original features, a_j = w'_j / sd_j and c = b' - sum_j a_j mu_j, turned
 * into the sums on the scaled features, G'_j = (G_j - mu_j G_D) / sd_j. */
static void step_sums_double(const wlr__fast_rows *r, const double *theta,
                             const size_t *first, const size_t *count,
                             int n_runs, double *G, double *scratch)
{
    size_t D = r->d->n_features;
    double *a = scratch, c = theta[D];
    for (size_t j = 0; j < D; j++) {
        a[j] = theta[j] * r->inv_sd[j];
        c -= a[j] * r->mu[j];
    }
    wlr__fast_grad_sums(r->d, r->cw, a, c, first, count, n_runs, G, scratch + D);
    for (size_t j = 0; j < D; j++) G[j] = (G[j] - r->mu[j] * G[D]) * r->inv_sd[j];
}

WLR__VECTOR_CLONES
void wlr__fast_step_sums(const wlr__fast_rows *r, const double *theta,
                        const size_t *first, const size_t *count, int n_runs,
                        double *G, double *scratch)
{
    size_t total = 0;
    for (int k = 0; k < n_runs; k++) total += count[k];
    if (r->in_double)
        step_sums_double(r, theta, first, count, n_runs, G, scratch);
    else if (total > WLR__FAST_GRAD_BLOCK) {
        step_ctx ctx = {r, theta};
        wlr__sums_by_blocks(step_block, &ctx, r->d->n_features + 1, first, count,
                           n_runs, G, scratch);
    }
    else
        step_sums_any(r, theta, first, count, n_runs, G);
}

/* A batch's rows asked into the cache PREFETCH_AHEAD batches before it is
 * summed: the batches are at random places, so on rows far bigger than the
 * cache each would otherwise start with a wait for memory in every column.
 * A hint only; it changes no result. Only when an epoch reads more than
 * PREFETCH_MIN_BYTES (smaller rows stay in the cache from epoch to epoch).
 * Into L2 (locality 2): measured on 2e7 training rows (25M generated,
 * `bench_train 25000000 --fast --epochs 5`) on an Intel Xeon VM, 8 batches
 * ahead gave 2.06-2.26e8 row-visits/s against 1.51-1.86e8 for 4, and 16
 * 1.45e8; on the Zen 5 VM of bench/README.md 16 measured the same as 8. */
#define PREFETCH_AHEAD 8
#define PREFETCH_MIN_BYTES ((size_t)4 << 20)
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 2)
#else
#define PREFETCH(p) ((void)(p))
#endif
/* Bytes per cache line, the prefetch's stride. */
#define CACHE_LINE 64

/* The bytes a pass over the rows reads. */
static size_t rows_bytes(const wlr__fast_rows *r)
{
    size_t D = r->d->n_features, N = r->d->n_rows;
    if (r->copy) return (D + 1) * N * sizeof(float);
    return N * (D * sizeof(double) + 1 + (r->d->weight ? sizeof(double) : 0));
}

/* Every cache line of the bytes [p, p + bytes), bytes > 0: from the line
 * holding the first byte to the one holding the last. */
static void prefetch_span(const void *p, size_t bytes)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHE_LINE - 1);
    uintptr_t end = (uintptr_t)p + bytes;
    for (; a < end; a += CACHE_LINE) PREFETCH((const void *)a);
}

static void prefetch_runs(const wlr__fast_rows *r, const size_t *first,
                          const size_t *count, int n_runs)
{
    const wlr_dataset *d = r->d;
    size_t D = d->n_features;
    for (int k = 0; k < n_runs; k++) {
        if (r->copy) {
            for (size_t j = 0; j <= D; j++)
                prefetch_span(r->copy + j * r->stride + first[k],
                              count[k] * sizeof(float));
            continue;
        }
        for (size_t j = 0; j < D; j++)
            prefetch_span(d->x + j * d->n_rows + first[k], count[k] * sizeof(double));
        prefetch_span(d->y + first[k], count[k]);
        if (d->weight)
            prefetch_span(d->weight + first[k], count[k] * sizeof(double));
    }
}

/* The epoch's batches, each summed and stepped. D = 0: any feature count,
 * through wlr__fast_step_sums, on g's theta; else D features and the copy or
 * not, both constants, on a copy of theta in locals (registers). */
INLINE void epoch_loop(wlr__gd *g, const wlr__batch_plan *bp, size_t D, int copy)
{
    const wlr__fast_rows *r = &g->rows;
    size_t P = g->s->n + 1;
    double *scratch = g->work + 4 * P + (P - 1);
    /* theta and G in locals for D constant, so that they stay in registers
     * from step to step; their addresses never escape */
    double theta_d[STEP_UNROLLED_D + 1], G_d[STEP_UNROLLED_D + 1];
    double *theta = D ? theta_d : g->theta, *G = D ? G_d : g->work;
    FOR_J(D ? D + 1 : 0, theta[j] = g->theta[j]);
    /* the next step's theta in float lanes, made as soon as theta is */
    fv th[STEP_UNROLLED_D + 1];
    if (D) theta_lanes(theta, D, th);
    int ahead = rows_bytes(r) > PREFETCH_MIN_BYTES;
    int sgd = g->o->optimizer == WLR_OPT_SGD;
    size_t first[2], count[2];
    for (size_t q = 0; ahead && q < PREFETCH_AHEAD && q < bp->n_blocks; q++) {
        int runs = wlr__batch_runs(bp, q, first, count);
        prefetch_runs(r, first, count, runs);
    }
    for (size_t q = 0; q < bp->n_blocks; q++) {
        if (ahead && q + PREFETCH_AHEAD < bp->n_blocks) {
            int later = wlr__batch_runs(bp, q + PREFETCH_AHEAD, first, count);
            prefetch_runs(r, first, count, later);
        }
        int runs = wlr__batch_runs(bp, q, first, count);
        size_t rows = count[0] + (runs == 2 ? count[1] : 0);
        if (D == 0 || rows > WLR__FAST_GRAD_BLOCK) {
            /* through memory: any D, or a batch summed in blocks */
            size_t f[2] = {first[0], first[1]}, n[2] = {count[0], count[1]};
            FOR_J(D ? D + 1 : 0, g->theta[j] = theta[j]);
            wlr__fast_step_sums(r, g->theta, f, n, runs, g->work, scratch);
            FOR_J(D ? D + 1 : 0, G[j] = g->work[j]);
        } else {
            step_sums(r, th, first, count, runs, G, D, copy);
        }
        if (D && sgd) {
            /* wlr__gd_sgd, written out */
            double lr = wlr__gd_next_lr(g), s = lr / (double)rows;
            double keep = 1.0 - lr * g->o->l2;
            FOR_J(D, theta[j] = fma(-s, G[j], theta[j] * keep));
            FOR_J(D + 1, if (j == D) theta[j] = fma(-s, G[j], theta[j]));
        } else {
            /* momentum and Adam through memory (theta and G's addresses
             * must not escape: they would leave the registers) */
            FOR_J(D ? D + 1 : 0, g->theta[j] = theta[j]; g->work[j] = G[j]);
            wlr__gd_step(g, g->theta, g->work, rows, P - 1);
            FOR_J(D ? D + 1 : 0, theta[j] = g->theta[j]);
        }
        if (D) theta_lanes(theta, D, th);
    }
    FOR_J(D ? D + 1 : 0, g->theta[j] = theta[j]);
}

/* Each feature count and source its own function (compiled and laid out
 * on its own, in each clone). */
#define EPOCH_FN(name, D, copy)                                             \
    WLR__VECTOR_CLONES                                                       \
    static void name(wlr__gd *g, const wlr__batch_plan *bp)                   \
    {                                                                       \
        epoch_loop(g, bp, D, copy);                                         \
    }
EPOCH_FN(epoch_1_copy, 1, 1)
EPOCH_FN(epoch_1_read, 1, 0)
EPOCH_FN(epoch_2_copy, 2, 1)
EPOCH_FN(epoch_2_read, 2, 0)
EPOCH_FN(epoch_3_copy, 3, 1)
EPOCH_FN(epoch_3_read, 3, 0)
EPOCH_FN(epoch_4_copy, 4, 1)
EPOCH_FN(epoch_4_read, 4, 0)
EPOCH_FN(epoch_any, 0, 0)
#undef EPOCH_FN

void wlr__fast_gd_epoch(wlr__gd *g, const wlr__batch_plan *bp)
{
    static void (*const epochs[][2])(wlr__gd *, const wlr__batch_plan *) = {
        {epoch_any, epoch_any},
        {epoch_1_read, epoch_1_copy}, {epoch_2_read, epoch_2_copy},
        {epoch_3_read, epoch_3_copy}, {epoch_4_read, epoch_4_copy}};
    size_t D = g->s->n;
    epochs[D <= STEP_UNROLLED_D && !g->rows.in_double ? D : 0][g->rows.copy != NULL](g, bp);
}
