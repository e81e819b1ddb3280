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
/* Writes v so (wlr__format_double's text). */
void wlr__put_double(FILE *f, double v);
/* Writes a CSV cell: as it is, or in double quotes with each quote doubled
 * (RFC 4180) when it holds a comma, a quote, a line break or blanks at
 * either end (which the reader trims). */
void wlr__put_csv_cell(FILE *f, const char *s);

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
 * PATH that exists and is not a regular file (/dev/null, a pipe) is written
 * directly and never removed; a symbolic link is written through: the file
 * at the end of its chain of links is the one replaced (see out.c). Abort
 * after commit, or twice, is harmless. */
typedef struct {
    FILE *f;
    char *path;         /* as given, for messages */
    char *target;       /* the file renamed over: PATH, or its links' end */
    char *tmp;          /* the temporary; NULL when written in place */
} wlr__out;

/* The file an output named PATH lands in: PATH itself, or, when PATH is a
 * symbolic link, the end of its chain of links (relative targets taken
 * relative to their link's directory); it need not exist (a dangling link).
 * *target is malloc'd. Fails on a loop or a link that cannot be read. */
wlr_status wlr__out_target(const char *path, char **target, wlr_error *err);
wlr_status wlr__out_open(wlr__out *o, const char *path, wlr_error *err);
wlr_status wlr__out_commit(wlr__out *o, wlr_error *err);
void wlr__out_abort(wlr__out *o);
/* For programs (the wlr tool calls it first thing): on SIGINT, SIGTERM or
 * SIGHUP, remove the temporaries of every output still open, then die of
 * the signal as before; and ignore SIGXFSZ, so that exceeding the file size
 * limit is a write error (EFBIG) that wlr__out_commit reports. Signals the
 * process already ignores stay ignored. */
void wlr__out_remove_temps_on_signal(void);


/* ------------------------------------------ standardisation (scaling.c) */

/*
 * Training works on scaled features x'_j = (x_j - mu_j) / sd_j, the
 * parameters theta = (w'_1..w'_D, b') living on them (mu = 0, sd = 1 when
 * not standardising: x' = x). The model on the original features is
 *   a_j = w'_j / sd_j,   c = b' - sum_j a_j mu_j
 * (w' . x' + b' = a . x + c), and the penalty stays the one on a, the
 * original coefficients: (l2/2) |a|^2 = (l2/2) sum_j (w'_j / sd_j)^2.
 * Standardising changes the path the solvers take, never the objective.
 */
typedef struct {
    size_t n;           /* features */
    double *mu, *sd;    /* n each */
    int on;             /* 1 = standardising; 0 = mu = 0, sd = 1 */
    /* while rows are added: the running mean and sum of squared deviations
     * in units of scale[j] (a power of two), the rows merged, and the rows
     * of a chunk not yet complete (scaling.c) */
    double *m2, *scale;
    size_t rows;
    double *pending;
    size_t n_pending;
} wlr__scaling;

/* Allocates for n features, nothing added yet. */
wlr_status wlr__scaling_alloc(wlr__scaling *s, size_t n, int standardize,
                              wlr_error *err);
/* Adds d's rows after those added so far (a window at a time for the
 * streaming trainer: the same bits as all rows at once). */
void wlr__scaling_add(wlr__scaling *s, const wlr_dataset *d);
/* mu and sd from the rows added; a column with sd 0 keeps sd = 1. */
void wlr__scaling_finish(wlr__scaling *s);
/* alloc, add all of d, finish. */
wlr_status wlr__scaling_init(wlr__scaling *s, const wlr_dataset *d,
                             int standardize, wlr_error *err);
void wlr__scaling_free(wlr__scaling *s);
/* theta -> (a, c) on the original features. */
void wlr__scaling_unscale(const wlr__scaling *s, const double *theta, double *a,
                          double *c);

/* ------------------------------------------------ the objective (train.c) */

/* What a solver minimises: the rows, their scaling, the class weights and
 * the penalty (LIBLINEAR calls this a problem). */
typedef struct {
    const wlr_dataset *d;
    const wlr__scaling *s;
    double cw[2];
    double l2;
} wlr__problem;

/* L at theta (see train.c), with its gradient (grad != NULL, D + 1
 * values) and Hessian (hess != NULL, (D + 1)^2 values, row-major), one row
 * at a time with libm: the reference every fast path is tested against. */
double wlr__objective(const wlr__problem *p, const double *theta, double *grad,
                      double *hess);
/* lambda_j = l2 / sd_j^2, the penalty's weight on w'_j (s NULL: l2). */
static inline double wlr__penalty_weight(const wlr__scaling *s, double l2,
                                         size_t j)
{
    return s ? l2 / (s->sd[j] * s->sd[j]) : l2;
}

/* The penalty (l2/2) sum_j (w'_j / sd_j)^2 at theta (s NULL: sd = 1), its
 * gradient added into grad and its curvature into hess's diagonal (each if
 * not NULL; hess (D + 1)^2). */
