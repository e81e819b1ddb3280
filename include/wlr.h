/*
 * wlr.h - weighted logistic regression, the library behind the `wlr` tool.
 *
 * wlr fits a logistic regression to two-class data with a weight per class in
 * the log-loss, so that a rare class can be made to matter, and measures what
 * that does: minority recall, the classification report, ROC AUC.
 *
 * THE MODEL
 *   p(y = 1 | x) = sigma(z),  z = w . x + b,  sigma(z) = 1 / (1 + e^-z)
 *
 * THE OBJECTIVE (what every solver here minimises)
 *   L(w, b) = (1/N) sum_i c_{y_i} s_i [ log(1 + e^{z_i}) - y_i z_i ] + (l2/2) |w|^2
 *   c_0, c_1 are the class weights, s_i an optional per-row weight (1 if
 *   absent), N the number of rows. The intercept b is not penalised.
 *   log(1 + e^z) - y z is the log-loss -[y log p + (1-y) log(1-p)] rewritten
 *   so that it is finite for every finite z.
 *
 * THE GRADIENT (one row's pull on the parameters)
 *   dL/dw = (1/N) sum_i c_{y_i} s_i (p_i - y_i) x_i + l2 w
 *   dL/db = (1/N) sum_i c_{y_i} s_i (p_i - y_i)
 *   A class weight simply rescales every pull of that class: with c_1 = 200
 *   each minority row pulls as hard as 200 majority rows.
 *
 * USAGE (see README.md for a complete program)
 *   wlr_gen_params gp;  wlr_gen_defaults(&gp);          // the tutorial data
 *   wlr_dataset all, train, test;  wlr_error err;
 *   if (wlr_generate(&gp, &all, &err)) { fprintf(stderr, "%s\n", err.message); ... }
 *   wlr_split(&all, 0.2, 42, 0, &train, &test, &err);
 *   wlr_train_options opt;  wlr_train_defaults(&opt);
 *   wlr_class_weights_balanced(&train, opt.class_weight, &err);
 *   wlr_model m;  wlr_train_info info;
 *   wlr_train(&train, &opt, &m, &info, &err);
 *   double *p = malloc(test.n_rows * sizeof *p);
 *   wlr_predict_proba(&m, &test, p);
 *   wlr_metrics met;  wlr_evaluate(test.y, p, test.n_rows, 0.5, &met, &err);
 *   ...  wlr_model_free(&m); wlr_dataset_free(&all); ...
 *
 * CONVENTIONS
 *   - Functions that can fail return a wlr_status (0 = WLR_OK) and fill
 *     err->message with "<where>: <what is wrong>", where <where> is
 *     "FILE:LINE" for problems in a file (line 0 when no line applies) and
 *     the parameter's name otherwise. The library never prints or exits.
 *   - Outputs of a failed call are left empty (safe to free, nothing leaked).
 *   - Everything is deterministic: the same inputs give the same bits.
 */
#ifndef WLR_H
#define WLR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0.2.0: wlr_train_options.epoch_loss, wlr_dataset.unlabelled and the
 * csv options' no-label fields changed the structs' layout; rebuild
 * programs that use the library. */
#define WLR_VERSION "0.2.0"

/* ------------------------------------------------------------------ errors */

typedef enum {
    WLR_OK = 0,
    WLR_ERR_ARG,     /* a parameter is out of range or inconsistent */
    WLR_ERR_IO,      /* a file could not be opened, read or written */
    WLR_ERR_DATA,    /* a file's contents are malformed */
    WLR_ERR_NOMEM,   /* out of memory */
    WLR_ERR_NUMERIC  /* the computation cannot give a finite answer */
} wlr_status;

#define WLR_ERROR_MAX 512
typedef struct {
    char message[WLR_ERROR_MAX];
} wlr_error;

/* ---------------------------------------------------------------- datasets */

/*
 * A two-class dataset, laid out by column ("structure of arrays") so that the
 * training loops read each feature as one contiguous stream:
 *   feature j of row i is x[j * n_rows + i].
 */
typedef struct {
    size_t n_rows;
    size_t n_features;
    double *x;       /* n_features * n_rows values, column by column */
    uint8_t *y;      /* n_rows labels, 0 or 1 */
    double *weight;  /* n_rows per-row weights s_i >= 0, or NULL for all 1 */
    char **names;    /* n_features feature names, or NULL for x1..xD */
    int unlabelled;  /* 1 = read without labels (new rows to score, see
                        wlr_csv_options.no_label): y is all 0 and means
                        nothing. wlr_train refuses such data, wlr_write_csv
                        writes no y column, wlr_write_npy no y file. */
} wlr_dataset;

/* Allocates an n_rows x n_features dataset (x and y zeroed, no weights, no
 * names). */
