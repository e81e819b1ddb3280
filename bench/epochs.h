/*
 * epochs.h - the benchmarks' timer of gradient descent's epochs alone
 * (bench_train, bench_memory): a default fit's epochs (batch 100), driven
 * through the internal wlr__gd loop as train.c's train_gd drives them,
 * without the set-up's sums and the final loss pass.
 */
#ifndef WLR_BENCH_EPOCHS_H
#define WLR_BENCH_EPOCHS_H

#include "wlr.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The best of `repeats` timings of `epochs` epochs of weighting spec on
 * train: wlr__gd_use_rows outside the clock (keep 1: the float copy where
 * train.c makes it; 0: the rows converted as read, the path of data above
 * WLR__FAST_COPY_MAX), then the epochs. 0, or 1 after a message. */
static int bench_epochs_alone(const wlr_dataset *train, const char *spec, int epochs,
                              int keep, int repeats, double *best)
{
    wlr_train_options o;
    wlr_train_defaults(&o);
    o.epochs = epochs;
    wlr_error err;
    wlr__scaling s;
    if (wlr_class_weights_parse(spec, train, o.class_weight, &err) ||
        wlr__scaling_init(&s, train, o.standardize, &err)) {
        fprintf(stderr, "bench: %s\n", err.message);
        return 1;
    }
    size_t nb = wlr__gd_blocks(&o, train->n_rows), P = train->n_features + 1;
    size_t *order = malloc(nb * sizeof *order);
    double *theta = calloc(P, sizeof *theta);
    int failed = !order || !theta;
    if (failed) fprintf(stderr, "bench: out of memory\n");
    *best = INFINITY;
    for (int r = 0; r < repeats && !failed; r++) {
        for (size_t k = 0; k < nb; k++) order[k] = k;
        memset(theta, 0, P * sizeof *theta);
        wlr__gd g;
        wlr_train_info info;
        memset(&info, 0, sizeof info);
        wlr__weight_sums ws;
        memset(&ws, 0, sizeof ws);
        wlr__weight_sums_add(&ws, train, o.class_weight);
        if (wlr__gd_init(&g, &o, &s, theta, wlr__gd_curvature(&o, &ws, train->n_rows),
                         (long)nb * o.epochs, &info, &err)) {
            fprintf(stderr, "bench: %s\n", err.message);
            failed = 1;
            break;
        }
        wlr__gd_use_rows(&g, train, keep);
        wlr__rng rng;
        wlr__rng_seed(&rng, o.shuffle_seed);
        double t0 = wlr__now();
        for (int e = 0; e < o.epochs; e++) wlr__gd_epoch(&g, &rng, order);
        double t = wlr__now() - t0;
        if (t < *best) *best = t;
        wlr__gd_free(&g);
    }
    free(order);
    free(theta);
    wlr__scaling_free(&s);
    return failed;
}

#endif
