/*
 * kernel_step_neon.c - gradient descent's step sums on aarch64 with NEON:
 * kernel_step.c's scalar text, 8 rows to a pair of 128-bit registers
 * (lanes 0-3 and 4-7), the same operations in the same order (so the same
 * bits). Compiled on aarch64 only, where NEON is always there.
 */
#include "kernel.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#include <stdint.h>

#define EXPF_MIN (-86.0f)
#define LOG2EF 1.44269504f
#define LN2F 0.693147182f
#define ROUND_SHIFTF 12582912.0f

/* Eight lanes: lo = 0-3, hi = 4-7. */
typedef struct {
    float32x4_t lo, hi;
} f8;

static inline f8 load8(const float *p)
{
    f8 r = {vld1q_f32(p), vld1q_f32(p + 4)};
    return r;
}

static inline void store8(float *p, f8 v)
{
    vst1q_f32(p, v.lo);
    vst1q_f32(p + 4, v.hi);
}

static inline f8 splat8(float v)
{
    f8 r = {vdupq_n_f32(v), vdupq_n_f32(v)};
    return r;
}

/* a b + c, rounded once */
static inline f8 fma8(f8 a, f8 b, f8 c)
{
    f8 r = {vfmaq_f32(c.lo, a.lo, b.lo), vfmaq_f32(c.hi, a.hi, b.hi)};
    return r;
}

static inline f8 add8(f8 a, f8 b)
{
    f8 r = {vaddq_f32(a.lo, b.lo), vaddq_f32(a.hi, b.hi)};
    return r;
}

static inline f8 and8(f8 a, uint32x4_t mlo, uint32x4_t mhi)
{
    f8 r = {vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(a.lo), mlo)),
            vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(a.hi), mhi))};
    return r;
}

/* kernel_step.c's exp_neg_abs on four lanes (see there). */
static inline float32x4_t exp_neg_abs4(float32x4_t x)
{
    int32x4_t b = vorrq_s32(vreinterpretq_s32_f32(x), vdupq_n_s32(INT32_MIN));
    b = vminq_s32(b, vreinterpretq_s32_f32(vdupq_n_f32(EXPF_MIN)));
    x = vreinterpretq_f32_s32(b);
    float32x4_t shift = vdupq_n_f32(ROUND_SHIFTF);
    float32x4_t t = vfmaq_f32(shift, x, vdupq_n_f32(LOG2EF));
    float32x4_t n = vsubq_f32(t, shift);
    float32x4_t r = vfmsq_f32(x, n, vdupq_n_f32(LN2F));      /* x - n ln2 */
    float32x4_t r2 = vmulq_f32(r, r), r4 = vmulq_f32(r2, r2);
    float32x4_t p01 = vaddq_f32(r, vdupq_n_f32(1.0f));
    float32x4_t p23 = vfmaq_f32(vdupq_n_f32(0.5f), r, vdupq_n_f32(1.0f / 6.0f));
    float32x4_t p45 = vfmaq_f32(vdupq_n_f32(1.0f / 24.0f), r, vdupq_n_f32(1.0f / 120.0f));
    float32x4_t p67 = vfmaq_f32(vdupq_n_f32(1.0f / 720.0f), r, vdupq_n_f32(1.0f / 5040.0f));
    float32x4_t p = vfmaq_f32(vfmaq_f32(p01, r2, p23), r4, vfmaq_f32(p45, r2, p67));
    uint32x4_t scale = vshlq_n_u32(vreinterpretq_u32_f32(t), 23);
    return vreinterpretq_f32_u32(vaddq_u32(vreinterpretq_u32_f32(p), scale));
}

/* kernel_step.c's pull on four lanes: v e / (1 + e) where the sign bits of
 * z and v differ, else v / (1 + e). */
static inline float32x4_t pull4(float32x4_t z, float32x4_t v)
{
    float32x4_t e = exp_neg_abs4(z);
    int32x4_t x = veorq_s32(vreinterpretq_s32_f32(z), vreinterpretq_s32_f32(v));
    uint32x4_t differ = vreinterpretq_u32_s32(vshrq_n_s32(x, 31));
    float32x4_t num = vbslq_f32(differ, vmulq_f32(v, e), v);
    return vdivq_f32(num, vaddq_f32(vdupq_n_f32(1.0f), e));
}

/* kernel_step.c's lanes_total: halves, quarters, the pair. */
static inline float lanes_total(f8 t)
{
    float32x4_t h = vaddq_f32(t.lo, t.hi);
    float32x2_t q = vadd_f32(vget_low_f32(h), vget_high_f32(h));
    return vget_lane_f32(q, 0) + vget_lane_f32(q, 1);
}

static const uint32_t live_words[16] = {~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u,
                                        0, 0, 0, 0, 0, 0, 0, 0};

/* One sum of step 3 (kernel_step_avx2.c's column_sum). */
static inline float column_sum(const float *g, const float *x, size_t full,
                               int partial, uint32x4_t mlo, uint32x4_t mhi)
{
    f8 a[2] = {splat8(0.0f), splat8(0.0f)};
    for (size_t q = 0; q < full; q++) {
        f8 gk = load8(g + 8 * q);
        a[q & 1] = x ? fma8(gk, load8(x + 8 * q), a[q & 1]) : add8(a[q & 1], gk);
    }
    if (partial) {
        f8 gk = load8(g + 8 * full);
        a[full & 1] = x ? fma8(gk, and8(load8(x + 8 * full), mlo, mhi), a[full & 1])
                        : add8(a[full & 1], gk);
    }
    return lanes_total(add8(a[0], a[1]));
}

void wlr__step_neon(const float *x, size_t stride, size_t D, size_t n,
                    const float *theta, double *G)
{
    float z[WLR__CHUNK], g[WLR__CHUNK];
    if (n == 0) return;
    /* (every g read below is written in step 2, rows >= n; gcc 12 cannot
     * see it through the NEON loads and warns) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    size_t groups = (n + WLR__LANES - 1) / WLR__LANES, rows = groups * WLR__LANES;
    size_t whole = n / WLR__LANES * WLR__LANES;
    const uint32_t *m = live_words + WLR__LANES - (n - whole);
    uint32x4_t mlo = vld1q_u32(m), mhi = vld1q_u32(m + 4);
    /* 1. z */
    for (size_t k = 0; k < rows; k += WLR__LANES) store8(z + k, splat8(theta[D]));
    for (size_t j = 0; j < D; j++) {
        f8 w = splat8(theta[j]);
        const float *xj = x + j * stride;
        for (size_t k = 0; k < rows; k += WLR__LANES)
            store8(z + k, fma8(w, load8(xj + k), load8(z + k)));
    }
    /* 2. g, 0 past n */
    const float *v = x + D * stride;
    for (size_t k = 0; k < rows; k += WLR__LANES) {
        f8 zk = load8(z + k), vk = load8(v + k);
        f8 gk = {pull4(zk.lo, vk.lo), pull4(zk.hi, vk.hi)};
        if (k == whole) gk = and8(gk, mlo, mhi);
        store8(g + k, gk);
    }
    /* 3. the sums */
    size_t full = whole / WLR__LANES;
    for (size_t j = 0; j < D; j++)
        G[j] += (double)column_sum(g, x + j * stride, full, whole < rows, mlo, mhi);
    G[D] += (double)column_sum(g, NULL, full, whole < rows, mlo, mhi);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}
#endif
