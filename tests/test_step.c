/*
 * test_step.c - tests of src/train_step.c, gradient descent's step in
 * single precision: its e^-|x| and each row's gradient weight against the
 * exact values, within the bounds the file documents; its sums from the
 * copy and converted as read, the same bits on every kind of batch; the
 * blocks of a big batch; and the steps in double it falls back to.
 */
#include "internal.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The step's view of d (copy or not) with its own scaling and 1/sd. */
typedef struct {
    wlr__scaling s;
    double inv_sd[512];
    wlr__fast_rows r;
} step_rows;

static void rows_open(step_rows *sr, const wlr_dataset *d, const double cw[2],
                      int standardize, int copy)
{
    wlr_error err;
    if (wlr__scaling_init(&sr->s, d, standardize, &err)) {
        printf("setup failed: %s\n", err.message);
        exit(1);
    }
    wlr__fast_rows_set(&sr->r, d, cw, &sr->s, sr->inv_sd, copy);
}

static void rows_close(step_rows *sr)
{
    wlr__fast_rows_free(&sr->r);
    wlr__scaling_free(&sr->s);
}

/* e^-|x| against libm over [-86, 86]: relative error at most
 * 1.8e-7 + 2.2e-9 |x| (train_step.c); e^0 = 1; past the clamp, and for a
 * NaN, e^-86. */
static void test_expf_accuracy(void)
{
    double worst = 0, worst_near = 0;
    for (long k = -2000000; k <= 2000000; k++) {
        float x = 86.0f * (float)k / 2000000.0f;
        double want = exp(-fabs((double)x));
        double rel = fabs((double)wlr__fast_expf(x) - want) / want;
        double bound = 1.8e-7 + 2.2e-9 * fabs((double)x);
        if (rel / bound > worst) worst = rel / bound;
        if (fabsf(x) < 10 && rel > worst_near) worst_near = rel;
    }
    CHECK(worst <= 1, "e^-|x|: error %.2f x its bound", worst);
    CHECK(wlr__fast_expf(0.0f) == 1.0f && wlr__fast_expf(-0.0f) == 1.0f, "e^0");
    float floor = wlr__fast_expf(86.0f);
    CHECK(floor > 0 && wlr__fast_expf(1e30f) == floor && wlr__fast_expf(-1e30f) == floor &&
          wlr__fast_expf(NAN) == floor && wlr__fast_expf(INFINITY) == floor,
          "clamped: e^-86 = %g", (double)floor);
    printf("  e^-|x|: %.2f x its bound; worst relative error %.2e on [-10, 10]\n",
           worst, worst_near);
}

/* Each row's gradient weight c s (p - y) from one-row batches, against the
 * formula in long double at the row's exact z: relative error within
 * (|b'| + |w' x'|) (D + 1) 2^-24 + 4e-7 (train_step.c: z's rounding, then
 * the exponential, 1 + e and the division), for both labels, both signs of
 * z and |z| up to 40, where p is as near y as a float holds; the sum for
 * the feature is g x' rounded once. */
static void test_row_gradients(void)
{
    enum { ROWS = 4001 };
    wlr_dataset d;
    CHECK(wlr_dataset_alloc(&d, ROWS, 1, NULL) == 0, "alloc");
    for (size_t i = 0; i < ROWS; i++) {
        d.x[i] = -40.0 + 80.0 * (double)(i / 2) / (ROWS / 2);
        d.y[i] = i % 2;
    }
    double cw[2] = {0.5, 7.0}, theta[2] = {1.0, 0.0}, G[2];
    double scratch[WLR__FAST_SCRATCH(1)];
    step_rows sr;
    rows_open(&sr, &d, cw, 0, 1);
    double worst = 0;
    int products = 1;
    for (size_t i = 0; i < ROWS; i++) {
        size_t first = i, count = 1;
        long double z = d.x[i], e = expl(-fabsl(z));
        long double p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        long double q = d.y[i] ? -(z >= 0 ? e / (1 + e) : 1 / (1 + e)) : p;
        long double want = cw[d.y[i]] * q;
        wlr__fast_step_sums(&sr.r, theta, &first, &count, 1, G, scratch);
        double rel = (double)(fabsl(G[1] - want) / fabsl(want));
        double bound = fabs(d.x[i]) * 2 * 0x1p-24 + 4e-7;
        if (rel / bound > worst) worst = rel / bound;
        products &= G[0] == (double)(float)(G[1] * (double)(float)d.x[i]);
    }
    CHECK(worst <= 1, "rows: error %.2f x the bound", worst);
    CHECK(products, "the feature's sum is not g x' rounded once");
    printf("  row gradients in single precision: %.2f x the bound\n", worst);
    rows_close(&sr);
    wlr_dataset_free(&d);
}