wlr_status wlr_dataset_alloc(wlr_dataset *d, size_t n_rows, size_t n_features,
                             wlr_error *err);
/* Frees everything a dataset owns and zeroes it; safe on a zeroed dataset. */
void wlr_dataset_free(wlr_dataset *d);
/* counts[k] = number of rows with label k. */
void wlr_class_counts(const wlr_dataset *d, size_t counts[2]);
/* The name of feature j: d->names[j], or "x<j+1>" written into buf. */
const char *wlr_feature_name(const wlr_dataset *d, size_t j, char *buf,
                             size_t cap);

/* FNV-1a 64-bit hash of bytes, continuing from h (start with WLR_FNV_OFFSET).
 * Used to check generated data against scikit-learn's without shipping it. */
#define WLR_FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t wlr_fnv1a64(uint64_t h, const void *bytes, size_t n);
/* Hash of X as scikit-learn holds it: float64 little-endian, row-major. */
uint64_t wlr_hash_x(const wlr_dataset *d);
/* Hash of y as one byte per label. */
uint64_t wlr_hash_y(const wlr_dataset *d);

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
} wlr_rng;

void wlr_rng_seed(wlr_rng *r, uint32_t seed);
uint32_t wlr_rng_u32(wlr_rng *r);
double wlr_rng_double(wlr_rng *r);              /* [0, 1), 53 bits */
double wlr_rng_normal(wlr_rng *r);              /* standard normal */
uint64_t wlr_rng_interval(wlr_rng *r, uint64_t max); /* uniform 0..max */
uint64_t wlr_rng_randint(wlr_rng *r, uint64_t n);    /* uniform 0..n-1 */
void wlr_rng_shuffle(wlr_rng *r, size_t *a, size_t n);
void wlr_rng_permutation(wlr_rng *r, size_t *a, size_t n); /* shuffled 0..n-1 */

/* ---------------------------------------- data generation (generate.c) */

/* scikit-learn's make_classification for two classes (hypercube, no shift,
 * no scale, shuffled). Defaults are the rare-event tutorial's. */
typedef struct {
    size_t n_samples;          /* 100000 */
    size_t n_features;         /* 2 */
    size_t n_informative;      /* 2 */
    size_t n_redundant;        /* 0 */
    size_t n_repeated;         /* 0 */
    size_t n_clusters_per_class; /* 1 */
    double weights[2];         /* 0.995, 0.005 (one given: second = 1 - first) */
    double flip_y;             /* 0.01 */
    double class_sep;          /* 0.5 */
    uint32_t seed;             /* 0 */
} wlr_gen_params;

void wlr_gen_defaults(wlr_gen_params *p);
/* Rejects what scikit-learn rejects and what makes no sense. */
wlr_status wlr_gen_check(const wlr_gen_params *p, wlr_error *err);
wlr_status wlr_generate(const wlr_gen_params *p, wlr_dataset *out,
                        wlr_error *err);

/* ------------------------------------------------- splitting (split.c) */

/*
 * train_test_split(test_size, random_state=seed) exactly: n_test =
 * ceil(test_size * n); perm = RandomState(seed).permutation(n); the test rows
 * are perm[0 .. n_test-1] and the train rows the rest, in that order.
 * With stratify != 0, each class is split on its own (see split.c) so that
 * each part holds each class's share to within one row.
 */
wlr_status wlr_split(const wlr_dataset *all, double test_size, uint32_t seed,
                     int stratify, wlr_dataset *train, wlr_dataset *test,
                     wlr_error *err);
/* wlr_split's train and test parts, bit for bit, built in all's own memory
 * for data too big to hold twice: all is consumed (zeroed; its buffers
 * become train's) whether or not the call succeeds, so on failure free
 * nothing but what is returned (nothing). Peak memory is the data plus 8
 * bytes a row (16 stratified) instead of twice the data plus 8. */
wlr_status wlr_split_inplace(wlr_dataset *all, double test_size, uint32_t seed,
                             int stratify, wlr_dataset *train,
                             wlr_dataset *test, wlr_error *err);
/* The rows of `src` listed in idx[0..n-1], in that order. */
wlr_status wlr_dataset_take(const wlr_dataset *src, const size_t *idx,
                            size_t n, wlr_dataset *out, wlr_error *err);

/* --------------------- reading and writing (csv.c, npy.c, out.c) */

