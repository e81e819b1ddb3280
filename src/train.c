/*
 * train.c - weighted logistic regression, trained by batched gradient
 * descent. Read it top to bottom: one row's terms, the objective over all
 * rows, a batch's gradient, the optimisers' steps, an epoch, the fit.
 *
 * THE MODEL AND THE OBJECTIVE (wlr.h):
 *   p = sigma(z),  z = w . x + b
 *   L(w, b) = (1/N) sum_i c_{y_i} s_i [ log(1 + e^{z_i}) - y_i z_i ]  +  (l2/2) |w|^2
 * c_0, c_1 are the class weights, s_i a row's own weight (1 without), so a
 * row of class k weighs c_k s_i. Its gradient, one row's pull times (x, 1):
 *   dL/d(w, b) = (1/N) sum_i c_{y_i} s_i (p_i - y_i) (x_i, 1)  +  l2 (w, 0)
 * A class weight multiplies every pull of its class: with c_1 = 200 each
 * minority row pulls as hard as 200 majority rows.
 *
 * THE SCALED FEATURES. The solvers work on x'_j = (x_j - mu_j) / sd_j
 * (standardised by default; mu = 0, sd = 1 with standardize off) and on
 * theta = (w', b') with w' . x' + b' = w . x + b, so w_j = w'_j / sd_j.
 * The penalty is still the one on w: (l2/2) sum_j lambda_j w'_j^2 with
 * lambda_j = l2 / sd_j^2. Scaling changes the path, never the optimum.
 *
 * This file is the reference: plain loops, one row at a time, with libm.
 * The loops that run over every row at every step have fast twins
 * (kernel.h: the batch's sums in single precision, the objective's in
 * double), chosen unless options.reference is set, and tested against these
 * functions to the tolerances kernel.h gives.
 */
#include "internal.h"
#include "elementary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void wlr_train_defaults(wlr_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->class_weight[0] = o->class_weight[1] = 1.0;
    o->l2 = WLR_DEFAULT_L2;
    o->solver = WLR_SOLVER_GD;
    o->optimizer = WLR_OPT_SGD;
    o->batch_size = 100;
    o->epochs = 0;          /* as many as wlr_gd_epochs says */
    o->lr = WLR_DEFAULT_LR;
    o->shuffle_seed = 0;
    o->standardize = 1;
    o->tol = WLR_DEFAULT_TOL;
    o->max_iter = 100;
}

wlr_status wlr_train_check(const wlr_train_options *o, wlr_error *err)
{
    for (int k = 0; k < 2; k++)
        if (!isfinite(o->class_weight[k]) || o->class_weight[k] <= 0)
            return wlr__fail(err, WLR_ERR_ARG, "class_weight: c_%d = %g must be "
                             "a finite number > 0", k, o->class_weight[k]);
    if (!isfinite(o->l2) || o->l2 < 0)
        return wlr__fail(err, WLR_ERR_ARG, "l2: %g must be a finite number >= 0",
                         o->l2);
    if (o->standardize != 0 && o->standardize != 1)
        return wlr__fail(err, WLR_ERR_ARG, "standardize: %d must be 0 or 1",
                         o->standardize);
    if (o->solver != WLR_SOLVER_GD && o->solver != WLR_SOLVER_NEWTON)
        return wlr__fail(err, WLR_ERR_ARG, "solver: unknown value %d",
                         (int)o->solver);
    if (o->solver == WLR_SOLVER_NEWTON) {
        if (!isfinite(o->tol) || o->tol <= 0)
            return wlr__fail(err, WLR_ERR_ARG, "tol: %g must be a finite number "
                             "> 0", o->tol);
        if (o->max_iter < 1)
            return wlr__fail(err, WLR_ERR_ARG, "max_iter: %d must be >= 1",
                             o->max_iter);
        return WLR_OK;
    }
    if (o->optimizer != WLR_OPT_SGD && o->optimizer != WLR_OPT_MOMENTUM &&
        o->optimizer != WLR_OPT_ADAM)
        return wlr__fail(err, WLR_ERR_ARG, "optimizer: unknown value %d",
                         (int)o->optimizer);
    if (o->epochs < 0)
        return wlr__fail(err, WLR_ERR_ARG, "epochs: %d must be >= 1 (or 0: "
                         "chosen from the data's size)", o->epochs);
    if (!isfinite(o->lr) || o->lr <= 0)
        return wlr__fail(err, WLR_ERR_ARG, "lr: %g must be a finite number > 0",
                         o->lr);
    return WLR_OK;
}

