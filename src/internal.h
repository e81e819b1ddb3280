/*
 * internal.h - helpers shared by the library's source files; not public API.
 */
#ifndef WLR_INTERNAL_H
#define WLR_INTERNAL_H

#include "wlr.h"

/* Fills err->message (printf-style) and returns code: `return wlr_fail(...)`.
 * err may be NULL. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
wlr_status wlr_fail(wlr_error *err, wlr_status code, const char *fmt, ...);

/* Feature scaling for training: x' = (x - mu) / sd (mu = 0, sd = 1 when not
 * standardising). The parameters being trained, theta = (w'_1..w'_D, b'),
 * live on the scaled features. See train.c. */
typedef struct {
    size_t n;     /* number of features */
    double *mu;
    double *sd;
} wlr_scaling;

wlr_status wlr_scaling_init(wlr_scaling *s, const wlr_dataset *d,
                            int standardize, wlr_error *err);
/* wlr_scaling_init in steps, for rows that come a window at a time: alloc,
 * add each window's rows in file order (n_before rows came earlier),
 * finish with the total; the same bits as wlr_scaling_init on all rows. */
wlr_status wlr_scaling_alloc(wlr_scaling *s, size_t n_features, wlr_error *err);
void wlr_scaling_add(wlr_scaling *s, const wlr_dataset *d, size_t n_before);
void wlr_scaling_finish(wlr_scaling *s, size_t n_rows, int standardize);
void wlr_scaling_free(wlr_scaling *s);
void wlr_scaling_unscale(const wlr_scaling *s, const double *theta, double *a,
                         double *c);
void wlr_scaling_grad(const wlr_scaling *s, double *g);
double wlr_scaled_loss(const wlr_dataset *d, const wlr_scaling *s,
                       const double cw[2], double l2, const double *theta,
                       double *a);
/* The same with the fast (vectorised) loss. */
double wlr_fast_scaled_loss(const wlr_dataset *d, const wlr_scaling *s,
                            const double cw[2], double l2, const double *theta,
                            double *a);

/* The sums behind the starting intercept and the step size (train.c),
 * over the rows in order, addable a window at a time:
 *   tot[k] = sum_{i: y_i = k} c_k s_i,  weight_sum = sum_i c_{y_i} s_i.
 * Start from zero. */
typedef struct {
    double tot[2];
    double weight_sum;
} wlr_weight_sums;

void wlr_weight_sums_add(wlr_weight_sums *ws, const wlr_dataset *d,
                         const double cw[2]);
/* b = log(tot[1] / tot[0]), the intercept's optimum at w = 0 (0 if a class
 * has no weight). */
double wlr_base_rate_logit(const double tot[2]);

/* Gradient descent as a loop the caller drives, so that train.c (one
 * dataset) and stream.c (a window at a time) run the same steps:
 *   wlr_gd_init; per epoch: wlr_gd_epoch on each part of the rows, the loss
 *   when wlr_gd_loss_due, wlr_gd_end_epoch; wlr_gd_free. */
typedef struct {
    const wlr_train_options *o;
    const wlr_scaling *s;
    double *theta;          /* the caller's D + 1 parameters, updated */
    double *work;           /* G, a, m, v and WLR_FAST_SCRATCH(D) */
    double lr0;             /* o->lr / cbar */
    long t, total_steps;    /* steps taken, and in the whole run */
} wlr_gd;

/* Batches of n rows: ceil(n / B), B = batch_size capped at n (0 = n). */
size_t wlr_gd_blocks(const wlr_train_options *o, size_t n_rows);
/* cbar = mean row weight; allocates info->loss_per_epoch with epoch_loss. */
wlr_status wlr_gd_init(wlr_gd *g, const wlr_train_options *o,
                       const wlr_scaling *s, double *theta, double cbar,
                       long total_steps, wlr_train_info *info, wlr_error *err);
void wlr_gd_free(wlr_gd *g);
/* One epoch of block batches over d's rows (see train.c: THE ORDER OF
 * ROWS), drawing from rng; order holds wlr_gd_blocks(o, d->n_rows) block
 * numbers, shuffled in place. */
void wlr_gd_epoch(wlr_gd *g, const wlr_dataset *d, wlr_rng *rng, size_t *order);
/* Is the loss over all rows wanted after epoch e (0-based)? */
int wlr_gd_loss_due(const wlr_gd *g, int e);
/* Records epoch e's loss (NaN if not due), calls on_epoch, and fails if the
 * run diverged. */
wlr_status wlr_gd_end_epoch(wlr_gd *g, int e, double loss,
                            wlr_train_info *info, wlr_error *err);
/* The unpenalised loss on d at (a, c), fast or reference path, and the
 * penalty on theta: L = data loss + penalty. */
double wlr_gd_data_loss(const wlr_train_options *o, const wlr_dataset *d,
                        const double *a, double c);
double wlr_gd_penalty(const wlr_train_options *o, const wlr_scaling *s,
                      const double *theta);
/* (1/N) sum_i c s (p - y) (x, 1) on d at (a, c), fast (in double
 * precision) or reference; scratch holds WLR_FAST_SCRATCH(D) doubles. */
void wlr_mean_gradient(const wlr_train_options *o, const wlr_dataset *d,
                       const double *a, double c, double *g, double *scratch);
/* The model from theta and info->grad_norm from the mean gradient g (as
 * wlr_mean_gradient gives it; overwritten); fails if not finite. */
wlr_status wlr_train_finish(const wlr_train_options *o, const wlr_scaling *s,
                            const double *theta, double *g, wlr_model *model,
                            wlr_train_info *info, wlr_error *err);

