/*
 * test_kernel.c - tests of the fast kernels (src/kernel*.c) against what
 * they stand for in train.c, to the tolerances kernel.h states, and of the
 * promise that every path this machine runs gives the same bits:
 *   - the step's e^-|x| and each row's g = c s (p - y) in single precision
 *     against long double;
 *   - the step's sums against double sums of the same floats;
 *   - every path's step and sums, the same bits on random chunks;
 *   - the rows copied or converted as read, the same sums;
 *   - a big batch or pass in blocks: the blocks' sums in block order;
 *   - the fast objective against train.c's wlr__objective;
 *   - the sums' exp and log1p against libm.
 * (Training with the kernels, end to end: tests/test_train.c; every path
 * through the whole suite: WLR_KERNEL=... make test, as CI runs it.)
 */
#include "internal.h"
#include "kernel.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A float uniform in [lo, hi) from r. */
static float uniform_f(wlr__rng *r, double lo, double hi)
{
    return (float)(lo + (hi - lo) * wlr__rng_double(r));
}

/* ------------------------------------------------------- the step */

/* e^-|x| against libm over [-86, 86]: relative error at most
 * 1.8e-7 + 2.2e-9 |x| (kernel_step.c); e^0 = 1; past the clamp, and for a
 * NaN, e^-86. */
static void test_expf_accuracy(void)
{
    double worst = 0, worst_near = 0;
    for (long k = -2000000; k <= 2000000; k++) {
        float x = 86.0f * (float)k / 2000000.0f;
        double want = exp(-fabs((double)x));
        double rel = fabs((double)wlr__kernel_expf(x) - want) / want;
        double bound = 1.8e-7 + 2.2e-9 * fabs((double)x);
        if (rel / bound > worst) worst = rel / bound;
        if (fabsf(x) < 10 && rel > worst_near) worst_near = rel;
    }
    CHECK(worst <= 1, "e^-|x|: error %.2f x its bound", worst);
    CHECK(wlr__kernel_expf(0.0f) == 1.0f && wlr__kernel_expf(-0.0f) == 1.0f, "e^0");
    float floor = wlr__kernel_expf(86.0f);
    CHECK(floor > 0 && wlr__kernel_expf(1e30f) == floor &&
          wlr__kernel_expf(-1e30f) == floor && wlr__kernel_expf(NAN) == floor &&
          wlr__kernel_expf(INFINITY) == floor, "clamped: e^-86 = %g", (double)floor);
    printf("  e^-|x|: %.2f x its bound; worst relative error %.2e on [-10, 10]\n",
           worst, worst_near);
}

/* Each row's g = c s (p - y) from the step, alone in its chunk (D = 1,
 * w' = 1, b' = 0, x' = z: G_D is g itself), against the exact value in
 * long double at the same float z, for both labels and both signs of z,
 * including p within a rounding of y: relative error within
 * 3e-7 (|z| + 5) (kernel.h), on every path. (The bound's |z| is the
 * exponential's 2.2e-9 |z| and z's own rounding, 6e-8 |z|, with room.) */
static void test_row_gradients(void)
{
    const wlr__kernel *paths[3];
    size_t n_paths = wlr__kernels_available(paths);
    float theta[2] = {1.0f, 0.0f}, x[2 * WLR__LANES * 2];
    double worst = 0;
    for (size_t p = 0; p < n_paths; p++)
        for (int k = -80000; k <= 80000; k++) {
            float z = (float)k / 1000.0f;
            for (int y = 0; y < 2; y++) {
                float c = y ? 7.0f : 0.5f;
                memset(x, 0, sizeof x);
                x[0] = z;
                x[2 * WLR__LANES] = y ? -c : c;   /* column 1: v */
                double G[2] = {0, 0};
                paths[p]->step(x, 2 * WLR__LANES, 1, 1, theta, G);
                long double e = expl(-fabsl((long double)z));
                long double pz = z >= 0 ? 1 / (1 + e) : e / (1 + e);
                long double q = y ? -(z >= 0 ? e / (1 + e) : 1 / (1 + e)) : pz;
                long double want = c * q;
                double rel = (double)(fabsl(G[1] - want) / fabsl(want));
                double ratio = rel / (3e-7 * (fabs((double)z) + 5));
                if (ratio > worst) worst = ratio;
                CHECK(G[0] == (double)((float)G[1] * z) || G[0] == G[1] * z,
                      "%s: row z = %g: G_0 = %.9g, g = %.9g", paths[p]->name,
                      (double)z, G[0], G[1]);
            }
        }
    CHECK(worst <= 1, "row gradients: %.2f x the bound", worst);
    printf("  row gradients in single precision: %.2f x the bound\n", worst);
}

