/*
 * model.c - the model file: a trained model saved as versioned, readable
 * text, and read back so that it predicts the same bits.
 *
 * The format is documented in wlr.h ("model files"). Writing prints every
 * double with wlr__format_double (the shortest decimal that strtod reads back
 * exactly), so save -> load is the identity on the numbers. Reading is
 * strict: a file that is missing, from a newer wlr, truncated (no "end"
 * line), holds a line we do not understand, or a value training could not
 * have produced (a threshold of 1.5, a class weight of -1, an unknown
 * solver) is refused with "PATH:LINE: what", never half-loaded. The writer
 * refuses the same things, from the same rules (the field rules below), so
 * that whatever it writes reads back.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest line the reader accepts: a feature line is four numbers and a
 * name, so anything longer is not a model file we wrote. */
#define MODEL_LINE_MAX 4096
/* The most features a model file may announce: far beyond any data the
 * CSV reader takes (WLR_CSV_MAX_COLUMNS), and a bound on the memory a
 * corrupt count can ask for. */
#define MODEL_MAX_FEATURES 10000000
/* The version that added the label and positive lines. */
#define FORMAT_WITH_LABEL 2

static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

static void copy_bounded(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

void wlr_model_file_free(wlr_model_file *mf)
{
    if (mf->names)
        for (size_t j = 0; j < mf->model.n_features; j++) free(mf->names[j]);
    free(mf->names);
    free(mf->label);
    free(mf->positive);
    free(mf->mean);
    free(mf->sd);
    wlr_model_free(&mf->model);
    memset(mf, 0, sizeof *mf);
}

/* The arrays of a model with D features, zeroed. */
static wlr_status model_file_alloc(wlr_model_file *mf, size_t D, wlr_error *err)
{
    memset(mf, 0, sizeof *mf);
    mf->model.n_features = D;
    mf->model.coef = calloc(D + 1, sizeof *mf->model.coef);
    mf->names = calloc(D + 1, sizeof *mf->names);
    mf->mean = calloc(D + 1, sizeof *mf->mean);
    mf->sd = calloc(D + 1, sizeof *mf->sd);
    if (!mf->model.coef || !mf->names || !mf->mean || !mf->sd) {
        wlr_model_file_free(mf);
        return wlr__fail(err, WLR_ERR_NOMEM, "model: out of memory for %zu "
                        "features", D);
    }
    return WLR_OK;
}

/* Everything but the per-feature lines: how the model was trained. */
static void model_file_fill(wlr_model_file *mf, const wlr_train_options *o,
                            const double cw[2], const wlr_model *m,
                            const wlr_train_info *info, double threshold,
                            const char *rule, const size_t counts[2])
{
    memcpy(mf->model.coef, m->coef, m->n_features * sizeof *m->coef);
    mf->model.intercept = m->intercept;
    mf->standardized = o->standardize != 0;
    mf->class_weight[0] = cw[0];
    mf->class_weight[1] = cw[1];
    mf->threshold = threshold;
    copy_bounded(mf->threshold_rule, sizeof mf->threshold_rule,
                 rule ? rule : "default");
    copy_bounded(mf->solver, sizeof mf->solver,
                 o->solver == WLR_SOLVER_NEWTON ? "newton" : "gd");
    mf->l2 = o->l2;
    mf->iterations = info->iterations;
    mf->loss = info->loss;
    mf->train_counts[0] = counts[0];
    mf->train_counts[1] = counts[1];
}

wlr_status wlr_model_file_make(wlr_model_file *mf, const wlr_dataset *d,
                               const wlr_train_options *o, const wlr_model *m,
                               const wlr_train_info *info, double threshold,
                               const char *rule, wlr_error *err)
{
    size_t D = m->n_features;
    if (d->n_features != D) {
        memset(mf, 0, sizeof *mf);
        return wlr__fail(err, WLR_ERR_ARG, "d: %zu features, the model has %zu",
                        d->n_features, D);
    }
    wlr_status st = model_file_alloc(mf, D, err);
    if (st) return st;
    wlr__scaling s;
    st = wlr__scaling_init(&s, d, o->standardize, err);
    if (st) {
        wlr_model_file_free(mf);
        return st;
    }
    for (size_t j = 0; j < D; j++) {
        char buf[32];
        mf->mean[j] = s.mu[j];
        mf->sd[j] = s.sd[j];
        mf->names[j] = copy_text(wlr_feature_name(d, j, buf, sizeof buf));
        if (!mf->names[j]) st = wlr__fail(err, WLR_ERR_NOMEM, "model: out of memory");
    }
    wlr__scaling_free(&s);
    mf->label = copy_text(d->label_name ? d->label_name : "y");
    if (!mf->label) st = wlr__fail(err, WLR_ERR_NOMEM, "model: out of memory");
    if (st) {
        wlr_model_file_free(mf);
        return st;
    }
    size_t counts[2];
    wlr_class_counts(d, counts);
    model_file_fill(mf, o, o->class_weight, m, info, threshold, rule, counts);
    return WLR_OK;
}

wlr_status wlr_model_file_make_stream(wlr_model_file *mf,
                                      const wlr_stream_info *si,
                                      const wlr_train_options *o,
                                      const wlr_model *m,
                                      const wlr_train_info *info,
                                      double threshold, const char *rule,
                                      wlr_error *err)
{
    size_t D = m->n_features;
    if (si->n_features != D) {
        memset(mf, 0, sizeof *mf);
        return wlr__fail(err, WLR_ERR_ARG, "si: %zu features, the model has %zu",
                        si->n_features, D);
    }
    wlr_status st = model_file_alloc(mf, D, err);
    if (st) return st;
    for (size_t j = 0; j < D; j++) {
        char buf[32];
        mf->mean[j] = si->mean[j];
        mf->sd[j] = si->sd[j];
        snprintf(buf, sizeof buf, "x%zu", j + 1);
        mf->names[j] = copy_text(buf);
        if (!mf->names[j]) st = wlr__fail(err, WLR_ERR_NOMEM, "model: out of memory");
    }
    mf->label = copy_text("y"); /* what wlr_write_csv calls a label */
    if (!mf->label) st = wlr__fail(err, WLR_ERR_NOMEM, "model: out of memory");
    if (st) {
        wlr_model_file_free(mf);
        return st;
    }
    model_file_fill(mf, o, si->class_weight, m, info, threshold, rule, si->counts);
    return WLR_OK;
}

/* ---------------------------------------------------------- field rules */

/* What a trained model's fields can hold, for the writer and the reader
 * alike: each returns NULL if the value is fine, else what is wrong. */

static const char *threshold_rule_of(double t)
{
    return t >= 0 && t <= 1 ? NULL : "is not in [0, 1]";
}

static const char *class_weight_rule_of(double c)
{
    return c > 0 ? NULL : "is not > 0";
}

/* l2 and the training loss: a penalty and a log-loss are never negative. */
static const char *nonnegative_rule_of(double v)
{
    return v >= 0 ? NULL : "is negative";
}

static const char *solver_rule_of(const char *s)
{
    return strcmp(s, "gd") == 0 || strcmp(s, "newton") == 0
               ? NULL : "is not gd or newton";
}

/* How a threshold can have been chosen: "default" (then it is 0.5), given
 * ("given (--threshold)"), or a tuning rule that wlr_tune_parse knows,
 * each as the first word, with free text after it. */
static const char *threshold_how_rule_of(const char *rule, double threshold)
{
    char word[sizeof ((wlr_model_file *)0)->threshold_rule];
    size_t n = strcspn(rule, " \t");
    snprintf(word, sizeof word, "%.*s", (int)n, rule);
    wlr_tune_spec spec;
    if (strcmp(word, "default") == 0)
        return threshold == 0.5 ? NULL : "is 'default', but the threshold is not 0.5";
    if (strcmp(word, "given") == 0 || wlr_tune_parse(word, &spec, NULL) == WLR_OK)
        return NULL;
    return "does not start with default, given, or a tuning rule (f1, "
           "recall=R, cost=FN:FP)";
}

/* The calibration's names in the file, by wlr_calibration. */
static const char *const calibration_names[] = {"none", "prior"};
#define N_CALIBRATIONS (sizeof calibration_names / sizeof calibration_names[0])

/* The intercept a model saved with the prior correction predicts with:
 * the trained one minus log(c_1 / c_0), wlr_model_calibrate_prior's own
 * bits. */
static double prior_corrected(const wlr_model_file *mf)
{
    wlr_model trained = {0, NULL, mf->intercept_uncalibrated};
    wlr_model_calibrate_prior(&trained, mf->class_weight);
    return trained.intercept;
}

static const char *calibration_rule_of(const wlr_model_file *mf)
{
    return mf->calibration != WLR_CALIBRATION_PRIOR ||
                   prior_corrected(mf) == mf->model.intercept
               ? NULL : "is not intercept_uncalibrated - log(c_1 / c_0) =";
}

/* Without standardising, training's scaling is mean 0 and sd 1. */
static const char *scaling_rule_of(int standardized, double mean, double sd)
{
    return standardized || (mean == 0 && sd == 1)
               ? NULL : "is 0, but a feature's mean and sd are not 0 and 1";
}

/* Both counts fit in a size_t sum, and some rows were trained on. */
static const char *counts_rule_of(const size_t c[2])
{
    return c[0] + c[1] >= c[0] && c[0] + c[1] > 0 ? NULL
                                                 : "do not add up to some rows";
}

/* A line of text fit for the file: not empty, no line break, no leading or
 * trailing blank (the reader trims them). */
static int one_line(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= MODEL_LINE_MAX / 2) return 0;
    if (strpbrk(s, "\r\n")) return 0;
    return s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t';
}

