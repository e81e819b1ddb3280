/*
 * stream.c - gradient descent on a .npy pair bigger than memory.
 *
 * The data is never held whole: it is read a window of W consecutive rows at
 * a time into a column-major buffer (npy.c's wlr__npy_rows), and every pass
 * the in-memory trainer makes over its rows becomes a pass over the windows:
 *
 *   1. the set-up pass, windows in file order: class counts (for
 *      'balanced', from the labels alone, a pass of its own), the sums
 *      behind the starting intercept and the mean row weight, and the
 *      features' means and sds for --standardize. Each sum is carried from
 *      one window into the next in row order, so it is the very sum the
 *      in-memory code makes (train.c: wlr__weight_sums, wlr__scaling_add).
 *   2. every epoch: the windows in a random order, each read in and trained
 *      on with train.c's own epoch of block batches (wlr__gd_epoch).
 *   3. the loss and gradient at the end (and after each epoch, if asked):
 *      L = sum_w (n_w / N) L_w, the windows' mean losses weighted by their
 *      share of the rows, and the same for the gradient.
 *
 * THE WINDOW SHUFFLE mirrors the block batches one level up. With
 * n_w = ceil(N / W) windows, each epoch draws an offset r uniform in
 * 0..N-1 and a random order of the windows; window k holds the rows
 * r + kW .. r + kW + W - 1 (mod N), the last one the N - (n_w - 1) W rows
 * left; the epoch trains on the windows in that order, each with its own
 * block batches (offset and order drawn as in memory, B capped at the
 * window's rows). Every row is visited once an epoch and the window
 * boundaries move from epoch to epoch, but a batch never mixes rows further
 * apart in the file than W: the file's rows should be in random order, as
 * for the in-memory trainer (wlr generate writes them so).
 * The window draws come from their own generator, seeded with
 * shuffle_seed ^ WINDOW_SEED_MIX, that is never drawn from when there is
 * one window.
 *
 * THE EQUIVALENCE. When W >= N there is one window: it is read once, kept,
 * and every number (counts, base rate, mean row weight, scaling, the batch
 * draws, each step, the losses, the gradient) is computed by the same code
 * on the same array as wlr_train on wlr_read_npy's dataset, so the model,
 * the loss and the gradient norm are the same bits. With several windows
 * the model is a different draw of the same stochastic descent: close to
 * the in-memory one, not equal.
 *
 * MEMORY is one window, or two with read_ahead: the next window is read on
 * a second thread while the current one trains (the results do not depend
 * on it). A window holds W (8 D + 1) bytes.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The window generator's seed is shuffle_seed ^ this (the golden ratio's
 * bits), so that it is not the batch generator's stream. */
#define WINDOW_SEED_MIX 0x9e3779b9u
/* Windows smaller than this are read in line even with read_ahead: starting
 * a thread costs tens of microseconds, as much as copying this many bytes. */
#define READ_AHEAD_MIN_BYTES ((size_t)64 << 10)

void wlr_stream_defaults(wlr_stream_options *so)
{
    memset(so, 0, sizeof *so);
    so->window = 0;
    so->balanced = 0;
    so->read_ahead = 1;
}

void wlr_stream_info_free(wlr_stream_info *si)
{
    free(si->mean);
    free(si->sd);
    memset(si, 0, sizeof *si);
}

/* Rows per window: so->window, or as many as fit in WLR_STREAM_WINDOW_BYTES
 * (at least one); never more than the file holds. */
static size_t window_rows(const wlr_stream_options *so, size_t n, size_t dim)
{
    size_t w = so->window;
    if (w == 0) {
        w = WLR_STREAM_WINDOW_BYTES / (dim * sizeof(double) + 1);
        if (w == 0) w = 1;
    }
    return w < n ? w : n;
}

/* ------------------------------------------------------------ windows */

/* The open files and the window buffers. */
typedef struct {
    wlr__npy_rows *rows;
    size_t n, dim;            /* rows and features of the file */
    size_t w, n_windows;      /* rows per window, ceil(n / w) */
    wlr_dataset buf[2];       /* w rows each; buf[1] only with read-ahead */
    int n_buf;
    double read_seconds;      /* the trainer's time waiting for reads */
} streamer;

