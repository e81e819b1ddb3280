/*
 * test_stream.c - tests src/stream.c: training from a .npy pair a window at
 * a time.
 *
 *   - one window (W >= N) gives wlr_train's result on wlr_read_npy's
 *     dataset bit for bit: coefficients, intercept, loss, gradient norm and
 *     the loss of every epoch, for the weightings none, balanced and 1:200,
 *     with and without standardisation, fast and reference paths;
 *   - several windows (W = N / 7, N a multiple of neither W nor the batch)
 *     give the same bits run after run, with or without read-ahead, the
 *     same set-up numbers as in memory (counts, scaling), and a model close
 *     to the in-memory one (tolerances below, with what was measured);
 *   - every error: missing files, bad headers, row counts that differ, a bad
 *     label or value far into the file, a truncated file, bad options; the
 *     outputs are then empty.
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];
static char x_path[128], y_path[128];
/* Not a multiple of the batch (100) nor of N / 7. */
#define N_ROWS 20011
#define N_FEATURES 3
/* Several windows against memory, 20 epochs: as far apart as two shuffle
 * seeds in memory are. Measured on this data (standardised): streamed vs
 * in memory, loss 4.5e-5 .. 1.7e-4 relative, coefficients and intercept
 * up to 0.043 apart (they are 0.01 .. 4.4); in memory, shuffle seed 0 vs 1,
 * loss 3.9e-5 .. 6.2e-4 relative, coefficients up to 0.10 apart. */
#define STREAM_LOSS_TOL 1e-3
#define STREAM_COEF_TOL 0.1

static void write_pair(const wlr_dataset *d, const char *xp, const char *yp)
{
    FILE *fx = fopen(xp, "wb"), *fy = fopen(yp, "wb");
    wlr_error err;
    if (!fx || !fy || wlr_write_npy(fx, fy, d, &err)) abort();
    fclose(fx);
    fclose(fy);
}

