/*
 * bench_train.c - how fast gradient descent runs: the fast vectorised path
 * (the default) against the plain per-row reference path, on the tutorial's
 * data (100,000 generated rows, 2 features, 0.5 % minority, split 80/20:
 * 80,000 training rows), with the default batch 100 and 50 epochs; then
 * the fast path alone at other batch sizes and with the per-epoch loss.
 *
 * Usage: bench_train [ROWS] [--fast] [--epochs E] [--repeats R]
 *   ROWS (default 100000) generated rows before the 80/20 split;
 *   --fast times only the fast path (for profiling, and for big ROWS);
 *   --epochs E (default 50), --repeats R (default 7) fits, best kept.
 * Prints, per weighting and path: the best fit time of the repeats,
 * row-visits per second (epochs x training rows / fit time; the fit's one
 * final loss pass is in the time, not in the visits), and the fast path's
 * speed-up and relative difference in the final loss. Then the fast fit's
 * parts (balanced, batch 100): the epochs alone, driven through the
 * internal wlr__gd loop as wlr_train drives them, and the final loss pass;
 * the rest of the fit is its set-up (the sums behind the start, the
 * single-precision copy of the rows).
 */
#include "internal.h"
#include "kernel.h"
#include "epochs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Best of the repeats: the minimum is the least disturbed by other
 * processes. */
static int repeats = 7, epochs = 50;

/* The best time of a fit of weighting spec with batch size batch. */
static int fit(const wlr_dataset *train, const char *spec, int reference,
               size_t batch, int epoch_loss, double *best, double *loss)
{
    wlr_train_options o;
    wlr_train_defaults(&o);
    o.reference = reference;
    o.batch_size = batch;
    o.epochs = epochs;
    o.epoch_loss = epoch_loss;
    wlr_error err;
    if (wlr_class_weights_parse(spec, train, o.class_weight, &err)) {
        fprintf(stderr, "bench_train: %s\n", err.message);
        return 1;
    }
    *best = INFINITY;
    for (int r = 0; r < (reference && repeats > 3 ? 3 : repeats); r++) {
        wlr_model m;
        wlr_train_info info;
        if (wlr_train(train, &o, &m, &info, &err)) {
            fprintf(stderr, "bench_train: %s\n", err.message);
            return 1;
        }
        if (info.seconds < *best) *best = info.seconds;
        *loss = info.loss;
        wlr_model_free(&m);
        wlr_train_info_free(&info);
    }
    return 0;
}

int main(int argc, char **argv)
{
    size_t rows = 100000;
    int fast_only = 0;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--fast") == 0) fast_only = 1;
        else if (strcmp(argv[k], "--epochs") == 0 && k + 1 < argc)
            epochs = atoi(argv[++k]);
        else if (strcmp(argv[k], "--repeats") == 0 && k + 1 < argc)
            repeats = atoi(argv[++k]);
        else rows = strtoul(argv[k], NULL, 10);
    }
    if (epochs < 1 || repeats < 1 || rows < 10) {
        fprintf(stderr, "usage: bench_train [ROWS] [--fast] [--epochs E] "
                "[--repeats R]\n");
        return 2;
    }
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    p.n_samples = rows;
    wlr_dataset all, train, test;
    wlr_error err;
    if (wlr_generate(&p, &all, &err) ||
        wlr_split(&all, 0.2, 42, 0, &train, &test, &err)) {
        fprintf(stderr, "bench_train: %s\n", err.message);
        return 1;
    }
    wlr_dataset_free(&all);
    static const char *specs[] = {"none", "balanced", "1:200"};
    double visits = (double)epochs * (double)train.n_rows;
    printf("gradient descent, batch 100, %d epochs, %zu training rows "
           "(%.0f row-visits a fit); best of %d\n", epochs, train.n_rows,
           visits, repeats);
    printf("%-9s %12s %12s %14s %14s %9s %10s\n", "weights", "fast ms",
           "ref ms", "fast visits/s", "ref visits/s", "speed-up", "loss diff");
    for (int k = 0; k < 3; k++) {
        double tf, tr, lf, lr;
        if (fit(&train, specs[k], 0, 100, 0, &tf, &lf)) return 1;
        tr = lr = NAN;
        if (!fast_only && fit(&train, specs[k], 1, 100, 0, &tr, &lr)) return 1;
        printf("%-9s %12.3f %12.3f %14.3g %14.3g %8.1fx %10.1e\n", specs[k],
               tf * 1e3, tr * 1e3, visits / tf, visits / tr, tr / tf,
               fabs(lf - lr) / lr);
    }
    /* the fast path, balanced weights, by batch size */
    printf("\nfast path, balanced: ms a fit and row-visits/s by batch size\n");
    printf("%-28s %12s %14s\n", "batch", "fast ms", "visits/s");
    static const struct { const char *name; size_t batch; int epoch_loss; } runs[] = {
        {"100", 100, 0}, {"100, loss every epoch", 100, 1}, {"1000", 1000, 0},
        {"full (0)", 0, 0}};
    for (int k = 0; k < 4; k++) {
        double t, l;
        if (fit(&train, "balanced", 0, runs[k].batch, runs[k].epoch_loss, &t, &l))
            return 1;
        printf("%-28s %12.3f %14.3g\n", runs[k].name, t * 1e3, visits / t);
    }
    /* the parts of the default fit, on every path this machine runs */
    double cw[2];
    if (wlr_class_weights_parse("balanced", &train, cw, &err)) return 1;
    wlr__scaling sc;
    if (wlr__scaling_init(&sc, &train, 1, &err)) return 1;
    wlr__problem prob = {&train, &sc, {cw[0], cw[1]}, 1e-4};
    double theta[3] = {0.6, -0.7, -3.0}, g[3];
    const wlr__kernel *paths[3], *best = wlr__kernel_get();
    size_t n_paths = wlr__kernels_available(paths);
    printf("\nthe default fit's parts by path, balanced (ms and row-visits/s, "
           "best of %d)\n", repeats);
    printf("%-8s %10s %10s %10s %10s %10s %10s %8s %10s\n", "path", "epochs",
           "visits/s", "converted", "visits/s", "final", "fit", "", "visits/s");
    for (size_t k = 0; k < n_paths; k++) {
        double te, tr, tl = INFINITY, tfit, lfit;
        wlr__kernel_use(paths[k]);
        if (bench_epochs_alone(&train, "balanced", epochs, 1, repeats, &te) ||
            bench_epochs_alone(&train, "balanced", epochs, 0, repeats, &tr) ||
            fit(&train, "balanced", 0, 100, 0, &tfit, &lfit))
            return 1;
        for (int r = 0; r < repeats; r++) {
            double t0 = wlr__now();
            volatile double l = wlr__objective_fast(&prob, theta, g, NULL);
            (void)l;
            double t = wlr__now() - t0;
            if (t < tl) tl = t;
        }
        printf("%-8s %10.3f %10.3g %10.3f %10.3g %10.3f %10.3f %8s %10.3g\n",
               paths[k]->name, te * 1e3, visits / te, tr * 1e3, visits / tr,
               tl * 1e3, tfit * 1e3, "", visits / tfit);
    }
    printf("(epochs: the epochs alone, from the float copy; converted: the same "
           "with the rows\nconverted as read, the path of data over 8 MiB; "
           "final: the loss and gradient\npass a fit ends with; fit: the whole "
           "wlr_train)\n");
    wlr__kernel_use(best);
    wlr__scaling_free(&sc);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return 0;
}