/* Window k of the pass starting at file row r: its first row and size. */
static void window_span(const streamer *sr, size_t r, size_t k, size_t *first,
                        size_t *count)
{
    *count = k + 1 == sr->n_windows ? sr->n - k * sr->w : sr->w;
    *first = (r + k * sr->w) % sr->n;
}

/* Reads rows first .. first + count - 1 (mod n: two pieces when it wraps
 * past the file's end) into buffer b, which then holds count rows. */
static wlr_status read_window(streamer *sr, int b, size_t first, size_t count,
                              wlr_error *err)
{
    wlr_dataset *d = &sr->buf[b];
    d->n_rows = count;
    size_t head = sr->n - first < count ? sr->n - first : count;
    wlr_status st = wlr__npy_rows_read(sr->rows, first, head, d, 0, err);
    if (st == WLR_OK && head < count)
        st = wlr__npy_rows_read(sr->rows, 0, count - head, d, head, err);
    return st;
}

/* What a pass does with each window (d holds its rows). */
typedef wlr_status (*window_fn)(void *ctx, const wlr_dataset *d,
                                wlr_error *err);

/* The two jobs of a window's turn: fn on the window in hand, and the read
 * of the next one into the other buffer (count 0: none). */
typedef struct {
    streamer *sr;
    int b;
    size_t first, count;
    window_fn fn;
    void *ctx;
    const wlr_dataset *d;
    wlr_status st;
    wlr_error err;
    double seconds;     /* how long the work took */
} window_job;

static void work_job(void *arg)
{
    window_job *j = arg;
    double t0 = wlr__now();
    j->st = j->fn(j->ctx, j->d, &j->err);
    j->seconds = wlr__now() - t0;
}

static void read_job(void *arg)
{
    window_job *j = arg;
    j->st = j->count ? read_window(j->sr, j->b, j->first, j->count, &j->err) : WLR_OK;
}

/*
 * One pass over the windows: window order[q] (NULL = file order) of the
 * pass starting at file row r, q = 0 .. n_windows - 1, each read and handed
 * to fn. With two buffers window q + 1 is read on a second core while fn
 * works on window q (wlr__run_jobs); with one, after.
 */
static wlr_status stream_pass(streamer *sr, size_t r, const size_t *order,
                              window_fn fn, void *ctx, wlr_error *err)
{
    size_t first, count;
    window_span(sr, r, order ? order[0] : 0, &first, &count);
    double t0 = wlr__now();
    wlr_status st = read_window(sr, 0, first, count, err);
    sr->read_seconds += wlr__now() - t0;
    for (size_t q = 0; q < sr->n_windows && st == WLR_OK; q++) {
        int cur = sr->n_buf == 2 ? (int)(q & 1) : 0;
        window_job work = {sr, cur, 0, 0, fn, ctx, &sr->buf[cur], WLR_OK, {{0}}, 0};
        window_job next = {sr, sr->n_buf == 2 ? 1 - cur : 0, 0, 0, NULL, NULL, NULL,
                           WLR_OK, {{0}}, 0};
        if (q + 1 < sr->n_windows)
            window_span(sr, r, order ? order[q + 1] : q + 1, &next.first, &next.count);
        if (sr->n_buf == 2) {
            /* the wait: the turn's time beyond the work's own */
            wlr__job both[2] = {{work_job, &work}, {read_job, &next}};
            t0 = wlr__now();
            wlr__run_jobs(both, 2);
            sr->read_seconds += fmax(0.0, wlr__now() - t0 - work.seconds);
        } else {
            work_job(&work);
            t0 = wlr__now();
            if (work.st == WLR_OK) read_job(&next);
            sr->read_seconds += wlr__now() - t0;
        }
        window_job *bad = work.st ? &work : next.st ? &next : NULL;
        if (bad) {
            st = bad->st;
            *err = bad->err;
        }
    }
    return st;
}

/* ------------------------------------------------------------- passes */