/* ------------------------------------------------------------- one row */

/* sigma(z) = 1 / (1 + e^-z), from e^-|z| <= 1 so that it never overflows:
 * for z < 0, sigma(z) = e^z / (1 + e^z). (e^x from elementary.h, the same
 * on every machine, as every exp and log below.) */
double wlr_sigmoid(double z)
{
    double e = wlr__exp_nonpos(-fabs(z));
    return z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* log(1 + e^z), finite for every finite z: for z > 0 it is
 * z + log(1 + e^-z), and e^-|z| never overflows. */
double wlr_softplus(double z)
{
    return fmax(z, 0.0) + wlr__log1p_unit(wlr__exp_nonpos(-fabs(z)));
}

/*
 * One row's terms, with p = sigma(z) and c = c_y s its weight:
 *   returns   c [log(1 + e^z) - y z]     its share of L: c times the
 *                                        log-loss -[y log p + (1-y) log(1-p)]
 *   *r =      c (p - y)                  its pull, dL/dz
 *   *h =      c p (1 - p)                its curvature, d2L/dz2 (if h)
 * For y = 1, p - 1 = -sigma(-z): no cancellation where p is near 1.
 */
static double row_terms(double z, int y, double c, double *r, double *h)
{
    *r = c * (y ? -wlr_sigmoid(-z) : wlr_sigmoid(z));
    if (h) *h = c * wlr_sigmoid(z) * wlr_sigmoid(-z);
    return c * (wlr_softplus(z) - (y ? z : 0.0));
}

/* The row's weight c_{y_i} s_i. */
static double row_weight(const wlr_dataset *d, const double cw[2], size_t i)
{
    double c = cw[d->y[i]];
    return d->weight ? c * d->weight[i] : c;
}

/* x'_ij, feature j of row i on the scaled features (s NULL: x_ij). */
static double scaled_x(const wlr_dataset *d, const wlr__scaling *s, size_t j,
                       size_t i)
{
    double x = d->x[j * d->n_rows + i];
    return s ? (x - s->mu[j]) / s->sd[j] : x;
}

/* z_i = w' . x'_i + b'. */
static double row_logit(const wlr_dataset *d, const wlr__scaling *s,
                        const double *theta, size_t i)
{
    size_t D = d->n_features;
    double z = theta[D];
    for (size_t j = 0; j < D; j++) z += theta[j] * scaled_x(d, s, j, i);
    return z;
}

/* --------------------------------------------------------- the objective */

/* The penalty (l2/2) sum_j lambda_j w'_j^2, lambda_j = l2 / sd_j^2 (sd = 1
 * without s): its value, its gradient lambda_j w'_j added into grad and its
 * curvature lambda_j into hess's diagonal ((D + 1)^2; each if not NULL). */
double wlr__penalty(const wlr__scaling *s, double l2, size_t D,
                    const double *theta, double *grad, double *hess)
{
    double pen = 0;
    for (size_t j = 0; j < D; j++) {
        double lambda = wlr__penalty_weight(s, l2, j);
        pen += 0.5 * lambda * theta[j] * theta[j];
        if (grad) grad[j] += lambda * theta[j];
        if (hess) hess[j * (D + 1) + j] += lambda;
    }
    return pen;
}

/*
 * L at theta, and (if asked) its gradient and Hessian, x~_i = (x'_i, 1):
 *   L    = (1/N) sum_i c_i [log(1 + e^{z_i}) - y_i z_i] + (l2/2) sum_j lambda_j w'_j^2
 *   grad = (1/N) sum_i c_i (p_i - y_i) x~_i              + (lambda_j w'_j, 0)
 *   H    = (1/N) sum_i c_i p_i (1 - p_i) x~_i x~_i^T     + diag(lambda_1 .. lambda_D, 0)
 * Every loss and gradient in the library is this function or its fast twin
 * (wlr__objective_fast); explain takes it class by class.
 */
double wlr__objective(const wlr__problem *p, const double *theta, double *grad,
                      double *hess)
{
    const wlr_dataset *d = p->d;
    size_t D = d->n_features, P = D + 1, N = d->n_rows;
    double sum = 0;
    if (grad) memset(grad, 0, P * sizeof *grad);
    if (hess) memset(hess, 0, P * P * sizeof *hess);
    for (size_t i = 0; i < N; i++) {
        double r, h, z = row_logit(d, p->s, theta, i);
        sum += row_terms(z, d->y[i], row_weight(d, p->cw, i), &r, hess ? &h : NULL);
        for (size_t j = 0; j < P && grad; j++)
            grad[j] += r * (j < D ? scaled_x(d, p->s, j, i) : 1.0);
        for (size_t j = 0; j < P && hess; j++) {
            double xj = j < D ? scaled_x(d, p->s, j, i) : 1.0;
            for (size_t k = 0; k <= j; k++)
                hess[j * P + k] += h * xj * (k < D ? scaled_x(d, p->s, k, i) : 1.0);
        }
    }
    for (size_t j = 0; j < P && grad; j++) grad[j] /= (double)N;
    for (size_t j = 0; j < P && hess; j++)
        for (size_t k = 0; k <= j; k++)
            hess[k * P + j] = hess[j * P + k] /= (double)N;
    return sum / (double)N + wlr__penalty(p->s, p->l2, D, theta, grad, hess);
}

/* L(w, b) and its gradient on the original features (wlr.h). */
double wlr_loss(const wlr_dataset *d, const double cw[2], double l2,
                const wlr_model *m, double *grad)
{
    size_t D = d->n_features;
    double *theta = malloc((D + 1) * sizeof *theta);
    if (!theta) return NAN;
    memcpy(theta, m->coef, D * sizeof *theta);
    theta[D] = m->intercept;
    wlr__problem p = {d, NULL, {cw[0], cw[1]}, l2};
    double loss = wlr__objective(&p, theta, grad, NULL);
    free(theta);
    return loss;
}

/* ------------------------------------------------- the batch gradient */

/*
 * THE ORDER OF ROWS. A batch is a run of B consecutive rows (in a circle:
 * row N - 1 is followed by row 0), not B rows drawn from anywhere: each
 * epoch draws an offset r in 0..N-1 and a random order of the
 * nb = ceil(N / B) blocks; block k holds the rows r + kB .. r + kB + B - 1
 * (mod N), the last block the N - (nb - 1) B rows left. Every row is
 * visited once an epoch, the batches change from epoch to epoch (the offset
 * moves their boundaries), and a batch is read as one or two contiguous
 * streams (cheap), at the cost that the rows should come in random order
 * (as wlr_split leaves them: sorted rows would make one-class batches).
 */
static size_t batch_rows(const wlr_train_options *o, size_t n)
{
    return o->batch_size == 0 || o->batch_size > n ? n : o->batch_size;
}

size_t wlr__gd_blocks(const wlr_train_options *o, size_t n_rows)
{
    size_t B = batch_rows(o, n_rows);
    return (n_rows + B - 1) / B;
}

/* Batch q of the epoch (offset, order) as one or two runs (first, count);
 * returns the number of runs. */
static int batch_runs(size_t N, size_t B, size_t nb, size_t offset,
                      const size_t *order, size_t q, size_t first[2],
                      size_t count[2])
{
    size_t k = order[q];
    size_t n = k + 1 == nb ? N - k * B : B;
    size_t start = offset + k * B;
    if (start >= N) start -= N;     /* offset < N and k B < N */
    first[0] = start;
    count[0] = start + n <= N ? n : N - start;
    first[1] = 0;
    count[1] = n - count[0];
    return count[1] ? 2 : 1;
}

/*
 * A batch's sums, on the scaled features at theta:
 *   G = sum_{i in batch} c_i (p_i - y_i) (x'_i, 1)
 * here one row at a time (the reference), or by the step kernel (single
 * precision, kernel.h).
 */
static void batch_gradient(const wlr__gd *g, const size_t first[2],
                           const size_t count[2], int n_runs, double *G)
{
    if (g->rows) {
        wlr__kernel_batch(g->rows, g->theta, first, count, n_runs, G);
        return;
    }
    const wlr_dataset *d = g->d;
    const wlr__scaling *s = g->s->on ? g->s : NULL;
    size_t D = d->n_features;
    memset(G, 0, (D + 1) * sizeof *G);
    for (int q = 0; q < n_runs; q++)
        for (size_t i = first[q]; i < first[q] + count[q]; i++) {
            double r;
            row_terms(row_logit(d, s, g->theta, i), d->y[i],
                      row_weight(d, g->o->class_weight, i), &r, NULL);
            for (size_t j = 0; j < D; j++) G[j] += r * scaled_x(d, s, j, i);
            G[D] += r;
        }
}

/* ------------------------------------------------------- the optimisers */

/*
 * One step from a batch's sums G over B rows. The batch's gradient of L is
 *   g_j = G_j / B + lambda_j w'_j  (j < D),   g_D = G_D / B,
 * and the learning rate falls linearly over the run's T steps,
 *   lr_t = lr0 (1 - (1 - WLR__LR_FLOOR) t / T),  lr0 = lr / k,
 * k the curvature of THE STEP SIZE below: multiplying every weight by 10
 * multiplies the gradient and k by 10, and keeps the path the same.
 */
static double next_lr(wlr__gd *g)
{
    double frac = (double)g->t / (double)g->total_steps;
    g->t++;
    return g->lr0 * (1.0 - (1.0 - WLR__LR_FLOOR) * frac);
}

/* sgd: theta -= lr g, with the penalty's pull lambda_j w'_j taken at the
 * new point (w'_j = w'_j - lr G_j / B - lr lambda_j w'_j, solved for the
 * new w'_j): the same step to first order, and stable however large
 * lambda_j = l2 / sd_j^2 is. */
static void sgd_step(wlr__gd *g, size_t B)
{
    size_t D = g->s->n;
    double lr = next_lr(g), step = lr / (double)B;
    for (size_t j = 0; j < D; j++)
        g->theta[j] = (g->theta[j] - step * g->G[j]) / (1.0 + lr * g->lambda[j]);
    g->theta[D] -= step * g->G[D];
}

/* momentum (heavy ball): m = beta m + G / B;  theta -= lr m, the penalty
 * taken at the new point as in sgd. */
static void momentum_step(wlr__gd *g, size_t B)
{
    size_t D = g->s->n;
    double lr = next_lr(g);
    for (size_t j = 0; j <= D; j++) {
        g->m[j] = WLR__MOMENTUM_BETA * g->m[j] + g->G[j] / (double)B;
        double w = g->theta[j] - lr * g->m[j];
        g->theta[j] = j < D ? w / (1.0 + lr * g->lambda[j]) : w;
    }
}

/* Adam (Kingma & Ba): m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 * theta -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps), with g the
 * whole gradient, penalty included (Adam's steps are at most about lr
 * whatever g is). */
static void adam_step(wlr__gd *g, size_t B)
{
    size_t D = g->s->n;
    double lr = next_lr(g);
    /* b1^t and b2^t, one product a step */
    g->beta_t[0] = g->t == 1 ? WLR__ADAM_BETA1 : g->beta_t[0] * WLR__ADAM_BETA1;
    g->beta_t[1] = g->t == 1 ? WLR__ADAM_BETA2 : g->beta_t[1] * WLR__ADAM_BETA2;
    double c1 = 1.0 - g->beta_t[0], c2 = 1.0 - g->beta_t[1];
    for (size_t j = 0; j <= D; j++) {
        double gj = g->G[j] / (double)B + (j < D ? g->lambda[j] * g->theta[j] : 0.0);
        g->m[j] = WLR__ADAM_BETA1 * g->m[j] + (1 - WLR__ADAM_BETA1) * gj;
        g->v[j] = WLR__ADAM_BETA2 * g->v[j] + (1 - WLR__ADAM_BETA2) * gj * gj;
        g->theta[j] -= lr * (g->m[j] / c1) / (sqrt(g->v[j] / c2) + WLR__ADAM_EPS);
    }
}

/* ------------------------------------------------------------ the epoch */

/* Batches are asked into the cache this many steps ahead when an epoch
 * reads more than PREFETCH_MIN_BYTES (smaller data stays in the cache):
 * bench/README.md, "Prefetching", gives what it gains out of the cache. */
#define PREFETCH_AHEAD 8
#define PREFETCH_MIN_BYTES ((size_t)4 << 20)

/*
 * One epoch: draw the offset and shuffle the block order (order holds the
 * nb block numbers, shuffled on from the last epoch's), then for each
 * batch its sums and one optimiser step.
 */
void wlr__gd_epoch(wlr__gd *g, wlr__rng *rng, size_t *order)
{
    size_t N = g->d->n_rows, B = batch_rows(g->o, N), nb = (N + B - 1) / B;
    size_t offset = (size_t)wlr__rng_randint(rng, N);
    wlr__rng_shuffle_fast(rng, order, nb);
    size_t bytes = N * (g->d->n_features * sizeof(double) + 1);
    size_t ahead = g->rows && bytes > PREFETCH_MIN_BYTES ? PREFETCH_AHEAD : 0;
    for (size_t q = 0; q < nb; q++) {
        size_t first[2], count[2];
        if (ahead && q + ahead < nb) {
            int later = batch_runs(N, B, nb, offset, order, q + ahead, first, count);
            for (int k = 0; k < later; k++) wlr__rows_prefetch(g->rows, first[k], count[k]);
        }
        int runs = batch_runs(N, B, nb, offset, order, q, first, count);
        batch_gradient(g, first, count, runs, g->G);
        size_t rows = count[0] + count[1];
        switch (g->o->optimizer) {
        case WLR_OPT_SGD: sgd_step(g, rows); break;
        case WLR_OPT_MOMENTUM: momentum_step(g, rows); break;
        case WLR_OPT_ADAM: adam_step(g, rows); break;
        }
    }
}

wlr_status wlr__gd_init(wlr__gd *g, const wlr_train_options *o,
                        const wlr__scaling *s, double *theta, double curvature,
                        long total_steps, wlr_train_info *info, wlr_error *err)
{
    size_t D = s->n;
    memset(g, 0, sizeof *g);
    g->o = o;
    g->s = s;
    g->theta = theta;
    g->lr0 = o->lr / curvature;
    g->total_steps = total_steps;
    g->G = calloc(5 * (D + 1), sizeof *g->G);
    if (o->epoch_loss)
        info->loss_per_epoch = calloc((size_t)o->epochs, sizeof *info->loss_per_epoch);
    if (!g->G || (o->epoch_loss && !info->loss_per_epoch)) {
        wlr__gd_free(g);
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
    }
    g->m = g->G + (D + 1);
    g->v = g->m + (D + 1);
    g->lambda = g->v + (D + 1);
    g->a = g->lambda + (D + 1);
    for (size_t j = 0; j < D; j++) g->lambda[j] = wlr__penalty_weight(s, o->l2, j);
    return WLR_OK;
}

void wlr__gd_free(wlr__gd *g)
{
    wlr__rows_free(g->rows);
    free(g->G);
    memset(g, 0, sizeof *g);
}

void wlr__gd_use_rows(wlr__gd *g, const wlr_dataset *d, int keep)
{
    wlr__rows_free(g->rows);
    g->rows = NULL;
    g->d = d;
    if (!g->o->reference) {
        wlr__problem p = {d, g->s, {g->o->class_weight[0], g->o->class_weight[1]},
                          g->o->l2};
        g->rows = wlr__rows_new(&p, keep);
    }
}

int wlr__gd_loss_due(const wlr__gd *g, int e)
{
    return g->o->epoch_loss || e + 1 == g->o->epochs;
}

void wlr__report_epoch(const wlr_train_options *o, const wlr__scaling *s,
                       const double *theta, double *a, int epoch, double loss)
{
    wlr_model m = {s->n, a, 0};
    wlr__scaling_unscale(s, theta, a, &m.intercept);
    o->on_epoch(o->on_epoch_ctx, epoch, &m, loss);
}

wlr_status wlr__gd_end_epoch(wlr__gd *g, int e, double loss,
                             wlr_train_info *info, wlr_error *err)
{
    const wlr_train_options *o = g->o;
    size_t D = g->s->n;
    int computed = wlr__gd_loss_due(g, e);
    if (computed) {
        if (o->epoch_loss) info->loss_per_epoch[e] = loss;
        info->loss = loss;
    }
    info->iterations = e + 1;
    wlr__progress("train", e + 1, o->epochs);
    if (o->on_epoch) wlr__report_epoch(o, g->s, g->theta, g->a, e + 1, loss);
    /* divergence shows in the parameters even when the loss is not
     * computed: an overflow makes them infinite, then NaN */
    int finite = !computed || isfinite(loss);
    for (size_t j = 0; j <= D; j++) finite &= isfinite(g->theta[j]) != 0;
    if (!finite)
        return wlr__fail(err, WLR_ERR_NUMERIC, "train: gradient descent diverged "
                         "at epoch %d (%s is not finite); lower the learning "
                         "rate (--lr, now %g)%s", e + 1,
                         computed && !isfinite(loss) ? "the loss" : "a coefficient",
                         o->lr, g->s->on ? "" : " or standardize the features");
    return WLR_OK;
}

/* -------------------------------------------------------------- the fit */

/* The sums behind the starting intercept and the step size (internal.h),
 * in row order; locals, not the struct, so that no row waits for the last
 * one's store. */
void wlr__weight_sums_add(wlr__weight_sums *ws, const wlr_dataset *d,
                          const double cw[2])
{
    if (d->weight) {
        double s0 = ws->s[0], s1 = ws->s[1], top = ws->s_max;
        for (size_t i = 0; i < d->n_rows; i++) {
            if (d->y[i]) s1 += d->weight[i];
            else s0 += d->weight[i];
            top = d->weight[i] > top ? d->weight[i] : top;
        }
        ws->s[0] = s0;
        ws->s[1] = s1;
        ws->s_max = top;
    } else {
        size_t n[2];
        wlr_class_counts(d, n);
        ws->s[0] += (double)n[0];
        ws->s[1] += (double)n[1];
        ws->s_max = 1.0;
    }
    ws->tot[0] = cw[0] * ws->s[0];
    ws->tot[1] = cw[1] * ws->s[1];
    ws->weight_sum = ws->tot[0] + ws->tot[1];
}

/* b at w = 0, where every p is the same: dL/db = 0 gives sigma(b) = the
 * weighted share of class 1, b = log(tot[1] / tot[0]). */
double wlr__base_rate_logit(const double tot[2])
{
    if (tot[0] <= 0 || tot[1] <= 0) return 0.0;
    return wlr__log(tot[1] / tot[0]);
}

/*
 * THE STEP SIZE is lr0 = lr / k, k the larger of two curvatures:
 *   4 cbar q (1 - q)  L's curvature along b at the start, cbar q (1 - q)
 *                     (cbar the mean row weight, q class 1's weighted share:
 *                     every p is q there), times 4 so that k = cbar at
 *                     balance. Scaling every weight by 10 scales k by 10 and
 *                     leaves the path as it was; unweighted rare-event data,
 *                     whose loss is flat (q = 1 %: k = cbar / 25), gets the
 *                     longer steps it needs;
 *   c_max / B         the heaviest row's share of a batch: one row of weight
 *                     c_max = max_i c_{y_i} s_i in a batch of B pulls that
 *                     hard on its own, and must not throw the model.
 * Measured on rare-event data from 2 % to 0.01 % class 1, 2,000 to 100,000
 * rows (bench/stepsize.sh, bench/README.md "The step size"): the worst gap to
 * the optimum falls from 3e-2 to 9e-3 (2,000 rows) and from 8e-3 to 5e-4
 * (100,000) against the lr / cbar of wlr 0.2; the cost, unweighted data of
 * 0.5-2 % on 10,000 rows or more ending 1e-5 rather than 1e-7 from it.
 */
double wlr__gd_curvature(const wlr_train_options *o, const wlr__weight_sums *ws,
                         size_t n_rows)
{
    double cbar = ws->weight_sum / (double)n_rows, q = ws->tot[1] / ws->weight_sum;
    double c_max = fmax(o->class_weight[0], o->class_weight[1]) * ws->s_max;
    return fmax(4.0 * cbar * q * (1.0 - q), c_max / (double)batch_rows(o, n_rows));
}

/*
 * HOW LONG. What brings gradient descent to the optimum is its number of
 * steps, not of epochs: on the tutorial's 80,000 rows 50 epochs are 40,000
 * steps, on 1,600 rows only 800, which leave it 1 % above the optimum. So
 * by default (epochs = 0) a run takes 50 epochs, or as many more as it
 * needs for WLR_MIN_STEPS steps.
 */
int wlr_gd_epochs(const wlr_train_options *o, size_t n_rows)
{
    if (o->epochs > 0) return o->epochs;
    size_t nb = n_rows > 0 ? wlr__gd_blocks(o, n_rows) : 1;
    size_t e = (WLR_MIN_STEPS + nb - 1) / nb;
    return e < WLR_DEFAULT_EPOCHS ? WLR_DEFAULT_EPOCHS : e > INT32_MAX ? INT32_MAX : (int)e;
}

/* The epochs, and L with its gradient after the last (grad, D + 1). */
static wlr_status train_gd(const wlr__problem *p, const wlr_train_options *o,
                           double curvature, double *theta, double *grad,
                           wlr_train_info *info, wlr_error *err)
{
    size_t nb = wlr__gd_blocks(o, p->d->n_rows);
    size_t *order = malloc(nb * sizeof *order);
    if (!order)
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory for %zu rows",
                         p->d->n_rows);
    for (size_t k = 0; k < nb; k++) order[k] = k;
    wlr__gd g;
    wlr_status st = wlr__gd_init(&g, o, p->s, theta, curvature,
                                 (long)nb * o->epochs, info, err);
    wlr__rng rng;
    wlr__rng_seed(&rng, o->shuffle_seed);
    if (st == WLR_OK) wlr__gd_use_rows(&g, p->d, 1);
    for (int e = 0; e < o->epochs && st == WLR_OK; e++) {
        wlr__gd_epoch(&g, &rng, order);
        double loss = NAN;
        if (wlr__gd_loss_due(&g, e)) {
            double *want = e + 1 == o->epochs ? grad : NULL;
            loss = o->reference ? wlr__objective(p, theta, want, NULL)
                                : wlr__objective_fast(p, theta, want, NULL);
        }
        st = wlr__gd_end_epoch(&g, e, loss, info, err);
    }
    wlr__gd_free(&g);
    free(order);
    return st;
}

