/*
 * train.c - weighted logistic regression by batched gradient descent.
 *
 * The objective (see wlr.h):
 *   L(w, b) = (1/N) sum_i c_{y_i} s_i [ log(1 + e^{z_i}) - y_i z_i ] + (l2/2) |w|^2
 * and one row's gradient is c_{y_i} s_i (p_i - y_i) x_i: the class weight
 * rescales the pull of every row of its class.
 *
 * The loop, as in any SGD trainer:
 *   for each epoch: reshuffle the rows;
 *     for each batch of B rows: g = (1/B) sum_{i in batch} c s (p - y) (x, 1)
 *                                   + l2 (w, 0)
 *                               take one optimiser step along -g;
 *     record the full training loss.
 *
 * Two choices make the defaults work across weightings as different as
 * "none" and "1:200" without tuning:
 *   - the intercept starts at the weighted log-odds of the classes, the
 *     optimum when w = 0, instead of 0 (on rare-event data b* is near -4);
 *   - the learning rate decays linearly to WLR__LR_FLOOR of its start over the
 *     run, so the last epochs average out the batch noise;
 *   - the step is lr / cbar, with cbar = (1/N) sum_i c_{y_i} s_i the mean row
 *     weight: multiplying every weight by 10 multiplies the gradient by 10,
 *     and this keeps the path (and the right lr) the same. "none" and
 *     "balanced" have cbar = 1; 1:200 on the tutorial data has cbar = 3.04.
 *
 * Two paths compute each batch and the loss: the fast default (vector
 * loops: a step's sums in single precision, train_step.c; the losses, the
 * final gradient and Newton's sums in double with our own exp and log1p to
 * ~3e-16, train_fast.c; partial sums in a fixed order, big passes shared
 * by the cores) and the reference (options.reference = 1: the per-row
 * loops below with libm). They visit the same rows in the same order (see
 * THE ORDER OF ROWS), so they differ only by rounding: final losses within
 * 1e-6 relative is tested, 7e-12 to 7e-11 is seen on the tutorial data.
 * The loss over all rows is computed after the last epoch, and after every
 * epoch only with options.epoch_loss (it costs as much as the epoch
 * itself).
 *
 * Standardisation: with x' = (x - mu) / sd, w' . x' + b' = a . x + c where
 * a_j = w'_j / sd_j and c = b' - sum_j a_j mu_j, and the gradient for w'_j
 * is (sum_i g_i x_ij - mu_j sum_i g_i) / sd_j. The reference loops (and the
 * double-precision fallback of the fast step) work so, on the original
 * features; the fast single-precision step centres and scales each x as it
 * reads it (or once, into its float copy), so that it sums on x' itself.
 */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void wlr_train_defaults(wlr_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->class_weight[0] = o->class_weight[1] = 1.0;
    o->l2 = WLR_DEFAULT_L2;
    o->solver = WLR_SOLVER_GD;
    o->optimizer = WLR_OPT_SGD;
    o->batch_size = 100;
    o->epochs = 50;
    o->lr = WLR_DEFAULT_LR;
    o->shuffle_seed = 0;
    o->standardize = 0;
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
    if (o->epochs < 1)
        return wlr__fail(err, WLR_ERR_ARG, "epochs: %d must be >= 1", o->epochs);
    if (!isfinite(o->lr) || o->lr <= 0)
        return wlr__fail(err, WLR_ERR_ARG, "lr: %g must be a finite number > 0",
                        o->lr);
    return WLR_OK;
}

/* ------------------------------------------------------- the pieces of L */

/* log(1 + e^z), finite for every finite z:
 * for z > 0, log(1 + e^z) = z + log(1 + e^-z), and e^-|z| never overflows. */
double wlr_softplus(double z)
{
    return fmax(z, 0.0) + log1p(exp(-fabs(z)));
}

/* sigma(z) = 1 / (1 + e^-z), computed from e^-|z| <= 1 so it never
 * overflows: for z < 0, sigma(z) = e^z / (1 + e^z). */
