/*
 * internal.h - helpers shared by the library's source files; not public API.
 */
#ifndef WLR_INTERNAL_H
#define WLR_INTERNAL_H

#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"

#include <math.h>
#include <pthread.h>

/* Fills err->message (printf-style) and returns code: `return wlr__fail(...)`.
 * err may be NULL. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
wlr_status wlr__fail(wlr_error *err, wlr_status code, const char *fmt, ...);


/* FNV-1a 64-bit hash of bytes, continuing from h (start with WLR__FNV_OFFSET).
 * Used to check generated data against scikit-learn's without shipping it. */
#define WLR__FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t wlr__fnv1a64(uint64_t h, const void *bytes, size_t n);
/* Hash of X as scikit-learn holds it: float64 little-endian, row-major. */
uint64_t wlr__hash_x(const wlr_dataset *d);
/* Hash of y as one byte per label. */
uint64_t wlr__hash_y(const wlr_dataset *d);

/* ----------------------------------------------- random numbers (rng.c) */

/*
 * numpy's legacy RandomState: MT19937 plus the legacy Box-Muller gaussian,
 * bit for bit, so that wlr generates and splits data exactly as scikit-learn.
 */
typedef struct {
    uint32_t mt[624];
    int pos;
    int has_gauss;   /* the polar method makes two normals; one is cached */
    double gauss;
} wlr__rng;

void wlr__rng_seed(wlr__rng *r, uint32_t seed);
uint32_t wlr__rng_u32(wlr__rng *r);
double wlr__rng_double(wlr__rng *r);              /* [0, 1), 53 bits */
double wlr__rng_normal(wlr__rng *r);              /* standard normal */
uint64_t wlr__rng_interval(wlr__rng *r, uint64_t max); /* uniform 0..max */
uint64_t wlr__rng_randint(wlr__rng *r, uint64_t n);    /* uniform 0..n-1 */
void wlr__rng_shuffle(wlr__rng *r, size_t *a, size_t n);
void wlr__rng_permutation(wlr__rng *r, size_t *a, size_t n); /* shuffled 0..n-1 */

/* Shortest decimal that round-trips through strtod, as "%.{p}g" writes it
 * for the smallest such p ("-0" for -0.0); returns its length, truncating
 * like snprintf. */
int wlr__format_double(char *buf, size_t cap, double v);

/* Names that must differ (a header's columns, a model's features): finds
 * the name among names[0..n-1] whose second occurrence comes first, and
 * sets *first < *second to its first two places. NULL entries are skipped.
 * Returns 1 if a name repeats, 0 if none does, -1 if out of memory. */
int wlr__find_duplicate(const char *const *names, size_t n, size_t *first,
                        size_t *second);

/* Output written atomically: wlr__out_open makes PATH.tmp.XXXXXX beside PATH,
 * wlr__out_commit flushes, closes and renames it over PATH, wlr__out_abort
 * closes and removes it. A reader of PATH sees the old file or the new one,
 * never half of one. PATH "-" is standard output (commit only flushes); a
 * PATH that exists and is not a regular file (/dev/null) is written
 * directly. Abort after commit, or twice, is harmless. */
typedef struct {
    FILE *f;
    char *path;
    char *tmp;
} wlr__out;

wlr_status wlr__out_open(wlr__out *o, const char *path, wlr_error *err);
wlr_status wlr__out_commit(wlr__out *o, wlr_error *err);
void wlr__out_abort(wlr__out *o);
/* For programs (the wlr tool calls it first thing): on SIGINT, SIGTERM or
 * SIGHUP, remove the temporaries of every output still open, then die of
 * the signal as before; and ignore SIGXFSZ, so that exceeding the file size
 * limit is a write error (EFBIG) that wlr__out_commit reports. Signals the
 * process already ignores stay ignored. */
void wlr__out_remove_temps_on_signal(void);


/* Feature scaling for training: x' = (x - mu) / sd (mu = 0, sd = 1 when not
 * standardising). The parameters being trained, theta = (w'_1..w'_D, b'),
 * live on the scaled features. See train.c. */
typedef struct {
    size_t n;     /* number of features */
    double *mu;
    double *sd;
} wlr__scaling;