typedef struct {
    const char *label;     /* label column: name or 1-based index; NULL = last */
    const char *positive;  /* the label value that means class 1 (compared as
                              text); any one other value is class 0, a third
                              value or a positive that never occurs is an
                              error. NULL = labels must be 0 and 1 */
    const char *weight;    /* per-row weight column (name or index), or NULL */
    int header;            /* 1 = first line is a header, 0 = none, -1 = guess
                              (a header iff the first line has a non-number;
                              empty cells, and the label cell when positive
                              is given, do not count) */
    int no_label;          /* 0 = the file has a label column (the default).
                              1 = it has none (new rows to score): every
                              column but the weight is a feature, y is all 0
                              and the dataset is marked unlabelled.
                              -1 = decide from the first line (wlr predict
                              passes its model's feature count): besides
                              the weight it must have expect_features
                              columns, all features, or one more, a label
                              column as with 0; any other count is an
                              error.
                              With 1 or -1, label and positive must be
                              NULL. */
    size_t expect_features; /* for no_label = -1 (at least 1) */
    char *const *expect_names; /* for no_label = -1: the expected_features
                              feature names, or NULL. With a header of one
                              column more, the one column whose name is not
                              among them is the label (if exactly one is
                              not; else the last column is). */
} wlr_csv_options;

void wlr_csv_defaults(wlr_csv_options *o);
/* path "-" reads standard input (messages name it <stdin>). A column spec
 * matches a header name first, then a 1-based index. Quoted cells, CRLF, a
 * missing final newline and blank lines are fine. */
wlr_status wlr_read_csv(const char *path, const wlr_csv_options *o,
                        wlr_dataset *out, wlr_error *err);
/* X from a 2-D C-order float64/float32 .npy; y from a 1-D .npy of integers,
 * bools or 0/1 floats. y_path NULL = no labels (rows to score): y is all 0
 * and the dataset is marked unlabelled. Messages name X's entries as
 * X[i, j], 0-based. */
wlr_status wlr_read_npy(const char *x_path, const char *y_path,
                        wlr_dataset *out, wlr_error *err);

/* Writes "x1,...,xD,y" and one line a row; every double is printed with the
 * fewest digits that strtod reads back as the same double. With per-row
 * weights the header is "x1,...,xD,weight,y" (read it back with
 * weight = "weight"). Refuses non-finite values. Unlabelled data has no y
 * column ("x1,...,xD[,weight]"; read it back with no_label = 1). */
wlr_status wlr_write_csv(FILE *f, const wlr_dataset *d, wlr_error *err);
/* X as '<f8' (rows, features), y as '<i8' (numpy's default integer, as
 * scikit-learn returns it). Either FILE may be NULL to skip that file.
 * Weights and names are not written. Unlabelled data has no y to write:
 * fy must then be NULL. */
wlr_status wlr_write_npy(FILE *fx, FILE *fy, const wlr_dataset *d,
                         wlr_error *err);
/* Shortest decimal that round-trips through strtod, as "%.{p}g" writes it
 * for the smallest such p ("-0" for -0.0); returns its length, truncating
 * like snprintf. */
int wlr_format_double(char *buf, size_t cap, double v);

/* Output written atomically: wlr_out_open makes PATH.tmp.XXXXXX beside PATH,
 * wlr_out_commit flushes, closes and renames it over PATH, wlr_out_abort
 * closes and removes it. A reader of PATH sees the old file or the new one,
 * never half of one. PATH "-" is standard output (commit only flushes); a
 * PATH that exists and is not a regular file (/dev/null) is written
 * directly. Abort after commit, or twice, is harmless. */
typedef struct {
    FILE *f;
    char *path;
    char *tmp;
} wlr_out;

wlr_status wlr_out_open(wlr_out *o, const char *path, wlr_error *err);
wlr_status wlr_out_commit(wlr_out *o, wlr_error *err);
void wlr_out_abort(wlr_out *o);
/* For programs (the wlr tool calls it first thing): on SIGINT, SIGTERM or
 * SIGHUP, remove the temporaries of every output still open, then die of
 * the signal as before; and ignore SIGXFSZ, so that exceeding the file size
 * limit is a write error (EFBIG) that wlr_out_commit reports. Signals the
 * process already ignores stay ignored. */
void wlr_out_remove_temps_on_signal(void);

/* -------------------------------------------- class weights (weights.c) */

/* "Balanced" weights c_j = N / (2 N_j), from the rows of d (scikit-learn's
 * compute_class_weight('balanced')). The mean weight per row is then 1. */
wlr_status wlr_class_weights_balanced(const wlr_dataset *d, double cw[2],
                                      wlr_error *err);
/* The same from the class counts n[0], n[1] (N = n[0] + n[1]). */
wlr_status wlr_class_weights_from_counts(const size_t n[2], double cw[2],
                                         wlr_error *err);
/* Parses "none", "balanced" (needs d) or "W0:W1". */
wlr_status wlr_class_weights_parse(const char *spec, const wlr_dataset *d,
                                   double cw[2], wlr_error *err);

/* ------------------------------------------------- training (train.c) */

/* Default L2 penalty: small enough to leave the tutorial's optimum almost
 * where the unpenalised one is, large enough to keep separable data finite. */
