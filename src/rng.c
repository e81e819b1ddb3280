/*
 * rng.c - numpy's legacy RandomState, bit for bit.
 *
 * scikit-learn draws every random number of make_classification and
 * train_test_split from numpy.random.RandomState, which is the Mersenne
 * Twister MT19937 plus a few fixed recipes for turning its 32-bit words into
 * doubles, gaussians and bounded integers. wlr reproduces those recipes
 * exactly (numpy 1.24's legacy code paths), so that `wlr generate` and the
 * split give the very rows scikit-learn gives for the same seed. Every operation is plain IEEE double arithmetic in the order written;
 * the Makefile compiles with -ffp-contract=off so that no multiply-add is
 * fused behind our back.
 */
#include "internal.h"

#include <math.h>

/* MT19937's parameters (Matsumoto & Nishimura, 1998). */
enum {
    MT_N = 624,                 /* words of state */
    MT_M = 397                  /* the middle word of the recurrence */
};
#define MT_MATRIX_A 0x9908b0dfU /* the twist matrix's last row */
#define MT_UPPER 0x80000000U    /* most significant bit of a word */
#define MT_LOWER 0x7fffffffU    /* the 31 bits below it */
/* The multiplier of the seeding recurrence (Knuth's, as in MT's init_genrand). */
#define MT_SEED_MULT 1812433253U

/* 2^26 and 2^53: next_double glues 27 + 26 random bits into a 53-bit
 * integer and scales it into [0, 1). */
#define TWO_26 67108864.0
#define TWO_53 9007199254740992.0

/*
 * Seeding as numpy's legacy `RandomState(seed)` for an integer seed:
 *   mt[0] = seed, mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >> 30)) + i
 * (mod 2^32). The position starts past the end, so the first draw twists the
 * whole state; no gaussian is cached.
 */
