/*
 * model.c - the model file: a trained model saved as versioned, readable
 * text, and read back so that it predicts the same bits.
 *
 * The format is documented in wlr.h ("model files"). Writing prints every
 * double with wlr__format_double (the shortest decimal that strtod reads back
 * exactly), so save -> load is the identity on the numbers. Reading is
 * strict: a file that is missing, from a newer wlr, truncated (no "end"
 * line), or holds a line we do not understand is refused with "PATH:LINE:
 * what", never half-loaded.
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
    if (st) {
        wlr_model_file_free(mf);
        return st;
    }
    model_file_fill(mf, o, si->class_weight, m, info, threshold, rule, si->counts);
    return WLR_OK;
}

/* ------------------------------------------------------------- writing */

static void put_double(FILE *f, double v)
{
    char buf[40];
    wlr__format_double(buf, sizeof buf, v);
    fputs(buf, f);
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

wlr_status wlr_model_write(FILE *f, const wlr_model_file *mf, wlr_error *err)
{
    const wlr_model *m = &mf->model;
    for (size_t j = 0; j < m->n_features; j++)
        if (!mf->names || !mf->names[j] || !one_line(mf->names[j]))
            return wlr__fail(err, WLR_ERR_ARG, "names: feature %zu's name is "
                            "empty, too long, has a line break or starts or "
                            "ends with a blank", j + 1);
    if (!one_line(mf->threshold_rule) || !one_line(mf->solver))
        return wlr__fail(err, WLR_ERR_ARG, "threshold_rule: must be one line "
                        "of text");
    double check[] = {m->intercept, mf->class_weight[0], mf->class_weight[1],
                      mf->threshold, mf->l2, mf->loss};
    for (size_t k = 0; k < sizeof check / sizeof check[0]; k++)
        if (!isfinite(check[k]))
            return wlr__fail(err, WLR_ERR_ARG, "model: a value is not finite");
    for (size_t j = 0; j < m->n_features; j++)
        if (!isfinite(m->coef[j]) || !isfinite(mf->mean[j]) || !isfinite(mf->sd[j]))
            return wlr__fail(err, WLR_ERR_ARG, "model: feature %zu's coefficient "
                            "or scaling is not finite", j + 1);

    fprintf(f, "wlr-model %d\n", WLR_MODEL_FORMAT);
    fputs("# weighted logistic regression (wlr " WLR_VERSION ")\n"
          "# p(y = 1 | x) = 1 / (1 + exp(-(sum_j coef_j x_j + intercept)))\n"
          "# class 1 iff p > threshold\n", f);
    fprintf(f, "features %zu\n", m->n_features);
    fputs("# feature COEF MEAN SD NAME (coef on the original scale; mean and "
          "sd: the training scaling)\n", f);
    for (size_t j = 0; j < m->n_features; j++) {
        fputs("feature ", f);
        put_double(f, m->coef[j]);
        fputc(' ', f);
        put_double(f, mf->mean[j]);
        fputc(' ', f);
        put_double(f, mf->sd[j]);
        fprintf(f, " %s\n", mf->names[j]);
    }
    fputs("intercept ", f);
    put_double(f, m->intercept);
    fprintf(f, "\nstandardized %d\nclass_weight ", mf->standardized ? 1 : 0);
    put_double(f, mf->class_weight[0]);
    fputc(' ', f);
    put_double(f, mf->class_weight[1]);
    fputs("\nthreshold ", f);
    put_double(f, mf->threshold);
    fprintf(f, "\nthreshold_rule %s\n", mf->threshold_rule);
    fputs("# training summary\n", f);
    fprintf(f, "solver %s\nl2 ", mf->solver);
    put_double(f, mf->l2);
    fprintf(f, "\niterations %d\nloss ", mf->iterations);
    put_double(f, mf->loss);
    fprintf(f, "\ntrain_counts %zu %zu\nend\n", mf->train_counts[0],
            mf->train_counts[1]);
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
    return wlr__fail(r->err, WLR_ERR_DATA, "%s:%zu: %s", r->path, r->line, what);
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

/* Keys after the feature lines, each required exactly once. */
enum { K_INTERCEPT, K_STANDARDIZED, K_CLASS_WEIGHT, K_THRESHOLD, K_RULE,
       K_SOLVER, K_L2, K_ITERATIONS, K_LOSS, K_COUNTS, K_N };
static const char *const key_names[K_N] = {
    "intercept", "standardized", "class_weight", "threshold", "threshold_rule",
    "solver", "l2", "iterations", "loss", "train_counts"};

static wlr_status read_key(reader *r, int key, char *rest, wlr_model_file *mf)
{
    wlr_status st = WLR_OK;
    const char *what = key_names[key];
    double v;
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
        st = read_double(r, &rest, what, &mf->class_weight[0]);
        if (!st) st = read_double(r, &rest, what, &mf->class_weight[1]);
        break;
    case K_THRESHOLD:
        st = read_double(r, &rest, what, &mf->threshold);
        break;
    case K_RULE:
        return read_text(r, rest, what, mf->threshold_rule,
                         sizeof mf->threshold_rule);
    case K_SOLVER:
        return read_text(r, rest, what, mf->solver, sizeof mf->solver);
    case K_L2:
        st = read_double(r, &rest, what, &mf->l2);
        break;
    case K_ITERATIONS:
        if ((st = read_size(r, &rest, what, &u))) return st;
        if (u > 2147483647u) return bad(r, "iterations: %zu is too many", u);
        mf->iterations = (int)u;
        break;
    case K_LOSS:
        st = read_double(r, &rest, what, &v);
        mf->loss = v;
        break;
    case K_COUNTS:
        st = read_size(r, &rest, what, &mf->train_counts[0]);
        if (!st) st = read_size(r, &rest, what, &mf->train_counts[1]);
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

static wlr_status parse_model(FILE *f, reader *r, wlr_model_file *mf)
{
    char line[MODEL_LINE_MAX];
    wlr_status st = WLR_OK;
    int seen[K_N] = {0}, version_seen = 0, ended = 0;
    size_t n_features = 0, features_read = 0;
    int have_count = 0;

    while (!ended && read_line(f, line, sizeof line, r, &st)) {
        char *rest = line;
        char *key = next_word(&rest);
        if (!key || key[0] == '#') continue;
        if (!version_seen) {
            size_t version;
            if (strcmp(key, "wlr-model") != 0)
                return bad(r, "not a wlr model file (the first line should be "
                           "'wlr-model %d')", WLR_MODEL_FORMAT);
            if ((st = read_size(r, &rest, "wlr-model", &version))) return st;
            if (version == 0 || version > WLR_MODEL_FORMAT)
                return bad(r, "model format version %zu; this wlr reads "
                           "version %d (a newer wlr wrote it?)", version,
                           WLR_MODEL_FORMAT);
            if ((st = no_more(r, rest, "wlr-model"))) return st;
            version_seen = 1;
            continue;
        }
        if (strcmp(key, "features") == 0) {
            if (have_count) return bad(r, "features: given twice");
            if ((st = read_size(r, &rest, "features", &n_features))) return st;
            if ((st = no_more(r, rest, "features"))) return st;
            if (n_features == 0) return bad(r, "features: 0; a model needs one");
            if (n_features > 10000000)
                return bad(r, "features: %zu is implausibly many", n_features);
            if ((st = model_file_alloc(mf, n_features, r->err))) return st;
            have_count = 1;
            continue;
        }
        if (strcmp(key, "feature") == 0) {
            if (!have_count) return bad(r, "feature: before the 'features' count");
            if (features_read == n_features)
                return bad(r, "feature: more than the %zu features announced",
                           n_features);
            size_t j = features_read;
            if ((st = read_double(r, &rest, "feature coefficient", &mf->model.coef[j])) ||
                (st = read_double(r, &rest, "feature mean", &mf->mean[j])) ||
                (st = read_double(r, &rest, "feature sd", &mf->sd[j])) ||
                (st = read_text(r, rest, "feature name", NULL, 0)))
                return st;
            while (*rest == ' ' || *rest == '\t') rest++;
            size_t n = strlen(rest);
            while (n && (rest[n - 1] == ' ' || rest[n - 1] == '\t')) rest[--n] = 0;
            if (!(mf->sd[j] > 0))
                return bad(r, "feature sd: %g is not > 0", mf->sd[j]);
            mf->names[j] = copy_text(rest);
            if (!mf->names[j])
                return wlr__fail(r->err, WLR_ERR_NOMEM, "model: out of memory");
            features_read++;
            continue;
        }
        if (strcmp(key, "end") == 0) {
            if ((st = no_more(r, rest, "end"))) return st;
            ended = 1;
            continue;
        }
        int k = 0;
        while (k < K_N && strcmp(key, key_names[k]) != 0) k++;
        if (k == K_N) return bad(r, "unknown key '%s'", key);
        if (!have_count || features_read < n_features)
            return bad(r, "%s: before all the feature lines", key);
        if (seen[k]) return bad(r, "%s: given twice", key);
        seen[k] = 1;
        if ((st = read_key(r, k, rest, mf))) return st;
    }
    if (st) return st;
    if (ferror(f))
        return wlr__fail(r->err, WLR_ERR_IO, "%s:%zu: read error", r->path, r->line);
    if (!version_seen) return bad(r, "empty: not a wlr model file");
    if (!ended) {
        if (!have_count) return bad(r, "truncated: no 'features' line");
        if (features_read < n_features)
            return bad(r, "truncated: %zu of %zu feature lines", features_read,
                       n_features);
        for (int k = 0; k < K_N; k++)
            if (!seen[k]) return bad(r, "truncated: no '%s' line", key_names[k]);
        return bad(r, "truncated: no 'end' line");
    }
    if (!have_count) return bad(r, "no 'features' line");
    if (features_read < n_features)
        return bad(r, "%zu of %zu feature lines", features_read, n_features);
    for (int k = 0; k < K_N; k++)
        if (!seen[k]) return bad(r, "no '%s' line", key_names[k]);
    /* after "end" only blank lines and comments */
    char *rest;
    while (read_line(f, line, sizeof line, r, &st)) {
        rest = line;
        char *w = next_word(&rest);
        if (w && w[0] != '#') return bad(r, "'%s' after the 'end' line", w);
    }
    return st;
}

wlr_status wlr_model_load(const char *path, wlr_model_file *mf, wlr_error *err)
{
    memset(mf, 0, sizeof *mf);
    FILE *f = fopen(path, "rb");
    if (!f)
        return wlr__fail(err, WLR_ERR_IO, "%s:0: cannot open: %s", path,
                        strerror(errno));
    reader r = {path, 0, err};
    wlr_status st = parse_model(f, &r, mf);
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
    for (size_t j = 0; j < D; j++)
        if (strcmp(d->names[j], mf->names[j]) != 0)
            return wlr__fail(err, WLR_ERR_DATA, "%s:1: feature column %zu is "
                            "'%s'; the model's is '%s'", where, j + 1,
                            d->names[j], mf->names[j]);
    return WLR_OK;
}