/* Calls o->on_epoch with theta unscaled into a. */
void wlr_report_epoch(const wlr_train_options *o, const wlr_scaling *s,
                      const double *theta, double *a, int epoch, double loss);

/* Newton's method from theta (newton.c). */
wlr_status wlr_newton(const wlr_dataset *d, const wlr_train_options *o,
                      const wlr_scaling *s, double *theta, wlr_train_info *info,
                      wlr_error *err);

/* The fast inner loops of gradient descent (train_fast.c). Batch sums
 * G[0..D] = sum c s (p - y) (x, 1) over the rows of n_runs <= 2 runs of
 * consecutive rows (first[r], count[r]: a batch, which may wrap past the
 * last row); scratch holds WLR_FAST_SCRATCH(D) doubles. */
#define WLR_FAST_SCRATCH(D) (9 * ((D) + 1))
/* Rows the fast loops take at a time (train_fast.c). */
#define WLR_FAST_CHUNK 256
/* Batches of more rows are summed in blocks of this many (see there). */
#define WLR_FAST_GRAD_BLOCK 65536
void wlr_fast_batch_sums(const wlr_dataset *d, const double cw[2],
                         const double *a, double c, const size_t *first,
                         const size_t *count, int n_runs, double *G,
                         double *scratch);
/* Newton's sums over all rows at (a, c) on the scaled features
 * x' = (x - mu) / sd, x~ = (x', 1): g = sum c s (p - y) x~ and
 * H = sum c s p (1 - p) x~ x~^T (P = D + 1, H[j * P + k]); scratch holds
 * WLR_NEWTON_SCRATCH(D) doubles. */
#define WLR_NEWTON_SCRATCH(D) \
    (8 * (((D) + 1) + ((D) + 1) * ((D) + 2) / 2) + WLR_FAST_CHUNK * (D))
void wlr_fast_grad_hessian(const wlr_dataset *d, const double cw[2],
                           const double *a, double c, const double *mu,
                           const double *sd, double *g, double *H,
                           double *scratch);
/* The same sums with every row's c s (p - y) in double precision (the
 * batch sums use single precision for it; see train_fast.c): for the final
 * gradient a fit reports. */
void wlr_fast_grad_sums(const wlr_dataset *d, const double cw[2],
                        const double *a, double c, const size_t *first,
                        const size_t *count, int n_runs, double *G,
                        double *scratch);
/* (1/N) sum_i c s [log(1 + e^z) - y z] at (a, c), unpenalised. */
double wlr_fast_loss(const wlr_dataset *d, const double cw[2], const double *a,
                     double c);
/* The polynomial e^x (x <= 0) and log(1 + e) (0 <= e <= 1) behind them,
 * exposed for their accuracy tests. */
double wlr_fast_exp(double x);
double wlr_fast_log1p(double e);
float wlr_fast_expf(float x);

/* d's rows reordered as numpy's X[permutation(n)] with r's next draws, in
 * place, by the permutation's own Fisher-Yates swaps (dataset.c). */
void wlr_shuffle_rows(wlr_rng *rng, wlr_dataset *d);

/* wlr_evaluate, wlr_curve_compute and wlr_threshold_for_recall on n_threads
 * threads (at most 8; 0 = as the public functions choose). The results are
 * the same bits for every n_threads; the tests and the benchmark force it
 * (metrics.c). */
wlr_status wlr_evaluate_threads(const uint8_t *y, const double *score,
                                size_t n, double threshold, wlr_metrics *m,
                                size_t n_threads, wlr_error *err);
wlr_status wlr_curve_compute_threads(const uint8_t *y, const double *score,
                                     size_t n, wlr_curve *c, size_t n_threads,
                                     wlr_error *err);
wlr_status wlr_threshold_for_recall_threads(const uint8_t *y,
                                            const double *score, size_t n,
                                            double target, double *threshold,
                                            size_t n_threads, wlr_error *err);

/* wlr_predict_proba with the rows shared by n_threads threads (at most 8;
 * 0 = as wlr_predict_proba chooses). The same bits for every n_threads
 * (train.c). */
void wlr_predict_proba_threads(const wlr_model *m, const wlr_dataset *d,
                               double *p, size_t n_threads);

/* A pair of .npy files, X and y, opened for reading rows on demand (npy.c):
 * wlr_read_npy is open + read all rows + close, and the streaming trainer
 * (stream.c) reads a window at a time. Opening reads and checks both
 * headers and the files' sizes exactly as wlr_read_npy does; reading
 * converts and validates as it does, with the same messages (a bad label is
 * "Y:0: y[i] = v is not 0 or 1", i its row in the file). y_path may be NULL
 * (X alone: reads leave y as it is). The paths are borrowed: they must
 * outlive the handle. One reader at a time. */
typedef struct wlr_npy_rows wlr_npy_rows;

wlr_status wlr_npy_rows_open(const char *x_path, const char *y_path,
                             wlr_npy_rows **r, wlr_error *err);
void wlr_npy_rows_shape(const wlr_npy_rows *r, size_t *n_rows,
                        size_t *n_features);
/* Rows first .. first + count - 1 of the files into rows at .. at + count - 1
 * of d (x and y; column j of d starts at d->x + j * d->n_rows). */
wlr_status wlr_npy_rows_read(wlr_npy_rows *r, size_t first, size_t count,
                             wlr_dataset *d, size_t at, wlr_error *err);
/* The labels alone of rows first .. first + count - 1 into y[0 .. count-1]. */
wlr_status wlr_npy_rows_read_labels(wlr_npy_rows *r, size_t first,
                                    size_t count, uint8_t *y, wlr_error *err);
void wlr_npy_rows_close(wlr_npy_rows *r);

/* Monotonic wall clock, in seconds. */
double wlr_now(void);

#endif