wlr_status wlr__train_finish(const wlr__scaling *s, const double *theta,
                             const double *grad, wlr_model *model,
                             wlr_train_info *info, wlr_error *err)
{
    size_t D = s->n;
    wlr__scaling_unscale(s, theta, model->coef, &model->intercept);
    double gmax = 0;
    int finite = isfinite(model->intercept) && isfinite(info->loss);
    for (size_t j = 0; j <= D; j++) {
        finite &= isfinite(grad[j]) != 0;
        if (fabs(grad[j]) > gmax) gmax = fabs(grad[j]);
    }
    for (size_t j = 0; j < D; j++) finite &= isfinite(model->coef[j]) != 0;
    info->grad_norm = gmax;
    if (!finite)
        return wlr__fail(err, WLR_ERR_NUMERIC, "train: the model is not finite "
                         "(features too large for double precision, or lr too "
                         "large)");
    return WLR_OK;
}

/* The data's problems that no solver can fix, as errors. */
static wlr_status check_data(const wlr_dataset *d, const double cw[2],
                             wlr_error *err)
{
    if (d->n_rows == 0 || d->n_features == 0)
        return wlr__fail(err, WLR_ERR_ARG, "train: the training data has %zu "
                         "rows and %zu features; it needs at least one of each",
                         d->n_rows, d->n_features);
    if (d->unlabelled)
        return wlr__fail(err, WLR_ERR_ARG, "train: the data has no labels (it "
                         "was read without a label column); it can be scored, "
                         "not trained on");
    size_t n[2];
    wlr_class_counts(d, n);
    if (n[0] == 0 || n[1] == 0)
        return wlr__fail(err, WLR_ERR_ARG, "train: the training rows hold one "
                         "class only (%zu rows of class %d, none of class %d); "
                         "logistic regression needs both", n[0] ? n[0] : n[1],
                         n[0] ? 0 : 1, n[0] ? 1 : 0);
    for (size_t j = 0; j < d->n_features; j++) {
        const double *x = d->x + j * d->n_rows;
        for (size_t i = 0; i < d->n_rows; i++)
            if (!isfinite(x[i]))
                return wlr__fail(err, WLR_ERR_ARG, "train: row %zu, feature %zu "
                                 "is %g; features must be finite numbers",
                                 i + 1, j + 1, x[i]);
    }
    double tot[2] = {0, 0};
    for (size_t i = 0; d->weight && i < d->n_rows; i++) {
        if (!(d->weight[i] >= 0 && isfinite(d->weight[i])))
            return wlr__fail(err, WLR_ERR_ARG, "train: row %zu's weight %g must "
                             "be a finite number >= 0", i + 1, d->weight[i]);
        tot[d->y[i]] += d->weight[i];
    }
    if (d->weight && (tot[0] * cw[0] <= 0 || tot[1] * cw[1] <= 0))
        return wlr__fail(err, WLR_ERR_ARG, "train: the rows of class %d all "
                         "weigh 0", tot[0] * cw[0] <= 0 ? 0 : 1);
    return WLR_OK;
}