/* The feature names, and the label's, are all different: returns 1 and
 * the two places (D = the label) if two are the same, 0 if not, -1 if out
 * of memory. */
static int repeated_name(const wlr_model_file *mf, size_t *a, size_t *b)
{
    size_t D = mf->model.n_features;
    const char **all = malloc((D + 1) * sizeof *all);
    if (!all) return -1;
    for (size_t j = 0; j < D; j++) all[j] = mf->names[j];
    all[D] = mf->label;
    int dup = wlr__find_duplicate(all, D + 1, a, b);
    free(all);
    return dup;
}

/* ------------------------------------------------------------- writing */

/* Everything the reader would refuse, refused before a byte is written. */
static wlr_status check_fields(const wlr_model_file *mf, wlr_error *err)
{
    const wlr_model *m = &mf->model;
    size_t D = m->n_features;
    const char *why;
    if (D == 0 || D > MODEL_MAX_FEATURES)
        return wlr__fail(err, WLR_ERR_ARG, "model: %zu features (1..%d)", D,
                        MODEL_MAX_FEATURES);
    for (size_t j = 0; j < D; j++)
        if (!mf->names || !mf->names[j] || !one_line(mf->names[j]))
            return wlr__fail(err, WLR_ERR_ARG, "names: feature %zu's name is "
                            "empty, too long, has a line break or starts or "
                            "ends with a blank", j + 1);
    if ((mf->label && !one_line(mf->label)) ||
        (mf->positive && !one_line(mf->positive)))
        return wlr__fail(err, WLR_ERR_ARG, "%s: must be one line of text, "
                        "without blanks around it", mf->label && !one_line(mf->label)
                        ? "label" : "positive");
    if (mf->positive && !mf->label)
        return wlr__fail(err, WLR_ERR_ARG, "positive: given without a label name");
    size_t a = 0, b = 0;
    int dup = repeated_name(mf, &a, &b);
    if (dup < 0) return wlr__fail(err, WLR_ERR_NOMEM, "model: out of memory");
    if (dup && b == D)
        return wlr__fail(err, WLR_ERR_ARG, "label: '%s' is feature %zu's name",
                        mf->label, a + 1);
    if (dup)
        return wlr__fail(err, WLR_ERR_ARG, "names: features %zu and %zu are both "
                        "named '%s'", a + 1, b + 1, mf->names[a]);
    if (!one_line(mf->threshold_rule) || !one_line(mf->solver))
        return wlr__fail(err, WLR_ERR_ARG, "threshold_rule: must be one line "
                        "of text");
    double check[] = {m->intercept, mf->class_weight[0], mf->class_weight[1],
                      mf->threshold, mf->l2, mf->loss};
    for (size_t k = 0; k < sizeof check / sizeof check[0]; k++)
        if (!isfinite(check[k]))
            return wlr__fail(err, WLR_ERR_ARG, "model: a value is not finite");
    for (size_t j = 0; j < D; j++) {
        if (!isfinite(m->coef[j]) || !isfinite(mf->mean[j]) || !isfinite(mf->sd[j]) ||
            !(mf->sd[j] > 0))
            return wlr__fail(err, WLR_ERR_ARG, "model: feature %zu's coefficient "
                            "or scaling is not finite (or its sd not > 0)", j + 1);
        if ((why = scaling_rule_of(mf->standardized, mf->mean[j], mf->sd[j])))
            return wlr__fail(err, WLR_ERR_ARG, "standardized: %s (feature %zu)",
                            why, j + 1);
    }
    for (int k = 0; k < 2; k++)
        if ((why = class_weight_rule_of(mf->class_weight[k])))
            return wlr__fail(err, WLR_ERR_ARG, "class_weight: c_%d = %g %s", k,
                            mf->class_weight[k], why);
    if ((why = threshold_rule_of(mf->threshold)))
        return wlr__fail(err, WLR_ERR_ARG, "threshold: %g %s", mf->threshold, why);
    if ((why = threshold_how_rule_of(mf->threshold_rule, mf->threshold)))
        return wlr__fail(err, WLR_ERR_ARG, "threshold_rule: '%s' %s",
                        mf->threshold_rule, why);
    if ((why = solver_rule_of(mf->solver)))
        return wlr__fail(err, WLR_ERR_ARG, "solver: '%s' %s", mf->solver, why);
    if ((why = nonnegative_rule_of(mf->l2)))
        return wlr__fail(err, WLR_ERR_ARG, "l2: %g %s", mf->l2, why);
    if ((why = nonnegative_rule_of(mf->loss)))
        return wlr__fail(err, WLR_ERR_ARG, "loss: %g %s", mf->loss, why);
    if (mf->iterations < 0)
        return wlr__fail(err, WLR_ERR_ARG, "iterations: %d is negative",
                        mf->iterations);
    if ((why = counts_rule_of(mf->train_counts)))
        return wlr__fail(err, WLR_ERR_ARG, "train_counts: %zu and %zu %s",
                        mf->train_counts[0], mf->train_counts[1], why);
    if ((unsigned)mf->calibration >= N_CALIBRATIONS)
        return wlr__fail(err, WLR_ERR_ARG, "calibration: %d is not none or "
                        "prior", (int)mf->calibration);
    if (mf->calibration == WLR_CALIBRATION_PRIOR &&
        !isfinite(mf->intercept_uncalibrated))
        return wlr__fail(err, WLR_ERR_ARG, "intercept_uncalibrated: not finite");
    if ((why = calibration_rule_of(mf)))
        return wlr__fail(err, WLR_ERR_ARG, "intercept: %.17g %s %.17g",
                        m->intercept, why, prior_corrected(mf));
    return WLR_OK;
}