#define WLR_DEFAULT_L2 1e-4
/* Default initial learning rate of gradient descent (see train.c). */
#define WLR_DEFAULT_LR 0.5
/* Default Newton tolerance on the gradient's largest component. */
#define WLR_DEFAULT_TOL 1e-10

typedef struct {
    size_t n_features;
    double *coef;        /* w, on the original feature scale */
    double intercept;    /* b */
} wlr_model;

typedef enum { WLR_SOLVER_GD = 0, WLR_SOLVER_NEWTON } wlr_solver;
typedef enum { WLR_OPT_SGD = 0, WLR_OPT_MOMENTUM, WLR_OPT_ADAM } wlr_optimizer;

typedef struct {
    double class_weight[2];  /* c_0, c_1 */
    double l2;               /* L2 penalty on w (not b) */
    wlr_solver solver;
    /* batched gradient descent */
    wlr_optimizer optimizer;
    size_t batch_size;       /* rows per step; 0 = the whole training set */
    int epochs;
    double lr;               /* initial learning rate, per unit of mean row
                                weight; falls linearly to 1 % of it */
    uint32_t shuffle_seed;   /* the batches are reshuffled every epoch from
                                this (see train.c: a batch is a run of
                                consecutive rows, so rows should come in
                                random order, as wlr_split leaves them) */
    int reference;           /* 1 = the plain per-row loops with libm's exp
                                and log1p (the reference the fast vectorised
                                default is tested against); 0 = fast */
    int standardize;         /* train on (x - mean) / sd, report original scale */
    int epoch_loss;          /* GD: 1 = compute the training loss after every
                                epoch (info->loss_per_epoch, on_epoch's loss),
                                a pass over all rows each time; 0 = only after
                                the last epoch, which costs half the time of a
                                default fit (on_epoch then gets NaN before the
                                last epoch, and loss_per_epoch is NULL) */
    /* Newton */
    double tol;              /* stop when the gradient's max-norm is below */
    int max_iter;
    /* Called after every epoch (GD) or step (Newton), 1-based, with the
     * current model on the original scale and the training loss there (NaN
     * if GD does not compute it that epoch: see epoch_loss): for progress
     * bars and for watching the weights act. NULL = not called. */
    void (*on_epoch)(void *ctx, int epoch, const wlr_model *m, double loss);
    void *on_epoch_ctx;
} wlr_train_options;

typedef struct {
    int iterations;      /* epochs (GD) or Newton steps */
    double loss;         /* L at the returned parameters, on the training rows */
    double grad_norm;    /* max-norm of the gradient there */
    double seconds;      /* wall time of the fit alone */
    double *loss_per_epoch; /* iterations values (GD with epoch_loss, else
                               NULL); owned */
    int converged;       /* Newton: tolerance reached */
} wlr_train_info;

void wlr_train_defaults(wlr_train_options *o);
wlr_status wlr_train_check(const wlr_train_options *o, wlr_error *err);
wlr_status wlr_train(const wlr_dataset *d, const wlr_train_options *o,
                     wlr_model *m, wlr_train_info *info, wlr_error *err);
void wlr_model_free(wlr_model *m);
void wlr_train_info_free(wlr_train_info *info);

/* L(w, b) on d, and (if grad != NULL) its gradient: grad[0..D-1] for w,
 * grad[D] for b. The plain reference computation, one libm exp per row. */
double wlr_loss(const wlr_dataset *d, const double cw[2], double l2,
                const wlr_model *m, double *grad);
/* sigma(z) = 1 / (1 + e^-z) and log(1 + e^z), finite for every finite z. */
double wlr_sigmoid(double z);
double wlr_softplus(double z);
/* p_i = sigma(w . x_i + b) for every row of d. From 1M rows the rows are
 * shared between threads (the online cores, at most 8); the result is the
 * same bits. */
void wlr_predict_proba(const wlr_model *m, const wlr_dataset *d, double *p);

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

/* ---------------------------------------------- model files (model.c) */

/*
 * A trained model kept on disk as text a person can read, one "key value"
 * line each, '#' lines are comments:
 *
 *   wlr-model 1                       format version (first line)
 *   features 2
 *   feature 0.7281 0.0124 1.0312 x1   coef, mean, sd, then the name (rest of
 *   feature -1.023 -0.0042 0.9978 x2  the line; the d-th "feature" line is
 *                                     feature d)
 *   intercept -5.1187
 *   standardized 1                    0 or 1 (see below)
 *   class_weight 1 200                c_0 c_1
 *   threshold 0.5                     class 1 iff p > threshold
 *   threshold_rule default            how it was chosen (free text)
 *   solver gd
 *   l2 0.0001
 *   iterations 50
 *   loss 0.0761                       training loss L at the model
 *   train_counts 79176 824            training rows of class 0, 1
 *   end                               (a file without it is truncated)
 *
 * p(y = 1 | x) = sigma(sum_j coef_j x_j + intercept): the coefficients are on
 * the original feature scale, so prediction needs nothing else. mean and sd
 * are the scaling training used, x' = (x - mean) / sd (0 and 1 when it did
 * not standardise): kept for the record, not needed to predict. Every number
 * is written with the fewest digits that read back as the same double, so a
 * loaded model predicts the same bits as the trained one.
 */
