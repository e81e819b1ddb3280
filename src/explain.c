/*
 * explain.c - the loss and gradient split by class, to show what a class
 * weight does: it multiplies one class's share of both.
 *
 * For rare-event data without weights, class 0's rows are 99 % of the sum,
 * so its pull dominates the gradient and the model learns to say "0". With
 * c_1 = N / (2 N_1), both classes carry the same total weight and their
 * pulls become comparable.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

wlr_status wlr_class_terms_compute(const wlr_dataset *d, const double cw[2],
                                   const wlr_model *m, wlr_class_terms *t,
                                   wlr_error *err)
{
    size_t D = d->n_features, P = D + 1, N = d->n_rows;
    memset(t, 0, sizeof *t);
    if (N == 0) return wlr__fail(err, WLR_ERR_ARG, "explain: no rows");
    /* g[k * P + j]: class k's unweighted sum of s (p - y) x~_j */
    double *g = calloc(2 * P, sizeof *g);
    if (!g) return wlr__fail(err, WLR_ERR_NOMEM, "explain: out of memory");
    double loss[2] = {0, 0};
    for (size_t i = 0; i < N; i++) {
        int k = d->y[i];
        double s = d->weight ? d->weight[i] : 1.0, z = m->intercept;
        for (size_t j = 0; j < D; j++) z += m->coef[j] * d->x[j * N + i];
        /* s [log(1 + e^z) - y z] and s (p - y) */
        loss[k] += s * (wlr_softplus(z) - (k ? z : 0.0));
        double r = s * (wlr_sigmoid(z) - k);
        for (size_t j = 0; j < D; j++) g[k * P + j] += r * d->x[j * N + i];
        g[k * P + D] += r;
    }
    for (int k = 0; k < 2; k++) {
        double sq = 0;
        for (size_t j = 0; j < P; j++) sq += g[k * P + j] * g[k * P + j];
        /* the class weight scales class k's sums by c_k */
        t->loss_unweighted[k] = loss[k] / (double)N;
        t->grad_norm_unweighted[k] = sqrt(sq) / (double)N;
        t->loss[k] = cw[k] * t->loss_unweighted[k];
        t->grad_norm[k] = cw[k] * t->grad_norm_unweighted[k];
    }
    free(g);
    return WLR_OK;
}