/* A random chunk: D + 1 columns of stride floats (x', then v with random
 * signs, some 0), and theta. */
static void random_chunk(wlr__rng *r, size_t D, size_t stride, float *x,
                         float *theta)
{
    for (size_t j = 0; j < D; j++)
        for (size_t k = 0; k < stride; k++) x[j * stride + k] = uniform_f(r, -3, 3);
    for (size_t k = 0; k < stride; k++) {
        double u = wlr__rng_double(r);
        x[D * stride + k] = u < 0.05 ? 0.0f : u < 0.5 ? uniform_f(r, 0.1, 2)
                                                       : -uniform_f(r, 1, 200);
    }
    for (size_t j = 0; j <= D; j++) theta[j] = uniform_f(r, -1.5, 1.5);
}

/* The step's sums against the same rows summed in double from the floats'
 * exact g (within kernel.h's bound), and every path the same
 * bits as the scalar one, on chunks of every length that ends a group
 * differently, several feature counts, and columns whose rows past n hold
 * data (which must not count). */
static void test_step_paths_and_sums(void)
{
    const wlr__kernel *paths[3];
    size_t n_paths = wlr__kernels_available(paths);
    static const size_t Ds[] = {1, 2, 3, 4, 5, 8, 17};
    static const size_t ns[] = {1, 2, 7, 8, 9, 15, 16, 17, 100, 129, 255, 256};
    enum { STRIDE = WLR__CHUNK + WLR__LANES };
    float *x = malloc((17 + 1) * STRIDE * sizeof *x), theta[18];
    wlr__rng r;
    wlr__rng_seed(&r, 11);
    double worst = 0;
    int differ = 0;
    for (size_t a = 0; a < sizeof Ds / sizeof Ds[0]; a++)
        for (size_t b = 0; b < sizeof ns / sizeof ns[0]; b++)
            for (int rep = 0; rep < 3; rep++) {
                size_t D = Ds[a], n = ns[b];
                random_chunk(&r, D, STRIDE, x, theta);
                double G0[18] = {0};
                paths[0]->step(x, STRIDE, D, n, theta, G0);
                for (size_t p = 1; p < n_paths; p++) {
                    double G[18] = {0};
                    paths[p]->step(x, STRIDE, D, n, theta, G);
                    if (memcmp(G, G0, (D + 1) * sizeof *G) != 0) differ++;
                    CHECK(memcmp(G, G0, (D + 1) * sizeof *G) == 0, "%s vs scalar: "
                          "D %zu, n %zu: G_0 %.17g vs %.17g", paths[p]->name, D, n,
                          G[0], G0[0]);
                }
                /* the exact sums of the rows' g in double, and the bound
                 * of kernel.h: 1.5e-6 sum_k |g_k x'_k| for the float
                 * sums, plus each row's share of z's rounding,
                 * 6e-8 (D + 1) |g_k x'_k| sum_i |w'_i x'_ki| */
                for (size_t j = 0; j <= D; j++) {
                    double want = 0, bound = 0;
                    for (size_t k = 0; k < n; k++) {
                        double z = theta[D], zs = fabs(theta[D]);
                        for (size_t i = 0; i < D; i++) {
                            z += (double)theta[i] * x[i * STRIDE + k];
                            zs += fabs((double)theta[i] * x[i * STRIDE + k]);
                        }
                        double v = x[D * STRIDE + k], e = exp(-fabs(z));
                        double g = (((z < 0) != (v < 0)) ? v * e : v) / (1 + e);
                        double xj = j < D ? x[j * STRIDE + k] : 1.0;
                        want += g * xj;
                        bound += fabs(g * xj) * (1.5e-6 + 6e-8 * (double)(D + 1) * zs);
                    }
                    double err = fabs(G0[j] - want) / (bound > 0 ? bound : 1);
                    if (err > worst) worst = err;
                }
            }
    CHECK(worst <= 1, "step sums against double: %.2f x the bound", worst);
    printf("  step sums: %.2f x the bound; %zu path(s) compared, %d differences\n",
           worst, n_paths, differ);
    free(x);
}