wlr_status wlr_model_write(FILE *f, const wlr_model_file *mf, wlr_error *err)
{
    const wlr_model *m = &mf->model;
    wlr_status st = check_fields(mf, err);
    if (st) return st;

    fprintf(f, "wlr-model %d\n", WLR_MODEL_FORMAT);
    fputs("# weighted logistic regression (wlr " WLR_VERSION ")\n"
          "# p(y = 1 | x) = 1 / (1 + exp(-(sum_j coef_j x_j + intercept)))\n"
          "# class 1 iff p > threshold\n", f);
    fprintf(f, "features %zu\n", m->n_features);
    fputs("# feature COEF MEAN SD NAME (coef on the original scale; mean and "
          "sd: the training scaling)\n", f);
    for (size_t j = 0; j < m->n_features; j++) {
        fputs("feature ", f);
        wlr__put_double(f, m->coef[j]);
        fputc(' ', f);
        wlr__put_double(f, mf->mean[j]);
        fputc(' ', f);
        wlr__put_double(f, mf->sd[j]);
        fprintf(f, " %s\n", mf->names[j]);
    }
    if (mf->label) {
        fputs("# the label column, and its value for class 1 if not 1\n", f);
        fprintf(f, "label %s\n", mf->label);
    }
    if (mf->positive) fprintf(f, "positive %s\n", mf->positive);
    fputs("intercept ", f);
    wlr__put_double(f, m->intercept);
    fprintf(f, "\nstandardized %d\nclass_weight ", mf->standardized ? 1 : 0);
    wlr__put_double(f, mf->class_weight[0]);
    fputc(' ', f);
    wlr__put_double(f, mf->class_weight[1]);
    fputs("\nthreshold ", f);
    wlr__put_double(f, mf->threshold);
    fprintf(f, "\nthreshold_rule %s\n", mf->threshold_rule);
    fputs("# training summary\n", f);
    fprintf(f, "solver %s\nl2 ", mf->solver);
    wlr__put_double(f, mf->l2);
    fprintf(f, "\niterations %d\nloss ", mf->iterations);
    wlr__put_double(f, mf->loss);
    fprintf(f, "\ntrain_counts %zu %zu\n", mf->train_counts[0],
            mf->train_counts[1]);
    if (mf->calibration == WLR_CALIBRATION_PRIOR) {
        fputs("# the prior correction: intercept = intercept_uncalibrated - "
              "log(c_1 / c_0)\ncalibration prior\nintercept_uncalibrated ", f);
        wlr__put_double(f, mf->intercept_uncalibrated);
        fputc('\n', f);
    }
    fputs("end\n", f);
    return WLR_OK;
}