#define WLR_MODEL_FORMAT 1

typedef struct {
    wlr_model model;          /* coef (n_features) and intercept */
    char **names;             /* n_features feature names */
    double *mean, *sd;        /* n_features each: training's scaling */
    int standardized;
    double class_weight[2];
    double threshold;         /* predict class 1 iff p > threshold */
    char threshold_rule[128]; /* e.g. "default", "f1 on validation (...)" */
    char solver[16];          /* "gd" or "newton" */
    double l2;
    int iterations;
    double loss;
    size_t train_counts[2];
} wlr_model_file;

/* Everything about a fit, ready to save: copies m, the feature names of d
 * (x1..xD when d has none), the scaling o->standardize gives on d (the
 * training rows), o's class weights, solver and l2, info's iterations and
 * loss, and the threshold with how it was chosen (rule NULL = "default"). */
wlr_status wlr_model_file_make(wlr_model_file *mf, const wlr_dataset *d,
                               const wlr_train_options *o, const wlr_model *m,
                               const wlr_train_info *info, double threshold,
                               const char *rule, wlr_error *err);
/* The same for a model trained by wlr_train_stream: names x1..xD, the
 * scaling, class weights and counts from si. */
wlr_status wlr_model_file_make_stream(wlr_model_file *mf,
                                      const wlr_stream_info *si,
                                      const wlr_train_options *o,
                                      const wlr_model *m,
                                      const wlr_train_info *info,
                                      double threshold, const char *rule,
                                      wlr_error *err);
void wlr_model_file_free(wlr_model_file *mf);
/* Writes the text above to f. Refuses names with a line break or empty. */
wlr_status wlr_model_write(FILE *f, const wlr_model_file *mf, wlr_error *err);
/* Writes PATH atomically (wlr_out): the old file or the new, never half. */
wlr_status wlr_model_save(const wlr_model_file *mf, const char *path,
                          wlr_error *err);
/* Reads a model file. A missing file, a first line that is not
 * "wlr-model N", a version N > WLR_MODEL_FORMAT, an unknown or repeated key,
 * a bad number, a wrong count of feature lines or no "end" line fail with
 * "PATH:LINE: what"; mf is then left empty. */
wlr_status wlr_model_load(const char *path, wlr_model_file *mf,
                          wlr_error *err);
/* Can the model score d? Its feature count must match, and when d has
 * names (a CSV header) each must equal the model's. `where` names d in the
 * message ("PATH:1: ..."). */
wlr_status wlr_model_check_data(const wlr_model_file *mf, const wlr_dataset *d,
                                const char *where, wlr_error *err);

/* --------------------------------------- threshold tuning (tune.c) */

/*
 * Choosing the operating threshold t (class 1 iff p > t) on labelled
 * validation rows, for one of three goals:
 *   WLR_TUNE_F1      maximise F1 of class 1 = 2 tp / (2 tp + fp + fn)
 *   WLR_TUNE_RECALL  the largest t with recall_1 = tp / n1 >= target (see
 *                    wlr_threshold_for_recall)
 *   WLR_TUNE_COST    minimise the expected cost cost_fn * fn + cost_fp * fp:
 *                    with cost=10:1 a missed class 1 row costs ten false
 *                    alarms, which is what class weights 1:10 say in
 *                    training.
 * Candidates are the points of the ROC curve (wlr_curve): point k predicts
 * class 1 for the rows scoring >= s_k, the k-th highest distinct score, and
 * is reached by every t in [s_{k+1}, s_k); the chosen t is the largest such
 * double, nextafter(s_k, -inf) (and t = 1 for point 0, nothing predicted).
 * Ties between points go to the higher threshold (fewer alarms).
 */
typedef enum { WLR_TUNE_F1 = 0, WLR_TUNE_RECALL, WLR_TUNE_COST } wlr_tune_rule;

typedef struct {
    wlr_tune_rule rule;
    double recall;            /* WLR_TUNE_RECALL: target in (0, 1] */
    double cost_fn, cost_fp;  /* WLR_TUNE_COST: each > 0 and finite */
} wlr_tune_spec;

typedef struct {
    double threshold;
    /* class 1 on the validation rows there (as wlr_evaluate defines them) */
    double precision, recall, f1;
    size_t confusion[2][2];   /* [true][predicted]: tn fp / fn tp */
    /* cost_fn * fn + cost_fp * fp per 1,000 rows: at the chosen threshold and
     * at the default 0.5 (WLR_TUNE_COST only; 0 for the other rules) */
    double cost_per_1000, cost_per_1000_default;
} wlr_tune_result;

