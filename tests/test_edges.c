/*
 * test_edges.c - numerical edge cases through the whole library: data that
 * pushes the solvers to their limits must give finite numbers or a clean
 * error, never NaN or Inf.
 *
 * Cases: perfectly separable data (with and without L2), class weights
 * 1:1e6, features of scale 1e150 and 1e-150, a constant column (with and
 * without --standardize), a class with a single row. Each goes through
 * gradient descent (sgd, momentum, adam) and Newton, then prediction and
 * evaluation.
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>

/* n rows, d features: x[j][i] = f(i, j), label y(i). */
typedef double (*feature_fn)(size_t i, size_t j, size_t n);
typedef int (*label_fn)(size_t i, size_t n);

static int make(wlr_dataset *d, size_t n, size_t dim, feature_fn f, label_fn y)
{
    wlr_error err;
    if (wlr_dataset_alloc(d, n, dim, &err)) return 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < dim; j++) d->x[j * n + i] = f(i, j, n);
        d->y[i] = (uint8_t)y(i, n);
    }
    return 1;
}

/* A deterministic spread of values in [-1, 1]. */
static double jitter(size_t i, size_t j)
{
    uint32_t h = (uint32_t)(i * 2654435761u) ^ (uint32_t)(j * 40503u + 17u);
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    h ^= h >> 15;
    return (double)(h % 20001) / 10000.0 - 1.0;
}

static int half_label(size_t i, size_t n) { return i >= n / 2; }
static int one_positive(size_t i, size_t n) { (void)n; return i == 7; }
static int rare_label(size_t i, size_t n) { (void)n; return i % 50 == 3; }

/* Separable: feature 0 is negative for class 0 and positive for class 1. */
static double separable(size_t i, size_t j, size_t n)
{
    double side = i >= n / 2 ? 1.0 : -1.0;
    return j == 0 ? side * (0.5 + fabs(jitter(i, j))) : jitter(i, j);
}
static double overlapping(size_t i, size_t j, size_t n)
{
    return jitter(i, j) + (j == 0 && i >= n / 2 ? 0.5 : 0.0);
}
static double huge(size_t i, size_t j, size_t n) { return 1e150 * overlapping(i, j, n); }
static double tiny(size_t i, size_t j, size_t n) { return 1e-150 * overlapping(i, j, n); }
static double constant_col(size_t i, size_t j, size_t n)
{
    return j == 1 ? 3.0 : overlapping(i, j, n);
}
static double all_constant(size_t i, size_t j, size_t n)
{
    (void)i; (void)n;
    return j == 0 ? 0.0 : -2.5;
}

/* Trains d with the given options; OK must give finite numbers everywhere,
 * a failure a message. Returns the status. */
static wlr_status fit(const char *what, const wlr_dataset *d,
                      const wlr_train_options *o)
{
    wlr_model m;
    wlr_train_info info;
    wlr_error err;
    err.message[0] = 0;
    wlr_status s = wlr_train(d, o, &m, &info, &err);
    if (getenv("WLR_EDGES_VERBOSE")) /* what each case gives, for a reader */
        printf("%-55s %s\n", what, s ? err.message : "ok");
    if (s != WLR_OK) {
        CHECK(err.message[0] != 0, "%s: failed with no message", what);
        CHECK(s == WLR_ERR_NUMERIC || s == WLR_ERR_ARG || s == WLR_ERR_DATA,
              "%s: status %d (%s)", what, (int)s, err.message);
        return s;
    }
    int finite = isfinite(m.intercept) && isfinite(info.loss) &&
                 isfinite(info.grad_norm);
    for (size_t j = 0; j < m.n_features; j++) finite &= isfinite(m.coef[j]) != 0;
    for (int e = 0; info.loss_per_epoch && e < info.iterations; e++)
        finite &= isfinite(info.loss_per_epoch[e]) != 0;
    CHECK(finite, "%s: non-finite result: intercept %g, loss %g, grad %g, coef0 %g",
          what, m.intercept, info.loss, info.grad_norm, m.coef[0]);
    double *p = malloc(d->n_rows * sizeof *p);
    if (p) {
        wlr_predict_proba(&m, d, p);
        size_t badp = 0;
        for (size_t i = 0; i < d->n_rows; i++)
            badp += !(p[i] >= 0 && p[i] <= 1);
        CHECK(badp == 0, "%s: %zu probabilities not in [0, 1]", what, badp);
        size_t c[2];
        wlr_class_counts(d, c);
        if (c[0] && c[1] && badp == 0) {
            wlr_metrics met;
            CHECK(wlr_evaluate(d->y, p, d->n_rows, 0.5, &met, &err) == WLR_OK,
                  "%s: evaluate: %s", what, err.message);
            CHECK(isfinite(met.roc_auc) && isfinite(met.log_loss) &&
                  isfinite(met.mcc) && isfinite(met.average_precision),
                  "%s: non-finite metrics", what);
        }
        free(p);
    }
    wlr_model_free(&m);
    wlr_train_info_free(&info);
    return s;
}