/* d: n generated rows of D features (seed 0, 5 % minority, overlapping). */
static void generated(wlr_dataset *d, size_t n, size_t D)
{
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    p.n_samples = n;
    p.n_features = D;
    p.n_informative = D < 2 ? D : 2;
    p.weights[0] = 0.95;
    p.weights[1] = 0.05;
    wlr_error err;
    if (wlr_generate(&p, d, &err)) {
        printf("setup failed: %s\n", err.message);
        exit(1);
    }
}

/* The step's sums over runs at theta in long double, to compare with:
 * want[j] = sum g x'_j, mag[j] = sum |g x'_j| (x'_D = 1), with g from the
 * long double formula at z = b' + w' . x'. */
static void exact_sums(const wlr_dataset *d, const double cw[2],
                       const step_rows *sr, const double *theta,
                       const size_t *first, const size_t *count, int runs,
                       long double *want, long double *mag)
{
    size_t D = d->n_features, N = d->n_rows;
    for (size_t j = 0; j <= D; j++) want[j] = mag[j] = 0;
    for (int r = 0; r < runs; r++)
        for (size_t i = first[r]; i < first[r] + count[r]; i++) {
            long double xs[512], z = theta[D];
            for (size_t j = 0; j < D; j++) {
                xs[j] = ((long double)d->x[j * N + i] - sr->s.mu[j]) / sr->s.sd[j];
                z += theta[j] * xs[j];
            }
            xs[D] = 1;
            long double p = 1 / (1 + expl(-z));
            long double c = cw[d->y[i]] * (d->weight ? d->weight[i] : 1.0);
            long double g = c * (p - d->y[i]);
            for (size_t j = 0; j <= D; j++) {
                want[j] += g * xs[j];
                mag[j] += fabsl(g * xs[j]);
            }
        }
}

/* From the copy and converted as read, the same bits, for every kind of
 * batch: whole groups, a tail, the last rows of the data (read one at a
 * time when converted), a batch that wraps past the last row, one across a
 * flush of the float lanes (300 rows), one row, all rows; for 1 to 4
 * features (unrolled) and 6 (the general loop), with and without row
 * weights (one of them 0) and standardisation. And close to the exact
 * sums: within 1e-5 of sum |g x'| for each. */