/* "f1", "recall=R" or "cost=FN:FP". */
wlr_status wlr_tune_parse(const char *spec, wlr_tune_spec *t, wlr_error *err);
/* Fails as wlr_curve_compute does (both classes needed) or on a bad spec. */
wlr_status wlr_tune_threshold(const uint8_t *y, const double *score, size_t n,
                              const wlr_tune_spec *t, wlr_tune_result *r,
                              wlr_error *err);

/* ------------------------------------- cross-validation (cv.c) */

/*
 * Stratified K-fold: rows 0..n-1 are shuffled by wlr_rng_permutation(seed);
 * walking that order, the m-th row of class 0 goes to fold m mod K and the
 * m-th row of class 1 to fold (n0 + m) mod K. So every fold holds
 * floor(n_c / K) or ceil(n_c / K) rows of each class c, fold sizes differ
 * by at most one, the folds are disjoint and cover every row, and the same
 * seed gives the same folds. Fold f's test rows are
 * index[start[f] .. start[f+1] - 1], ascending; its training rows are all
 * the others.
 */
typedef struct {
    size_t k, n;
    size_t *index;            /* n row numbers, fold by fold */
    size_t *start;            /* k + 1 offsets into index */
} wlr_folds;

/* Needs 2 <= k and at least k rows of each class (each test fold must hold
 * both classes for its metrics). */
wlr_status wlr_folds_make(const uint8_t *y, size_t n, size_t k, uint32_t seed,
                          wlr_folds *f, wlr_error *err);
void wlr_folds_free(wlr_folds *f);
/* The training and test rows of fold `fold` of d, as new datasets. */
wlr_status wlr_folds_split(const wlr_folds *f, size_t fold,
                           const wlr_dataset *d, wlr_dataset *train,
                           wlr_dataset *test, wlr_error *err);

/* ------------------------------------------------ the lesson (explain.c) */

/* How each class pulls on the model, split out of L and its gradient:
 *   loss[k]      = (1/N) sum_{i: y_i = k} c_k s_i [log(1 + e^{z_i}) - y_i z_i]
 *   grad[k]      = (1/N) sum_{i: y_i = k} c_k s_i (p_i - y_i) (x_i, 1)
 *   grad_norm[k] = |grad[k]|_2
 * and the same with c = (1, 1) ("unweighted"). loss[0] + loss[1] is L less
 * its penalty; grad[0] + grad[1] is the gradient less l2 w. Class 1's rows
 * have p - y < 0 and pull z up, class 0's pull it down: weights decide who
 * wins. */
typedef struct {
    double loss[2], grad_norm[2];
    double loss_unweighted[2], grad_norm_unweighted[2];
} wlr_class_terms;

wlr_status wlr_class_terms_compute(const wlr_dataset *d, const double cw[2],
                                   const wlr_model *m, wlr_class_terms *t,
                                   wlr_error *err);

/* ------------------------------------------------------- plots (plot.c) */

/*
 * Charts as hand-written SVG (no dependency), for reports and teaching:
 * a line chart (ROC and PR curves, loss per epoch) and a two-class scatter
 * with straight decision boundaries. Each function writes one complete SVG
 * document to f, or nothing and WLR_ERR_ARG for bad options or arrays;
 * WLR_ERR_NOMEM if memory runs out, WLR_ERR_IO if f reports a write error.
 *
 *   wlr_plot_options o;  wlr_plot_defaults(&o);
 *   o.title = "ROC";  o.x_min = o.y_min = 0;  o.x_max = o.y_max = 1;
 *   double gx[2] = {0, 1};
 *   wlr_plot_series s[2] = {{"model", c.fpr, c.tpr, c.n_points, 0, 0, 0},
 *                           {"no skill", gx, gx, 2, 1, 0, 0}};
 *   wlr_plot_lines(f, &o, s, 2, &err);
 *
 * Whatever the data, the file is well-formed XML whose coordinates are all
 * finite numbers inside the view box: non-finite points (and, with log_y,
 * points with y <= 0) are left out and break the line there, values beyond
 * +-WLR_PLOT_MAX_ABS count as non-finite, lines leaving the axes' ranges are
 * clipped at the plot box, and text is escaped (control characters become
 * '?'). Colours are the Okabe-Ito palette, which colour-blind readers can
 * tell apart; the legend sits to the right of the plot box, never over data.
 */

/* Larger values are not drawn: no axis can show them beside ordinary ones. */
#define WLR_PLOT_MAX_ABS 1e200
/* A scatter draws at most this many points of each class, taken evenly
 * spaced in row order (deterministic); more only blur into a blot. Legend
 * names longer than 30 characters are cut with "...". */