/* The labels alone, for 'balanced': counts[k] = rows of class k. */
static wlr_status count_classes(streamer *sr, size_t counts[2], wlr_error *err)
{
    counts[0] = counts[1] = 0;
    uint8_t *y = sr->buf[0].y;
    for (size_t i0 = 0; i0 < sr->n; i0 += sr->w) {
        size_t cnt = sr->n - i0 < sr->w ? sr->n - i0 : sr->w;
        wlr_status st = wlr__npy_rows_read_labels(sr->rows, i0, cnt, y, err);
        if (st) return st;
        for (size_t i = 0; i < cnt; i++) counts[y[i] != 0]++;
    }
    return WLR_OK;
}

/* The set-up pass's sums, window by window in file order. */
typedef struct {
    const double *cw;
    size_t counts[2];
    wlr__weight_sums ws;
    wlr__scaling *s;
} setup_sums;

static wlr_status add_setup(void *ctx, const wlr_dataset *d, wlr_error *err)
{
    (void)err;
    setup_sums *u = ctx;
    size_t c[2];
    wlr_class_counts(d, c);
    u->counts[0] += c[0];
    u->counts[1] += c[1];
    wlr__weight_sums_add(&u->ws, d, u->cw);
    wlr__scaling_add(u->s, d);
    return WLR_OK;
}

/* An epoch's training on one window. */
typedef struct {
    wlr__gd *gd;
    wlr__rng *rng;
    size_t *order;            /* the window's block order */
} epoch_job;

static wlr_status train_window(void *ctx, const wlr_dataset *d, wlr_error *err)
{
    (void)err;
    epoch_job *j = ctx;
    /* a fresh block order each window: shuffled from 0..nb-1 it is as
     * random as in memory, where it is shuffled on from the last epoch's */
    size_t nb = wlr__gd_blocks(j->gd->o, d->n_rows);
    for (size_t k = 0; k < nb; k++) j->order[k] = k;
    wlr__gd_use_rows(j->gd, d, 0);
    wlr__gd_epoch(j->gd, j->rng, j->order);
    return WLR_OK;
}

/* The loss and its gradient over all rows: each window's unpenalised
 * wlr__objective, weighted by its share of the rows, n_w / N. */
typedef struct {
    const wlr_train_options *o;
    const wlr__scaling *s;
    const double *theta;
    size_t n;
    double loss;              /* sum_w (n_w / N) L_w */
    double *grad;             /* NULL, or D + 1: sum_w (n_w / N) g_w */
    double *g;                /* a window's gradient */
} loss_sums;

static wlr_status add_loss(void *ctx, const wlr_dataset *d, wlr_error *err)
{
    (void)err;
    loss_sums *l = ctx;
    wlr__problem p = {d, l->s, {l->o->class_weight[0], l->o->class_weight[1]}, 0.0};
    double share = (double)d->n_rows / (double)l->n;
    double *g = l->grad ? l->g : NULL;
    l->loss += share * (l->o->reference ? wlr__objective(&p, l->theta, g, NULL)
                                        : wlr__objective_fast(&p, l->theta, g, NULL));
    for (size_t j = 0; g && j <= d->n_features; j++) l->grad[j] += share * g[j];
    return WLR_OK;
}

/* --------------------------------------------------------- the trainer */

static wlr_status check_stream(const wlr_stream_options *so,
                               const wlr_train_options *o, wlr_error *err)
{
    wlr_status st = wlr_train_check(o, err);
    if (st == WLR_OK && !o->reference) st = wlr__kernel_check(err);
    if (st) return st;
    if (o->solver != WLR_SOLVER_GD)
        return wlr__fail(err, WLR_ERR_ARG, "stream: only gradient descent can "
                        "train from a file a window at a time (solver gd)");
    if (so->read_ahead != 0 && so->read_ahead != 1)
        return wlr__fail(err, WLR_ERR_ARG, "stream: read_ahead is %d; it must "
                        "be 0 or 1", so->read_ahead);
    return WLR_OK;
}

static void streamer_close(streamer *sr)
{
    wlr__npy_rows_close(sr->rows);
    for (int b = 0; b < 2; b++) {
        sr->buf[b].n_rows = sr->w;
        wlr_dataset_free(&sr->buf[b]);
    }
    memset(sr, 0, sizeof *sr);
}