/* Every solver and optimiser, l2 as given, standardised or not. */
static void fit_all(const char *what, const wlr_dataset *d, double l2,
                    double c0, double c1)
{
    char name[160];
    static const char *opt_names[] = {"sgd", "momentum", "adam"};
    for (int std = 0; std < 2; std++) {
        for (int k = 0; k < 4; k++) {
            wlr_train_options o;
            wlr_train_defaults(&o);
            o.l2 = l2;
            o.class_weight[0] = c0;
            o.class_weight[1] = c1;
            o.standardize = std;
            o.epochs = 20;
            if (k == 3) {
                o.solver = WLR_SOLVER_NEWTON;
                o.max_iter = 50;
            } else {
                o.optimizer = (wlr_optimizer)k;
            }
            snprintf(name, sizeof name, "%s, %s, l2 %g%s", what,
                     k == 3 ? "newton" : opt_names[k], l2,
                     std ? ", standardized" : "");
            fit(name, d, &o);
        }
    }
}

static void test_separable(void)
{
    wlr_dataset d;
    if (!make(&d, 200, 2, separable, half_label)) return;
    fit_all("separable", &d, 1e-4, 1, 1);
    fit_all("separable", &d, 0, 1, 1);
    wlr_dataset_free(&d);
}

static void test_extreme_weights(void)
{
    wlr_dataset d;
    if (!make(&d, 500, 2, overlapping, rare_label)) return;
    fit_all("weights 1:1e6", &d, 1e-4, 1, 1e6);
    fit_all("weights 1e6:1", &d, 1e-4, 1e6, 1);
    fit_all("weights 1e-6:1e-6", &d, 0, 1e-6, 1e-6);
    wlr_dataset_free(&d);
}

static void test_extreme_scales(void)
{
    wlr_dataset d;
    if (make(&d, 300, 2, huge, half_label)) {
        fit_all("scale 1e150", &d, 1e-4, 1, 1);
        fit_all("scale 1e150", &d, 0, 1, 1);
        wlr_dataset_free(&d);
    }
    if (make(&d, 300, 2, tiny, half_label)) {
        fit_all("scale 1e-150", &d, 1e-4, 1, 1);
        wlr_dataset_free(&d);
    }
}

static void test_constant_columns(void)
{
    wlr_dataset d;
    if (make(&d, 300, 3, constant_col, half_label)) {
        fit_all("constant column", &d, 1e-4, 1, 1);
        fit_all("constant column", &d, 0, 1, 1);
        wlr_dataset_free(&d);
    }
    if (make(&d, 300, 2, all_constant, half_label)) {
        fit_all("all columns constant", &d, 0, 1, 1);
        wlr_dataset_free(&d);
    }
}

static void test_one_row_class(void)
{
    wlr_dataset d;
    if (!make(&d, 100, 2, overlapping, one_positive)) return;
    fit_all("one class-1 row", &d, 1e-4, 1, 1);
    fit_all("one class-1 row", &d, 0, 1, 1);
    double cw[2];
    wlr_error err;
    CHECK(wlr_class_weights_balanced(&d, cw, &err) == WLR_OK &&
          isfinite(cw[0]) && isfinite(cw[1]), "balanced: %s", err.message);
    fit_all("one class-1 row, balanced", &d, 1e-4, cw[0], cw[1]);
    wlr_dataset_free(&d);
}

int main(void)
{
    RUN(test_separable);
    RUN(test_extreme_weights);
    RUN(test_extreme_scales);
    RUN(test_constant_columns);
    RUN(test_one_row_class);
    return check_summary();
}