wlr_status wlr_model_save(const wlr_model_file *mf, const char *path,
                          wlr_error *err)
{
    wlr__out out;
    wlr_status st = wlr__out_open(&out, path, err);
    if (st) return st;
    st = wlr_model_write(out.f, mf, err);
    if (st) {
        wlr__out_abort(&out);
        return st;
    }
    return wlr__out_commit(&out, err);
}

/* ------------------------------------------------------------- reading */

typedef struct {
    const char *path;
    size_t line;
    wlr_error *err;
} reader;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static wlr_status bad(reader *r, const char *fmt, ...)
{
    char what[WLR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* (before the first line, the file as a whole: no line number) */
    if (r->line == 0) return wlr__fail(r->err, WLR_ERR_DATA, "%s: %s", r->path, what);
    return wlr__fail(r->err, WLR_ERR_DATA, "%s:%zu: %s", r->path, r->line, what);
}

/* The same at an earlier line (a rule between two fields, found later). */
static wlr_status bad_at(reader *r, size_t line, const char *key,
                         const char *why)
{
    r->line = line;
    return bad(r, "%s: %s", key, why);
}

/* The next word of *s (blank-separated), advancing *s; NULL at the end. */
static char *next_word(char **s)
{
    char *p = *s;
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) return NULL;
    char *w = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (*p) *p++ = 0;
    *s = p;
    return w;
}

