/*
 * test_rng.c - src/rng.c against numpy 1.24's legacy RandomState.
 *
 * Every expected value below was printed by numpy itself, e.g.
 *   import numpy as np
 *   np.random.RandomState(0)._bit_generator.random_raw(5)      # 32-bit words
 *   [x.hex() for x in np.random.RandomState(0).random_sample(3)]
 *   rs = np.random.RandomState(0)
 *   [x.hex() for x in rs.standard_normal(3)], [x.hex() for x in rs.standard_normal(2)]
 *   rs = np.random.RandomState(1)
 *   rs.randint(10, size=8), rs.randint(2**40, size=3), rs.randint(2**32, size=2),
 *   rs.randint(1, size=2), rs.randint(2**32 + 1, size=2)
 *   np.random.RandomState(4294967295).permutation(10)
 *   rs = np.random.RandomState(5); a = np.arange(20) + 100; rs.shuffle(a)
 * Doubles are compared bit for bit (hex literals), never with a tolerance.
 */
#include "internal.h"
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static void test_seed_zero_words(void)
{
    static const uint32_t want[5] = {2357136044U, 2546248239U, 3071714933U,
                                     3626093760U, 2588848963U};
    wlr__rng r;
    wlr__rng_seed(&r, 0);
    CHECK(r.pos == 624 && r.has_gauss == 0, "fresh state: pos %d, gauss %d",
          r.pos, r.has_gauss);
    for (int i = 0; i < 5; i++) {
        uint32_t got = wlr__rng_u32(&r);
        CHECK(got == want[i], "word %d: %u, numpy %u", i, got, want[i]);
    }
}

/* Words 623, 624 and 1249 straddle the first two regenerations of the
 * state. */
static void test_words_across_regeneration(void)
{
    wlr__rng r;
    wlr__rng_seed(&r, 0);
    uint32_t w[1250];
    for (int i = 0; i < 1250; i++) w[i] = wlr__rng_u32(&r);
    CHECK(w[623] == 3791854820U, "word 623: %u", w[623]);
    CHECK(w[624] == 341544762U, "word 624: %u", w[624]);
    CHECK(w[1249] == 2422637952U, "word 1249: %u", w[1249]);
}

static void test_largest_seed(void)
{
    static const uint32_t want[3] = {419326371U, 479346978U, 3918654476U};
    wlr__rng r;
    wlr__rng_seed(&r, 4294967295U);
    for (int i = 0; i < 3; i++) {
        uint32_t got = wlr__rng_u32(&r);
        CHECK(got == want[i], "word %d: %u, numpy %u", i, got, want[i]);
    }
}

static void test_doubles(void)
{
    static const double want[3] = {0x1.18fe1565f12a8p-1, 0x1.6e2d4cf608733p-1,
                                   0x1.349d66b6e894bp-1};
    wlr__rng r;
    wlr__rng_seed(&r, 0);
    for (int i = 0; i < 3; i++) {
        double got = wlr__rng_double(&r);
        CHECK(got == want[i], "double %d: %a, numpy %a", i, got, want[i]);
    }
}

/* Three normals use two polar pairs and leave one cached; the next call
 * returns the cached one. */
static void test_normals_and_cache(void)
{
    static const double want[5] = {0x1.c398ef3e5cfa5p+0, 0x1.99c2cfacc8953p-2,
                                   0x1.f51d25222c9abp-1, 0x1.1ed5969e3314ep+1,
                                   0x1.de1847cb13ddap+0};
    wlr__rng r;
    wlr__rng_seed(&r, 0);
    for (int i = 0; i < 5; i++) {
        double got = wlr__rng_normal(&r);
        CHECK(got == want[i], "normal %d: %a, numpy %a", i, got, want[i]);
        if (i == 2) CHECK(r.has_gauss, "a normal should be cached after 3");
    }
}

/* The cached normal survives draws of other kinds in between:
 * rs = RandomState(2024); rs.standard_normal(1); rs.random_sample();
 * rs.standard_normal(1). */
static void test_cache_survives_other_draws(void)
{
    wlr__rng r;
    wlr__rng_seed(&r, 2024);
    double a = wlr__rng_normal(&r), u = wlr__rng_double(&r),
           b = wlr__rng_normal(&r);
    CHECK(a == 0x1.ab052635371a6p+0, "first normal %a", a);
    CHECK(u == 0x1.8155d09859760p-3, "double %a", u);
    CHECK(b == 0x1.7985a428626a8p-1, "cached normal %a", b);
}