wlr_status wlr__scaling_init(wlr__scaling *s, const wlr_dataset *d,
                            int standardize, wlr_error *err);
/* wlr__scaling_init in steps, for rows that come a window at a time: alloc,
 * add each window's rows in file order (n_before rows came earlier),
 * finish with the total; the same bits as wlr__scaling_init on all rows. */
wlr_status wlr__scaling_alloc(wlr__scaling *s, size_t n_features, wlr_error *err);
void wlr__scaling_add(wlr__scaling *s, const wlr_dataset *d, size_t n_before);
void wlr__scaling_finish(wlr__scaling *s, size_t n_rows, int standardize);
void wlr__scaling_free(wlr__scaling *s);
void wlr__scaling_unscale(const wlr__scaling *s, const double *theta, double *a,
                         double *c);
void wlr__scaling_grad(const wlr__scaling *s, double *g);
double wlr__scaled_loss(const wlr_dataset *d, const wlr__scaling *s,
                       const double cw[2], double l2, const double *theta,
                       double *a);

/* The sums behind the starting intercept and the step size (train.c),
 * addable a window at a time with the same bits: per class, the row
 * weights summed in row order, s[k] = sum_{i: y_i = k} s_i (without
 * weights an exact count), and from them after every add
 *   tot[k] = c_k s[k] = sum_{i: y_i = k} c_k s_i,  weight_sum = tot[0] + tot[1].
 * Start from zero. */
typedef struct {
    double s[2];
    double tot[2];
    double weight_sum;
} wlr__weight_sums;

void wlr__weight_sums_add(wlr__weight_sums *ws, const wlr_dataset *d,
                         const double cw[2]);
/* b = log(tot[1] / tot[0]), the intercept's optimum at w = 0 (0 if a class
 * has no weight). */
double wlr__base_rate_logit(const double tot[2]);

/* Gradient descent's view of its training rows on the fast path
 * (train_fast.c): every step reads, in single precision,
 *   x'_ij = (x_ij - mu_j) / sd_j   (x_ij itself unless standardising)
 *   w_i   = c_0 s_i (y_i = 0) or -c_1 s_i (y_i = 1), the signed row weight,
 * either from a copy made once (copy != NULL: D + 1 columns of `stride`
 * floats, x'_1..x'_D then w, padded with zero rows) or converted from the
 * dataset as each batch is read: the same floats either way. */
typedef struct {
    const wlr_dataset *d;
    double cw[2];           /* c_0, c_1 */
    const double *mu;       /* the scaling's means */
    const double *inv_sd;   /* 1 / sd_j */
    int scaled;             /* 0: mu = 0 and sd = 1, x' = x */
    int in_double;          /* 1: the step in double (see train_step.c) */
    float *copy;            /* NULL: convert as read */
    size_t stride;          /* floats per column of copy */
} wlr__fast_rows;

/* Gradient descent as a loop the caller drives, so that train.c (one
 * dataset) and stream.c (a window at a time) run the same steps:
 *   wlr__gd_init; per epoch: wlr__gd_use_rows and wlr__gd_epoch on each part
 *   of the rows, the loss when wlr__gd_loss_due, wlr__gd_end_epoch;
 *   wlr__gd_free. */
typedef struct {
    const wlr_train_options *o;
    const wlr__scaling *s;
    double *theta;          /* the caller's D + 1 parameters, updated */
    double *work;           /* G, a, m, v, 1/sd and WLR__FAST_SCRATCH(D) */
    double lr0;             /* o->lr / cbar */
    long t, total_steps;    /* steps taken, and in the whole run */
    double inv_total;       /* 1 / total_steps */
    wlr__fast_rows rows;     /* the rows wlr__gd_epoch trains on */
} wlr__gd;

/* Batches of n rows: ceil(n / B), B = batch_size capped at n (0 = n). */
size_t wlr__gd_blocks(const wlr_train_options *o, size_t n_rows);
/* cbar = mean row weight; allocates info->loss_per_epoch with epoch_loss. */
wlr_status wlr__gd_init(wlr__gd *g, const wlr_train_options *o,
                       const wlr__scaling *s, double *theta, double cbar,
                       long total_steps, wlr_train_info *info, wlr_error *err);