#define WLR_PLOT_MAX_POINTS 4000

typedef struct {
    const char *title;        /* top line, NULL = none */
    const char *subtitle;     /* smaller second line, NULL = none */
    const char *x_label, *y_label;   /* NULL = none */
    double x_min, x_max, y_min, y_max; /* axis ranges; NAN = from the data */
    int log_y;                /* logarithmic y axis (loss, weights) */
    int x_whole;              /* x ticks at whole numbers only (epochs) */
    int width, height;        /* pixels, 200..4000 (720 x 480) */
    const char *class_name[2]; /* scatter legend ("class 0", "class 1") */
} wlr_plot_options;

/* One line: points (x[i], y[i]), i < n, joined in order. */
typedef struct {
    const char *name;         /* legend text; NULL = not in the legend */
    const double *x, *y;
    size_t n;
    int reference;            /* 1 = a dashed grey guide (no-skill line) */
    int colour;               /* 0 = the next palette colour; k >= 1 = the
                                 k-th, to pair lines of one run */
    int dashed;               /* 1 = dashed (e.g. the pair's second line) */
} wlr_plot_series;

/* One decision boundary: the line wx * x + wy * y + c = 0. For a model
 * p = sigma(w1 x1 + w2 x2 + b) at threshold t: wx = w1, wy = w2,
 * c = b - log(t / (1 - t)). A line that misses the box, or has non-finite
 * or zero coefficients, is listed in the legend as "(not in view)". */
typedef struct {
    const char *name;
    double wx, wy, c;
} wlr_plot_line;

void wlr_plot_defaults(wlr_plot_options *o);
wlr_status wlr_plot_lines(FILE *f, const wlr_plot_options *o,
                          const wlr_plot_series *s, size_t n_series,
                          wlr_error *err);
/* Points (x[i], y[i]) coloured by cls[i] (0 or 1; grey and yellow), the
 * smaller class drawn last so that it stays visible, then the boundaries. */
wlr_status wlr_plot_scatter(FILE *f, const wlr_plot_options *o,
                            const double *x, const double *y,
                            const uint8_t *cls, size_t n,
                            const wlr_plot_line *lines, size_t n_lines,
                            wlr_error *err);

/* ---------------------------------------------------- metrics (metrics.c) */

/*
 * How good are the scores p_i (estimates of p(y = 1 | x_i)) on labelled rows?
 * Every number is scikit-learn 1.2's, computed with the same floating-point
 * operations in the same order (numpy's pairwise summation included), so it
 * matches to the last bit on the reference cases (tests/test_metrics.c).
 *
 * AT A THRESHOLD t: class 1 is predicted iff p_i > t (strictly), as
 * LogisticRegression.predict does at t = 0.5. With tn fp / fn tp the
 * confusion matrix, n_k = support_k the rows of true class k and n = n0 + n1:
 *   precision_1 = tp / (tp + fp)        precision_0 = tn / (tn + fn)
 *   recall_1    = tp / n1               recall_0    = tn / n0
 *   f1_k        = 2 precision_k recall_k / (precision_k + recall_k)
 *   accuracy    = (tn + tp) / n
 *   balanced_accuracy = (recall_0 + recall_1) / 2
 *   mcc = (c n - t.p) / sqrt((n^2 - p.p) (n^2 - t.t)), with c = tn + tp,
 *         t = (n0, n1) the true and p = (tn + fn, fp + tp) the predicted
 *         class counts; 0 when a factor under the root is 0.
 *   Any ratio 0/0 is 0 (scikit-learn's zero_division=0).
 *
 * OVER ALL THRESHOLDS (the ranking). Let s_1 > s_2 > ... > s_d be the
 * distinct scores and tp_k, fp_k the rows of class 1, 0 scoring >= s_k:
 *   roc_auc = area under the ROC curve (fp_k / n0, tp_k / n1), a tie of
 *             scores being one diagonal step = P(p_pos > p_neg) + P(tie) / 2
 *             = U / (n0 n1), U the Mann-Whitney statistic. Computed, as
 *             scikit-learn does, by the trapezoid rule.
 *   average_precision = sum_k (R_k - R_{k-1}) P_k, R_k = tp_k / n1,
 *             P_k = tp_k / (tp_k + fp_k), R_0 = 0 (no interpolation).
 *   log_loss = -(1/n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)], with p_i
 *             clipped to [1e-15, 1 - 1e-15].
 *
 * Inputs: y[i] is 0 or 1 and score[i] a number in [0, 1] for every row i <
 * n; error messages number rows from 0, as indices into these arrays. The
 * ranking sorts the scores with a radix sort (linear time, about 16 bytes of
 * scratch a row) and never depends on the order of tied rows.
 */

