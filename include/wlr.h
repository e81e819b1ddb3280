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
 *     "FILE:LINE" for a problem on a line of a file, "FILE" for one with the
 *     file as a whole (it cannot be opened, it ends too soon) and
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

/* 0.3.0: the API in five headers (this one and wlr_io.h, wlr_metrics.h,
 * wlr_plot.h, wlr_stream.h); training standardises by default and its
 * penalty is always on the original coefficients; wlr_dataset's label and
 * weight names, the csv options' column choice and wlr_model_file's label
 * and positive value are new. Rebuild programs that use the library. */
#define WLR_VERSION "0.3.0"

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

/* Progress of long work, for programs that show it: fn is called now and
 * then, on the thread that called the library, with what is being done
 * ("generate", "read", "train", "predict", "stream"), how much of it is
 * done and the total (rows, bytes or epochs; total 0 when not known). The
 * library prints nothing itself. One hook for the process; NULL (the
 * default) turns it off. */
typedef void (*wlr_progress_fn)(void *ctx, const char *what, double done,
                                double total);
void wlr_set_progress(wlr_progress_fn fn, void *ctx);

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
    char *label_name;  /* the label column's header name, or NULL ("y") */
    char *weight_name; /* the weight column's header name, or NULL
                          ("weight"); wlr_write_csv writes both back */
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
/* Gradient descent's default length (epochs = 0): WLR_DEFAULT_EPOCHS
 * epochs, or more on small data, to take at least WLR_MIN_STEPS steps
 * (see train.c: the steps bring it to the optimum, not the epochs). */
#define WLR_DEFAULT_EPOCHS 50
#define WLR_MIN_STEPS 20000
/* Default Newton tolerance on the gradient's largest component. */
#define WLR_DEFAULT_TOL 1e-10
/* Newton's method takes at most this many features: each step solves a
 * (D + 1)-square system, work that grows as D^3 (about a second a step at
 * this width). */
#define WLR_NEWTON_MAX_FEATURES 1000

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
    int epochs;              /* passes over the rows; 0 (the default) =
                                wlr_gd_epochs's choice */
    double lr;               /* initial learning rate, per unit of mean row
                                weight; falls linearly to 1 % of it */
    uint32_t shuffle_seed;   /* the batches are reshuffled every epoch from
                                this (see train.c: a batch is a run of
                                consecutive rows, so rows should come in
                                random order, as wlr_split leaves them) */
    int reference;           /* 1 = the plain per-row loops with libm's exp
                                and log1p (the reference the fast vectorised
                                default is tested against); 0 = fast */
    int standardize;         /* 1 (the default) = gradient descent works on
                                (x - mean) / sd: the same objective and
                                optimum, reached from any columns' scales;
                                coefficients on the original scale. 0 = on
                                x itself. (Newton always standardises.) */
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
/* The epochs gradient descent runs on n_rows rows: o->epochs if > 0, else
 * WLR_DEFAULT_EPOCHS, or as many more as WLR_MIN_STEPS steps need. */
int wlr_gd_epochs(const wlr_train_options *o, size_t n_rows);
/* The fast path training uses: "avx2", "neon" or "scalar", the best this
 * build has and the CPU runs, chosen at the first use, or the one the
 * environment variable WLR_KERNEL names. Every path gives the same bits.
 * NULL if WLR_KERNEL names a path this CPU cannot run (wlr_train then
 * fails, saying so). */
const char *wlr_kernel(void);
wlr_status wlr_train_check(const wlr_train_options *o, wlr_error *err);
wlr_status wlr_train(const wlr_dataset *d, const wlr_train_options *o,
                     wlr_model *m, wlr_train_info *info, wlr_error *err);
void wlr_model_free(wlr_model *m);
/* The prior correction (King & Zeng 2001): weights c_0, c_1 multiply the
 * odds a model learns by c_1 / c_0, so p > 0.5 for rows whose true rate is
 * far lower. Subtracting log(c_1 / c_0) from the intercept undoes it: the
 * probabilities are then rates on the data's own scale, exactly so for a
 * well-specified model (README.md, "Calibrated probabilities"). The ranking,
 * and so ROC AUC, is unchanged; fewer rows pass 0.5. */
void wlr_model_calibrate_prior(wlr_model *m, const double cw[2]);
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

/* ---------------------------------------------- model files (model.c) */