void wlr__rng_seed(wlr__rng *r, uint32_t seed)
{
    r->mt[0] = seed;
    for (int i = 1; i < MT_N; i++) {
        uint32_t prev = r->mt[i - 1];
        r->mt[i] = MT_SEED_MULT * (prev ^ (prev >> 30)) + (uint32_t)i;
    }
    r->pos = MT_N;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

/* One step of the twist: the new word k from words k, k+1 and k+M. */
static uint32_t mt_twist_word(uint32_t cur, uint32_t next, uint32_t far)
{
    uint32_t y = (cur & MT_UPPER) | (next & MT_LOWER);
    /* xor in the matrix row iff y is odd; 0 - (y & 1) is all ones or zero,
     * which spares a branch that would be mispredicted half the time */
    return far ^ (y >> 1) ^ ((0U - (y & 1U)) & MT_MATRIX_A);
}

/* Regenerates all 624 words of state at once (the "twist"). */
static void mt_regenerate(wlr__rng *r)
{
    uint32_t *mt = r->mt;
    int k;
    for (k = 0; k < MT_N - MT_M; k++)
        mt[k] = mt_twist_word(mt[k], mt[k + 1], mt[k + MT_M]);
    for (; k < MT_N - 1; k++)
        mt[k] = mt_twist_word(mt[k], mt[k + 1], mt[k + MT_M - MT_N]);
    mt[MT_N - 1] = mt_twist_word(mt[MT_N - 1], mt[0], mt[MT_M - 1]);
    r->pos = 0;
}

/* The next 32-bit output: a state word passed through MT's tempering.
 * Inline so that the doubles, gaussians and integers below, which draw
 * billions of words for large data sets, pay no call per word. */
static inline uint32_t next_u32(wlr__rng *r)
{
    if (r->pos >= MT_N) mt_regenerate(r);
    uint32_t y = r->mt[r->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
}

uint32_t wlr__rng_u32(wlr__rng *r)
{
    return next_u32(r);
}

/* numpy's next_uint64 for MT19937: two words, the first one high. */
static uint64_t rng_u64(wlr__rng *r)
{
    uint64_t hi = next_u32(r);
    uint64_t lo = next_u32(r);
    return hi << 32 | lo;
}

/* next_double: a = 27 random bits, b = 26 random bits,
 * (a * 2^26 + b) / 2^53, a multiple of 2^-53 in [0, 1). */
static inline double next_double(wlr__rng *r)
{
    int32_t a = (int32_t)(next_u32(r) >> 5);
    int32_t b = (int32_t)(next_u32(r) >> 6);
    return (a * TWO_26 + b) / TWO_53;
}

double wlr__rng_double(wlr__rng *r)
{
    return next_double(r);
}

/*
 * The legacy gaussian: Marsaglia's polar form of Box-Muller. Draw a point
 * (x1, x2) uniformly in the square [-1, 1)^2 until it falls strictly inside
 * the unit circle (and is not the centre); with r2 = x1^2 + x2^2,
 *   f = sqrt(-2 log(r2) / r2)
 * makes f*x1 and f*x2 two independent standard normals. The second is
 * returned now, the first is cached in the state for the next call.
 */
double wlr__rng_normal(wlr__rng *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        double g = r->gauss;
        r->gauss = 0.0;
        return g;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * next_double(r) - 1.0;
        x2 = 2.0 * next_double(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

/* The smallest all-ones bit pattern >= v (0 for 0): smear the top bit
 * rightwards. */
static uint64_t all_ones_cover(uint64_t v)
{
    v |= v >> 1;
    v |= v >> 2;
    v |= v >> 4;
    v |= v >> 8;
    v |= v >> 16;
    v |= v >> 32;
    return v;
}

/*
 * A uniform integer in 0..max by masked rejection, as numpy's legacy
 * random_interval (used by shuffle) and its masked bounded integers (used by
 * randint): mask = all_ones_cover(max); draw v = word & mask until v <= max.
 * 32-bit words while max fits in 32 bits, 64-bit words (two draws) beyond.
 * Each try succeeds with probability > 1/2.
 */
uint64_t wlr__rng_interval(wlr__rng *r, uint64_t max)
{
    if (max == 0) return 0;
    uint64_t mask = all_ones_cover(max);
    uint64_t v;
    if (max <= UINT32_MAX) {
        do v = next_u32(r) & mask; while (v > max);
    } else {
        do v = rng_u64(r) & mask; while (v > max);
    }
    return v;
}

/* randint(n): a uniform integer in 0..n-1, no draw at all when n <= 1 (numpy
 * returns the only value without consuming randomness). */
uint64_t wlr__rng_randint(wlr__rng *r, uint64_t n)
{
    if (n <= 1) return 0;
    return wlr__rng_interval(r, n - 1);
}

/* Swaps drawn ahead by wlr__rng_shuffle before any is made. */
#define SHUFFLE_AHEAD 64

/* Fisher-Yates as numpy's legacy shuffle: for i = n-1 down to 1, swap a[i]
 * with a[j], j = interval(i) (uniform in 0..i).
 * The j's depend on the generator alone, not on a, so they are drawn
 * SHUFFLE_AHEAD at a time and a[j] is asked into the cache for all of them
 * before the swaps are made, in the same order: the same result, but on an
 * array far bigger than the cache the misses overlap instead of coming one
 * after another (a permutation of 1e8: 4.97 s before, 1.97 s, same result). */
void wlr__rng_shuffle(wlr__rng *r, size_t *a, size_t n)
{
    size_t js[SHUFFLE_AHEAD];
    for (size_t i = n; i > 1;) {
        /* the swaps of i - 1, i - 2, .., i - k */
        size_t k = i - 1 < SHUFFLE_AHEAD ? i - 1 : SHUFFLE_AHEAD;
        for (size_t m = 0; m < k; m++) {
            js[m] = (size_t)wlr__rng_interval(r, i - 1 - m);
#if defined(__GNUC__)
            __builtin_prefetch(&a[js[m]], 1, 0);
#endif
        }
        for (size_t m = 0; m < k; m++) {
            size_t t = a[i - 1 - m];
            a[i - 1 - m] = a[js[m]];
            a[js[m]] = t;
        }
        i -= k;
    }
}

/* permutation(n) = shuffle(arange(n)). */
void wlr__rng_permutation(wlr__rng *r, size_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++) a[i] = i;
    wlr__rng_shuffle(r, a, n);
}

/*
 * wlr's own shuffle, for the training order (not numpy's, which the data
 * must follow): Fisher-Yates, for i = n-1 down to 1 swap a[i] with a[j],
 * j uniform in 0..i, drawn by Lemire's multiply-shift method:
 *   m = u * (i + 1) for a 32-bit word u; j = m >> 32,
 * exact (uniform) by redrawing while the low half of m is below
 * 2^32 mod (i + 1), which is rare (probability (i + 1) / 2^32). One word and
 * one multiply per swap, and no branch that mispredicts: numpy's masked
 * rejection draws 1.4 words per swap on average and mispredicts on a
 * quarter of them (measured: 12 ns a swap against 4). Beyond 2^32 elements
 * it falls back to the masked 64-bit draw.
 * See Lemire, "Fast random integer generation in an interval", ACM TOMACS
 * 29(1), 2019.
 */
void wlr__rng_shuffle_fast(wlr__rng *r, size_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j;
        if (i <= UINT32_MAX) {
            uint32_t range = (uint32_t)i;
            uint64_t m = (uint64_t)next_u32(r) * range;
            if ((uint32_t)m < range) {
                uint32_t floor = (0U - range) % range;   /* 2^32 mod range */
                while ((uint32_t)m < floor) m = (uint64_t)next_u32(r) * range;
            }
            j = (size_t)(m >> 32);
        } else {
            j = (size_t)wlr__rng_interval(r, i - 1);
        }
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}