/*
 * THE FIT: check the options and the data; scale the features; start from
 * w' = 0 with b' at the weighted log-odds of the classes (the optimum among
 * models that ignore the features: on rare-event data b* is near -4, far
 * from 0); then Newton's steps (newton.c) or the epochs; then L and its
 * gradient at the end, and the model on the original features.
 */
wlr_status wlr_train(const wlr_dataset *d, const wlr_train_options *o,
                     wlr_model *model, wlr_train_info *info, wlr_error *err)
{
    memset(model, 0, sizeof *model);
    memset(info, 0, sizeof *info);
    wlr_status st = wlr_train_check(o, err);
    if (st == WLR_OK) st = check_data(d, o->class_weight, err);
    if (st == WLR_OK && !o->reference) st = wlr__kernel_check(err);
    if (st) return st;
    size_t D = d->n_features;
    /* Newton always works on standardised features: in exact arithmetic
     * it does not care, in floating point it converges whatever the
     * columns' scales (the objective is the same: see the top) */
    wlr__scaling s;
    st = wlr__scaling_init(&s, d, o->standardize || o->solver == WLR_SOLVER_NEWTON,
                           err);
    if (st) return st;
    double *theta = calloc(2 * (D + 1), sizeof *theta), *grad = theta + (D + 1);
    model->coef = calloc(D + 1, sizeof *model->coef);
    if (!theta || !model->coef) {
        free(theta);
        wlr__scaling_free(&s);
        wlr_model_free(model);
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
    }
    model->n_features = D;
    wlr__problem p = {d, &s, {o->class_weight[0], o->class_weight[1]}, o->l2};

    double t0 = wlr__now();
    wlr__weight_sums ws;
    memset(&ws, 0, sizeof ws);
    wlr__weight_sums_add(&ws, d, o->class_weight);
    theta[D] = wlr__base_rate_logit(ws.tot);
    wlr_train_options run = *o;     /* with its epochs settled */
    run.epochs = wlr_gd_epochs(o, d->n_rows);
    o = &run;
    if (o->solver == WLR_SOLVER_NEWTON) {
        st = wlr__newton(&p, o, theta, info, err);
        if (st == WLR_OK)
            info->loss = o->reference ? wlr__objective(&p, theta, grad, NULL)
                                      : wlr__objective_fast(&p, theta, grad, NULL);
    } else {
        st = train_gd(&p, o, wlr__gd_curvature(o, &ws, d->n_rows), theta, grad,
                      info, err);
    }
    info->seconds = wlr__now() - t0;
    if (st == WLR_OK) st = wlr__train_finish(&s, theta, grad, model, info, err);
    free(theta);
    wlr__scaling_free(&s);
    if (st) {
        wlr_model_free(model);
        wlr_train_info_free(info);
    }
    return st;
}

/* b -= log(c_1 / c_0): see wlr.h. */
void wlr_model_calibrate_prior(wlr_model *m, const double cw[2])
{
    m->intercept -= wlr__log(cw[1] / cw[0]);
}

void wlr_model_free(wlr_model *m)
{
    free(m->coef);
    memset(m, 0, sizeof *m);
}

void wlr_train_info_free(wlr_train_info *info)
{
    free(info->loss_per_epoch);
    memset(info, 0, sizeof *info);
}
