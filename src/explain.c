/*
 * explain.c - the loss and gradient split by class, to show what a class
 * weight does: it multiplies one class's share of both.
 *
 * For rare-event data without weights, class 0's rows are 99 % of the sum,
 * so its pull dominates the gradient and the model learns to say "0". With
 * c_1 = N / (2 N_1), both classes carry the same total weight and their
 * pulls become comparable.
 *
 * Each class's share is the objective with the other class's weight set to
 * 0 and no penalty: the same function that trains, in its fast form
 * (wlr__objective_fast, the same bits on every path): explain and the plots
 * take it after every epoch, and the reference's one libm call a row made
 * that most of their time.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

wlr_status wlr_class_terms_compute(const wlr_dataset *d, const double cw[2],
                                   const wlr_model *m, wlr_class_terms *t,
                                   wlr_error *err)
{
    size_t D = d->n_features, P = D + 1;
    memset(t, 0, sizeof *t);
    if (d->n_rows == 0) return wlr__fail(err, WLR_ERR_ARG, "explain: no rows");
    if (m->n_features != D)
        return wlr__fail(err, WLR_ERR_ARG, "explain: the model has %zu features, "
                         "the data %zu", m->n_features, D);
    double *theta = malloc(2 * P * sizeof *theta), *grad = theta + P;
    if (!theta) return wlr__fail(err, WLR_ERR_NOMEM, "explain: out of memory");
    memcpy(theta, m->coef, D * sizeof *theta);
    theta[D] = m->intercept;
    for (int k = 0; k < 2; k++) {
        /* class k alone, unweighted: (1/N) sum_{i: y_i = k} s_i [...] */
        wlr__problem p = {d, NULL, {k == 0, k == 1}, 0.0};
        double sq = 0, loss = wlr__objective_fast(&p, theta, grad, NULL);
        for (size_t j = 0; j < P; j++) sq += grad[j] * grad[j];
        t->loss_unweighted[k] = loss;
        t->grad_norm_unweighted[k] = sqrt(sq);
        /* the class weight scales class k's sums by c_k */
        t->loss[k] = cw[k] * loss;
        t->grad_norm[k] = cw[k] * t->grad_norm_unweighted[k];
    }
    free(theta);
    return WLR_OK;
}