double wlr__penalty(const wlr__scaling *s, double l2, size_t D,
                    const double *theta, double *grad, double *hess);
/* The same from the fast kernel (kernel.c), in double precision. */
double wlr__objective_fast(const wlr__problem *p, const double *theta,
                           double *grad, double *hess);

/* ------------------------------------- gradient descent (train.c) */

/* The learning rate falls linearly from lr to lr * WLR__LR_FLOOR over the
 * run: small enough at the end that batch noise no longer moves the loss by
 * 0.1 %, large enough never to stall. */
#define WLR__LR_FLOOR 0.01
/* Heavy-ball momentum coefficient; Adam's usual constants (Kingma & Ba). */
#define WLR__MOMENTUM_BETA 0.9
#define WLR__ADAM_BETA1 0.9
#define WLR__ADAM_BETA2 0.999
#define WLR__ADAM_EPS 1e-8

/* The rows a fast step reads (kernel.c): the scaled features and signed row
 * weights as floats, copied once or converted as each batch is read. */
typedef struct wlr__rows wlr__rows;

/* Gradient descent as a loop its caller drives, so that wlr_train (one
 * dataset) and the streaming trainer (a window at a time) run the same
 * steps: wlr__gd_init; per epoch: wlr__gd_use_rows and wlr__gd_epoch on
 * each part of the rows, then wlr__gd_end_epoch; wlr__gd_free. */
typedef struct {
    const wlr_train_options *o;
    const wlr__scaling *s;
    double *theta;          /* the caller's D + 1 parameters, updated */
    double *G, *m, *v;      /* the batch's sums; momentum and Adam's moments */
    double *lambda;         /* the penalty's weight on each w'_j: l2 / sd_j^2 */
    double *a;              /* scratch for the model on the original features */
    double lr0;             /* o->lr / curvature */
    long t, total_steps;    /* steps taken, and in the whole run */
    double beta_t[2];       /* Adam: b1^t and b2^t */
    const wlr_dataset *d;   /* the rows of wlr__gd_use_rows */
    wlr__rows *rows;        /* their fast view (NULL on the reference path) */
} wlr__gd;

/* curvature = wlr__gd_curvature's (lr0 = lr / curvature); allocates
 * info->loss_per_epoch with epoch_loss. */
wlr_status wlr__gd_init(wlr__gd *g, const wlr_train_options *o,
                        const wlr__scaling *s, double *theta, double curvature,
                        long total_steps, wlr_train_info *info, wlr_error *err);
void wlr__gd_free(wlr__gd *g);
/* Batches of n rows: ceil(n / B), B = batch_size capped at n (0 = n). */
size_t wlr__gd_blocks(const wlr_train_options *o, size_t n_rows);
/* The next epochs train on d's rows. keep = 1 promises that d stays as it
 * is until the next call or wlr__gd_free, so that its rows may be copied
 * once (kernel.c); keep = 0 for rows that change (stream.c's windows).
 * Never fails: without memory for a copy the rows are converted as read,
 * with the same results. */
void wlr__gd_use_rows(wlr__gd *g, const wlr_dataset *d, int keep);
/* One epoch of batches over those rows, drawing from rng; order holds
 * wlr__gd_blocks(o, n_rows) block numbers, shuffled in place. */
void wlr__gd_epoch(wlr__gd *g, wlr__rng *rng, size_t *order);
/* Is the loss over all rows wanted after epoch e (0-based)? */
int wlr__gd_loss_due(const wlr__gd *g, int e);
/* Records epoch e's loss (NaN if not due), calls on_epoch, and fails if the
 * run diverged. */
wlr_status wlr__gd_end_epoch(wlr__gd *g, int e, double loss,
                             wlr_train_info *info, wlr_error *err);
/* The model from theta and info->grad_norm from grad, the gradient of L at
 * theta (wlr__objective's); fails if either is not finite. */
wlr_status wlr__train_finish(const wlr__scaling *s, const double *theta,
                             const double *grad, wlr_model *model,
                             wlr_train_info *info, wlr_error *err);
/* Calls o->on_epoch with theta unscaled into a (D values of scratch). */
void wlr__report_epoch(const wlr_train_options *o, const wlr__scaling *s,
                       const double *theta, double *a, int epoch, double loss);

/* The sums behind the starting intercept and the step size, addable a
 * window at a time with the same bits: per class, the row weights summed
 * in row order, s[k] = sum_{i: y_i = k} s_i (without weights an exact
 * count), then tot[k] = c_k s[k] and weight_sum = tot[0] + tot[1]; and
 * s_max, the largest s_i (1 without weights). Start from zero. */
typedef struct {
    double s[2];
    double tot[2];
    double weight_sum;
    double s_max;
} wlr__weight_sums;