/* ---------------------------------------------------------- the rows */

/* A generated dataset of n rows and D features, with row weights if
 * weighted, columns moved off the unit scale so that scaling matters. */
static void make_data(wlr_dataset *d, size_t n, size_t D, int weighted,
                      uint32_t seed)
{
    wlr_gen_params g;
    wlr_gen_defaults(&g);
    g.n_samples = n;
    g.n_features = D;
    g.n_informative = D < 2 ? 1 : 2;
    g.n_clusters_per_class = 1;
    g.weights[0] = 0.9;
    g.weights[1] = 0.1;
    g.seed = seed;
    wlr_error err;
    if (wlr_generate(&g, d, &err)) {
        printf("setup failed: %s\n", err.message);
        exit(1);
    }
    for (size_t j = 0; j < D; j++)
        for (size_t i = 0; i < n; i++)
            d->x[j * n + i] = d->x[j * n + i] * (double)(j + 1) * 3.0 + (double)j * 10.0;
    if (weighted) {
        d->weight = malloc(n * sizeof *d->weight);
        for (size_t i = 0; i < n; i++) d->weight[i] = 0.25 + (double)(i % 9) / 4.0;
    }
}

/* The rows copied once or converted as read give the same sums, bit for
 * bit, on batches at the start, in the middle, at the end and wrapping past
 * the last row (two runs), scaled or not, with row weights or not. */
static void test_copy_and_convert_agree(void)
{
    for (int pass = 0; pass < 4; pass++) {
        wlr_dataset d;
        make_data(&d, 5003, 3, pass & 1, 5);
        wlr__scaling s;
        wlr_error err;
        CHECK(wlr__scaling_init(&s, &d, pass >> 1, &err) == 0, "%s", err.message);
        wlr__problem p = {&d, &s, {0.7, 12.0}, 1e-4};
        wlr__rows *copy = wlr__rows_new(&p, 1), *conv = wlr__rows_new(&p, 0);
        double theta[4] = {0.3, -0.2, 0.1, -2.0};
        static const size_t batch[][4] = {
            {0, 100, 0, 0}, {2411, 100, 0, 0}, {4903, 100, 0, 0},
            {4950, 53, 0, 47}, {17, 1, 0, 0}, {0, 5003, 0, 0}, {1, 300, 0, 0}};
        for (size_t b = 0; b < sizeof batch / sizeof batch[0]; b++) {
            size_t first[2] = {batch[b][0], batch[b][2]};
            size_t count[2] = {batch[b][1], batch[b][3]};
            int runs = count[1] ? 2 : 1;
            double G1[4], G2[4];
            wlr__kernel_batch(copy, theta, first, count, runs, G1);
            wlr__kernel_batch(conv, theta, first, count, runs, G2);
            CHECK(memcmp(G1, G2, sizeof G1) == 0, "pass %d batch %zu: copy %.17g, "
                  "converted %.17g", pass, b, G1[0], G2[0]);
        }
        wlr__rows_free(copy);
        wlr__rows_free(conv);
        wlr__scaling_free(&s);
        wlr_dataset_free(&d);
    }
}

/* A batch of more than 65,536 rows is summed in blocks of 65,536 (on every
 * core from 1M rows): its sums are the blocks' sums, each computed alone,
 * added one after another, run by run; for the float step and for the step
 * in double (features beyond a float's reach). */