static void test_copy_and_convert_agree(void)
{
    static const size_t dims[] = {1, 2, 3, 4, 6};
    enum { N = 1003 };
    double worst = 0;
    for (size_t k = 0; k < sizeof dims / sizeof *dims; k++) {
        size_t D = dims[k];
        for (int variant = 0; variant < 4; variant++) {
            wlr_dataset d;
            generated(&d, N, D);
            int weighted = variant & 1, standardize = variant >> 1;
            if (weighted) {
                d.weight = malloc(N * sizeof *d.weight);
                for (size_t i = 0; i < N; i++) d.weight[i] = 0.5 + (double)(i % 7) / 6.0;
                d.weight[5] = 0;
            }
            double cw[2] = {0.55, 9.5}, theta[8];
            for (size_t j = 0; j < D; j++) theta[j] = 0.7 - 0.3 * (double)j;
            theta[D] = -2.5;
            step_rows copied, read;
            rows_open(&copied, &d, cw, standardize, 1);
            rows_open(&read, &d, cw, standardize, 0);
            CHECK(copied.r.copy != NULL && read.r.copy == NULL, "copy or not");
            static const size_t batches[][4] = {
                {0, 100, 0, 0}, {16, 48, 0, 0}, {N - 37, 37, 0, 0},
                {N - 50, 50, 0, 50}, {200, 300, 0, 0}, {7, 1, 0, 0},
                {0, N, 0, 0}, {N - 3, 3, 0, 13}};
            for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
                size_t first[2] = {batches[b][0], batches[b][2]};
                size_t count[2] = {batches[b][1], batches[b][3]};
                int runs = count[1] ? 2 : 1;
                double Gc[8], Gr[8], scratch[WLR__FAST_SCRATCH(7)];
                wlr__fast_step_sums(&copied.r, theta, first, count, runs, Gc, scratch);
                wlr__fast_step_sums(&read.r, theta, first, count, runs, Gr, scratch);
                CHECK(memcmp(Gc, Gr, (D + 1) * sizeof *Gc) == 0, "D %zu, variant "
                      "%d, batch %zu: copy %.9g vs read %.9g", D, variant, b,
                      Gc[D], Gr[D]);
                long double want[8], mag[8];
                exact_sums(&d, cw, &copied, theta, first, count, runs, want, mag);
                for (size_t j = 0; j <= D; j++) {
                    double err = (double)(fabsl(Gc[j] - want[j]) / (mag[j] + 1e-300L));
                    if (err > worst) worst = err;
                }
            }
            rows_close(&copied);
            rows_close(&read);
            wlr_dataset_free(&d);
        }
    }
    CHECK(worst < 1e-5, "step sums: error %.2e of sum |g x'|", worst);
    printf("  step sums against exact: at most %.2e of sum |g x'|\n", worst);
}

/* A batch of more than one block (full-batch descent) is the sum of its
 * blocks' sums in block order: the same bits as the blocks one by one,
 * for a batch that wraps past the last row; from the copy on 200,000 rows
 * (one thread), converted on 1.5M (every core). */
static void test_big_batch_blocks(void)
{
    static const size_t sizes[] = {200000, 1500000};
    for (int k = 0; k < 2; k++) {
        wlr_dataset d;
        generated(&d, sizes[k], 2);
        double cw[2] = {1.0, 50.0}, theta[3] = {0.8, -0.3, -2.5};
        step_rows sr;
        rows_open(&sr, &d, cw, 0, 1);
        CHECK((sr.r.copy != NULL) == (k == 0), "copy for %zu rows", sizes[k]);
        const size_t B = WLR__FAST_GRAD_BLOCK, N = d.n_rows, start = N / 3 + 5;
        double G[3], want[3] = {0}, one[3], scratch[WLR__FAST_SCRATCH(2)];
        size_t first[2] = {start, 0}, count[2] = {N - start, start};
        wlr__fast_step_sums(&sr.r, theta, first, count, 2, G, scratch);
        for (size_t lo = 0; lo < N; lo += B) {
            size_t f[2], n[2], len = N - lo < B ? N - lo : B, row = (start + lo) % N;
            int runs = 0;
            f[runs] = row;
            n[runs++] = row + len <= N ? len : N - row;
            if (row + len > N) {
                f[runs] = 0;
                n[runs++] = len - (N - row);
            }
            wlr__fast_step_sums(&sr.r, theta, f, n, runs, one, scratch);
            for (int j = 0; j < 3; j++) want[j] += one[j];
        }
        CHECK(memcmp(G, want, sizeof G) == 0, "%zu rows: %.17g vs %.17g",
              sizes[k], G[2], want[2]);
        rows_close(&sr);
        wlr_dataset_free(&d);
    }
}