void wlr__weight_sums_add(wlr__weight_sums *ws, const wlr_dataset *d,
                          const double cw[2]);
/* b = log(tot[1] / tot[0]), the intercept's optimum at w = 0 (0 if a class
 * has no weight). */
double wlr__base_rate_logit(const double tot[2]);
/* The curvature gradient descent's step divides lr by (train.c). */
double wlr__gd_curvature(const wlr_train_options *o, const wlr__weight_sums *ws,
                         size_t n_rows);

/* Newton's method from theta (newton.c), on p's scaled features. */
wlr_status wlr__newton(const wlr__problem *p, const wlr_train_options *o,
                       double *theta, wlr_train_info *info, wlr_error *err);

/* ------------------------------------------------ the fast kernels (kernel.c) */

/* gradient descent's batch sums G = sum_i c s (p - y) (x', 1) over the
 * rows of n_runs <= 2 runs (first[r], count[r]) at theta: train.c's
 * batch_gradient, computed by the kernel (see kernel.h). */
void wlr__kernel_batch(const wlr__rows *r, const double *theta,
                       const size_t *first, const size_t *count, int n_runs,
                       double *G);
/* The fast view of d for gradient descent, or NULL if memory runs out (the
 * caller then uses the reference loops): see kernel.c. */
wlr__rows *wlr__rows_new(const wlr__problem *p, int copy);
void wlr__rows_free(wlr__rows *r);
/* Asks the rows of a run into the cache (a hint: changes nothing). */
void wlr__rows_prefetch(const wlr__rows *r, size_t first, size_t count);
/* Is the kernel path usable (WLR_KERNEL names one this CPU runs)? */
wlr_status wlr__kernel_check(wlr_error *err);
/* a[0..n-1] shuffled by Fisher-Yates with Lemire's bounded draws: wlr's
 * own shuffle for the training order, not numpy's (rng.c). */
void wlr__rng_shuffle_fast(wlr__rng *r, size_t *a, size_t n);

/* A fresh (calloc'd) dataset's pages faulted in while the caller writes
 * them (dataset.c): if wlr__prefault_wanted(d) (big enough, and the system
 * can), run wlr__prefault(d) as a second job beside the writing one
 * (wlr__run_jobs). The contents are never touched. */
int wlr__prefault_wanted(const wlr_dataset *d);
/* 0 turns the prefault off (bench_generate --no-prefault measures what it
 * pays); 1 by default. */
extern int wlr__prefault_on;
void wlr__prefault(void *dataset);

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
 * "Y: y[i] = v is not 0 or 1", i its row in the file). y_path may be NULL
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

/* ------------------------------------------------- spread (spread.c) */

/* The spread of n repeated measurements (experiment --repeats): their
 * mean, sample standard deviation (n - 1 in the denominator; NaN for n =
 * 1) and the WLR__SPREAD_LO-th and WLR__SPREAD_HI-th percentiles, numpy's
 * np.percentile(v, [2.5, 97.5]) to the bit: the range that holds the
 * middle 95 % of the values. */
#define WLR__SPREAD_LO 2.5
#define WLR__SPREAD_HI 97.5
typedef struct {
    size_t n;
    double mean, sd, lo, hi;
} wlr__spread;

/* Fails (WLR_ERR_ARG) for n = 0 or a value that is not finite. */
wlr_status wlr__spread_compute(const double *v, size_t n, wlr__spread *s,
                               wlr_error *err);
/* numpy.percentile(sorted, q), q in [0, 100], of n >= 1 ascending values. */
double wlr__percentile(const double *sorted, size_t n, double q);

/* ------------------------------------------- threads and time (threads.c) */

/* The library's one way to use several cores: n jobs, each a function and
 * its argument, each writing only its own results. Job 0 runs on the
 * calling thread, the others on threads of their own (a job whose thread
 * cannot start runs on the calling thread after job 0), and the call
 * returns when all are done: the outcome never depends on how many threads
 * there were. */
typedef struct {
    void (*run)(void *arg);
    void *arg;
} wlr__job;

void wlr__run_jobs(const wlr__job *jobs, size_t n);
/* At most this many threads for one piece of work. */
#define WLR__MAX_THREADS 8
/* Work on fewer rows than this stays on the calling thread: a pass over 1M
 * rows takes milliseconds, far more than starting a thread or waiting for a
 * busy core (bench/README.md, "Both cores"). */
#define WLR__PARALLEL_MIN_ROWS ((size_t)1 << 20)
/* Threads for a pass over n rows: 1 below WLR__PARALLEL_MIN_ROWS, else the
 * online cores, at most WLR__MAX_THREADS. */
size_t wlr__threads_for(size_t n_rows);

/* Monotonic wall clock, in seconds: the one clock of the library, the
 * command line and the benchmarks. */
double wlr__now(void);
/* Tells wlr_set_progress's hook, if any (threads.c). */
void wlr__progress(const char *what, double done, double total);

#endif
