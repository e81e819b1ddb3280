/*
 * kernel_step_avx2.c - gradient descent's step sums on x86-64 with AVX2 and
 * FMA: kernel_step.c's scalar text, 8 rows to a 256-bit register, the same
 * operations in the same order (so the same bits). Compiled with -mavx2
 * -mfma on x86-64 only (Makefile); kernel.c runs it only where the CPU has
 * both.
 */
#include "kernel.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <stdint.h>

#define EXPF_MIN (-86.0f)
#define LOG2EF 1.44269504f
#define LN2F 0.693147182f
#define ROUND_SHIFTF 12582912.0f

/* kernel_step.c's exp_neg_abs, lane by lane (see there). */
static inline __m256 exp_neg_abs(__m256 x)
{
    __m256i b = _mm256_or_si256(_mm256_castps_si256(x), _mm256_set1_epi32(INT32_MIN));
    b = _mm256_min_epi32(b, _mm256_castps_si256(_mm256_set1_ps(EXPF_MIN)));
    x = _mm256_castsi256_ps(b);
    __m256 shift = _mm256_set1_ps(ROUND_SHIFTF);
    __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(LOG2EF), shift);
    __m256 n = _mm256_sub_ps(t, shift);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2F), x);   /* -n ln2 + x */
    __m256 r2 = _mm256_mul_ps(r, r), r4 = _mm256_mul_ps(r2, r2);
    __m256 p01 = _mm256_add_ps(r, _mm256_set1_ps(1.0f));
    __m256 p23 = _mm256_fmadd_ps(r, _mm256_set1_ps(1.0f / 6.0f), _mm256_set1_ps(0.5f));
    __m256 p45 = _mm256_fmadd_ps(r, _mm256_set1_ps(1.0f / 120.0f),
                                 _mm256_set1_ps(1.0f / 24.0f));
    __m256 p67 = _mm256_fmadd_ps(r, _mm256_set1_ps(1.0f / 5040.0f),
                                 _mm256_set1_ps(1.0f / 720.0f));
    __m256 p = _mm256_fmadd_ps(r4, _mm256_fmadd_ps(r2, p67, p45),
                               _mm256_fmadd_ps(r2, p23, p01));
    __m256i scale = _mm256_slli_epi32(_mm256_castps_si256(t), 23);
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), scale));
}

/* kernel_step.c's pull: v e / (1 + e) where the sign bits of z and v
 * differ (blendv takes the second value where the mask's sign bit is set),
 * else v / (1 + e). */
static inline __m256 pull(__m256 z, __m256 v)
{
    __m256 e = exp_neg_abs(z);
    __m256 differ = _mm256_xor_ps(z, v);
    __m256 num = _mm256_blendv_ps(v, _mm256_mul_ps(v, e), differ);
    return _mm256_div_ps(num, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

/* Lanes 0 .. n-1 all ones, the rest zero (n <= 8): 8 of these words from
 * the (8 - n)-th. */
static const int32_t live_words[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                       0, 0, 0, 0, 0, 0, 0, 0};

static inline __m256 live_lanes(size_t n)
{
    return _mm256_loadu_ps((const float *)(live_words + WLR__LANES - n));
}

/* kernel_step.c's lanes_total: halves, quarters, the pair. */
static inline float lanes_total(__m256 t)
{
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
    __m128 q = _mm_add_ps(h, _mm_movehl_ps(h, h));
    return _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)));
}

/* One sum of step 3: sum_k g_k x_k (x = NULL: sum_k g_k) over `full` whole
 * groups and, if `partial`, the group after them with its lanes past n
 * (live) zeroed; group q into a[q mod 2] (kernel_step.c), then a[0] + a[1]
 * lane by lane and the lanes added up. */
static inline float column_sum(const float *g, const float *x, size_t full,
                               int partial, __m256 live)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    size_t q = 0;
    if (x) {
        for (; q + 2 <= full; q += 2) {
            a0 = _mm256_fmadd_ps(_mm256_load_ps(g + 8 * q), _mm256_loadu_ps(x + 8 * q), a0);
            a1 = _mm256_fmadd_ps(_mm256_load_ps(g + 8 * q + 8),
                                 _mm256_loadu_ps(x + 8 * q + 8), a1);
        }
        if (q < full) {
            a0 = _mm256_fmadd_ps(_mm256_load_ps(g + 8 * q), _mm256_loadu_ps(x + 8 * q), a0);
            q++;
        }
        if (partial) {
            __m256 xk = _mm256_and_ps(_mm256_loadu_ps(x + 8 * q), live);
            if (q & 1) a1 = _mm256_fmadd_ps(_mm256_load_ps(g + 8 * q), xk, a1);
            else a0 = _mm256_fmadd_ps(_mm256_load_ps(g + 8 * q), xk, a0);
        }
    } else {
        for (; q + 2 <= full; q += 2) {
            a0 = _mm256_add_ps(a0, _mm256_load_ps(g + 8 * q));
            a1 = _mm256_add_ps(a1, _mm256_load_ps(g + 8 * q + 8));
        }
        if (q < full) a0 = _mm256_add_ps(a0, _mm256_load_ps(g + 8 * q++));
        if (partial) {
            if (q & 1) a1 = _mm256_add_ps(a1, _mm256_load_ps(g + 8 * q));
            else a0 = _mm256_add_ps(a0, _mm256_load_ps(g + 8 * q));
        }
    }
    return lanes_total(_mm256_add_ps(a0, a1));
}

void wlr__step_avx2(const float *x, size_t stride, size_t D, size_t n,
                    const float *theta, double *G)
{
    _Alignas(32) float z[WLR__CHUNK], g[WLR__CHUNK];
    if (n == 0) return;
    size_t groups = (n + WLR__LANES - 1) / WLR__LANES, rows = groups * WLR__LANES;
    size_t whole = n / WLR__LANES * WLR__LANES;   /* rows in full groups */
    __m256 live = live_lanes(n - whole);
    /* 1. z (the last group's lanes past n are never used) */
    __m256 b = _mm256_set1_ps(theta[D]);
    for (size_t k = 0; k < rows; k += WLR__LANES) _mm256_store_ps(z + k, b);
    for (size_t j = 0; j < D; j++) {
        __m256 w = _mm256_set1_ps(theta[j]);
        const float *xj = x + j * stride;
        for (size_t k = 0; k < rows; k += WLR__LANES)
            _mm256_store_ps(z + k, _mm256_fmadd_ps(w, _mm256_loadu_ps(xj + k),
                                                   _mm256_load_ps(z + k)));
    }
    /* 2. g, 0 past n (two groups a turn measured no faster on a Zen 1:
     * bench/README.md, "The step kernel") */
    const float *v = x + D * stride;
    for (size_t k = 0; k < whole; k += WLR__LANES)
        _mm256_store_ps(g + k, pull(_mm256_load_ps(z + k), _mm256_loadu_ps(v + k)));
    if (whole < rows)
        _mm256_store_ps(g + whole, _mm256_and_ps(live, pull(_mm256_load_ps(z + whole),
                                                            _mm256_loadu_ps(v + whole))));
    /* 3. the sums */
    size_t full = whole / WLR__LANES;
    for (size_t j = 0; j < D; j++)
        G[j] += (double)column_sum(g, x + j * stride, full, whole < rows, live);
    G[D] += (double)column_sum(g, NULL, full, whole < rows, live);
}
#endif