/* Features beyond +-2^64, and more than 256 of them, are stepped in double:
 * the precise sums at the same model (no copy). */
static void test_step_in_double(void)
{
    for (int k = 0; k < 2; k++) {
        wlr_dataset d;
        generated(&d, 500, k ? 300 : 2);
        size_t D = d.n_features;
        if (!k)
            for (size_t i = 0; i < d.n_rows; i++) d.x[i] *= 1e30;
        double cw[2] = {1.0, 20.0}, theta[301];
        for (size_t j = 0; j < D; j++) theta[j] = k ? 0.01 : 1e-31;
        theta[D] = -1.0;
        step_rows sr;
        rows_open(&sr, &d, cw, 0, 1);
        CHECK(sr.r.in_double && sr.r.copy == NULL, "%zu features: in_double %d",
              D, sr.r.in_double);
        size_t first = 37, count = 200;
        double *G = malloc((D + 1) * sizeof *G), *want = malloc((D + 1) * sizeof *want);
        double *scratch = malloc(WLR__FAST_SCRATCH(D) * sizeof *scratch);
        wlr__fast_step_sums(&sr.r, theta, &first, &count, 1, G, scratch);
        wlr__fast_grad_sums(&d, cw, theta, theta[D], &first, &count, 1, want, scratch);
        CHECK(memcmp(G, want, (D + 1) * sizeof *G) == 0 && isfinite(G[0]),
              "%zu features: %.17g vs %.17g", D, G[0], want[0]);
        free(G);
        free(want);
        rows_close(&sr);
        if (k) {
            /* standardised: the sums on x' from those on x (step_sums_double's
             * transform), against the exact ones */
            rows_open(&sr, &d, cw, 1, 1);
            long double ew[301], em[301];
            double Gs[301];
            CHECK(sr.r.in_double && sr.r.scaled, "standardised: in_double %d", sr.r.in_double);
            wlr__fast_step_sums(&sr.r, theta, &first, &count, 1, Gs, scratch);
            exact_sums(&d, cw, &sr, theta, &first, &count, 1, ew, em);
            double worst = 0;
            for (size_t j = 0; j <= D; j++) {
                double e = (double)(fabsl(Gs[j] - ew[j]) / em[j]);
                if (e > worst) worst = e;
            }
            CHECK(worst < 1e-12, "standardised, %zu features: %.2e of sum |g x'|", D, worst);
            rows_close(&sr);
        }
        free(scratch);
        wlr_dataset_free(&d);
    }
}

/* Row weights c_y s beyond what the float step holds (0 or [2^-64, 2^40])
 * send the step to double, where it trains as the reference path does: the
 * same final loss to 1e-6 and a model that moved. Weights at the bounds,
 * and rows of weight 0, stay in floats. Without the l2 penalty, whose
 * step lr / (mean weight) l2 would diverge for tiny weights on both paths
 * alike: the fits are then those of s = 1 scaled. */