void wlr__gd_free(wlr__gd *g);
/* The next epochs train on d's rows. keep = 1 promises that d and its rows
 * stay as they are until the next call or wlr__gd_free, so that the fast
 * path may copy them once (for a small d; see train_fast.c); keep = 0 for
 * rows that change (stream.c's windows). Never fails: without memory for
 * the copy the rows are converted as read, with the same results. */
void wlr__gd_use_rows(wlr__gd *g, const wlr_dataset *d, int keep);
/* One epoch of block batches over the rows of wlr__gd_use_rows (see
 * train.c: THE ORDER OF ROWS), drawing from rng; order holds
 * wlr__gd_blocks(o, n_rows) block numbers, shuffled in place. */
void wlr__gd_epoch(wlr__gd *g, wlr__rng *rng, size_t *order);

/* An epoch's batches (train.c: THE ORDER OF ROWS): block k of the shuffled
 * order holds rows offset + k B .. offset + k B + B - 1 (mod N), the last
 * block the rows left. */
typedef struct {
    size_t n_rows, batch, n_blocks, offset;
    const size_t *order;    /* n_blocks block numbers */
} wlr__batch_plan;

/* The rows of the epoch's q-th batch as one or two runs (first, count),
 * two when it wraps past the last row; returns the number of runs. */
static inline int wlr__batch_runs(const wlr__batch_plan *bp, size_t q,
                                 size_t first[2], size_t count[2])
{
    size_t k = bp->order[q], N = bp->n_rows;
    size_t n = k + 1 == bp->n_blocks ? N - k * bp->batch : bp->batch;
    /* offset < N and k B < N, so one subtraction reduces mod N */
    size_t start = bp->offset + k * bp->batch;
    if (start >= N) start -= N;
    first[0] = start;
    if (start + n <= N) {
        count[0] = n;
        return 1;
    }
    count[0] = N - start;
    first[1] = 0;
    count[1] = n - count[0];
    return 2;
}

/* The learning rate falls linearly from lr to lr * WLR__LR_FLOOR over the
 * run: small enough at the end that batch noise no longer moves the loss by
 * 0.1 %, large enough never to stall. */
#define WLR__LR_FLOOR 0.01
/* Heavy-ball momentum coefficient; Adam's usual constants (Kingma & Ba). */
#define WLR__MOMENTUM_BETA 0.9
#define WLR__ADAM_BETA1 0.9
#define WLR__ADAM_BETA2 0.999
#define WLR__ADAM_EPS 1e-8

/*
 * One optimiser step from a batch's raw sums G (D + 1 values on the scaled
 * features: sum_i c s (p - y) (x', 1)) over `rows` rows. With the batch mean
 * plus the penalty's pull,
 *   g_j = G_j / rows + l2 w'_j  (j < D),   g_D = G_D / rows,
 * and lr_t = lr0 (1 - (1 - WLR__LR_FLOOR) t / T), t counting the run's steps:
 *   sgd:      theta -= lr_t g
 *   momentum: m = beta m + g;  theta -= lr_t m
 *   adam:     m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *             theta -= lr_t (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * on theta (g->theta, or the caller's copy of it), D = the feature count;
 * wlr__gd_next_lr gives lr_t and counts the step, wlr__gd_sgd is the sgd
 * update alone. Shared by both paths, inline so that the fast path's loop
 * keeps theta in registers (with D a constant there, the loops unrolled).
 * For sgd, theta_j - lr (G_j / rows + l2 w'_j) is computed as
 * w'_j (1 - lr l2) - (lr / rows) G_j with one fused multiply-add: the same
 * number to rounding, and the only step of the update that waits for G.
 */
static inline double wlr__gd_next_lr(wlr__gd *g)
{
    double frac = (double)g->t * g->inv_total;
    g->t++;
    return g->lr0 * (1.0 - (1.0 - WLR__LR_FLOOR) * frac);
}

static inline void wlr__gd_sgd(double *theta, const double *G, size_t rows,
                              double lr, double l2, size_t D)
{
    double s = lr / (double)rows, keep = 1.0 - lr * l2;
#pragma GCC unroll 8
    for (size_t j = 0; j < D; j++) theta[j] = fma(-s, G[j], theta[j] * keep);
    theta[D] = fma(-s, G[D], theta[D]);
}