double wlr_sigmoid(double z)
{
    double e = exp(-fabs(z));
    return z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* The weight of row i in the loss: c_{y_i} s_i. */
static inline double row_weight(const wlr_dataset *d, const double cw[2],
                                size_t i)
{
    double c = cw[d->y[i]];
    return d->weight ? c * d->weight[i] : c;
}

/* z_i = w . x_i + b for one row (original feature scale). */
static inline double row_logit(const wlr_dataset *d, const double *w, double b,
                               size_t i)
{
    double z = b;
    for (size_t j = 0; j < d->n_features; j++)
        z += w[j] * d->x[j * d->n_rows + i];
    return z;
}

double wlr_loss(const wlr_dataset *d, const double cw[2], double l2,
                const wlr_model *m, double *grad)
{
    size_t D = d->n_features;
    double sum = 0;
    if (grad) memset(grad, 0, (D + 1) * sizeof *grad);
    for (size_t i = 0; i < d->n_rows; i++) {
        double z = row_logit(d, m->coef, m->intercept, i);
        double c = row_weight(d, cw, i);
        /* c [log(1 + e^z) - y z] */
        sum += c * (wlr_softplus(z) - (d->y[i] ? z : 0.0));
        if (grad) {
            /* c (p - y) (x, 1) */
            double g = c * (wlr_sigmoid(z) - d->y[i]);
            for (size_t j = 0; j < D; j++) grad[j] += g * d->x[j * d->n_rows + i];
            grad[D] += g;
        }
    }
    double N = (double)d->n_rows, penalty = 0;
    for (size_t j = 0; j < D; j++) penalty += m->coef[j] * m->coef[j];
    if (grad) {
        for (size_t j = 0; j < D; j++) grad[j] = grad[j] / N + l2 * m->coef[j];
        grad[D] /= N;
    }
    return sum / N + 0.5 * l2 * penalty;
}

/*
 * BOTH CORES for prediction: the rows are cut into contiguous ranges, one a
 * thread. Each p_i depends on row i alone, so the result is the same bits
 * with any number of threads.
 */
/* Fewer rows than this are scored on the calling thread. A row costs ~6 ns,
 * so 1M rows are ~7 ms of work, well above what starting a thread or
 * waiting for a busy core costs: measured on 2 cores at 1M rows, 1.97x on
 * a quiet machine and 1.37x with other jobs running; 0.96-1.22x at 128k to
 * 512k rows (bench/README.md, "Both cores"). */
#define PREDICT_MIN_ROWS (1u << 20)
/* At most this many threads (the machine's online cores, if fewer). */
#define PREDICT_MAX_THREADS 8

typedef struct {
    const wlr_model *m;
    const wlr_dataset *d;
    double *p;
    size_t lo, hi;
} predict_job;

/* p_i = sigma(w . x_i + b) for rows lo .. hi - 1. */
static void *predict_range(void *arg)
{
    predict_job *j = arg;
    for (size_t i = j->lo; i < j->hi; i++)
        j->p[i] = wlr_sigmoid(row_logit(j->d, j->m->coef, j->m->intercept, i));
    return NULL;
}

/* n_threads = 0: one below PREDICT_MIN_ROWS rows, else the online cores, at
 * most PREDICT_MAX_THREADS. A range whose thread fails to start is scored
 * here once the others are joined. */
void wlr__predict_proba_threads(const wlr_model *m, const wlr_dataset *d,
                               double *p, size_t n_threads)
{
    size_t n = d->n_rows;
    if (n_threads == 0) {
        long cores = n >= PREDICT_MIN_ROWS ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
        n_threads = cores < 1 ? 1 : (size_t)cores;
    }
    if (n_threads > PREDICT_MAX_THREADS) n_threads = PREDICT_MAX_THREADS;
    predict_job jobs[PREDICT_MAX_THREADS];
    pthread_t tid[PREDICT_MAX_THREADS];
    int started[PREDICT_MAX_THREADS] = {0};
    for (size_t t = 0; t < n_threads; t++) {
        jobs[t] = (predict_job){m, d, p, n * t / n_threads,
                                n * (t + 1) / n_threads};
        if (t > 0)
            started[t] = pthread_create(&tid[t], NULL, predict_range,
                                        &jobs[t]) == 0;
    }
    predict_range(&jobs[0]);
    for (size_t t = 1; t < n_threads; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else predict_range(&jobs[t]);
    }
}

void wlr_predict_proba(const wlr_model *m, const wlr_dataset *d, double *p)
{
    wlr__predict_proba_threads(m, d, p, 0);
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

/* ------------------------------------------------- the scaled parameters */

/* Feature means and standard deviations (mu = 0, sd = 1 when not
 * standardising; a constant column keeps sd = 1 so it is left as is), in
 * three steps so that the streaming trainer can add the rows a window at a
 * time and get the same bits: alloc, add the rows in order, finish. */
wlr_status wlr__scaling_init(wlr__scaling *s, const wlr_dataset *d,
                            int standardize, wlr_error *err)
{
    wlr_status st = wlr__scaling_alloc(s, d->n_features, err);
    if (st) return st;
    if (standardize) wlr__scaling_add(s, d, 0);
    wlr__scaling_finish(s, d->n_rows, standardize);
    return WLR_OK;
}

/* mu and sd zeroed: the running mean and sum of squared deviations. */
wlr_status wlr__scaling_alloc(wlr__scaling *s, size_t n_features, wlr_error *err)
{
    s->n = n_features;
    s->mu = calloc(n_features + 1, sizeof *s->mu);
    s->sd = calloc(n_features + 1, sizeof *s->sd);
    if (!s->mu || !s->sd) {
        wlr__scaling_free(s);
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
    }
    return WLR_OK;
}

/* Welford's running mean and variance, no cancellation: for the k-th row
 * (1-based) of each column, delta = x - mean, mean += delta / k,
 * M2 += delta (x - mean). d's rows follow the n_before rows added so far;
 * mu holds the mean and sd holds M2 until wlr__scaling_finish. */
void wlr__scaling_add(wlr__scaling *s, const wlr_dataset *d, size_t n_before)
{
    for (size_t j = 0; j < s->n; j++) {
        const double *col = d->x + j * d->n_rows;
        double mean = s->mu[j], var = s->sd[j];
        for (size_t i = 0; i < d->n_rows; i++) {
            double delta = col[i] - mean;
            mean += delta / (double)(n_before + i + 1);
            var += delta * (col[i] - mean);
        }
        s->mu[j] = mean;
        s->sd[j] = var;
    }
}

/* sd = sqrt(M2 / n) over the n rows added (1 if that is 0); or mu = 0,
 * sd = 1 when not standardising. */
void wlr__scaling_finish(wlr__scaling *s, size_t n_rows, int standardize)
{
    for (size_t j = 0; j < s->n; j++) {
        double sd = sqrt(s->sd[j] / (double)n_rows);
        if (!standardize) s->mu[j] = 0;
        s->sd[j] = standardize && sd > 0 && isfinite(sd) ? sd : 1.0;
    }
}

void wlr__scaling_free(wlr__scaling *s)
{
    free(s->mu);
    free(s->sd);
    memset(s, 0, sizeof *s);
}

/* theta = (w'_1..w'_D, b') on the scaled features -> (a, c) on the original
 * ones: a_j = w'_j / sd_j, c = b' - sum_j a_j mu_j. */
void wlr__scaling_unscale(const wlr__scaling *s, const double *theta, double *a,
                         double *c)
{
    double b = theta[s->n];
    for (size_t j = 0; j < s->n; j++) {
        a[j] = theta[j] / s->sd[j];
        b -= a[j] * s->mu[j];
    }
    *c = b;
}

/* Raw sums (G_1..G_D, G_b) = sum_i g_i (x_i, 1) -> gradient on the scaled
 * parameters: (G_j - mu_j G_b) / sd_j, and G_b for the intercept. */
void wlr__scaling_grad(const wlr__scaling *s, double *g)
{
    for (size_t j = 0; j < s->n; j++) g[j] = (g[j] - s->mu[j] * g[s->n]) / s->sd[j];
}

/* L at theta, with the penalty on the scaled coefficients w'. */
double wlr__scaled_loss(const wlr_dataset *d, const wlr__scaling *s,
                       const double cw[2], double l2, const double *theta,
                       double *a)
{
    wlr_model m = {d->n_features, a, 0};
    wlr__scaling_unscale(s, theta, a, &m.intercept);
    double loss = wlr_loss(d, cw, 0.0, &m, NULL), pen = 0;
    for (size_t j = 0; j < s->n; j++) pen += theta[j] * theta[j];
    return loss + 0.5 * l2 * pen;
}

/* The sums behind the starting intercept and the step size (see
 * internal.h; the streaming trainer adds a window at a time, same bits):
 * s[k] += the row weights of class k, in row order (in locals: through the
 * struct, every row would wait for the last one's store), or, without
 * weights, the count of each class; then tot[k] = c_k s[k]. */
void wlr__weight_sums_add(wlr__weight_sums *ws, const wlr_dataset *d,
                         const double cw[2])
{
    if (d->weight) {
        double s0 = ws->s[0], s1 = ws->s[1];
        for (size_t i = 0; i < d->n_rows; i++) {
            if (d->y[i]) s1 += d->weight[i];
            else s0 += d->weight[i];
        }
        ws->s[0] = s0;
        ws->s[1] = s1;
    } else {
        size_t n[2];
        wlr_class_counts(d, n);
        ws->s[0] += (double)n[0];
        ws->s[1] += (double)n[1];
    }
    ws->tot[0] = cw[0] * ws->s[0];
    ws->tot[1] = cw[1] * ws->s[1];
    ws->weight_sum = ws->tot[0] + ws->tot[1];
}

/* b at w = 0: sigma(b) = sum c_1 s / sum c s, the weighted share of class 1
 * (where dL/db = 0 with every p equal): b = log(tot[1] / tot[0]). */
double wlr__base_rate_logit(const double tot[2])
{
    if (tot[0] <= 0 || tot[1] <= 0) return 0.0;
    return log(tot[1] / tot[0]);
}

double wlr__now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Calls o->on_epoch with the model on the original scale (a is scratch). */
void wlr__report_epoch(const wlr_train_options *o, const wlr__scaling *s,
                      const double *theta, double *a, int epoch, double loss)
{
    wlr_model m = {s->n, a, 0};
    wlr__scaling_unscale(s, theta, a, &m.intercept);
    o->on_epoch(o->on_epoch_ctx, epoch, &m, loss);
}

/* -------------------------------------------------- gradient descent */

/*
 * THE ORDER OF ROWS. A batch is a run of B consecutive rows (in a circle:
 * row N - 1 is followed by row 0), not B rows drawn from anywhere:
 *   each epoch draws an offset r uniform in 0..N-1 and a uniformly random
 *   order of the nb = ceil(N / B) blocks; block k holds the rows
 *   r + kB .. r + kB + B - 1 (mod N), the last block the N - (nb - 1) B
 *   rows left; the epoch visits the blocks in that order.
 * Every row is still visited exactly once an epoch, the batches change from
 * epoch to epoch (the offset moves their boundaries) and their order is
 * random, all from shuffle_seed. What this costs: the rows of a batch are
 * neighbours, so the data should be in random order to begin with, as
 * wlr_split leaves it (sorted rows would make one-class batches). What it
 * buys: nb + 1 random draws an epoch instead of N, no index array of N
 * entries (8 bytes a row; the block order is 8 bytes per B rows) and
 * contiguous reads the fast path streams through (train_step.c). Both paths
 * visit rows in this order.
 */
/* The raw sums of one batch on the scaled features, one row at a time with
 * libm (the reference path): G = sum c s (p - y) (x, 1) at the
 * original-scale parameters (a, c), then turned into the sums on the scaled
 * features by wlr__scaling_grad. */
static void batch_sums(const wlr_dataset *d, const double cw[2],
                       const double *a, double c, const size_t *first,
                       const size_t *count, int n_runs, double *G)
{
    size_t D = d->n_features;
    memset(G, 0, (D + 1) * sizeof *G);
    for (int r = 0; r < n_runs; r++) {
        for (size_t i = first[r]; i < first[r] + count[r]; i++) {
            double z = row_logit(d, a, c, i);
            double g = row_weight(d, cw, i) * (wlr_sigmoid(z) - d->y[i]);
            for (size_t j = 0; j < D; j++) G[j] += g * d->x[j * d->n_rows + i];
            G[D] += g;
        }
    }
}

/* (1/N) sum_i c s [log(1 + e^z) - y z] on d at (a, c), unpenalised: the
 * fast path's vector loop, or the reference's per-row loop. */
double wlr__gd_data_loss(const wlr_train_options *o, const wlr_dataset *d,
                        const double *a, double c)
{
    if (o->reference) {
        wlr_model m = {d->n_features, (double *)a, c};
        return wlr_loss(d, o->class_weight, 0.0, &m, NULL);
    }
    return wlr__fast_loss(d, o->class_weight, a, c);
}

/* (l2/2) |w'|^2, the penalty on the scaled coefficients. */
double wlr__gd_penalty(const wlr_train_options *o, const wlr__scaling *s,
                      const double *theta)
{
    double pen = 0;
    for (size_t j = 0; j < s->n; j++) pen += theta[j] * theta[j];
    return 0.5 * o->l2 * pen;
}

/* Rows per batch on n rows: batch_size, or all n (0 or more than n). */
static size_t batch_rows(const wlr_train_options *o, size_t n)
{
    return o->batch_size == 0 || o->batch_size > n ? n : o->batch_size;
}

size_t wlr__gd_blocks(const wlr_train_options *o, size_t n_rows)
{
    size_t B = batch_rows(o, n_rows);
    return (n_rows + B - 1) / B;
}

wlr_status wlr__gd_init(wlr__gd *g, const wlr_train_options *o,
                       const wlr__scaling *s, double *theta, double cbar,
                       long total_steps, wlr_train_info *info, wlr_error *err)
{
    size_t D = s->n;
    memset(g, 0, sizeof *g);
    g->o = o;
    g->s = s;
    g->theta = theta;
    g->lr0 = o->lr / cbar;
    g->total_steps = total_steps;
    g->inv_total = 1.0 / (double)total_steps;
    /* G, a, m, v, 1/sd and the fast path's scratch */
    g->work = calloc(4 * (D + 1) + D + WLR__FAST_SCRATCH(D), sizeof *g->work);
    if (o->epoch_loss)
        info->loss_per_epoch = calloc((size_t)o->epochs, sizeof *info->loss_per_epoch);
    if (!g->work || (o->epoch_loss && !info->loss_per_epoch)) {
        wlr__gd_free(g);
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
    }
    return WLR_OK;
}

void wlr__gd_free(wlr__gd *g)
{
    wlr__fast_rows_free(&g->rows);
    free(g->work);
    g->work = NULL;
}

void wlr__gd_use_rows(wlr__gd *g, const wlr_dataset *d, int keep)
{
    wlr__fast_rows_free(&g->rows);
    wlr__fast_rows_set(&g->rows, d, g->o->class_weight, g->s,
                      g->work + 4 * (g->s->n + 1), keep && !g->o->reference);
}

/*
 * One epoch over the rows: draw the offset and shuffle the block order
 * (order holds ceil(N / B) block numbers, shuffled from where the last
 * epoch left them), then for each batch
 *   g = (1/B) sum_{i in batch} c s (p - y) (x', 1) + l2 (w', 0)
 *   theta -= lr_t g (or the momentum / Adam step; see wlr__gd_step),
 * on the fast path (train_fast.c) or here, one row at a time (reference).
 */
void wlr__gd_epoch(wlr__gd *g, wlr__rng *rng, size_t *order)
{
    const wlr_train_options *o = g->o;
    const wlr__scaling *s = g->s;
    const wlr_dataset *d = g->rows.d;
    size_t N = d->n_rows, D = d->n_features, B = batch_rows(o, N);
    wlr__batch_plan bp = {N, B, (N + B - 1) / B, 0, order};
    bp.offset = (size_t)wlr__rng_randint(rng, N);
    wlr__rng_shuffle_fast(rng, order, bp.n_blocks);
    if (!o->reference) {
        wlr__fast_gd_epoch(g, &bp);
        return;
    }
    double *G = g->work, *a = g->work + (D + 1);
    for (size_t q = 0; q < bp.n_blocks; q++) {
        size_t first[2], count[2];
        int runs = wlr__batch_runs(&bp, q, first, count);
        double c;
        wlr__scaling_unscale(s, g->theta, a, &c);
        batch_sums(d, o->class_weight, a, c, first, count, runs, G);
        wlr__scaling_grad(s, G);
        wlr__gd_step(g, g->theta, G, count[0] + (runs == 2 ? count[1] : 0), D);
    }
}

int wlr__gd_loss_due(const wlr__gd *g, int e)
{
    return g->o->epoch_loss || e + 1 == g->o->epochs;
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
    if (o->on_epoch)
        wlr__report_epoch(o, g->s, g->theta, g->work + (D + 1), e + 1, loss);
    /* divergence shows in the parameters even when the loss is not
     * computed: an overflow makes them infinite, then NaN */
    int finite = !computed || isfinite(loss);
    for (size_t j = 0; j <= D; j++) finite &= isfinite(g->theta[j]) != 0;
    if (!finite)
        return wlr__fail(err, WLR_ERR_NUMERIC, "train: the training diverged "
                        "at epoch %d (%s is not finite); lower the learning "
                        "rate (lr = %g)", e + 1,
                        computed && !isfinite(loss) ? "the loss" : "a coefficient",
                        o->lr);
    return WLR_OK;
}

static wlr_status train_gd(const wlr_dataset *d, const wlr_train_options *o,
                           const wlr__scaling *s, double cbar, double *theta,
                           wlr_train_info *info, wlr_error *err)
{
    size_t nb = wlr__gd_blocks(o, d->n_rows), D = d->n_features;
    size_t *order = malloc(nb * sizeof *order);
    if (!order)
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory for %zu rows",
                        d->n_rows);
    for (size_t k = 0; k < nb; k++) order[k] = k;
    wlr__gd g;
    wlr_status st = wlr__gd_init(&g, o, s, theta, cbar, (long)nb * o->epochs,
                                info, err);
    wlr__rng rng;
    wlr__rng_seed(&rng, o->shuffle_seed);
    if (st == WLR_OK) wlr__gd_use_rows(&g, d, 1);
    for (int e = 0; e < o->epochs && st == WLR_OK; e++) {
        wlr__gd_epoch(&g, &rng, order);
        /* the loss over all rows: every epoch if asked, else the last's */
        double loss = NAN;
        if (wlr__gd_loss_due(&g, e)) {
            double *a = g.work + (D + 1), c;
            wlr__scaling_unscale(s, theta, a, &c);
            loss = wlr__gd_data_loss(o, d, a, c) + wlr__gd_penalty(o, s, theta);
        }
        st = wlr__gd_end_epoch(&g, e, loss, info, err);
    }
    wlr__gd_free(&g);
    free(order);
    return st;
}

/* The gradient of the unpenalised loss at (a, c), on the original features:
 * (1/N) sum_i c s (p - y) (x, 1), for the report: the fast path's sums over
 * all rows in double precision (wlr__fast_grad_sums), or the reference's
 * per-row loop. g holds D + 1 values, scratch WLR__FAST_SCRATCH(D). */
void wlr__mean_gradient(const wlr_train_options *o, const wlr_dataset *d,
                       const double *a, double c, double *g, double *scratch)
{
    if (o->reference) {
        wlr_model m = {d->n_features, (double *)a, c};
        wlr_loss(d, o->class_weight, 0.0, &m, g);
        return;
    }
    size_t first = 0, count = d->n_rows;
    wlr__fast_grad_sums(d, o->class_weight, a, c, &first, &count, 1, g, scratch);
    for (size_t j = 0; j <= d->n_features; j++) g[j] /= (double)d->n_rows;
}

/* The model from theta, and the report's gradient norm from g, the mean
 * gradient of the unpenalised loss on the original features
 * (wlr__mean_gradient): max_j |dL/dtheta_j| with the penalty's l2 w'.
 * Fails if anything is not finite. */
wlr_status wlr__train_finish(const wlr_train_options *o, const wlr__scaling *s,
                            const double *theta, double *g, wlr_model *model,
                            wlr_train_info *info, wlr_error *err)
{
    size_t D = s->n;
    wlr__scaling_unscale(s, theta, model->coef, &model->intercept);
    wlr__scaling_grad(s, g);
    double gmax = 0;
    for (size_t j = 0; j <= D; j++) {
        double gj = g[j] + (j < D ? o->l2 * theta[j] : 0.0);
        if (fabs(gj) > gmax) gmax = fabs(gj);
    }
    info->grad_norm = gmax;
    int finite = isfinite(model->intercept) && isfinite(info->loss);
    for (size_t j = 0; j < D; j++) finite &= isfinite(model->coef[j]) != 0;
    if (!finite)
        return wlr__fail(err, WLR_ERR_NUMERIC, "train: the model is not finite; "
                        "the data may be separable without l2, or lr too large");
    return WLR_OK;
}

/* ------------------------------------------------------------ training */

wlr_status wlr_train(const wlr_dataset *d, const wlr_train_options *o,
                     wlr_model *model, wlr_train_info *info, wlr_error *err)
{
    memset(model, 0, sizeof *model);
    memset(info, 0, sizeof *info);
    wlr_status st = wlr_train_check(o, err);
    if (st) return st;
    if (d->n_rows == 0 || d->n_features == 0)
        return wlr__fail(err, WLR_ERR_ARG, "train: the training data has %zu rows "
                        "and %zu features; it needs at least one of each",
                        d->n_rows, d->n_features);
    if (d->unlabelled)
        return wlr__fail(err, WLR_ERR_ARG, "train: the data has no labels (it "
                        "was read without a label column); it can be scored, "
                        "not trained on");
    /* the fast loops take the class from the sign of c s (train_fast.c) */
    for (size_t r = 0; d->weight && r < d->n_rows; r++)
        if (!(d->weight[r] >= 0 && isfinite(d->weight[r])))
            return wlr__fail(err, WLR_ERR_ARG, "train: row %zu's weight %g must "
                            "be a finite number >= 0", r + 1, d->weight[r]);
    size_t D = d->n_features;
    wlr__scaling s;
    st = wlr__scaling_init(&s, d, o->standardize, err);
    if (st) return st;
    double *theta = calloc(D + 1, sizeof *theta);
    model->coef = calloc(D + 1, sizeof *model->coef);
    if (!theta || !model->coef) {
        free(theta);
        wlr__scaling_free(&s);
        wlr_model_free(model);
        return wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
    }
    model->n_features = D;

    double t0 = wlr__now();
    /* start from w = 0 and b at the weighted base rate: the optimum of L
     * among models that ignore the features */
    wlr__weight_sums ws;
    memset(&ws, 0, sizeof ws);
    wlr__weight_sums_add(&ws, d, o->class_weight);
    theta[D] = wlr__base_rate_logit(ws.tot);
    if (o->solver == WLR_SOLVER_NEWTON)
        st = wlr__newton(d, o, &s, theta, info, err);
    else
        st = train_gd(d, o, &s, ws.weight_sum / (double)d->n_rows, theta, info,
                      err);
    info->seconds = wlr__now() - t0;

    if (st == WLR_OK) {
        /* g, and the fast sums' scratch */
        double *g = calloc((D + 1) + WLR__FAST_SCRATCH(D), sizeof *g);
        if (!g) {
            st = wlr__fail(err, WLR_ERR_NOMEM, "train: out of memory");
        } else {
            wlr__scaling_unscale(&s, theta, model->coef, &model->intercept);
            /* gradient descent has the loss of its last epoch, Newton the
             * loss at its last point */
            wlr__mean_gradient(o, d, model->coef, model->intercept, g, g + (D + 1));
            st = wlr__train_finish(o, &s, theta, g, model, info, err);
            free(g);
        }
    }
    free(theta);
    wlr__scaling_free(&s);
    if (st) {
        wlr_model_free(model);
        wlr_train_info_free(info);
    }
    return st;
}