/* Opens the files and allocates the window buffers. */
static wlr_status streamer_open(streamer *sr, const char *x_path,
                                const char *y_path,
                                const wlr_stream_options *so, wlr_error *err)
{
    memset(sr, 0, sizeof *sr);
    wlr_status st = wlr__npy_rows_open(x_path, y_path, &sr->rows, err);
    if (st) return st;
    wlr__npy_rows_shape(sr->rows, &sr->n, &sr->dim);
    sr->w = window_rows(so, sr->n, sr->dim);
    sr->n_windows = (sr->n + sr->w - 1) / sr->w;
    sr->n_buf = so->read_ahead && sr->n_windows > 1 &&
                sr->w * (sr->dim * sizeof(double) + 1) >= READ_AHEAD_MIN_BYTES
                    ? 2 : 1;
    for (int b = 0; b < sr->n_buf && st == WLR_OK; b++)
        st = wlr_dataset_alloc(&sr->buf[b], sr->w, sr->dim, err);
    if (st) {
        streamer_close(sr);
        return wlr__fail(err, WLR_ERR_NOMEM, "stream: out of memory for a window "
                        "of %zu rows x %zu features (%.0f MB); give a smaller "
                        "window", sr->w, sr->dim,
                        (double)sr->w * (double)(8 * sr->dim + 1) / 1e6);
    }
    return WLR_OK;
}

/* L (and, with grad, its gradient) over every row at theta, the one
 * window in place when there is one. */
static wlr_status full_loss(streamer *sr, const wlr__gd *gd, double *loss,
                            double *grad, wlr_error *err)
{
    size_t D = sr->dim;
    double *g = malloc((D + 1) * sizeof *g);
    if (!g) return wlr__fail(err, WLR_ERR_NOMEM, "stream: out of memory");
    loss_sums l = {gd->o, gd->s, gd->theta, sr->n, 0.0, grad, g};
    if (grad) memset(grad, 0, (D + 1) * sizeof *grad);
    wlr_status st = sr->n_windows == 1 ? add_loss(&l, &sr->buf[0], err)
                                       : stream_pass(sr, 0, NULL, add_loss, &l, err);
    *loss = l.loss + wlr__penalty(gd->s, gd->o->l2, D, gd->theta, grad, NULL);
    free(g);
    return st;
}