static inline void wlr__gd_step(wlr__gd *g, double *theta, const double *G,
                               size_t rows, size_t D)
{
    const wlr_train_options *o = g->o;
    double *m = g->work + 2 * (D + 1), *v = g->work + 3 * (D + 1);
    double lr = wlr__gd_next_lr(g), inv = 1.0 / (double)rows, l2 = o->l2;
    switch (o->optimizer) {
    case WLR_OPT_SGD:
        wlr__gd_sgd(theta, G, rows, lr, l2, D);
        break;
    case WLR_OPT_MOMENTUM:
        for (size_t j = 0; j <= D; j++) {
            double gj = fma(G[j], inv, j < D ? l2 * theta[j] : 0.0);
            m[j] = WLR__MOMENTUM_BETA * m[j] + gj;
            theta[j] -= lr * m[j];
        }
        break;
    case WLR_OPT_ADAM: {
        double c1 = 1.0 - pow(WLR__ADAM_BETA1, (double)g->t);
        double c2 = 1.0 - pow(WLR__ADAM_BETA2, (double)g->t);
        for (size_t j = 0; j <= D; j++) {
            double gj = fma(G[j], inv, j < D ? l2 * theta[j] : 0.0);
            m[j] = WLR__ADAM_BETA1 * m[j] + (1 - WLR__ADAM_BETA1) * gj;
            v[j] = WLR__ADAM_BETA2 * v[j] + (1 - WLR__ADAM_BETA2) * gj * gj;
            theta[j] -= lr * (m[j] / c1) / (sqrt(v[j] / c2) + WLR__ADAM_EPS);
        }
        break;
    }
    }
}

/* Is the loss over all rows wanted after epoch e (0-based)? */
int wlr__gd_loss_due(const wlr__gd *g, int e);
/* Records epoch e's loss (NaN if not due), calls on_epoch, and fails if the
 * run diverged. */
wlr_status wlr__gd_end_epoch(wlr__gd *g, int e, double loss,
                            wlr_train_info *info, wlr_error *err);
/* The unpenalised loss on d at (a, c), fast or reference path, and the
 * penalty on theta: L = data loss + penalty. */
double wlr__gd_data_loss(const wlr_train_options *o, const wlr_dataset *d,
                        const double *a, double c);
double wlr__gd_penalty(const wlr_train_options *o, const wlr__scaling *s,
                      const double *theta);
/* (1/N) sum_i c s (p - y) (x, 1) on d at (a, c), fast (in double
 * precision) or reference; scratch holds WLR__FAST_SCRATCH(D) doubles. */
void wlr__mean_gradient(const wlr_train_options *o, const wlr_dataset *d,
                       const double *a, double c, double *g, double *scratch);
/* The model from theta and info->grad_norm from the mean gradient g (as
 * wlr__mean_gradient gives it; overwritten); fails if not finite. */
wlr_status wlr__train_finish(const wlr_train_options *o, const wlr__scaling *s,
                            const double *theta, double *g, wlr_model *model,
                            wlr_train_info *info, wlr_error *err);

/* Calls o->on_epoch with theta unscaled into a. */
void wlr__report_epoch(const wlr_train_options *o, const wlr__scaling *s,
                      const double *theta, double *a, int epoch, double loss);

/* Newton's method from theta (newton.c). */
wlr_status wlr__newton(const wlr_dataset *d, const wlr_train_options *o,
                      const wlr__scaling *s, double *theta, wlr_train_info *info,
                      wlr_error *err);

/* Vector clones where the compiler and the loader support them: x86-64-v4
 * (AVX-512), v3 (AVX2 and FMA) and the baseline, for the fast loops
 * (train_fast.c, train_step.c). Every clone gives the same bits: the loops
 * do the same IEEE operations on every lane in every clone, and the
 * fma(a, b, c) they use, a * b + c with one rounding, is one IEEE operation
 * everywhere (not the contraction that -ffp-contract=off forbids, the
 * compiler fusing a * b + c on its own on some machines and not others):
 * v3 and v4 do it in one instruction, the baseline calls libm's (exact,
 * slower). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define WLR__VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", \
                                                       "arch=x86-64-v3", "default")))
#else
#define WLR__VECTOR_CLONES
#endif

/* The fast inner loops (train_fast.c, train_step.c). scratch below holds
 * WLR__FAST_SCRATCH(D) doubles. */