static void test_big_batch_blocks(void)
{
    enum { N = 1100000, BLOCK = 65536 };
    wlr_dataset d;
    make_data(&d, N, 2, 0, 3);
    for (int in_double = 0; in_double < 2; in_double++) {
        if (in_double)
            for (size_t i = 0; i < N; i++) d.x[i] *= 1e25;   /* past 2^64 */
        wlr__problem p = {&d, NULL, {1.0, 50.0}, 0.0};
        wlr__rows *r = wlr__rows_new(&p, 1);
        double theta[3] = {in_double ? 0.8e-25 : 0.8, -0.3, -2.5};
        size_t first[2] = {N - 300000, 0}, count[2] = {300000, N - 300000};
        double G[3], want[3] = {0, 0, 0};
        wlr__kernel_batch(r, theta, first, count, 2, G);
        /* run by run, block by block, each block's sums added in turn */
        for (int q = 0; q < 2; q++)
            for (size_t lo = first[q]; lo < first[q] + count[q]; lo += BLOCK) {
                size_t f = lo, c = first[q] + count[q] - lo < BLOCK
                                       ? first[q] + count[q] - lo : BLOCK;
                double one[3];
                wlr__kernel_batch(r, theta, &f, &c, 1, one);
                for (int j = 0; j < 3; j++) want[j] += one[j];
            }
        CHECK(memcmp(G, want, sizeof G) == 0, "%s: %.17g %.17g %.17g vs blocks "
              "%.17g %.17g %.17g", in_double ? "double" : "float", G[0], G[1], G[2],
              want[0], want[1], want[2]);
        wlr__rows_free(r);
    }
    wlr_dataset_free(&d);
}

/* ------------------------------------------------------- the objective */

/* The fast objective against train.c's, row by row with libm: the loss
 * within 1e-13 relative, the gradient and Hessian within 1e-12 of their
 * largest entry, scaled or not, with row weights or not; and every path's
 * sums the same bits. */
static void test_objective_fast(void)
{
    const wlr__kernel *paths[3];
    size_t n_paths = wlr__kernels_available(paths);
    for (int pass = 0; pass < 4; pass++) {
        wlr_dataset d;
        make_data(&d, 3001, 4, pass & 1, 9);
        wlr__scaling s;
        wlr_error err;
        CHECK(wlr__scaling_init(&s, &d, pass >> 1, &err) == 0, "%s", err.message);
        wlr__problem p = {&d, &s, {0.6, 9.0}, 0.01};
        double theta[5] = {0.2, -0.1, 0.05, 0.3, -1.5};
        double g1[5], g2[5], h1[25], h2[25];
        double l1 = wlr__objective(&p, theta, g1, h1);
        double l2 = wlr__objective_fast(&p, theta, g2, h2);
        double gmax = 0, hmax = 0, gerr = 0, herr = 0;
        for (int j = 0; j < 5; j++) {
            gmax = fmax(gmax, fabs(g1[j]));
            gerr = fmax(gerr, fabs(g1[j] - g2[j]));
        }
        for (int j = 0; j < 25; j++) {
            hmax = fmax(hmax, fabs(h1[j]));
            herr = fmax(herr, fabs(h1[j] - h2[j]));
        }
        CHECK(fabs(l1 - l2) <= 1e-13 * l1, "pass %d: loss %.17g vs %.17g", pass, l2, l1);
        CHECK(gerr <= 1e-12 * gmax, "pass %d: gradient off by %.2e of %.2e", pass,
              gerr, gmax);
        CHECK(herr <= 1e-12 * hmax, "pass %d: Hessian off by %.2e of %.2e", pass,
              herr, hmax);
        double *inv = malloc(4 * sizeof *inv);
        for (int j = 0; j < 4; j++) inv[j] = 1.0 / s.sd[j];
        wlr__sums_args a = {&d, s.on ? s.mu : NULL, s.on ? inv : NULL,
                            {0.6, 9.0}, theta, 1};
        double out0[WLR__SUMS_OUT(4, 1)], out[WLR__SUMS_OUT(4, 1)];
        double *scratch = malloc(WLR__SUMS_SCRATCH(4) * sizeof *scratch);
        paths[0]->sums(&a, 17, 2999, out0, scratch);
        for (size_t q = 1; q < n_paths; q++) {
            paths[q]->sums(&a, 17, 2999, out, scratch);
            CHECK(memcmp(out, out0, sizeof out) == 0, "pass %d: %s sums differ "
                  "from scalar (%.17g vs %.17g)", pass, paths[q]->name, out[0], out0[0]);
        }
        free(scratch);
        free(inv);
        wlr__scaling_free(&s);
        wlr_dataset_free(&d);
    }
}

