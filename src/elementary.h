/*
 * elementary.h - e^x and log x computed the same way on every machine.
 *
 * A libm may compute exp, log and pow differently on different CPUs: glibc
 * picks, at run time, one version for x86-64 CPUs with FMA and another for
 * those without, and the two round a few results differently. wlr promises
 * the same output bytes everywhere, so everything it computes with these
 * functions uses the ones below: polynomials in IEEE additions,
 * multiplications, divisions and fused multiply-adds (one rounding, the
 * same on every machine: -ffp-contract=off keeps the compiler from fusing
 * anything else). They are accurate to a few ulp, not correctly rounded.
 *
 * Two computations keep libm on purpose, to match scikit-learn bit for bit
 * on the machine they run on: the data generator's gaussians (numpy's
 * legacy Box-Muller uses libm's log) and the metrics' log loss (numpy's
 * log). On an x86-64 CPU without FMA those, like numpy's, can differ in the
 * last digit from other machines (tests/cross.sh shows and bounds it).
 */
#ifndef WLR_ELEMENTARY_H
#define WLR_ELEMENTARY_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* log2(e), and ln 2 in two parts so that n * LN2_HI is exact for |n| < 2^11
 * (LN2_HI has 32 significant bits). */
#define WLR__LOG2E 1.4426950408889634
#define WLR__LN2_HI 6.93147180369123816490e-01
#define WLR__LN2_LO 1.90821492927058770002e-10
#define WLR__LN2 0.69314718055994530942
/* Adding 1.5 * 2^52 rounds a double below 2^51 in magnitude to an integer
 * and leaves it in the low bits of the mantissa. */
#define WLR__ROUND_SHIFT 6755399441055744.0
#define WLR__SQRT2 1.41421356237309504880
/* e^x below e^-708 = 3e-308 is below everything it is added to by 290
 * orders of magnitude, and is taken as 0 (the true value is subnormal, or
 * 0 in double precision below e^-745): this keeps 2^n a normal number. */
#define WLR__EXP_MIN (-708.0)

/*
 * e^x for WLR__EXP_MIN <= x <= 0 (0 below; NaN gives NaN):
 * n = round(x / ln 2), r = x - n ln 2, |r| <= 0.347, e^r by its Taylor
 * polynomial of degree 12 (truncation below 1.7e-16), times 2^n built from
 * its bits. At most 3 ulp from glibc's exp (tests/test_kernel.c checks
 * 4e-16 relative). Plain enough for the compiler to vectorise.
 */
static inline double wlr__exp_nonpos(double x)
{
    double zero = x < WLR__EXP_MIN ? 0.0 : 1.0;
    x = x < WLR__EXP_MIN ? WLR__EXP_MIN : x;
    double t = fma(x, WLR__LOG2E, WLR__ROUND_SHIFT);
    double n = t - WLR__ROUND_SHIFT;
    double r = fma(-n, WLR__LN2_LO, fma(-n, WLR__LN2_HI, x));
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
    /* t's low bits hold 2^51 + n: with the bias added and shifted into the
     * exponent field, 2^n (n + 1023 is in 1..1023 for -1022 <= n <= 0) */
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale * zero;
}

/* e^x for any x: 1 / e^-x above 0 (one more rounding), +inf past 709.78;
 * below -708, e^(x + 64 ln 2) 2^-64 (subnormal, one more rounding), 0 past
 * -745.2. */
static inline double wlr__exp(double x)
{
    if (x != x) return x;
    if (x < WLR__EXP_MIN)
        return x < -745.2 ? 0.0 : wlr__exp_nonpos(x + 64.0 * WLR__LN2) * 0x1p-64;
    if (x <= 0) return wlr__exp_nonpos(x);
    if (x > 709.782712893384) return INFINITY;
    return 1.0 / wlr__exp_nonpos(-x);
}

/* log(m) for m in [0.707, 1.414]: f = m - 1 (exact), log m = 2 atanh(s),
 * s = f / (2 + f), |s| <= 0.172, = 2 s (1 + s^2/3 + ... + s^20/21)
 * (truncation below 6e-19). */
static inline double wlr__log_near1(double m)
{
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
    return 2.0 * s * q;
}

/*
 * log(1 + e) for 0 <= e <= 1: u = 1 + e = 2^k m, k = 1 when u > sqrt 2
 * (m = u / 2, exact). The rounding of 1 + e costs at most half an ulp of 1,
 * so the error is absolute: at most 2.3e-16 against glibc's log1p (tests
 * check 4e-16). Plain enough for the compiler to vectorise.
 */
static inline double wlr__log1p_unit(double e)
{
    double u = 1.0 + e;
    int big = u > WLR__SQRT2;
    double m = big ? 0.5 * u : u;
    return (big ? WLR__LN2 : 0.0) + wlr__log_near1(m);
}

/* log x for x > 0 (finite): x = 2^k m, m in [0.707, 1.414] (exact, by
 * frexp), log x = k ln 2 + log m with ln 2 in two parts. At most a few ulp
 * from glibc's log. 0 gives -inf, a negative x or NaN gives NaN. */
static inline double wlr__log(double x)
{
    if (!(x > 0)) return x == 0 ? -INFINITY : NAN;
    if (x == INFINITY) return x;
    int k;
    double m = frexp(x, &k);        /* x = m 2^k, m in [0.5, 1) */
    if (m < WLR__SQRT2 / 2) {
        m *= 2.0;
        k -= 1;
    }
    double dk = (double)k;
    return dk * WLR__LN2_HI + (dk * WLR__LN2_LO + wlr__log_near1(m));
}

/* 10^k for whole k, |k| <= 22: exact (10^22 is the largest power of ten a
 * double holds exactly; 10^-k is 1 / 10^k, rounded once). */
static inline double wlr__pow10_whole(int k)
{
    static const double p[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
                                 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return k >= 0 ? p[k] : 1.0 / p[-k];
}

#define WLR__LN10 2.30258509299404568402

/* 10^t: exact for whole t within +-22, else e^(t ln 10). */
static inline double wlr__pow10(double t)
{
    if (t == floor(t) && fabs(t) <= 22) return wlr__pow10_whole((int)t);
    return wlr__exp(t * WLR__LN10);
}

/* log10 x for x > 0: exactly k at x = 10^k (|k| <= 22), else
 * k + log(x / 10^k) / ln 10 with 10^k <= x < 10^(k+1). */
static inline double wlr__log10(double x)
{
    if (!(x > 0) || x == INFINITY) return wlr__log(x);
    double l = wlr__log(x) / WLR__LN10;
    if (!(fabs(l) < 22)) return l;
    int k = (int)floor(l);
    if (k > -22 && wlr__pow10_whole(k) > x) k--;
    if (k < 21 && wlr__pow10_whole(k + 1) <= x) k++;
    double base = wlr__pow10_whole(k);
    return x == base ? (double)k : (double)k + wlr__log(x / base) / WLR__LN10;
}

#endif