/* randint over 32-bit ranges, over 64-bit ranges (two words, the first
 * high), the full 32-bit range, and n = 1 (no draw at all). */
static void test_randint(void)
{
    static const uint64_t want[] = {
        5, 8, 9, 5, 0, 0, 1, 7,                               /* n = 10 */
        1020783786492ULL, 579543727385ULL, 768139056404ULL,   /* n = 2^40 */
        1800426750ULL, 1345499493ULL,                         /* n = 2^32 */
        0, 0,                                                 /* n = 1 */
        2252917204ULL, 986026652ULL};                         /* n = 2^32+1 */
    static const uint64_t n[] = {10, 10, 10, 10, 10, 10, 10, 10,
                                 1ULL << 40, 1ULL << 40, 1ULL << 40,
                                 1ULL << 32, 1ULL << 32, 1, 1,
                                 (1ULL << 32) + 1, (1ULL << 32) + 1};
    wlr__rng r;
    wlr__rng_seed(&r, 1);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint64_t got = wlr__rng_randint(&r, n[i]);
        CHECK(got == want[i], "draw %zu (n = %llu): %llu, numpy %llu", i,
              (unsigned long long)n[i], (unsigned long long)got,
              (unsigned long long)want[i]);
    }
}

static void test_interval_zero_draws_nothing(void)
{
    wlr__rng a, b;
    wlr__rng_seed(&a, 3);
    wlr__rng_seed(&b, 3);
    CHECK(wlr__rng_interval(&a, 0) == 0, "interval(0) must be 0");
    CHECK(wlr__rng_randint(&a, 0) == 0, "randint(0) must be 0");
    CHECK(wlr__rng_u32(&a) == wlr__rng_u32(&b), "interval(0) consumed a word");
}

static void test_interval_bounds(void)
{
    wlr__rng r;
    wlr__rng_seed(&r, 9);
    int seen[7] = {0};
    for (int i = 0; i < 2000; i++) {
        uint64_t v = wlr__rng_interval(&r, 6);
        CHECK(v <= 6, "interval(6) gave %llu", (unsigned long long)v);
        if (v <= 6) seen[v]++;
    }
    for (int v = 0; v <= 6; v++) CHECK(seen[v] > 200, "value %d seen %d times",
                                       v, seen[v]);
}

static void test_permutation(void)
{
    static const size_t want[10] = {6, 9, 5, 1, 8, 0, 7, 4, 2, 3};
    size_t a[10];
    wlr__rng r;
    wlr__rng_seed(&r, 4294967295U);
    wlr__rng_permutation(&r, a, 10);
    CHECK(memcmp(a, want, sizeof a) == 0, "permutation(10) = %zu %zu %zu ...",
          a[0], a[1], a[2]);
}

static void test_shuffle(void)
{
    static const size_t want[20] = {102, 105, 117, 119, 112, 101, 111, 110,
                                    113, 118, 107, 104, 108, 109, 100, 116,
                                    106, 115, 114, 103};
    size_t a[20];
    for (size_t i = 0; i < 20; i++) a[i] = 100 + i;
    wlr__rng r;
    wlr__rng_seed(&r, 5);
    wlr__rng_shuffle(&r, a, 20);
    CHECK(memcmp(a, want, sizeof a) == 0, "shuffle = %zu %zu %zu ...", a[0],
          a[1], a[2]);
    /* Empty and one-element shuffles are no-ops and draw nothing. */
    wlr__rng before = r;
    wlr__rng_shuffle(&r, a, 0);
    wlr__rng_shuffle(&r, a, 1);
    CHECK(wlr__rng_u32(&r) == wlr__rng_u32(&before), "a no-op shuffle drew");
}

int main(void)
{
    RUN(test_seed_zero_words);
    RUN(test_words_across_regeneration);
    RUN(test_largest_seed);
    RUN(test_doubles);
    RUN(test_normals_and_cache);
    RUN(test_cache_survives_other_draws);
    RUN(test_randint);
    RUN(test_interval_zero_draws_nothing);
    RUN(test_interval_bounds);
    RUN(test_permutation);
    RUN(test_shuffle);
    return check_summary();
}