#define WLR__FAST_SCRATCH(D) (10 * ((D) + 1))
/* Rows the double-precision loops take at a time (train_fast.c). */
#define WLR__FAST_CHUNK 256
/* Batches of more rows are summed in blocks of this many (see there). */
#define WLR__FAST_GRAD_BLOCK 65536
/* P sums over a batch's runs, for wlr__sums_by_blocks: out[0..P-1]; scratch
 * holds P * 8 doubles of the caller's thread. */
typedef void (*wlr__block_sums)(const void *ctx, const size_t *first,
                               const size_t *count, int n_runs, double *out,
                               double *scratch);
/* G[0..P-1] = the sums of the rows of n_runs <= 2 runs, in blocks of
 * WLR__FAST_GRAD_BLOCK rows in order, each by sum(ctx, ...), the blocks'
 * sums added in block order: on every core from 1M rows, the same bits on
 * any number of them (train_fast.c). scratch holds WLR__FAST_SCRATCH(P - 1)
 * doubles. */
void wlr__sums_by_blocks(wlr__block_sums sum, const void *ctx, size_t P,
                        const size_t *first, const size_t *count, int n_runs,
                        double *G, double *scratch);
/* The fast path's rows for d (see wlr__fast_rows): copied when copy = 1 and
 * the copy takes at most WLR__FAST_COPY_MAX bytes (and memory allows),
 * else converted as read. inv_sd holds D doubles the view keeps using.
 * wlr__fast_rows_free frees the copy. */
#define WLR__FAST_COPY_MAX ((size_t)8 << 20)
void wlr__fast_rows_set(wlr__fast_rows *r, const wlr_dataset *d, const double cw[2],
                       const wlr__scaling *s, double *inv_sd, int copy);
void wlr__fast_rows_free(wlr__fast_rows *r);
/* A batch's sums in single precision (gradient descent's step): G[0..D] =
 * sum_i c s (p - y) (x', 1) over the rows of n_runs <= 2 runs (first[r],
 * count[r]), at theta on the scaled features. */
void wlr__fast_step_sums(const wlr__fast_rows *r, const double *theta,
                        const size_t *first, const size_t *count, int n_runs,
                        double *G, double *scratch);
/* One epoch of the fast path: the batches of bp, each summed by
 * wlr__fast_step_sums and stepped by wlr__gd_step. */
void wlr__fast_gd_epoch(wlr__gd *g, const wlr__batch_plan *bp);
/* Newton's sums over all rows at (a, c), in one pass: the loss sum
 * S = sum c s [log(1 + e^z) - y z] (the same bits as N wlr__fast_loss), and
 * on the scaled features x' = (x - mu) / sd, x~ = (x', 1):
 * g = sum c s (p - y) x~ and H = sum c s p (1 - p) x~ x~^T (P = D + 1,
 * H[j * P + k]); scratch holds WLR__NEWTON_SCRATCH(D) doubles. */
#define WLR__NEWTON_SCRATCH(D) \
    (8 * (((D) + 1) + ((D) + 1) * ((D) + 2) / 2 + 1) + WLR__FAST_CHUNK * (D))
void wlr__fast_newton_sums(const wlr_dataset *d, const double cw[2],
                          const double *a, double c, const double *mu,
                          const double *sd, double *loss, double *g, double *H,
                          double *scratch);
/* G[0..D] = sum c s (p - y) (x, 1) over the rows of n_runs <= 2 runs, at
 * (a, c) on the original features, every row in double precision: for the
 * final gradient a fit reports. */
void wlr__fast_grad_sums(const wlr_dataset *d, const double cw[2],
                        const double *a, double c, const size_t *first,
                        const size_t *count, int n_runs, double *G,
                        double *scratch);
/* 1 iff |(x_i - mu) inv| <= bound for all i < n (none a NaN). */
int wlr__fast_within(const double *x, size_t n, double mu, double inv,
                    double bound);