/*
 * A trained model kept on disk as text a person can read, one "key value"
 * line each, '#' lines are comments:
 *
 *   wlr-model 2                       format version (first line)
 *   features 2
 *   feature 0.7281 0.0124 1.0312 x1   coef, mean, sd, then the name (rest of
 *   feature -1.023 -0.0042 0.9978 x2  the line; the d-th "feature" line is
 *                                     feature d; names unique)
 *   label y                           the label column's name (optional)
 *   positive yes                      the label value of class 1 (only when
 *                                     training read labels with one)
 *   intercept -5.1187
 *   standardized 1                    0 or 1 (see below)
 *   class_weight 1 200                c_0 c_1, finite and > 0
 *   threshold 0.5                     class 1 iff p > threshold, in [0, 1]
 *   threshold_rule default            how it was chosen: "default" (then the
 *                                     threshold is 0.5), "given ...", or a
 *                                     tuning rule (f1, recall=R, cost=FN:FP)
 *                                     with free text after it
 *   solver gd                         gd or newton
 *   l2 0.0001                         >= 0
 *   iterations 50
 *   loss 0.0761                       training loss L at the model, >= 0
 *   train_counts 79176 824            training rows of class 0, 1 (some)
 *   calibration prior                 only for a model trained with the
 *   intercept_uncalibrated -0.1187    prior correction (see below)
 *   end                               (a file without it is truncated)
 *
 * p(y = 1 | x) = sigma(sum_j coef_j x_j + intercept): the coefficients are on
 * the original feature scale, so prediction needs nothing else. mean and sd
 * are the scaling training used, x' = (x - mean) / sd (0 and 1 when it did
 * not standardise): kept for the record, not needed to predict. Every number
 * is written with the fewest digits that read back as the same double, so a
 * loaded model predicts the same bits as the trained one. Version 1 files
 * (without the label and positive lines) are still read.
 * A model calibrated by the prior correction (wlr_model_calibrate_prior) is
 * saved as it predicts: its intercept line holds the corrected intercept,
 * intercept_uncalibrated the one training found, and the reader checks
 * that the first is the second minus log(c_1 / c_0) to the bit. Without a
 * calibration line (every file before it, and every uncalibrated model) a
 * model reads as uncalibrated ("calibration none" may also be written).
 */
#define WLR_MODEL_FORMAT 2

/* How a model's probabilities were corrected after training. */
typedef enum {
    WLR_CALIBRATION_NONE = 0, /* as trained */
    WLR_CALIBRATION_PRIOR     /* intercept -= log(c_1 / c_0) */
} wlr_calibration;

typedef struct {
    wlr_model model;          /* coef (n_features) and intercept (the one
                                 that predicts: corrected, if calibrated) */
    char **names;             /* n_features feature names */
    double *mean, *sd;        /* n_features each: training's scaling */
    char *label;              /* the label column's name, or NULL (unknown) */
    char *positive;           /* the label value meaning class 1, or NULL
                                 (labels were 0/1) */
    int standardized;
    double class_weight[2];
    double threshold;         /* predict class 1 iff p > threshold */
    char threshold_rule[128]; /* e.g. "default", "f1 on validation (...)" */
    char solver[16];          /* "gd" or "newton" */
    double l2;
    int iterations;
    double loss;
    size_t train_counts[2];
    wlr_calibration calibration;   /* NONE, or PRIOR (then model.intercept =
                                      intercept_uncalibrated - log(c_1/c_0)) */
    double intercept_uncalibrated; /* with PRIOR: the trained intercept */
} wlr_model_file;

/* Everything about a fit, ready to save: copies m, the feature names of d
 * (x1..xD when d has none) and its label name ("y" when it has none), the
 * scaling o->standardize gives on d (the training rows), o's class weights,
 * solver and l2, info's iterations and loss, and the threshold with how it
 * was chosen (rule NULL = "default"). positive is left NULL: set it (a
 * malloc'd copy) when the labels were read with one. */
wlr_status wlr_model_file_make(wlr_model_file *mf, const wlr_dataset *d,
                               const wlr_train_options *o, const wlr_model *m,
                               const wlr_train_info *info, double threshold,
                               const char *rule, wlr_error *err);
void wlr_model_file_free(wlr_model_file *mf);
/* Writes the text above to f. Refuses what wlr_model_load would refuse: a
 * name that is empty, repeated or not one line, a value out of its range,
 * an unknown solver or threshold rule. */
wlr_status wlr_model_write(FILE *f, const wlr_model_file *mf, wlr_error *err);
/* Writes PATH atomically (wlr__out): the old file or the new, never half. */
wlr_status wlr_model_save(const wlr_model_file *mf, const char *path,
                          wlr_error *err);
/* Reads a model file. A missing file, a first line that is not
 * "wlr-model N", a version N > WLR_MODEL_FORMAT, an unknown or repeated key,
 * a bad number, a value outside its range above, a wrong count of feature
 * lines or no "end" line fail with "PATH:LINE: what"; mf is then left
 * empty. */
wlr_status wlr_model_load(const char *path, wlr_model_file *mf,
                          wlr_error *err);
/* Can the model score d? Its feature count must match, and when d has
 * names (a CSV header) each must equal the model's. `where` names d in the
 * message ("PATH:1: ..."). */
wlr_status wlr_model_check_data(const wlr_model_file *mf, const wlr_dataset *d,
                                const char *where, wlr_error *err);


#ifdef __cplusplus
}
#endif
#endif /* WLR_H */