/* From 1M rows the objective's blocks are shared between threads: the same
 * bits on every call, and as close to the reference as on one thread. */
static void test_objective_threads(void)
{
    wlr_dataset d;
    make_data(&d, 1500000, 2, 1, 4);
    wlr__problem p = {&d, NULL, {1.0, 50.0}, 0.0};
    double theta[3] = {0.08, -0.03, -2.5}, g[3], g2[3];
    double first = wlr__objective_fast(&p, theta, g, NULL);
    for (int k = 0; k < 3; k++) {
        double again = wlr__objective_fast(&p, theta, g2, NULL);
        CHECK(memcmp(&first, &again, sizeof first) == 0 && memcmp(g, g2, sizeof g) == 0,
              "run %d: %.17g vs %.17g", k, again, first);
    }
    double ref = wlr__objective(&p, theta, NULL, NULL);
    CHECK(fabs(first - ref) < 1e-13 * ref, "fast %.17g vs reference %.17g", first, ref);
    wlr_dataset_free(&d);
}

/* The sums' exp and log1p against libm's (kernel_sums.c: exp relative,
 * log1p absolute). */
static void test_exp_log1p_accuracy(void)
{
    double worst_exp = 0, worst_log = 0;
    for (int k = 0; k <= 2000000; k++) {
        double x = -708.0 * k / 2000000.0;
        double rel = fabs(wlr__kernel_exp(x) - exp(x)) / exp(x);
        if (rel > worst_exp) worst_exp = rel;
        double e = (double)k / 2000000.0;
        double ab = fabs(wlr__kernel_log1p(e) - log1p(e));
        if (ab > worst_log) worst_log = ab;
    }
    for (int k = 0; k <= 200000; k++) {
        double x = -1e-3 * k / 200000.0;
        double rel = fabs(wlr__kernel_exp(x) - exp(x)) / exp(x);
        if (rel > worst_exp) worst_exp = rel;
        double ab = fabs(wlr__kernel_log1p(-x) - log1p(-x));
        if (ab > worst_log) worst_log = ab;
    }
    CHECK(worst_exp < 4e-16, "exp: worst relative error %.2e", worst_exp);
    CHECK(worst_log < 4e-16, "log1p: worst absolute error %.2e", worst_log);
    CHECK(wlr__kernel_exp(0.0) == 1.0, "exp(0) = %.17g", wlr__kernel_exp(0.0));
    CHECK(wlr__kernel_exp(-1e300) == 0 && wlr__kernel_exp(-708.5) == 0 &&
          wlr__kernel_exp(-708) > 0, "below e^-708: 0");
    CHECK(isnan(wlr__kernel_exp(NAN)) && isnan(wlr__kernel_log1p(NAN)), "NaN in, NaN out");
    printf("  exp: worst relative error %.2e; log1p: worst absolute error %.2e\n",
           worst_exp, worst_log);
}

/* The paths this build and CPU have: scalar first, then at most one vector
 * path, the chosen one the last (the best). */
static void test_paths(void)
{
    const wlr__kernel *paths[3];
    size_t n = wlr__kernels_available(paths);
    CHECK(n >= 1 && strcmp(paths[0]->name, "scalar") == 0, "scalar first");
    CHECK(wlr__kernel_named("scalar") == paths[0], "scalar by name");
    CHECK(wlr__kernel_named("sse9") == NULL, "no such path");
    const char *forced = getenv("WLR_KERNEL");
    if (!forced || !*forced || strcmp(forced, "auto") == 0)
        CHECK(wlr__kernel_get() == paths[n - 1], "the best path chosen");
    printf("  paths here: %zu; in use: %s\n", n, wlr_kernel() ? wlr_kernel() : "none");
}

int main(void)
{
    RUN(test_paths);
    RUN(test_expf_accuracy);
    RUN(test_row_gradients);
    RUN(test_step_paths_and_sums);
    RUN(test_copy_and_convert_agree);
    RUN(test_big_batch_blocks);
    RUN(test_objective_fast);
    RUN(test_objective_threads);
    RUN(test_exp_log1p_accuracy);
    return check_summary();
}