/* The tutorial's rare-event data, 3 features, as wlr generate writes it. */
static void make_files(void)
{
    wlr_gen_params gp;
    wlr_gen_defaults(&gp);
    gp.n_samples = N_ROWS;
    gp.n_features = N_FEATURES;
    gp.n_informative = 2;
    gp.weights[0] = 0.98;
    gp.weights[1] = 0.02;
    gp.seed = 7;
    wlr_dataset d;
    wlr_error err;
    if (wlr_generate(&gp, &d, &err)) abort();
    snprintf(x_path, sizeof x_path, "%s/X.npy", tmpdir);
    snprintf(y_path, sizeof y_path, "%s/y.npy", tmpdir);
    write_pair(&d, x_path, y_path);
    wlr_dataset_free(&d);
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void options(wlr_train_options *o, const char *cw, int standardize)
{
    wlr_train_defaults(o);
    o->epochs = 6;
    o->standardize = standardize;
    if (strcmp(cw, "1:200") == 0) {
        o->class_weight[0] = 1;
        o->class_weight[1] = 200;
    }
}

/* In memory: wlr_read_npy, the weights from the spec, wlr_train. */
static void train_in_memory(const char *spec, wlr_train_options *o,
                            wlr_model *m, wlr_train_info *info)
{
    wlr_dataset d;
    wlr_error err;
    if (wlr_read_npy(x_path, y_path, &d, &err)) abort();
    if (wlr_class_weights_parse(spec, &d, o->class_weight, &err)) abort();
    if (wlr_train(&d, o, m, info, &err)) abort();
    wlr_dataset_free(&d);
}

static wlr_status train_streamed(const char *spec, const wlr_train_options *o,
                                 size_t window, int read_ahead, wlr_model *m,
                                 wlr_train_info *info, wlr_stream_info *si,
                                 wlr_error *err)
{
    wlr_stream_options so;
    wlr_stream_defaults(&so);
    so.window = window;
    so.read_ahead = read_ahead;
    so.balanced = strcmp(spec, "balanced") == 0;
    wlr_train_options so_o = *o;
    if (!so.balanced && wlr_class_weights_parse(spec, NULL, so_o.class_weight, err))
        abort();
    return wlr_train_stream(x_path, y_path, &so, &so_o, m, info, si, err);
}

/* Every number of two fits, bit for bit. */
static void check_identical(const char *what, const wlr_model *a,
                            const wlr_train_info *ia, const wlr_model *b,
                            const wlr_train_info *ib)
{
    for (size_t j = 0; j < a->n_features; j++)
        CHECK(same_bits(a->coef[j], b->coef[j]), "%s: coef %zu %.17g vs %.17g",
              what, j, a->coef[j], b->coef[j]);
    CHECK(same_bits(a->intercept, b->intercept), "%s: intercept %.17g vs %.17g",
          what, a->intercept, b->intercept);
    CHECK(same_bits(ia->loss, ib->loss), "%s: loss %.17g vs %.17g", what,
          ia->loss, ib->loss);
    CHECK(same_bits(ia->grad_norm, ib->grad_norm), "%s: grad_norm %.17g vs "
          "%.17g", what, ia->grad_norm, ib->grad_norm);
    CHECK(ia->iterations == ib->iterations, "%s: iterations %d vs %d", what,
          ia->iterations, ib->iterations);
    int both = ia->loss_per_epoch && ib->loss_per_epoch;
    CHECK(both || (!ia->loss_per_epoch && !ib->loss_per_epoch),
          "%s: loss per epoch in one fit only", what);
    for (int e = 0; both && e < ia->iterations; e++)
        CHECK(same_bits(ia->loss_per_epoch[e], ib->loss_per_epoch[e]),
              "%s: epoch %d loss %.17g vs %.17g", what, e + 1,
              ia->loss_per_epoch[e], ib->loss_per_epoch[e]);
}

static void test_one_window_is_in_memory_bit_for_bit(void)
{
    const char *specs[] = {"none", "balanced", "1:200"};
    /* W = N, W > N, and the default (64 MiB of rows: far more than N) */
    const size_t windows[] = {N_ROWS, N_ROWS + 5, 0};
    for (int k = 0; k < 3; k++) {
        for (int stdz = 0; stdz < 2; stdz++) {
            wlr_train_options o;
            options(&o, specs[k], stdz);
            wlr_model m0;
            wlr_train_info i0;
            train_in_memory(specs[k], &o, &m0, &i0);
            for (int w = 0; w < 3; w++) {
                wlr_model m;
                wlr_train_info info;
                wlr_stream_info si;
                wlr_error err;
                char what[96];
                snprintf(what, sizeof what, "%s%s window %zu", specs[k],
                         stdz ? " standardized" : "", windows[w]);
                options(&o, specs[k], stdz);
                wlr_status st = train_streamed(specs[k], &o, windows[w], 1, &m,
                                               &info, &si, &err);
                CHECK(st == WLR_OK, "%s: %s", what, err.message);
                if (st) continue;
                CHECK(si.n_windows == 1 && si.window == N_ROWS,
                      "%s: %zu windows of %zu", what, si.n_windows, si.window);
                check_identical(what, &m0, &i0, &m, &info);
                wlr_model_free(&m);
                wlr_train_info_free(&info);
                wlr_stream_info_free(&si);
            }
            wlr_model_free(&m0);
            wlr_train_info_free(&i0);
        }
    }
}

/* The reference path and the other optimisers go through the same code. */
static void test_one_window_reference_and_optimizers(void)
{
    for (int v = 0; v < 3; v++) {
        wlr_train_options o;
        options(&o, "1:200", 1);
        if (v == 0) o.reference = 1;
        if (v == 1) o.optimizer = WLR_OPT_ADAM;
        if (v == 2) { o.optimizer = WLR_OPT_MOMENTUM; o.lr = 0.05; o.batch_size = 0; }
        wlr_model m0, m;
        wlr_train_info i0, info;
        wlr_stream_info si;
        wlr_error err;
        train_in_memory("1:200", &o, &m0, &i0);
        options(&o, "1:200", 1);
        if (v == 0) o.reference = 1;
        if (v == 1) o.optimizer = WLR_OPT_ADAM;
        if (v == 2) { o.optimizer = WLR_OPT_MOMENTUM; o.lr = 0.05; o.batch_size = 0; }
        wlr_status st = train_streamed("1:200", &o, N_ROWS, 0, &m, &info, &si, &err);
        CHECK(st == WLR_OK, "%s", err.message);
        if (st) continue;
        check_identical(v == 0 ? "reference" : v == 1 ? "adam" : "momentum",
                        &m0, &i0, &m, &info);
        wlr_model_free(&m0);
        wlr_train_info_free(&i0);
        wlr_model_free(&m);
        wlr_train_info_free(&info);
        wlr_stream_info_free(&si);
    }
}

/* Several windows: deterministic, read-ahead changes nothing, the set-up
 * numbers are the in-memory ones, and the model is close. */
static void test_several_windows(void)
{
    const char *specs[] = {"none", "balanced", "1:200"};
    /* 2858 rows: 7 windows and a last of 5 rows; 71 KB, enough for the
     * read-ahead thread (READ_AHEAD_MIN_BYTES) */
    size_t window = N_ROWS / 7;
    for (int k = 0; k < 3; k++) {
        wlr_train_options o;
        options(&o, specs[k], 1);
        o.epochs = 20;
        wlr_model m0, m1, m2;
        wlr_train_info i0, i1, i2;
        wlr_stream_info s1, s2;
        wlr_error err;
        train_in_memory(specs[k], &o, &m0, &i0);
        wlr_train_options os = o;
        options(&os, specs[k], 1);
        os.epochs = 20;
        wlr_status st = train_streamed(specs[k], &os, window, 1, &m1, &i1, &s1, &err);
        CHECK(st == WLR_OK, "%s", err.message);
        if (st) continue;
        st = train_streamed(specs[k], &os, window, 0, &m2, &i2, &s2, &err);
        CHECK(st == WLR_OK, "%s", err.message);
        if (st) continue;
        CHECK(s1.n_windows == 8 && s1.window == window, "%zu windows of %zu",
              s1.n_windows, s1.window);
        check_identical("read-ahead on and off", &m1, &i1, &m2, &i2);
        /* the set-up pass equals the in-memory numbers */
        wlr_dataset d;
        if (wlr_read_npy(x_path, y_path, &d, &err)) abort();
        size_t counts[2];
        wlr_class_counts(&d, counts);
        CHECK(s1.counts[0] == counts[0] && s1.counts[1] == counts[1],
              "counts %zu %zu vs %zu %zu", s1.counts[0], s1.counts[1],
              counts[0], counts[1]);
        CHECK(same_bits(s1.class_weight[0], o.class_weight[0]) &&
              same_bits(s1.class_weight[1], o.class_weight[1]),
              "%s: weights %g %g vs %g %g", specs[k], s1.class_weight[0],
              s1.class_weight[1], o.class_weight[0], o.class_weight[1]);
        wlr_model_file mf;
        if (wlr_model_file_make(&mf, &d, &o, &m0, &i0, 0.5, NULL, &err)) abort();
        for (size_t j = 0; j < N_FEATURES; j++)
            CHECK(same_bits(mf.mean[j], s1.mean[j]) && same_bits(mf.sd[j], s1.sd[j]),
                  "feature %zu: mean %.17g sd %.17g vs %.17g %.17g", j, s1.mean[j],
                  s1.sd[j], mf.mean[j], mf.sd[j]);
        wlr_model_file_free(&mf);
        wlr_dataset_free(&d);
        /* close to the in-memory model: another draw of the batches */
        double rel = fabs(i1.loss - i0.loss) / i0.loss;
        CHECK(rel < STREAM_LOSS_TOL, "%s: loss %.10g vs in memory %.10g (rel %.2g)",
              specs[k], i1.loss, i0.loss, rel);
        for (size_t j = 0; j < N_FEATURES; j++)
            CHECK_NEAR(m1.coef[j], m0.coef[j], STREAM_COEF_TOL);
        CHECK_NEAR(m1.intercept, m0.intercept, STREAM_COEF_TOL);
        printf("  %s: loss rel diff %.2g, coef diffs %.2g %.2g %.2g, intercept %.2g\n",
               specs[k], rel, fabs(m1.coef[0] - m0.coef[0]),
               fabs(m1.coef[1] - m0.coef[1]), fabs(m1.coef[2] - m0.coef[2]),
               fabs(m1.intercept - m0.intercept));
        wlr_model_free(&m0);
        wlr_model_free(&m1);
        wlr_model_free(&m2);
        wlr_train_info_free(&i0);
        wlr_train_info_free(&i1);
        wlr_train_info_free(&i2);
        wlr_stream_info_free(&s1);
        wlr_stream_info_free(&s2);
    }
}

/* Window of one row, and of B + 1 rows: still every row, still finite. */
static void test_tiny_windows(void)
{
    const size_t windows[] = {1, 101, N_ROWS - 1};
    for (int k = 0; k < 3; k++) {
        wlr_train_options o;
        options(&o, "none", 0);
        o.epochs = 2;
        wlr_model m;
        wlr_train_info info;
        wlr_stream_info si;
        wlr_error err;
        wlr_status st = train_streamed("none", &o, windows[k], 1, &m, &info, &si, &err);
        CHECK(st == WLR_OK, "window %zu: %s", windows[k], err.message);
        if (st) continue;
        CHECK(si.n_windows == (N_ROWS + windows[k] - 1) / windows[k],
              "window %zu: %zu windows", windows[k], si.n_windows);
        CHECK(isfinite(info.loss) && info.loss > 0 && info.loss < 0.2,
              "window %zu: loss %g", windows[k], info.loss);
        wlr_model_free(&m);
        wlr_train_info_free(&info);
        wlr_stream_info_free(&si);
    }
}

static int epochs_seen, nan_losses;
static void count_epochs(void *ctx, int epoch, const wlr_model *m, double loss)
{
    (void)ctx;
    (void)m;
    epochs_seen = epoch;
    nan_losses += isnan(loss);
}

/* With several windows, epoch_loss adds a loss pass after every epoch and
 * changes nothing else; on_epoch sees every epoch (NaN before the last
 * without epoch_loss); a learning rate far too big is caught. */
static void test_windows_epoch_loss_and_divergence(void)
{
    wlr_model m[2];
    wlr_train_info info[2];
    wlr_stream_info si[2];
    wlr_error err;
    for (int k = 0; k < 2; k++) {
        wlr_train_options o;
        options(&o, "1:200", 0);
        o.epoch_loss = k;
        o.on_epoch = count_epochs;
        epochs_seen = nan_losses = 0;
        wlr_status st = train_streamed("1:200", &o, 5000, 1, &m[k], &info[k], &si[k], &err);
        CHECK(st == WLR_OK, "%s", err.message);
        if (st) return;
        CHECK(epochs_seen == o.epochs && nan_losses == (k ? 0 : o.epochs - 1),
              "epoch_loss %d: on_epoch saw %d epochs, %d NaN losses", k,
              epochs_seen, nan_losses);
    }
    wlr_train_info without = info[1];
    without.loss_per_epoch = NULL;   /* all but the per-epoch losses */
    check_identical("epoch_loss 0 and 1", &m[0], &info[0], &m[1], &without);
    CHECK(info[0].loss_per_epoch == NULL && info[1].loss_per_epoch != NULL,
          "loss_per_epoch only with epoch_loss");
    if (info[1].loss_per_epoch) {
        CHECK(same_bits(info[1].loss_per_epoch[info[1].iterations - 1], info[1].loss),
              "last epoch's loss %.17g, final loss %.17g",
              info[1].loss_per_epoch[info[1].iterations - 1], info[1].loss);
        CHECK(info[1].loss_per_epoch[0] > info[1].loss, "the loss falls: %g to %g",
              info[1].loss_per_epoch[0], info[1].loss);
    }
    for (int k = 0; k < 2; k++) {
        wlr_model_free(&m[k]);
        wlr_train_info_free(&info[k]);
        wlr_stream_info_free(&si[k]);
    }
    wlr_stream_options so;
    wlr_stream_defaults(&so);
    so.window = 5000;
    wlr_train_options o;
    options(&o, "none", 0);
    o.lr = 1e308;   /* lr0 = lr / curvature overflows (curvature < 1 here) */
    wlr_model mm;
    wlr_train_info ii;
    wlr_stream_info ss;
    wlr_status st = wlr_train_stream(x_path, y_path, &so, &o, &mm, &ii, &ss, &err);
    CHECK(st == WLR_ERR_NUMERIC && strstr(err.message, "diverged"),
          "lr 1e308: status %d, '%s'", (int)st, err.message);
    CHECK(mm.coef == NULL && ii.loss_per_epoch == NULL && ss.mean == NULL,
          "outputs not empty after divergence");
}

/* ------------------------------------------------------------- errors */

static const char *tmp(const char *name)
{
    static char paths[16][160];
    static int next;
    char *p = paths[next++ % 16];
    snprintf(p, 160, "%s/%s", tmpdir, name);
    return p;
}

/* The call fails with code, a message containing want, and empty outputs. */
static void expect_error(const char *what, const char *xp, const char *yp,
                         const wlr_stream_options *so,
                         const wlr_train_options *o, wlr_status code,
                         const char *want)
{
    wlr_model m;
    wlr_train_info info;
    wlr_stream_info si;
    wlr_error err = {{0}};
    wlr_status st = wlr_train_stream(xp, yp, so, o, &m, &info, &si, &err);
    CHECK(st == code, "%s: status %d, want %d (%s)", what, (int)st, (int)code,
          err.message);
    CHECK(strstr(err.message, want) != NULL, "%s: message '%s' lacks '%s'",
          what, err.message, want);
    CHECK(m.coef == NULL && info.loss_per_epoch == NULL && si.mean == NULL,
          "%s: outputs not empty", what);
    if (st == WLR_OK) {
        wlr_model_free(&m);
        wlr_train_info_free(&info);
        wlr_stream_info_free(&si);
    }
}

/* The same message as wlr_read_npy gives for the same files. */
static void expect_read_npy_error(const char *what, const char *xp,
                                  const char *yp, size_t window)
{
    wlr_dataset d;
    wlr_error e0 = {{0}};
    wlr_status s0 = wlr_read_npy(xp, yp, &d, &e0);
    CHECK(s0 != WLR_OK, "%s: wlr_read_npy accepted it", what);
    if (s0 == WLR_OK) wlr_dataset_free(&d);
    wlr_stream_options so;
    wlr_stream_defaults(&so);
    so.window = window;
    wlr_train_options o;
    wlr_train_defaults(&o);
    expect_error(what, xp, yp, &so, &o, s0, e0.message);
}

static void test_errors(void)
{
    wlr_dataset d;
    wlr_error err;
    if (wlr_read_npy(x_path, y_path, &d, &err)) abort();
    /* a bad label and a non-finite value far into the file */
    size_t far = N_ROWS - 3;
    const char *yb = tmp("bad_y.npy"), *xb = tmp("bad_x.npy");
    {
        FILE *f = fopen(yb, "wb");
        wlr_write_npy(NULL, f, &d, &err);
        fclose(f);
        /* y is '<i8' after a 128-byte header: make y[far] = 7 */
        f = fopen(yb, "r+b");
        fseek(f, 128 + 8 * (long)far, SEEK_SET);
        fputc(7, f);
        fclose(f);
        f = fopen(xb, "wb");
        double keep = d.x[1 * d.n_rows + far];
        d.x[1 * d.n_rows + far] = 1.0;
        wlr_write_npy(f, NULL, &d, &err);
        d.x[1 * d.n_rows + far] = keep;
        fclose(f);
        /* X is '<f8' after 128 bytes, row-major: X[far, 1] = nan */
        f = fopen(xb, "r+b");
        double nan_v = NAN;
        fseek(f, 128 + 8 * (long)(far * N_FEATURES + 1), SEEK_SET);
        fwrite(&nan_v, 8, 1, f);
        fclose(f);
    }
    expect_read_npy_error("bad label, one window", x_path, yb, 0);
    expect_read_npy_error("bad label, windows of 1000", x_path, yb, 1000);
    expect_read_npy_error("nan in X, windows of 1000", xb, y_path, 1000);
    expect_read_npy_error("missing X", tmp("nope.npy"), y_path, 1000);
    expect_read_npy_error("missing y", x_path, tmp("nope.npy"), 1000);
    expect_read_npy_error("X is a directory", tmpdir, y_path, 1000);
    /* not a .npy file */
    const char *junk = tmp("junk.npy");
    FILE *f = fopen(junk, "wb");
    fputs("x1,x2,y\n1,2,0\n", f);
    fclose(f);
    expect_read_npy_error("not npy", junk, y_path, 1000);
    /* row counts that differ: y of the first N - 1 rows */
    const char *ys = tmp("short_y.npy");
    f = fopen(ys, "wb");
    d.n_rows--;
    wlr_write_npy(NULL, f, &d, &err);
    d.n_rows++;
    fclose(f);
    expect_read_npy_error("row counts differ", x_path, ys, 1000);
    /* X truncated: the header promises more than the file holds */
    const char *xt = tmp("trunc_x.npy");
    f = fopen(xt, "wb");
    wlr_write_npy(f, NULL, &d, &err);
    fclose(f);
    if (truncate(xt, 128 + 8 * N_FEATURES * (N_ROWS - 10))) abort();
    expect_read_npy_error("truncated X", xt, y_path, 1000);
    wlr_dataset_free(&d);

    /* options */
    wlr_stream_options so;
    wlr_stream_defaults(&so);
    wlr_train_options o;
    wlr_train_defaults(&o);
    expect_error("no labels", x_path, NULL, &so, &o, WLR_ERR_ARG,
                 "y_path: missing");
    o.solver = WLR_SOLVER_NEWTON;
    expect_error("newton", x_path, y_path, &so, &o, WLR_ERR_ARG, "solver gd");
    wlr_train_defaults(&o);
    o.epochs = -1;
    expect_error("epochs -1", x_path, y_path, &so, &o, WLR_ERR_ARG,
                 "epochs: -1 must be >= 1");
    wlr_train_defaults(&o);
    so.read_ahead = 2;
    expect_error("read_ahead 2", x_path, y_path, &so, &o, WLR_ERR_ARG,
                 "read_ahead");
    /* balanced with one class only */
    wlr_stream_defaults(&so);
    so.balanced = 1;
    so.window = 100;
    wlr_dataset one;
    if (wlr_dataset_alloc(&one, 500, 2, &err)) abort();
    const char *xo = tmp("one_x.npy"), *yo = tmp("one_y.npy");
    write_pair(&one, xo, yo);
    wlr_dataset_free(&one);
    expect_error("balanced, one class", xo, yo, &so, &o, WLR_ERR_ARG,
                 "'balanced' needs both classes, but the training rows hold "
                 "no class 1");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/wlr-test-stream.XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    make_files();
    RUN(test_one_window_is_in_memory_bit_for_bit);
    RUN(test_one_window_reference_and_optimizers);
    RUN(test_several_windows);
    RUN(test_tiny_windows);
    RUN(test_windows_epoch_loss_and_divergence);
    RUN(test_errors);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) return 1;
    return check_summary();
}