wlr_status wlr_train_stream(const char *x_path, const char *y_path,
                            const wlr_stream_options *so,
                            const wlr_train_options *o, wlr_model *model,
                            wlr_train_info *info, wlr_stream_info *si,
                            wlr_error *err)
{
    memset(model, 0, sizeof *model);
    memset(info, 0, sizeof *info);
    memset(si, 0, sizeof *si);
    wlr_status st = check_stream(so, o, err);
    if (st) return st;
    if (!x_path || !y_path)
        return wlr__fail(err, WLR_ERR_ARG, "%s: missing (training needs X and "
                        "its labels)", x_path ? "y_path" : "x_path");
    streamer sr;
    if ((st = streamer_open(&sr, x_path, y_path, so, err))) return st;
    size_t N = sr.n, D = sr.dim;
    double t0 = wlr__now();

    /* the class weights: as given, or balanced from the labels' counts;
     * the epochs settled (wlr_gd_epochs) */
    wlr_train_options opt = *o;
    opt.epochs = wlr_gd_epochs(o, N);
    size_t counts[2];
    if (so->balanced) {
        st = count_classes(&sr, counts, err);
        if (st == WLR_OK)
            st = wlr_class_weights_from_counts(counts, opt.class_weight, err);
    }

    /* 1. the set-up pass: with one window, this read is the only one */
    wlr__scaling s;
    memset(&s, 0, sizeof s);
    if (st == WLR_OK) st = wlr__scaling_alloc(&s, D, opt.standardize, err);
    setup_sums u;
    memset(&u, 0, sizeof u);
    u.cw = opt.class_weight;
    u.s = &s;
    if (st == WLR_OK) st = stream_pass(&sr, 0, NULL, add_setup, &u, err);
    if (st == WLR_OK && (u.counts[0] == 0 || u.counts[1] == 0))
        st = wlr__fail(err, WLR_ERR_ARG, "stream: %s holds one class only (%zu "
                       "rows of class %d, none of class %d); logistic regression "
                       "needs both", y_path, N, u.counts[0] ? 0 : 1,
                       u.counts[0] ? 1 : 0);
    if (st == WLR_OK) {
        wlr__scaling_finish(&s);
        si->mean = calloc(D + 1, sizeof *si->mean);
        si->sd = calloc(D + 1, sizeof *si->sd);
        model->coef = calloc(D + 1, sizeof *model->coef);
        model->n_features = D;
        if (!si->mean || !si->sd || !model->coef)
            st = wlr__fail(err, WLR_ERR_NOMEM, "stream: out of memory");
    }

    /* 2. the epochs */
    wlr__gd gd;
    memset(&gd, 0, sizeof gd);
    size_t *order = NULL, *win_order = NULL;
    double *theta = NULL, *g = NULL;
    if (st == WLR_OK) {
        long steps = 0;
        for (size_t k = 0; k < sr.n_windows; k++) {
            size_t first, count;
            window_span(&sr, 0, k, &first, &count);
            steps += (long)wlr__gd_blocks(&opt, count);
        }
        theta = calloc(D + 1, sizeof *theta);
        g = calloc(D + 1, sizeof *g);
        order = malloc(wlr__gd_blocks(&opt, sr.w) * sizeof *order);
        win_order = malloc(sr.n_windows * sizeof *win_order);
        if (!theta || !g || !order || !win_order)
            st = wlr__fail(err, WLR_ERR_NOMEM, "stream: out of memory");
        else
            st = wlr__gd_init(&gd, &opt, &s, theta, wlr__gd_curvature(&opt, &u.ws, N),
                              steps * opt.epochs, info, err);
    }
    if (st == WLR_OK) {
        /* w = 0, b at the weighted base rate, as in memory */
        theta[D] = wlr__base_rate_logit(u.ws.tot);
        size_t nb = wlr__gd_blocks(&opt, sr.w);
        for (size_t k = 0; k < nb; k++) order[k] = k;
        wlr__rng rng, wrng;
        wlr__rng_seed(&rng, opt.shuffle_seed);
        wlr__rng_seed(&wrng, opt.shuffle_seed ^ WINDOW_SEED_MIX);
        /* the one window stays as it is for every epoch, as the data in
         * memory (and may be copied as in memory) */
        if (sr.n_windows == 1) wlr__gd_use_rows(&gd, &sr.buf[0], 1);
        for (int e = 0; e < opt.epochs && st == WLR_OK; e++) {
            if (sr.n_windows == 1) {
                /* its block order carries on from epoch to epoch, as in
                 * memory */
                wlr__gd_epoch(&gd, &rng, order);
            } else {
                size_t r = (size_t)wlr__rng_randint(&wrng, N);
                wlr__rng_permutation(&wrng, win_order, sr.n_windows);
                epoch_job job = {&gd, &rng, order};
                st = stream_pass(&sr, r, win_order, train_window, &job, err);
            }
            /* 3. the loss over all rows (a pass of its own with several
             * windows): after the last epoch, with the gradient, or after
             * each with epoch_loss */
            double loss = NAN;
            if (st == WLR_OK && wlr__gd_loss_due(&gd, e))
                st = full_loss(&sr, &gd, &loss, e + 1 == opt.epochs ? g : NULL, err);
            if (st == WLR_OK) st = wlr__gd_end_epoch(&gd, e, loss, info, err);
        }
    }
    if (st == WLR_OK) st = wlr__train_finish(&s, theta, g, model, info, err);
    info->seconds = wlr__now() - t0;
    if (st == WLR_OK) {
        si->n_rows = N;
        si->n_features = D;
        si->counts[0] = u.counts[0];
        si->counts[1] = u.counts[1];
        si->class_weight[0] = opt.class_weight[0];
        si->class_weight[1] = opt.class_weight[1];
        memcpy(si->mean, s.mu, D * sizeof *s.mu);
        memcpy(si->sd, s.sd, D * sizeof *s.sd);
        si->window = sr.w;
        si->n_windows = sr.n_windows;
        si->read_seconds = sr.read_seconds;
    }
    wlr__gd_free(&gd);
    free(theta);
    free(g);
    free(order);
    free(win_order);
    wlr__scaling_free(&s);
    streamer_close(&sr);
    if (st) {
        wlr_model_free(model);
        wlr_train_info_free(info);
        wlr_stream_info_free(si);
    }
    return st;
}