/* Everything scikit-learn reports for a binary problem at one threshold. */
typedef struct {
    double threshold;
    size_t confusion[2][2];      /* [true][predicted]: tn fp / fn tp */
    size_t support[2];           /* n0, n1 */
    double precision[2], recall[2], f1[2];
    double accuracy;
    double roc_auc;              /* Mann-Whitney U / (n0 n1), ties count 1/2 */
    double average_precision;    /* sum_k (R_k - R_{k-1}) P_k, no interpolation */
    double log_loss;             /* scores clipped to [1e-15, 1 - 1e-15] */
    double balanced_accuracy;
    double mcc;                  /* Matthews correlation coefficient */
} wlr_metrics;

/* All of the above at `threshold`. Fails (WLR_ERR_ARG) if n is 0, a label is
 * not 0 or 1, a score is not a finite number in [0, 1], the threshold is not
 * finite, or the labels hold only one class (ROC AUC is then undefined).
 * From 1M rows, with 2 cores online, part of the work runs on a second
 * thread; the result is the same bits. */
wlr_status wlr_evaluate(const uint8_t *y, const double *score, size_t n,
                        double threshold, wlr_metrics *m, wlr_error *err);

/* The most decimals the report prints: 17 decimals already show every double
 * in [0.1, 1] to its last bit. */
#define WLR_REPORT_MAX_DIGITS 17

/* scikit-learn's classification_report(y, yhat, digits=digits,
 * zero_division=0) text for classes 0 and 1, character for character: per
 * class precision, recall, f1-score and support, then accuracy, macro avg
 * (plain mean of the two classes) and weighted avg (mean weighted by
 * support). digits is clamped to [0, WLR_REPORT_MAX_DIGITS] (scikit-learn
 * rejects digits < 0). Writes at most cap bytes, NUL included, and returns
 * the length of the whole text, like snprintf: a return >= cap means buf was
 * too small (buf may be NULL when cap is 0). */
int wlr_classification_report(const wlr_metrics *m, int digits, char *buf,
                              size_t cap);

/*
 * The ROC and precision-recall curves, for plotting or for reading metrics at
 * many thresholds. Point 0 predicts nothing as class 1; point k >= 1 predicts
 * class 1 for the rows scoring >= s_k, the k-th highest distinct score:
 *   threshold[k] = s_k (threshold[0] = +inf)
 *   fp[k], tp[k] = rows of class 0, 1 scoring >= threshold[k]
 *   fpr[k] = fp[k] / n0,  tpr[k] = tp[k] / n1 (the ROC curve; tpr is also
 *            the recall)
 *   precision[k] = tp[k] / (tp[k] + fp[k]), and 1 at k = 0
 * These are scikit-learn's roc_curve(drop_intermediate=False) in the same
 * order (1.2 puts s_1 + 1 where we put +inf) and its precision_recall_curve
 * in reverse order (its last point, precision 1 and recall 0, is our point
 * 0). Strict thresholds map onto points so: predicting class 1 iff score > t
 * gives point k(t) = the number of distinct scores above t.
 */
typedef struct {
    size_t n_points;       /* distinct scores + 1 */
    size_t count[2];       /* n0, n1 */
    double *threshold;
    size_t *fp, *tp;
    double *fpr, *tpr, *precision;
} wlr_curve;

/* Fails as wlr_evaluate does (except that there is no threshold to check).
 * On failure c is left empty. */
wlr_status wlr_curve_compute(const uint8_t *y, const double *score, size_t n,
                             wlr_curve *c, wlr_error *err);
void wlr_curve_free(wlr_curve *c);

/* Sets the fields of m that depend on the threshold (threshold, confusion,
 * support, precision, recall, f1, accuracy, balanced_accuracy, mcc) to their
 * values at `threshold`, read off the curve in O(log n) at point k(threshold).
 * roc_auc, average_precision and log_loss do not depend on the threshold and
 * are left as they are, so after wlr_evaluate(..., &m) and this call m holds
 * every metric at the new threshold, exactly as wlr_evaluate would give it.
 * Fails if the threshold is not finite. */
wlr_status wlr_curve_metrics(const wlr_curve *c, double threshold,
                             wlr_metrics *m, wlr_error *err);

/* The largest threshold t at which recall_1 (class 1 iff score > t) is at
 * least target, 0 < target <= 1: with s the m-th highest score among the
 * class 1 rows, m the fewest of them that make m / n1 >= target,
 * t = the largest double below s. On these rows every t' from the next
 * lower distinct score up to t predicts the same; no t' > t reaches the
 * target. t is slightly below 0 when s is 0. Fails as wlr_evaluate does on
 * bad rows, if no row is of class 1, or if target is not in (0, 1]. */
wlr_status wlr_threshold_for_recall(const uint8_t *y, const double *score,
                                    size_t n, double target, double *threshold,
                                    wlr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* WLR_H */
