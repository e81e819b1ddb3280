/*
 * kernel_step.c - gradient descent's step sums in single precision, in
 * plain C: the scalar path, and the text the vector paths
 * (kernel_step_avx2.c, kernel_step_neon.c) follow operation for operation.
 *
 * It computes train.c's batch_gradient for one chunk of rows (kernel.h):
 *   z_i = b' + w'_1 x'_i1 + ... + w'_D x'_iD
 *   g_i = c_{y_i} s_i (p_i - y_i)
 *   G_j += sum_i g_i x'_ij,   G_D += sum_i g_i
 * The rows of a chunk are taken 8 at a time, row k in lane k mod 8, as a
 * vector path holds them; the scalar path keeps the lanes apart too, so that
 * it adds exactly what the vector paths add, in the same order.
 *
 * p - y WITHOUT CANCELLATION. With e = e^-|z| <= 1 (it never overflows):
 *   y = 0:  p     =  1 / (1 + e) if z >= 0,   e / (1 + e) if z < 0
 *   y = 1:  p - 1 = -e / (1 + e) if z >= 0,  -1 / (1 + e) if z < 0
 * so with the signed row weight v = c_0 s (y = 0) or -c_1 s (y = 1),
 *   g = v e / (1 + e) where z and v have opposite signs, else v / (1 + e),
 * a small relative error for every row, also where p is within a rounding
 * of y (p - y computed as a difference would lose every digit there).
 */
#include "kernel.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* e^x below e^-86 = 4.5e-38 would leave the normal floats (the scale 2^n
 * needs n >= -126); no gradient needs it. */
#define EXPF_MIN (-86.0f)
#define LOG2EF 1.44269504f
#define LN2F 0.693147182f
/* Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer
 * and leaves it in the low bits of the mantissa. */
#define ROUND_SHIFTF 12582912.0f

static inline int32_t bits_of(float x)
{
    int32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline float float_of(int32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/*
 * e^-|x| in single precision:
 *   x = -|x| (the sign bit set), clamped at EXPF_MIN; for floats with the
 *   sign bit set a more negative float is a larger signed integer, so the
 *   clamp max(x, EXPF_MIN) is the integer min of the bits (a NaN, once its
 *   sign bit is set, becomes EXPF_MIN);
 *   n = round(x / ln 2), r = x - n ln 2 (one fused step, ln 2 rounded to
 *   float: its error |n| 1.9e-9 is far below what rounding z to a float
 *   costs), |r| <= 0.347;
 *   e^r by its Taylor polynomial of degree 7 (truncation below r^8 / 8! =
 *   5e-9), in Estrin's scheme, which is shallower than Horner's:
 *     (1 + r) + r^2 (1/2 + r/6) + r^4 [(1/24 + r/120) + r^2 (1/720 + r/5040)];
 *   2^n e^r by adding n to the exponent field of e^r.
 * Relative error at most 1.8e-7 + 2.2e-9 |x| (tests/test_kernel.c).
 */
static inline float exp_neg_abs(float x)
{
    int32_t b = bits_of(x) | INT32_MIN, lo = bits_of(EXPF_MIN);
    x = float_of(b < lo ? b : lo);
    float t = fmaf(x, LOG2EF, ROUND_SHIFTF);
    float n = t - ROUND_SHIFTF;
    float r = fmaf(-n, LN2F, x);
    float r2 = r * r, r4 = r2 * r2;
    float p01 = r + 1.0f;
    float p23 = fmaf(r, 1.0f / 6.0f, 0.5f);
    float p45 = fmaf(r, 1.0f / 120.0f, 1.0f / 24.0f);
    float p67 = fmaf(r, 1.0f / 5040.0f, 1.0f / 720.0f);
    float p = fmaf(r4, fmaf(r2, p67, p45), fmaf(r2, p23, p01));
    /* t's low bits hold 2^22 + n: shifted into the exponent field, n */
    return float_of((int32_t)((uint32_t)bits_of(p) + ((uint32_t)bits_of(t) << 23)));
}

float wlr__kernel_expf(float x)
{
    return exp_neg_abs(x);
}

/* g = c s (p - y) from z and the signed weight v (see the top). */
static inline float pull(float z, float v)
{
    float e = exp_neg_abs(z);
    int differ = (bits_of(z) ^ bits_of(v)) < 0;
    return (differ ? v * e : v) / (1.0f + e);
}

/* The 8 lanes' total, in the tree every path uses: halves, then quarters,
 * then the pair. */
static inline float lanes_total(const float *t)
{
    float h[4], q[2];
    for (int l = 0; l < 4; l++) h[l] = t[l] + t[l + 4];
    for (int l = 0; l < 2; l++) q[l] = h[l] + h[l + 2];
    return q[0] + q[1];
}

/*
 * The chunk in three passes, each over its rows in groups of 8:
 *   1. z for every row (the features added in order, one fused
 *      multiply-add each);
 *   2. g for every row (0 for the lanes of the last group past n);
 *   3. each sum: the groups' terms into two sets of 8 lanes, even groups
 *      into the first and odd ones into the second (two chains, so that a
 *      vector path is not held up by one), then the two sets added lane by
 *      lane, the lanes added up (lanes_total) and the total added to G in
 *      double. A lane past n adds g x' = 0 x 0.
 */
void wlr__step_scalar(const float *x, size_t stride, size_t D, size_t n,
                      const float *theta, double *G)
{
    float z[WLR__CHUNK], g[WLR__CHUNK];
    if (n == 0) return;
    size_t groups = (n + WLR__LANES - 1) / WLR__LANES, rows = groups * WLR__LANES;
    for (size_t k = 0; k < rows; k++) z[k] = theta[D];
    for (size_t j = 0; j < D; j++)
        for (size_t k = 0; k < rows; k++)
            z[k] = fmaf(theta[j], k < n ? x[j * stride + k] : 0.0f, z[k]);
    for (size_t k = 0; k < rows; k++)
        g[k] = k < n ? pull(z[k], x[D * stride + k]) : 0.0f;
    for (size_t j = 0; j <= D; j++) {
        float acc[2][WLR__LANES] = {{0}}, tot[WLR__LANES];
        for (size_t q = 0; q < groups; q++)
            for (size_t l = 0; l < WLR__LANES; l++) {
                size_t k = q * WLR__LANES + l;
                float *a = &acc[q & 1][l];
                if (j == D) *a = *a + g[k];
                else *a = fmaf(g[k], k < n ? x[j * stride + k] : 0.0f, *a);
            }
        for (size_t l = 0; l < WLR__LANES; l++) tot[l] = acc[0][l] + acc[1][l];
        G[j] += (double)lanes_total(tot);
    }
}