static void test_weights_in_double(void)
{
    static const struct {
        double s, c1;   /* every row's s (0: none), class 1's weight */
        int in_double;
    } cases[] = {
        {1e39, 1, 1}, {1e-46, 1, 1}, {0, 1e39, 1},
        {0x1p40 / 20, 20, 0}, {0x1p-64, 1, 0}, {0x1p41 / 20, 20, 1}, {0, 200, 0}};
    wlr_dataset d;
    generated(&d, 2003, 2);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        free(d.weight);
        d.weight = NULL;
        if (cases[k].s) {
            d.weight = malloc(d.n_rows * sizeof *d.weight);
            for (size_t i = 0; i < d.n_rows; i++) d.weight[i] = i % 7 ? cases[k].s : 0.0;
        }
        double cw[2] = {1.0, cases[k].c1};
        step_rows sr;
        rows_open(&sr, &d, cw, 0, 1);
        CHECK(sr.r.in_double == cases[k].in_double, "s %g, c1 %g: in_double %d",
              cases[k].s, cases[k].c1, sr.r.in_double);
        rows_close(&sr);
        double loss[2], coef[2];
        for (int ref = 0; ref < 2; ref++) {
            wlr_train_options o;
            wlr_train_defaults(&o);
            o.class_weight[1] = cases[k].c1;
            o.epochs = 5;
            o.l2 = 0;
            o.reference = ref;
            wlr_model m;
            wlr_train_info info;
            wlr_error err;
            loss[ref] = coef[ref] = NAN;
            wlr_status st = wlr_train(&d, &o, &m, &info, &err);
            CHECK(st == WLR_OK, "s %g, c1 %g, ref %d: %s", cases[k].s, cases[k].c1, ref,
                  err.message);
            if (st == WLR_OK) {
                loss[ref] = info.loss;
                coef[ref] = m.coef[0];
                wlr_model_free(&m);
                wlr_train_info_free(&info);
            }
        }
        CHECK(fabs(loss[0] - loss[1]) <= 1e-6 * fabs(loss[1]) && coef[0] != 0 &&
                  isfinite(coef[0]),
              "s %g, c1 %g: loss %.17g vs reference %.17g, coef %g", cases[k].s,
              cases[k].c1, loss[0], loss[1], coef[0]);
    }
    wlr_dataset_free(&d);
}

/* Epochs from the copy and from the dataset give the same model, bit for
 * bit (wlr__gd_use_rows with keep = 1 and 0), with row weights and
 * standardisation, at batch 37 (batches that wrap) and full batch. */
static void test_epochs_copy_or_not(void)
{
    wlr_dataset d;
    generated(&d, 5003, 3);
    d.weight = malloc(d.n_rows * sizeof *d.weight);
    for (size_t i = 0; i < d.n_rows; i++) d.weight[i] = 0.25 + (double)(i % 5);
    for (int full = 0; full < 2; full++) {
        double theta[2][4];
        for (int keep = 0; keep < 2; keep++) {
            wlr_train_options o;
            wlr_train_defaults(&o);
            o.class_weight[1] = 12;
            o.standardize = 1;
            o.batch_size = full ? 0 : 37;
            o.epochs = 5;
            wlr_error err;
            wlr__scaling s;
            CHECK(wlr__scaling_init(&s, &d, 1, &err) == 0, "%s", err.message);
            size_t nb = wlr__gd_blocks(&o, d.n_rows);
            size_t *order = malloc(nb * sizeof *order);
            for (size_t b = 0; b < nb; b++) order[b] = b;
            double *th = theta[keep];
            memset(th, 0, 4 * sizeof *th);
            th[3] = -1.5;
            wlr__gd g;
            wlr_train_info info;
            memset(&info, 0, sizeof info);
            CHECK(wlr__gd_init(&g, &o, &s, th, 2.0, (long)nb * o.epochs, &info,
                              &err) == 0, "%s", err.message);
            wlr__gd_use_rows(&g, &d, keep);
            CHECK((g.rows.copy != NULL) == keep, "keep %d", keep);
            wlr__rng rng;
            wlr__rng_seed(&rng, 3);
            for (int e = 0; e < o.epochs; e++) wlr__gd_epoch(&g, &rng, order);
            wlr__gd_free(&g);
            wlr__scaling_free(&s);
            free(order);
        }
        CHECK(memcmp(theta[0], theta[1], sizeof theta[0]) == 0, "full %d: "
              "%.17g vs %.17g", full, theta[0][3], theta[1][3]);
    }
    wlr_dataset_free(&d);
}

int main(void)
{
    RUN(test_expf_accuracy);
    RUN(test_row_gradients);
    RUN(test_copy_and_convert_agree);
    RUN(test_big_batch_blocks);
    RUN(test_step_in_double);
    RUN(test_weights_in_double);
    RUN(test_epochs_copy_or_not);
    return check_summary();
}