static wlr_status read_double(reader *r, char **s, const char *what, double *v)
{
    char *w = next_word(s), *end;
    if (!w) return bad(r, "%s: a number is missing", what);
    errno = 0;
    *v = strtod(w, &end);
    if (end == w || *end || errno == ERANGE || !isfinite(*v))
        return bad(r, "%s: '%s' is not a finite number", what, w);
    return WLR_OK;
}

/* A number that must also pass `rule` (one of the field rules above). */
static wlr_status read_checked(reader *r, char **s, const char *what, double *v,
                               const char *(*rule)(double))
{
    wlr_status st = read_double(r, s, what, v);
    const char *why;
    if (!st && (why = rule(*v))) return bad(r, "%s: %.17g %s", what, *v, why);
    return st;
}

static wlr_status read_size(reader *r, char **s, const char *what, size_t *v)
{
    char *w = next_word(s), *end;
    if (!w) return bad(r, "%s: a count is missing", what);
    errno = 0;
    unsigned long long u = w[0] >= '0' && w[0] <= '9' ? strtoull(w, &end, 10) : 0;
    if (w[0] < '0' || w[0] > '9' || *end || errno == ERANGE || u > SIZE_MAX)
        return bad(r, "%s: '%s' is not a whole number", what, w);
    *v = (size_t)u;
    return WLR_OK;
}

static wlr_status no_more(reader *r, char *s, const char *what)
{
    char *w = next_word(&s);
    return w ? bad(r, "%s: unexpected '%s' at the end of the line", what, w)
             : WLR_OK;
}

/* The rest of the line, trimmed; must not be empty. */
static wlr_status read_text(reader *r, char *s, const char *what, char *dst,
                            size_t cap)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    if (n == 0) return bad(r, "%s: the text is missing", what);
    if (dst && n >= cap) return bad(r, "%s: longer than %zu characters", what,
                                    cap - 1);
    if (dst) memcpy(dst, s, n + 1);
    return WLR_OK;
}

/* The rest of the line, trimmed, as a new string in *dst. */
static wlr_status read_new_text(reader *r, char *s, const char *what,
                                char **dst)
{
    wlr_status st = read_text(r, s, what, NULL, 0);
    if (st) return st;
    while (*s == ' ' || *s == '\t') s++;
    *dst = copy_text(s);
    if (!*dst) return wlr__fail(r->err, WLR_ERR_NOMEM, "model: out of memory");
    return WLR_OK;
}

/* Keys after the feature lines, each at most once; all but the optional
 * ones (from FIRST_OPTIONAL on) required. */
enum { K_INTERCEPT, K_STANDARDIZED, K_CLASS_WEIGHT, K_THRESHOLD, K_RULE,
       K_SOLVER, K_L2, K_ITERATIONS, K_LOSS, K_COUNTS, K_LABEL, K_POSITIVE,
       K_CALIBRATION, K_UNCALIBRATED, K_N };