/* (1/N) sum_i c s [log(1 + e^z) - y z] at (a, c), unpenalised. */
double wlr__fast_loss(const wlr_dataset *d, const double cw[2], const double *a,
                     double c);
/* The polynomial e^x (x <= 0) and log(1 + e) (0 <= e <= 1) behind them,
 * exposed for their accuracy tests; and the step's single-precision
 * e^-|x| (train_step.c). */
double wlr__fast_exp(double x);
double wlr__fast_log1p(double e);
float wlr__fast_expf(float x);

/* a[0..n-1] shuffled by Fisher-Yates with Lemire's bounded draws: wlr's
 * own shuffle for the training order, not numpy's (rng.c). */
void wlr__rng_shuffle_fast(wlr__rng *r, size_t *a, size_t n);

/* A fresh (calloc'd) dataset's pages faulted in on a second thread while
 * the caller writes them (dataset.c); start, fill d, join before d is
 * freed. The contents are never touched. */
typedef struct {
    pthread_t tid;
    int started;
} wlr__prefault;
void wlr__prefault_start(wlr__prefault *p, const wlr_dataset *d);
void wlr__prefault_join(wlr__prefault *p);

/* d's rows reordered as numpy's X[permutation(n)] with r's next draws, in
 * place, by the permutation's own Fisher-Yates swaps (dataset.c). */
void wlr__shuffle_rows(wlr__rng *rng, wlr_dataset *d);

/* wlr_evaluate, wlr_curve_compute and wlr_threshold_for_recall on n_threads
 * threads (at most 8; 0 = as the public functions choose). The results are
 * the same bits for every n_threads; the tests and the benchmark force it
 * (metrics.c). */
wlr_status wlr__evaluate_threads(const uint8_t *y, const double *score,
                                size_t n, double threshold, wlr_metrics *m,
                                size_t n_threads, wlr_error *err);
wlr_status wlr__curve_compute_threads(const uint8_t *y, const double *score,
                                     size_t n, wlr_curve *c, size_t n_threads,
                                     wlr_error *err);
wlr_status wlr__threshold_for_recall_threads(const uint8_t *y,
                                            const double *score, size_t n,
                                            double target, double *threshold,
                                            size_t n_threads, wlr_error *err);

/* wlr_predict_proba with the rows shared by n_threads threads (at most 8;
 * 0 = as wlr_predict_proba chooses). The same bits for every n_threads
 * (train.c). */
void wlr__predict_proba_threads(const wlr_model *m, const wlr_dataset *d,
                               double *p, size_t n_threads);

/* A pair of .npy files, X and y, opened for reading rows on demand (npy.c):
 * wlr_read_npy is open + read all rows + close, and the streaming trainer
 * (stream.c) reads a window at a time. Opening reads and checks both
 * headers and the files' sizes exactly as wlr_read_npy does; reading
 * converts and validates as it does, with the same messages (a bad label is
 * "Y:0: y[i] = v is not 0 or 1", i its row in the file). y_path may be NULL
 * (X alone: reads leave y as it is). The paths are borrowed: they must
 * outlive the handle. One reader at a time. */
typedef struct wlr__npy_rows wlr__npy_rows;

wlr_status wlr__npy_rows_open(const char *x_path, const char *y_path,
                             wlr__npy_rows **r, wlr_error *err);
void wlr__npy_rows_shape(const wlr__npy_rows *r, size_t *n_rows,
                        size_t *n_features);
/* Rows first .. first + count - 1 of the files into rows at .. at + count - 1
 * of d (x and y; column j of d starts at d->x + j * d->n_rows). */
wlr_status wlr__npy_rows_read(wlr__npy_rows *r, size_t first, size_t count,
                             wlr_dataset *d, size_t at, wlr_error *err);
/* The labels alone of rows first .. first + count - 1 into y[0 .. count-1]. */
wlr_status wlr__npy_rows_read_labels(wlr__npy_rows *r, size_t first,
                                    size_t count, uint8_t *y, wlr_error *err);
void wlr__npy_rows_close(wlr__npy_rows *r);

/* Monotonic wall clock, in seconds. */
double wlr__now(void);

#endif
