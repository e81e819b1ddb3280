/*
 * wlr_stream.h - gradient descent on .npy data too big for memory, a window of rows at a time.
 * Part of the wlr library; see wlr.h for the model, the objective and the
 * conventions (errors as values, outputs of a failed call left empty).
 */
#ifndef WLR_STREAM_H
#define WLR_STREAM_H

#include "wlr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------- data beyond memory (stream.c) */

/*
 * Gradient descent on a .npy pair (X 2-D C-order float64/float32, y 1-D
 * labels, as wlr_read_npy takes them) too big to load: the rows are read a
 * window of W consecutive rows at a time, so memory is one window (two with
 * read_ahead), W (8 D + 1) bytes each, whatever the file's size. It trains
 * on every row of the file, with per-row weights s_i = 1.
 *
 * Each epoch visits the windows in a random order and moves their
 * boundaries (an offset drawn per epoch); inside a window the batches are
 * wlr_train's (see train.c; batch_size 0 = the whole window). So a batch's
 * rows are at most W apart in the file: the rows should be in random
 * order, as for wlr_train.
 *
 * When the file fits in one window (W >= N), the result is wlr_train's on
 * wlr_read_npy's dataset, bit for bit: the same model, loss and gradient
 * norm (and loss per epoch). With several windows it is another draw of the
 * same stochastic descent, close to it. Solver gd only.
 *
 *   wlr_stream_options so;  wlr_stream_defaults(&so);
 *   so.window = 1000000;  so.balanced = 1;
 *   wlr_stream_info si;
 *   wlr_train_stream("X.npy", "y.npy", &so, &opt, &m, &info, &si, &err);
 *   ...  wlr_stream_info_free(&si);
 */

/* The default window, in bytes of data: big enough that the fixed costs of
 * a read vanish, small enough for any machine (two windows with
 * read-ahead). */
#define WLR_STREAM_WINDOW_BYTES ((size_t)64 << 20)

typedef struct {
    size_t window;    /* rows per window; 0 = as many as fit in
                         WLR_STREAM_WINDOW_BYTES (the default) */
    int balanced;     /* 1 = class weights N / (2 N_k) from the file's class
                         counts (as wlr_class_weights_balanced), in place of
                         o->class_weight */
    int read_ahead;   /* 1 = read the next window on a second thread while
                         the current one trains (the default); 0 = not */
} wlr_stream_options;

typedef struct {
    size_t n_rows, n_features;
    size_t counts[2];          /* rows of class 0, 1 */
    double class_weight[2];    /* the weights trained with */
    double *mean, *sd;         /* n_features each: the scaling trained with
                                  (0 and 1 without standardize); owned */
    size_t window, n_windows;  /* rows per window, ceil(n_rows / window) */
    double read_seconds;       /* time training waited for reads */
} wlr_stream_info;

void wlr_stream_defaults(wlr_stream_options *so);
/* Fails on anything wlr_read_npy or wlr_train would fail on, with their
 * messages, and on a solver other than gd. The outputs of a failed call
 * are left empty. info->seconds is the whole run, reads included. */
wlr_status wlr_train_stream(const char *x_path, const char *y_path,
                            const wlr_stream_options *so,
                            const wlr_train_options *o, wlr_model *m,
                            wlr_train_info *info, wlr_stream_info *si,
                            wlr_error *err);
void wlr_stream_info_free(wlr_stream_info *si);

/* The same for a model trained by wlr_train_stream: names x1..xD, the
 * scaling, class weights and counts from si. */
wlr_status wlr_model_file_make_stream(wlr_model_file *mf,
                                      const wlr_stream_info *si,
                                      const wlr_train_options *o,
                                      const wlr_model *m,
                                      const wlr_train_info *info,
                                      double threshold, const char *rule,
                                      wlr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* WLR_STREAM_H */