#define FIRST_OPTIONAL K_LABEL
static const char *const key_names[K_N] = {
    "intercept", "standardized", "class_weight", "threshold", "threshold_rule",
    "solver", "l2", "iterations", "loss", "train_counts", "label", "positive",
    "calibration", "intercept_uncalibrated"};

static wlr_status read_key(reader *r, int key, char *rest, wlr_model_file *mf)
{
    wlr_status st = WLR_OK;
    const char *what = key_names[key], *why;
    size_t u;
    switch (key) {
    case K_INTERCEPT:
        st = read_double(r, &rest, what, &mf->model.intercept);
        break;
    case K_STANDARDIZED:
        if ((st = read_size(r, &rest, what, &u))) return st;
        if (u > 1) return bad(r, "standardized: %zu is not 0 or 1", u);
        mf->standardized = (int)u;
        break;
    case K_CLASS_WEIGHT:
        st = read_checked(r, &rest, what, &mf->class_weight[0], class_weight_rule_of);
        if (!st) st = read_checked(r, &rest, what, &mf->class_weight[1],
                                   class_weight_rule_of);
        break;
    case K_THRESHOLD:
        st = read_checked(r, &rest, what, &mf->threshold, threshold_rule_of);
        break;
    case K_RULE:
        return read_text(r, rest, what, mf->threshold_rule,
                         sizeof mf->threshold_rule);
    case K_SOLVER:
        if ((st = read_text(r, rest, what, mf->solver, sizeof mf->solver)))
            return st;
        if ((why = solver_rule_of(mf->solver)))
            return bad(r, "solver: '%s' %s", mf->solver, why);
        return WLR_OK;
    case K_L2:
        st = read_checked(r, &rest, what, &mf->l2, nonnegative_rule_of);
        break;
    case K_ITERATIONS:
        if ((st = read_size(r, &rest, what, &u))) return st;
        if (u > 2147483647u) return bad(r, "iterations: %zu is too many", u);
        mf->iterations = (int)u;
        break;
    case K_LOSS:
        st = read_checked(r, &rest, what, &mf->loss, nonnegative_rule_of);
        break;
    case K_COUNTS:
        st = read_size(r, &rest, what, &mf->train_counts[0]);
        if (!st) st = read_size(r, &rest, what, &mf->train_counts[1]);
        if (!st && (why = counts_rule_of(mf->train_counts)))
            return bad(r, "train_counts: %s", why);
        break;
    case K_LABEL:
        return read_new_text(r, rest, what, &mf->label);
    case K_POSITIVE:
        return read_new_text(r, rest, what, &mf->positive);
    case K_CALIBRATION: {
        char name[16];
        if ((st = read_text(r, rest, what, name, sizeof name))) return st;
        for (size_t c = 0; c < N_CALIBRATIONS; c++)
            if (strcmp(name, calibration_names[c]) == 0) {
                mf->calibration = (wlr_calibration)c;
                return WLR_OK;
            }
        return bad(r, "calibration: '%s' is not none or prior", name);
    }
    case K_UNCALIBRATED:
        st = read_double(r, &rest, what, &mf->intercept_uncalibrated);
        break;
    }
    return st ? st : no_more(r, rest, what);
}

/* One line into buf without its line break; 0 at the end of the file. A
 * line longer than the buffer is an error. */
static int read_line(FILE *f, char *buf, size_t cap, reader *r, wlr_status *st)
{
    if (!fgets(buf, (int)cap, f)) return 0;
    r->line++;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n') buf[--n] = 0;
    else if (!feof(f)) {
        *st = bad(r, "line longer than %d characters", MODEL_LINE_MAX - 2);
        return 0;
    }
    if (n && buf[n - 1] == '\r') buf[--n] = 0;
    if (strlen(buf) != n) {
        *st = bad(r, "a NUL byte: not a text model file");
        return 0;
    }
    return 1;
}

/* What the parser has seen so far. */
typedef struct {
    size_t version;          /* 0 until the first line */
    size_t n_features, features_read;
    int have_count, ended;
    int seen[K_N];
    size_t key_line[K_N];    /* where each key was, for rules between keys */
    size_t *feature_line;    /* where each feature line was */
} parse_state;

/* The first line: "wlr-model N" with a version this wlr reads. */
static wlr_status parse_version(reader *r, char *key, char *rest, parse_state *ps)
{
    wlr_status st;
    if (strcmp(key, "wlr-model") != 0)
        return bad(r, "not a wlr model file (the first line should be "
                   "'wlr-model %d')", WLR_MODEL_FORMAT);
    if ((st = read_size(r, &rest, "wlr-model", &ps->version))) return st;
    if (ps->version == 0 || ps->version > WLR_MODEL_FORMAT)
        return bad(r, "model format version %zu; this wlr reads versions 1 to "
                   "%d (a newer wlr wrote it?)", ps->version, WLR_MODEL_FORMAT);
    return no_more(r, rest, "wlr-model");
}

static wlr_status parse_count(reader *r, char *rest, parse_state *ps,
                              wlr_model_file *mf)
{
    wlr_status st;
    if (ps->have_count) return bad(r, "features: given twice");
    if ((st = read_size(r, &rest, "features", &ps->n_features))) return st;
    if ((st = no_more(r, rest, "features"))) return st;
    if (ps->n_features == 0) return bad(r, "features: 0; a model needs one");
    if (ps->n_features > MODEL_MAX_FEATURES)
        return bad(r, "features: %zu is implausibly many", ps->n_features);
    if ((st = model_file_alloc(mf, ps->n_features, r->err))) return st;
    ps->feature_line = malloc(ps->n_features * sizeof *ps->feature_line);
    if (!ps->feature_line)
        return wlr__fail(r->err, WLR_ERR_NOMEM, "model: out of memory");
    ps->have_count = 1;
    return WLR_OK;
}

static wlr_status parse_feature(reader *r, char *rest, parse_state *ps,
                                wlr_model_file *mf)
{
    wlr_status st;
    if (!ps->have_count) return bad(r, "feature: before the 'features' count");
    if (ps->features_read == ps->n_features)
        return bad(r, "feature: more than the %zu features announced",
                   ps->n_features);
    size_t j = ps->features_read;
    if ((st = read_double(r, &rest, "feature coefficient", &mf->model.coef[j])) ||
        (st = read_double(r, &rest, "feature mean", &mf->mean[j])) ||
        (st = read_double(r, &rest, "feature sd", &mf->sd[j])))
        return st;
    if (!(mf->sd[j] > 0)) return bad(r, "feature sd: %g is not > 0", mf->sd[j]);
    if ((st = read_new_text(r, rest, "feature name", &mf->names[j]))) return st;
    ps->feature_line[j] = r->line;
    ps->features_read++;
    return WLR_OK;
}

/* A key after the feature lines. */
static wlr_status parse_key(reader *r, char *key, char *rest, parse_state *ps,
                            wlr_model_file *mf)
{
    int k = 0;
    while (k < K_N && strcmp(key, key_names[k]) != 0) k++;
    if (k == K_N || (k >= FIRST_OPTIONAL && ps->version < FORMAT_WITH_LABEL))
        return bad(r, "unknown key '%s'", key);
    if (!ps->have_count || ps->features_read < ps->n_features)
        return bad(r, "%s: before all the feature lines", key);
    if (ps->seen[k]) return bad(r, "%s: given twice", key);
    ps->seen[k] = 1;
    ps->key_line[k] = r->line;
    return read_key(r, k, rest, mf);
}

/* Rules between fields, once the whole file is read: the names all
 * different, a positive value only with a label, "default" only for 0.5,
 * and the scaling of a model trained unstandardised. */
static wlr_status check_across(reader *r, parse_state *ps, wlr_model_file *mf)
{
    size_t D = ps->n_features, a = 0, b = 0;
    const char *why;
    int dup = repeated_name(mf, &a, &b);
    if (dup < 0) return wlr__fail(r->err, WLR_ERR_NOMEM, "model: out of memory");
    if (dup && b < D) {
        r->line = ps->feature_line[b];
        return bad(r, "feature name: '%s' is feature %zu's name too", mf->names[b],
                   a + 1);
    }
    if (dup) {
        r->line = ps->key_line[K_LABEL];
        return bad(r, "label: '%s' is feature %zu's name", mf->label, a + 1);
    }
    if (mf->positive && !mf->label)
        return bad_at(r, ps->key_line[K_POSITIVE], "positive",
                      "given without a 'label' line");
    if ((why = threshold_how_rule_of(mf->threshold_rule, mf->threshold))) {
        r->line = ps->key_line[K_RULE];
        return bad(r, "threshold_rule: '%s' %s", mf->threshold_rule, why);
    }
    int prior = mf->calibration == WLR_CALIBRATION_PRIOR;
    if (prior != ps->seen[K_UNCALIBRATED])
        return bad_at(r, ps->key_line[prior ? K_CALIBRATION : K_UNCALIBRATED],
                      prior ? "calibration" : "intercept_uncalibrated",
                      prior ? "prior, but no 'intercept_uncalibrated' line"
                            : "given without a 'calibration prior' line");
    if ((why = calibration_rule_of(mf))) {
        r->line = ps->key_line[K_INTERCEPT];
        return bad(r, "intercept: %.17g %s %.17g (calibration prior)",
                   mf->model.intercept, why, prior_corrected(mf));
    }
    for (size_t j = 0; j < D; j++)
        if ((why = scaling_rule_of(mf->standardized, mf->mean[j], mf->sd[j]))) {
            r->line = ps->key_line[K_STANDARDIZED];
            return bad(r, "standardized: %s (feature %zu: %g and %g)", why, j + 1,
                       mf->mean[j], mf->sd[j]);
        }
    return WLR_OK;
}

/* After the lines: nothing missing. */
static wlr_status check_complete(reader *r, const parse_state *ps)
{
    const char *how = ps->ended ? "" : "truncated: ";
    if (!ps->version) return bad(r, "empty: not a wlr model file");
    if (!ps->have_count) return bad(r, "%sno 'features' line", how);
    if (ps->features_read < ps->n_features)
        return bad(r, "%s%zu of %zu feature lines", how, ps->features_read,
                   ps->n_features);
    for (int k = 0; k < FIRST_OPTIONAL; k++)
        if (!ps->seen[k]) return bad(r, "%sno '%s' line", how, key_names[k]);
    if (!ps->ended) return bad(r, "truncated: no 'end' line");
    return WLR_OK;
}

static wlr_status parse_lines(FILE *f, reader *r, parse_state *ps,
                              wlr_model_file *mf)
{
    char line[MODEL_LINE_MAX];
    wlr_status st = WLR_OK;
    while (!ps->ended && read_line(f, line, sizeof line, r, &st)) {
        char *rest = line;
        char *key = next_word(&rest);
        if (!key || key[0] == '#') continue;
        if (!ps->version) st = parse_version(r, key, rest, ps);
        else if (strcmp(key, "features") == 0) st = parse_count(r, rest, ps, mf);
        else if (strcmp(key, "feature") == 0) st = parse_feature(r, rest, ps, mf);
        else if (strcmp(key, "end") == 0) {
            st = no_more(r, rest, "end");
            ps->ended = 1;
        } else st = parse_key(r, key, rest, ps, mf);
        if (st) return st;
    }
    if (st) return st;
    if (ferror(f))
        return wlr__fail(r->err, WLR_ERR_IO, "%s:%zu: read error", r->path, r->line);
    if ((st = check_complete(r, ps))) return st;
    /* after "end" only blank lines and comments */
    size_t end_line = r->line;
    while (read_line(f, line, sizeof line, r, &st)) {
        char *rest = line;
        char *w = next_word(&rest);
        if (w && w[0] != '#') return bad(r, "'%s' after the 'end' line", w);
    }
    if (st) return st;
    r->line = end_line;
    return check_across(r, ps, mf);
}

wlr_status wlr_model_load(const char *path, wlr_model_file *mf, wlr_error *err)
{
    memset(mf, 0, sizeof *mf);
    FILE *f = fopen(path, "rb");
    if (!f)
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open: %s", path,
                        strerror(errno));
    reader r = {path, 0, err};
    parse_state ps;
    memset(&ps, 0, sizeof ps);
    wlr_status st = parse_lines(f, &r, &ps, mf);
    free(ps.feature_line);
    fclose(f);
    if (st) wlr_model_file_free(mf);
    return st;
}

wlr_status wlr_model_check_data(const wlr_model_file *mf, const wlr_dataset *d,
                                const char *where, wlr_error *err)
{
    size_t D = mf->model.n_features;
    if (d->n_features != D)
        return wlr__fail(err, WLR_ERR_DATA, "%s:1: %zu feature columns; the "
                        "model has %zu", where, d->n_features, D);
    if (!d->names) return WLR_OK;
    for (size_t j = 0; j < D; j++) {
        char buf[32];
        const char *nm = wlr_feature_name(d, j, buf, sizeof buf);
        if (strcmp(nm, mf->names[j]) != 0)
            return wlr__fail(err, WLR_ERR_DATA, "%s:1: feature column %zu is "
                            "'%s'; the model's is '%s'", where, j + 1, nm,
                            mf->names[j]);
    }
    return WLR_OK;
}
