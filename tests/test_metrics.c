/*
 * test_metrics.c - tests of src/metrics.c.
 *
 * - scikit-learn's own numbers: the five reference cases in
 *   tests/data/metrics/ (y,score CSVs and the values scikit-learn 1.2.1
 *   computed for them, copied verbatim from its output), to 1e-12 and, where
 *   the arithmetic is pure IEEE, to the bit; the report text exactly; the
 *   cases of tests/data/metrics_more/ (sample weights with ties, zero
 *   weights and one weight dominating; scores that are not probabilities;
 *   scores of exactly 0 and 1) the same way, with the log loss of
 *   scikit-learn's default eps and 95 % intervals computed independently
 *   (Wilson's formula, DeLong's from every pair);
 * - the general path (weights, scores outside [0, 1]) against the path of
 *   unweighted probabilities, to the bit, and weighted metrics and DeLong's
 *   interval against brute force;
 * - small cases checkable by hand (ties, perfect and inverse rankings, a
 *   score equal to the threshold), and the curves of the tiny case;
 * - brute-force cross-checks on random data: ROC AUC against the
 *   Mann-Whitney pair count, average precision against its definition, the
 *   curve against direct counting, independence from the order of rows;
 * - every error path; the recall-threshold finder;
 * - threads: 2, 3 and 7 give the bits of 1.
 *
 * The CSV and JSON readers here are deliberately tiny and local: the tests
 * must not depend on the library's own reader.
 */
#include "check.h"
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DATA_DIR "tests/data/metrics/"
#define MORE_DIR "tests/data/metrics_more/"
#define TOL 1e-12

/* ------------------------------------------------------------ helpers */

/* splitmix64: a small deterministic generator for the random cases. */
static uint64_t rand_state;
static uint64_t rand_u64(void)
{
    uint64_t z = (rand_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static double rand_unit(void) { return (double)(rand_u64() >> 11) * 0x1p-53; }

/* Whole file as a NUL-terminated string, or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)size + 1);
    if (s && fread(s, 1, (size_t)size, f) != (size_t)size) {
        free(s);
        s = NULL;
    }
    if (s) s[size] = '\0';
    fclose(f);
    return s;
}

/* "y,score" or "y,score,weight" CSV: a header line, then one line a row. */
typedef struct {
    size_t n;
    uint8_t *y;
    double *score;
    double *weight;     /* NULL without a weight column */
} rows;

static int read_rows(const char *path, rows *r)
{
    char *text = slurp(path);
    memset(r, 0, sizeof *r);
    if (!text) return 0;
    size_t lines = 0;
    for (char *p = text; *p; p++) lines += *p == '\n';
    r->y = malloc(lines + 1);
    r->score = malloc((lines + 1) * sizeof *r->score);
    char *p = strchr(text, '\n');
    if (p && strncmp(p - 7, ",weight", 7) == 0)
        r->weight = malloc((lines + 1) * sizeof *r->weight);
    while (p && p[1]) {
        char *end;
        r->y[r->n] = (uint8_t)strtol(p + 1, &end, 10);
        r->score[r->n] = strtod(end + 1, &end);
        if (r->weight) r->weight[r->n] = strtod(end + 1, &end);
        r->n++;
        p = strchr(end, '\n');
    }
    free(text);
    return 1;
}

static void free_rows(rows *r)
{
    free(r->y);
    free(r->score);
    free(r->weight);
    memset(r, 0, sizeof *r);
}

/* The text right after "key": in a flat JSON object. */
static const char *json_value(const char *json, const char *key)
{
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(json, pattern);
    if (!p) return NULL;
    p += strlen(pattern);
    while (*p == ' ' || *p == '\n') p++;
    return p;
}

static double json_number(const char *json, const char *key)
{
    const char *p = json_value(json, key);
    return p ? strtod(p, NULL) : NAN;
}

/* "confusion": [[tn, fp], [fn, tp]] */
static void json_confusion(const char *json, size_t c[2][2])
{
    const char *p = json_value(json, "confusion");
    for (int k = 0; k < 4; k++) {
        while (p && *p && !(*p >= '0' && *p <= '9')) p++;
        char *end;
        c[k / 2][k % 2] = p ? (size_t)strtoull(p, &end, 10) : 0;
        if (p) p = end;
    }
}

/* The first k numbers after "key": (in nested lists or not) into v;
 * returns 0 if the value is null or missing. */
static int json_numbers(const char *json, const char *key, double *v, int k)
{
    const char *p = json_value(json, key);
    if (!p || strncmp(p, "null", 4) == 0) return 0;
    for (int j = 0; j < k; j++) {
        while (*p && !(*p >= '0' && *p <= '9') && *p != '-') p++;
        char *end;
        v[j] = strtod(p, &end);
        if (end == p) return 0;
        p = end;
    }
    return 1;
}

/* A JSON string value, unescaped into out (the reports are plain ASCII). */
static void json_string(const char *json, const char *key, char *out,
                        size_t cap)
{
    const char *p = json_value(json, key);
    size_t len = 0;
    if (p && *p == '"') {
        for (p++; *p && *p != '"' && len + 1 < cap; p++) {
            char c = *p;
            if (c == '\\') {
                c = *++p;
                if (c == 'n') c = '\n';
                else if (c == 't') c = '\t';
            }
            out[len++] = c;
        }
    }
    out[len] = '\0';
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

#define CHECK_BITS(a, b)                                                      \
    CHECK(same_bits((a), (b)), "%s = %.17g, %s = %.17g, not the same double", \
          #a, (double)(a), #b, (double)(b))

/* An error of status WLR_ERR_ARG whose message holds `want`. */
static void expect_error(wlr_status st, const wlr_error *err, const char *want)
{
    CHECK(st == WLR_ERR_ARG, "status %d for '%s'", (int)st, want);
    CHECK(strstr(err->message, want) != NULL, "message '%s' lacks '%s'",
          err->message, want);
}

/* -------------------------------------------- scikit-learn's numbers */

static const char *const reference_cases[] = {
    "balanced_noties", "rare_ties", "heavy_ties", "tiny",
    "no_positive_predictions"};

/* The two classification reports of a case, character for character. */
static void check_reports(const char *name, const char *json,
                          const wlr_metrics *m)
{
    static const struct {
        const char *key;
        int digits;
    } reports[] = {{"classification_report", 2},
                   {"classification_report_digits4", 4}};
    char want[2048], got[2048];
    for (int k = 0; k < 2; k++) {
        json_string(json, reports[k].key, want, sizeof want);
        int len = wlr_classification_report(m, reports[k].digits, got,
                                            sizeof got);
        CHECK(strcmp(got, want) == 0, "%s digits=%d:\n%s\nscikit-learn:\n%s",
              name, reports[k].digits, got, want);
        CHECK(len == (int)strlen(want), "%s: length %d, want %zu", name, len,
              strlen(want));
    }
}

/* An interval of the expected JSON (null: undefined) against m's. */
static void check_interval(const char *name, const char *json, const char *key,
                           int has, const double ci[2])
{
    double want[2];
    int defined = json_numbers(json, key, want, 2);
    CHECK(has == defined, "%s: %s %s, expected %s", name, key,
          has ? "defined" : "undefined", defined ? "defined" : "null");
    if (has && defined) {
        CHECK_NEAR(ci[0], want[0], TOL);
        CHECK_NEAR(ci[1], want[1], TOL);
    }
}

/* m against a case of tests/data/metrics_more/: every field to the bit but
 * the log-loss (libm's log) and the intervals (computed independently, in
 * another order), held to TOL. */
static void check_more_expected(const char *name, const char *json,
                                const wlr_metrics *m)
{
    double c[4], sup[2], v[2];
    CHECK(json_numbers(json, "confusion", c, 4), "%s: confusion", name);
    CHECK(json_numbers(json, "support", sup, 2), "%s: support", name);
    for (int k = 0; k < 4; k++) {
        double got = m->weighted ? m->weighted_confusion[k / 2][k % 2]
                                 : (double)m->confusion[k / 2][k % 2];
        CHECK(same_bits(got, c[k]), "%s: confusion[%d][%d] = %.17g, "
              "scikit-learn %.17g", name, k / 2, k % 2, got, c[k]);
    }
    for (int k = 0; k < 2; k++) {
        double got = m->weighted ? m->weighted_support[k]
                                 : (double)m->support[k];
        CHECK(same_bits(got, sup[k]), "%s: support[%d] = %.17g, scikit-learn "
              "%.17g", name, k, got, sup[k]);
    }
    static const char *const pairs[3] = {"precision", "recall", "f1"};
    const double *got_pairs[3] = {m->precision, m->recall, m->f1};
    for (int j = 0; j < 3; j++) {
        CHECK(json_numbers(json, pairs[j], v, 2), "%s: %s", name, pairs[j]);
        for (int k = 0; k < 2; k++)
            CHECK(same_bits(got_pairs[j][k], v[k]), "%s: %s[%d] = %.17g, "
                  "scikit-learn %.17g", name, pairs[j], k, got_pairs[j][k],
                  v[k]);
    }
    static const char *const singles[5] = {"accuracy", "roc_auc",
                                           "average_precision",
                                           "balanced_accuracy", "mcc"};
    const double got_singles[5] = {m->accuracy, m->roc_auc,
                                   m->average_precision, m->balanced_accuracy,
                                   m->mcc};
    for (int j = 0; j < 5; j++) {
        double want = json_number(json, singles[j]);
        CHECK(same_bits(got_singles[j], want), "%s: %s = %.17g, scikit-learn "
              "%.17g", name, singles[j], got_singles[j], want);
    }
    double ll;
    int has_ll = json_numbers(json, "log_loss", &ll, 1);
    CHECK(m->probabilities == has_ll, "%s: probabilities %d", name,
          m->probabilities);
    if (has_ll) CHECK_NEAR(m->log_loss, ll, TOL);
    /* the Brier score: scikit-learn's bits (numpy's pairwise mean) */
    double br;
    if (json_numbers(json, "brier", &br, 1))
        CHECK(same_bits(m->brier, br), "%s: brier = %.17g, scikit-learn %.17g",
              name, m->brier, br);
    else
        CHECK(!has_ll, "%s: no brier in the expected values", name);
    check_reports(name, json, m);
    check_interval(name, json, "recall1_ci95", m->has_recall1_ci95,
                   m->recall1_ci95);
    check_interval(name, json, "precision1_ci95", m->has_precision1_ci95,
                   m->precision1_ci95);
    check_interval(name, json, "roc_auc_ci95", m->has_roc_auc_ci95,
                   m->roc_auc_ci95);
}

static void check_reference_case(const char *name)
{
    char path[256];
    rows r;
    snprintf(path, sizeof path, DATA_DIR "%s.csv", name);
    CHECK(read_rows(path, &r), "cannot read %s", path);
    snprintf(path, sizeof path, DATA_DIR "%s.expected.json", name);
    char *json = slurp(path);
    CHECK(json != NULL, "cannot read %s", path);
    snprintf(path, sizeof path, MORE_DIR "%s.expected.json", name);
    char *more = slurp(path);
    CHECK(more != NULL, "cannot read %s", path);
    if (!json || !more || r.n == 0) {
        free(json);
        free(more);
        free_rows(&r);
        return;
    }

    wlr_metrics m;
    wlr_error err;
    double threshold = json_number(json, "threshold");
    wlr_status st = wlr_evaluate(r.y, r.score, r.n, threshold, &m, &err);
    CHECK(st == WLR_OK, "%s: %s", name, err.message);

    size_t c[2][2];
    json_confusion(json, c);
    for (int t = 0; t < 2; t++)
        for (int p = 0; p < 2; p++)
            CHECK(m.confusion[t][p] == c[t][p], "%s: confusion[%d][%d] = %zu, "
                  "scikit-learn %zu", name, t, p, m.confusion[t][p], c[t][p]);
    double auc = json_number(json, "roc_auc");
    double ap = json_number(json, "average_precision");
    double ba = json_number(json, "balanced_accuracy");
    double mcc = json_number(json, "mcc");
    CHECK_NEAR(m.roc_auc, auc, TOL);
    CHECK_NEAR(m.average_precision, ap, TOL);
    CHECK_NEAR(m.balanced_accuracy, ba, TOL);
    CHECK_NEAR(m.mcc, mcc, TOL);
    /* The same operations in the same order give the same bits. */
    CHECK_BITS(m.roc_auc, auc);
    CHECK_BITS(m.average_precision, ap);
    CHECK_BITS(m.balanced_accuracy, ba);
    CHECK_BITS(m.mcc, mcc);
    check_reports(name, json, &m);
    /* The shared file's log_loss clips at 1e-15, as scikit-learn 1.1 did;
     * metrics_more/ has 1.2's, which wlr follows, the rest again, and the
     * intervals. */
    check_more_expected(name, more, &m);
    free(json);
    free(more);
    free_rows(&r);
}

static void test_reference_cases(void)
{
    for (size_t i = 0; i < sizeof reference_cases / sizeof *reference_cases;
         i++)
        check_reference_case(reference_cases[i]);
}

/* The cases made for wlr (tests/data/metrics_more/make_expected.py): with
 * and without sample weights, probabilities or logits. */
static const char *const more_cases[] = {"w_tiny", "w_zero", "w_rounding",
                                         "w_dominant", "w_ties", "w_logits",
                                         "logits", "extremes"};

static void test_more_cases(void)
{
    for (size_t i = 0; i < sizeof more_cases / sizeof *more_cases; i++) {
        const char *name = more_cases[i];
        char path[256];
        rows r;
        snprintf(path, sizeof path, MORE_DIR "%s.csv", name);
        CHECK(read_rows(path, &r) && r.n > 0, "cannot read %s", path);
        snprintf(path, sizeof path, MORE_DIR "%s.expected.json", name);
        char *json = slurp(path);
        CHECK(json != NULL, "cannot read %s", path);
        if (json && r.n > 0) {
            wlr_metrics m;
            wlr_error err;
            wlr_status st = wlr_evaluate_weighted(r.y, r.score, r.weight, r.n,
                                                  json_number(json, "threshold"),
                                                  &m, &err);
            CHECK(st == WLR_OK, "%s: %s", name, err.message);
            CHECK(m.weighted == (r.weight != NULL), "%s: weighted %d", name,
                  m.weighted);
            check_more_expected(name, json, &m);
        }
        free(json);
        free_rows(&r);
    }
}

/* ------------------------------------------------------ hand-checked */

static void test_score_equal_to_threshold_is_class_0(void)
{
    const uint8_t y[] = {0, 1, 0, 1, 1};
    const double s[] = {0.5, 0.5, 0.2, 0.9, 0.50000000000000011};
    wlr_metrics m;
    wlr_error err;
    CHECK(wlr_evaluate(y, s, 5, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    CHECK(m.confusion[0][0] == 2 && m.confusion[0][1] == 0 &&
          m.confusion[1][0] == 1 && m.confusion[1][1] == 2,
          "confusion %zu %zu / %zu %zu", m.confusion[0][0], m.confusion[0][1],
          m.confusion[1][0], m.confusion[1][1]);
    CHECK(m.threshold == 0.5, "threshold %g", m.threshold);
}

/* All scores tied: one diagonal step, AUC 1/2; one threshold, where the
 * precision is n1 / n and the recall 1, so AP = n1 / n. */
static void test_all_ties(void)
{
    const uint8_t y[] = {0, 1, 0, 0, 1, 0, 1, 0};
    double s[8];
    for (int i = 0; i < 8; i++) s[i] = 0.3;
    wlr_metrics m;
    wlr_error err;
    CHECK(wlr_evaluate(y, s, 8, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    CHECK(m.roc_auc == 0.5, "auc %.17g", m.roc_auc);
    CHECK(m.average_precision == 3.0 / 8.0, "ap %.17g", m.average_precision);
    CHECK_NEAR(m.log_loss, (3 * -log(0.3) + 5 * -log(0.7)) / 8, 1e-15);
    /* nothing predicted 1: precision_1 is 0/0 = 0, and so is mcc */
    CHECK(m.precision[1] == 0 && m.recall[1] == 0 && m.f1[1] == 0, "class 1");
    CHECK(m.precision[0] == 5.0 / 8 && m.recall[0] == 1, "class 0");
    CHECK(m.mcc == 0 && m.balanced_accuracy == 0.5 && m.accuracy == 5.0 / 8,
          "mcc %g balanced %g accuracy %g", m.mcc, m.balanced_accuracy,
          m.accuracy);
}

static void test_perfect_ranking(void)
{
    const uint8_t y[] = {0, 0, 1, 0, 1};
    const double s[] = {0.1, 0.2, 0.8, 0.3, 0.9};
    wlr_metrics m;
    wlr_error err;
    CHECK(wlr_evaluate(y, s, 5, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    CHECK(m.roc_auc == 1.0 && m.average_precision == 1.0, "auc %g ap %g",
          m.roc_auc, m.average_precision);
    CHECK(m.mcc == 1.0 && m.accuracy == 1.0 && m.f1[0] == 1.0 && m.f1[1] == 1.0,
          "mcc %g", m.mcc);
}

/* Inverse ranking: AUC 0. From the top: three negatives, then the
 * positives at precision 1/4 (recall 1/2) and 2/5 (recall 1):
 * AP = 1/2 * 1/4 + 1/2 * 2/5 = 0.325. */
static void test_inverse_ranking(void)
{
    const uint8_t y[] = {1, 1, 0, 0, 0};
    const double s[] = {0.1, 0.2, 0.7, 0.8, 0.9};
    wlr_metrics m;
    wlr_error err;
    CHECK(wlr_evaluate(y, s, 5, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    CHECK(m.roc_auc == 0.0, "auc %.17g", m.roc_auc);
    CHECK_NEAR(m.average_precision, 0.325, 1e-15);
    CHECK(m.mcc == -1.0 && m.accuracy == 0.0, "mcc %.17g", m.mcc);
}

/* Scores of exactly 0 and 1 are clipped to eps and 1 - eps for the
 * log-loss, eps = 2^-52 as scikit-learn 1.2's eps="auto" (the extremes case
 * of metrics_more/ checks against scikit-learn itself); -0.0 is the same
 * score as 0.0. */
static void test_extreme_scores(void)
{
    const uint8_t y[] = {0, 1, 0, 1};
    const double s[] = {0.0, 1.0, -0.0, 0.0};
    const double eps = 0x1p-52;
    wlr_metrics m;
    wlr_error err;
    CHECK(wlr_evaluate(y, s, 4, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    double want = (-log(1 - eps) - log(1 - eps) - log(1 - eps) - log(eps)) / 4;
    CHECK_NEAR(m.log_loss, want, 1e-15);
    CHECK(m.probabilities, "-0.0 is a probability");
    /* positives {1, 0} against negatives {0, 0}: 2 wins, 2 ties of 4 */
    CHECK(m.roc_auc == 0.75, "auc %.17g", m.roc_auc);
}

/* The digits=0 report of the tiny case, laid out by hand from scikit-learn's
 * format strings; 0.5 rounds to even, "0". */
static void test_report_digits_0(void)
{
    const uint8_t y[] = {0, 0, 1, 1, 0, 0, 0};
    const double s[] = {0.1, 0.3, 0.7, 0.4, 0.4, 0.2, 0.4};
    const char *want =
        "              precision    recall  f1-score   support\n"
        "\n"
        "           0          1         1         1         5\n"
        "           1          1         0         1         2\n"
        "\n"
        "    accuracy                              1         7\n"
        "   macro avg          1         1         1         7\n"
        "weighted avg          1         1         1         7\n";
    wlr_metrics m;
    wlr_error err;
    char got[1024], other[1024];
    CHECK(wlr_evaluate(y, s, 7, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    int len = wlr_classification_report(&m, 0, got, sizeof got);
    CHECK(strcmp(got, want) == 0, "got:\n%s\nwant:\n%s", got, want);
    CHECK(len == (int)strlen(want), "length %d", len);
    /* negative digits are taken as 0 */
    wlr_classification_report(&m, -3, other, sizeof other);
    CHECK(strcmp(got, other) == 0, "digits -3:\n%s", other);
}

/* Wide digits widen the first column (to digits) and overflow the number
 * columns (9 wide) as Python's format does; digits above the maximum are
 * clamped. */
static void test_report_wide_digits(void)
{
    const uint8_t y[] = {0, 0, 1, 1, 0, 0, 0};
    const double s[] = {0.1, 0.3, 0.7, 0.4, 0.4, 0.2, 0.4};
    wlr_metrics m;
    wlr_error err;
    char got[4096], clamped[4096], want[256];
    CHECK(wlr_evaluate(y, s, 7, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    wlr_classification_report(&m, 15, got, sizeof got);
    snprintf(want, sizeof want, "%15s  precision    recall  f1-score   support"
             "\n\n%15s  %.15f %.15f %.15f         5\n", "", "0", 5.0 / 6, 1.0,
             10.0 / 11);
    CHECK(strncmp(got, want, strlen(want)) == 0, "got:\n%s\nwant start:\n%s",
          got, want);
    wlr_classification_report(&m, WLR_REPORT_MAX_DIGITS, got, sizeof got);
    wlr_classification_report(&m, 1000, clamped, sizeof clamped);
    CHECK(strcmp(got, clamped) == 0, "digits 1000:\n%s", clamped);
}

/* A zeroed wlr_metrics (what a failed wlr_evaluate leaves) still gives a
 * report of zeros, with no NaN from the support-weighted mean. */
static void test_report_of_empty_metrics(void)
{
    wlr_metrics m;
    char got[1024];
    memset(&m, 0, sizeof m);
    wlr_classification_report(&m, 2, got, sizeof got);
    CHECK(strstr(got, "nan") == NULL, "%s", got);
    CHECK(strstr(got, "weighted avg       0.00      0.00      0.00         0\n")
          != NULL, "%s", got);
}

/* Like snprintf: never more than cap bytes, always terminated, and the full
 * length returned. */
static void test_report_truncation(void)
{
    const uint8_t y[] = {0, 1};
    const double s[] = {0.2, 0.7};
    wlr_metrics m;
    wlr_error err;
    char full[1024], small[40];
    CHECK(wlr_evaluate(y, s, 2, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    int len = wlr_classification_report(&m, 2, full, sizeof full);
    CHECK(len == (int)strlen(full), "length %d vs %zu", len, strlen(full));
    CHECK(wlr_classification_report(&m, 2, NULL, 0) == len, "NULL buffer");
    memset(small, 'x', sizeof small);
    CHECK(wlr_classification_report(&m, 2, small, 30) == len, "small buffer");
    CHECK(strlen(small) == 29 && strncmp(small, full, 29) == 0, "prefix '%s'",
          small);
    CHECK(small[30] == 'x', "wrote past cap");
    char *exact = malloc((size_t)len + 1);
    memset(exact, 'x', (size_t)len + 1);
    wlr_classification_report(&m, 2, exact, (size_t)len);
    CHECK(exact[len - 1] == '\0' && strncmp(exact, full, (size_t)len - 1) == 0 &&
          exact[len] == 'x', "cap = len keeps len - 1 characters");
    free(exact);
}

/* --------------------------------------------------- brute force */

/* Random rows; scores rounded to `decimals` (0 = not rounded) for ties, with
 * 0, -0.0 and 1 sprinkled in. Both classes present. */
static void random_rows(rows *r, size_t n, double positive_rate, int decimals)
{
    r->n = n;
    r->weight = NULL;
    r->y = malloc(n);
    r->score = malloc(n * sizeof *r->score);
    for (size_t i = 0; i < n; i++) {
        r->y[i] = rand_unit() < positive_rate;
        double u = rand_unit();
        double s = r->y[i] ? sqrt(u) : u * u;   /* positives score higher */
        if (decimals) s = round(s * pow(10, decimals)) / pow(10, decimals);
        uint64_t pick = rand_u64() % 50;
        if (pick == 0) s = 0.0;
        else if (pick == 1) s = -0.0;
        else if (pick == 2) s = 1.0;
        r->score[i] = s;
    }
    r->y[0] = 0;
    r->y[n - 1] = 1;
}

/* U / (n0 n1): every (positive, negative) pair scores 1 if the positive is
 * higher, 1/2 if tied. */
static double mann_whitney_auc(const rows *r)
{
    double u = 0;
    size_t n0 = 0, n1 = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->y[i]) n1++;
        else n0++;
        if (!r->y[i]) continue;
        for (size_t j = 0; j < r->n; j++)
            if (!r->y[j])
                u += r->score[i] > r->score[j] ? 1.0
                     : r->score[i] == r->score[j] ? 0.5 : 0.0;
    }
    return u / ((double)n0 * (double)n1);
}

/* tp, fp at score >= s, by counting. */
static void count_at_or_above(const rows *r, double s, size_t *fp, size_t *tp)
{
    *fp = *tp = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->score[i] >= s) {
            if (r->y[i]) ++*tp;
            else ++*fp;
        }
}

/* AP by its definition: walk the distinct scores from the top. */
static double brute_average_precision(const rows *r)
{
    double ap = 0, prev_recall = 0, above = INFINITY;
    size_t n1 = 0;
    for (size_t i = 0; i < r->n; i++) n1 += r->y[i];
    for (;;) {
        double s = -INFINITY;   /* the highest score below `above` */
        for (size_t i = 0; i < r->n; i++)
            if (r->score[i] < above && r->score[i] > s) s = r->score[i];
        if (s == -INFINITY) break;
        size_t fp, tp;
        count_at_or_above(r, s, &fp, &tp);
        double recall = (double)tp / (double)n1;
        ap += (recall - prev_recall) * ((double)tp / (double)(tp + fp));
        prev_recall = recall;
        above = s;
    }
    return ap;
}

static void test_brute_force(void)
{
    rand_state = 1;
    for (int trial = 0; trial < 300; trial++) {
        rows r;
        size_t n = 2 + rand_u64() % 80;
        random_rows(&r, n, 0.1 + 0.8 * rand_unit(), (int)(rand_u64() % 4));
        wlr_metrics m;
        wlr_error err;
        CHECK(wlr_evaluate(r.y, r.score, n, 0.5, &m, &err) == WLR_OK, "%s",
              err.message);
        CHECK_NEAR(m.roc_auc, mann_whitney_auc(&r), TOL);
        CHECK_NEAR(m.average_precision, brute_average_precision(&r), TOL);

        wlr_curve c;
        CHECK(wlr_curve_compute(r.y, r.score, n, &c, &err) == WLR_OK, "%s",
              err.message);
        for (size_t k = 1; k < c.n_points; k++) {
            size_t fp, tp;
            count_at_or_above(&r, c.threshold[k], &fp, &tp);
            CHECK(c.fp[k] == fp && c.tp[k] == tp && c.threshold[k] <
                  c.threshold[k - 1], "trial %d point %zu", trial, k);
        }
        CHECK(c.fp[c.n_points - 1] + c.tp[c.n_points - 1] == n, "last point");
        wlr_curve_free(&c);
        free_rows(&r);
    }
}

/* Shuffling the rows changes nothing, to the bit, however ties fall. */
static void test_row_order_does_not_matter(void)
{
    rand_state = 2;
    rows r;
    random_rows(&r, 20000, 0.05, 2);
    wlr_metrics a, b;
    wlr_error err;
    CHECK(wlr_evaluate(r.y, r.score, r.n, 0.3, &a, &err) == WLR_OK, "%s",
          err.message);
    for (size_t i = r.n - 1; i > 0; i--) {
        size_t j = rand_u64() % (i + 1);
        uint8_t ty = r.y[i];
        double ts = r.score[i];
        r.y[i] = r.y[j];
        r.score[i] = r.score[j];
        r.y[j] = ty;
        r.score[j] = ts;
    }
    CHECK(wlr_evaluate(r.y, r.score, r.n, 0.3, &b, &err) == WLR_OK, "%s",
          err.message);
    CHECK_BITS(a.roc_auc, b.roc_auc);
    CHECK_BITS(a.average_precision, b.average_precision);
    CHECK(memcmp(a.confusion, b.confusion, sizeof a.confusion) == 0, "confusion");
    free_rows(&r);
}

/* Ranks with ties averaged: AUC = (sum of positive ranks - n1 (n1 + 1) / 2)
 * / (n0 n1), on many rows whose scores span every exponent the radix sort
 * can meet (denormals to 1). */
static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_many_rows_against_ranks(void)
{
    rand_state = 3;
    size_t n = 300000, n1 = 0;
    rows r;
    random_rows(&r, n, 0.2, 0);
    for (size_t i = 0; i < n; i += 7) r.score[i] = ldexp(r.score[i], -(int)(rand_u64() % 1070));
    for (size_t i = 3; i < n; i += 11) r.score[i] = round(r.score[i] * 100) / 100;
    double *sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, r.score, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_double);
    /* rank sum of positives: for each positive, its average rank */
    double rank_sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!r.y[i]) continue;
        n1++;
        double s = r.score[i];
        size_t lo = 0, hi = n;   /* first index >= s */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (sorted[mid] < s) lo = mid + 1;
            else hi = mid;
        }
        size_t first = lo;
        hi = n;                  /* first index > s */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (sorted[mid] <= s) lo = mid + 1;
            else hi = mid;
        }
        rank_sum += (double)(first + 1 + lo) / 2.0;   /* mean of first+1..lo */
    }
    double n0 = (double)(n - n1);
    double want = (rank_sum - (double)n1 * ((double)n1 + 1) / 2) /
                  (n0 * (double)n1);
    wlr_metrics m;
    wlr_error err;
    CHECK(wlr_evaluate(r.y, r.score, n, 0.5, &m, &err) == WLR_OK, "%s",
          err.message);
    CHECK_NEAR(m.roc_auc, want, TOL);
    free(sorted);
    free_rows(&r);
}

/* ------------------------------------------------------------ threads */

/* Two curves point for point, to the bit. */
static int same_curve(const wlr_curve *a, const wlr_curve *b)
{
    size_t n = a->n_points;
    return n == b->n_points && a->count[0] == b->count[0] &&
           a->count[1] == b->count[1] &&
           memcmp(a->threshold, b->threshold, n * sizeof *a->threshold) == 0 &&
           memcmp(a->fp, b->fp, n * sizeof *a->fp) == 0 &&
           memcmp(a->tp, b->tp, n * sizeof *a->tp) == 0 &&
           memcmp(a->fpr, b->fpr, n * sizeof *a->fpr) == 0 &&
           memcmp(a->tpr, b->tpr, n * sizeof *a->tpr) == 0 &&
           memcmp(a->precision, b->precision, n * sizeof *a->precision) == 0;
}

/* Every metric, the curve and two recall thresholds on 2, 3 and 7 threads
 * against 1 thread, to the bit: wlr_evaluate with the log-loss, confusion
 * and average precision on a second thread and the sort on the other 1, 2
 * or 6; the curve and the recall threshold with the sort on all of them. */
static void check_threads_agree(const rows *r, const char *what)
{
    static const size_t threads[] = {2, 3, 7};
    wlr_metrics one, many;
    wlr_curve c1, cn;
    double t1[2], tn[2];
    wlr_error err;
    if (wlr__evaluate_threads(r->y, r->score, r->n, 0.3, &one, 1, &err) ||
        wlr__curve_compute_threads(r->y, r->score, r->n, &c1, 1, &err) ||
        wlr__threshold_for_recall_threads(r->y, r->score, r->n, 0.8, &t1[0], 1,
                                         &err) ||
        wlr__threshold_for_recall_threads(r->y, r->score, r->n, 1.0, &t1[1], 1,
                                         &err)) {
        CHECK(0, "%s: %s", what, err.message);
        return;
    }
    for (size_t k = 0; k < sizeof threads / sizeof *threads; k++) {
        size_t t = threads[k];
        CHECK(wlr__evaluate_threads(r->y, r->score, r->n, 0.3, &many, t, &err) ==
                  WLR_OK, "%s", err.message);
        CHECK(memcmp(&one, &many, sizeof one) == 0, "%s, %zu threads: metrics "
              "differ (AUC %.17g vs %.17g)", what, t, many.roc_auc, one.roc_auc);
        CHECK(wlr__curve_compute_threads(r->y, r->score, r->n, &cn, t, &err) ==
                  WLR_OK, "%s", err.message);
        CHECK(same_curve(&c1, &cn), "%s, %zu threads: curves differ", what, t);
        wlr_curve_free(&cn);
        CHECK(wlr__threshold_for_recall_threads(r->y, r->score, r->n, 0.8,
                                               &tn[0], t, &err) == WLR_OK &&
                  wlr__threshold_for_recall_threads(r->y, r->score, r->n, 1.0,
                                                   &tn[1], t, &err) == WLR_OK,
              "%s", err.message);
        CHECK(memcmp(t1, tn, sizeof t1) == 0, "%s, %zu threads: recall "
              "thresholds %.17g %.17g vs %.17g %.17g", what, t, tn[0], tn[1],
              t1[0], t1[1]);
    }
    wlr_curve_free(&c1);
}

/* 100,000 rows of three kinds: distinct scores over every exponent
 * (denormals included, 0, -0.0 and 1 among them), heavy ties (2 decimals),
 * and scores k / 8, whose keys share their low digits, so that the sort
 * skips passes, before any move (the class 1 keys of the recall threshold)
 * and after one (the label digit); and fewer rows than threads. */
static void test_threads_same_bits(void)
{
    rows r;
    rand_state = 6;
    random_rows(&r, 100000, 0.1, 0);
    for (size_t i = 0; i < r.n; i += 5)
        r.score[i] = ldexp(r.score[i], -(int)(rand_u64() % 1070));
    check_threads_agree(&r, "distinct");
    free_rows(&r);

    random_rows(&r, 100000, 0.3, 2);
    check_threads_agree(&r, "ties");

    for (size_t i = 0; i < r.n; i++) r.score[i] = (double)(rand_u64() % 9) / 8;
    check_threads_agree(&r, "eighths");

    r.n = 5;
    r.y[0] = 0;
    r.y[4] = 1;
    check_threads_agree(&r, "5 rows");
    free_rows(&r);
}

/* --------------------------------------------------------------- curves */

/* The tiny reference case by hand. Distinct scores from the top: 0.7 (one
 * positive), 0.4 (one positive, two negatives), 0.3, 0.2, 0.1 (a negative
 * each); n0 = 5, n1 = 2. */
static void test_curve_by_hand(void)
{
    const uint8_t y[] = {0, 0, 1, 1, 0, 0, 0};
    const double s[] = {0.1, 0.3, 0.7, 0.4, 0.4, 0.2, 0.4};
    const double threshold[] = {INFINITY, 0.7, 0.4, 0.3, 0.2, 0.1};
    const size_t fp[] = {0, 0, 2, 3, 4, 5}, tp[] = {0, 1, 2, 2, 2, 2};
    const double fpr[] = {0, 0, 0.4, 0.6, 0.8, 1};
    const double tpr[] = {0, 0.5, 1, 1, 1, 1};
    const double precision[] = {1, 1, 0.5, 0.4, 2.0 / 6, 2.0 / 7};
    wlr_curve c;
    wlr_error err;
    CHECK(wlr_curve_compute(y, s, 7, &c, &err) == WLR_OK, "%s", err.message);
    CHECK(c.n_points == 6 && c.count[0] == 5 && c.count[1] == 2, "%zu points",
          c.n_points);
    for (size_t k = 0; k < 6 && k < c.n_points; k++) {
        CHECK(c.threshold[k] == threshold[k] && c.fp[k] == fp[k] &&
              c.tp[k] == tp[k], "point %zu: %g %zu %zu", k, c.threshold[k],
              c.fp[k], c.tp[k]);
        CHECK_NEAR(c.fpr[k], fpr[k], 1e-15);
        CHECK_NEAR(c.tpr[k], tpr[k], 1e-15);
        CHECK_NEAR(c.precision[k], precision[k], 1e-15);
    }
    wlr_curve_free(&c);
    CHECK(c.n_points == 0 && c.threshold == NULL, "freed curve is empty");
    wlr_curve_free(&c);   /* safe twice */
}

/* Reading metrics off the curve gives exactly what wlr_evaluate gives, at
 * scores, between them, and beyond both ends. */
static void test_curve_metrics_match_evaluate(void)
{
    rand_state = 4;
    rows r;
    random_rows(&r, 3000, 0.1, 2);
    wlr_curve c;
    wlr_metrics base, at, want;
    wlr_error err;
    CHECK(wlr_curve_compute(r.y, r.score, r.n, &c, &err) == WLR_OK, "%s",
          err.message);
    CHECK(wlr_evaluate(r.y, r.score, r.n, 0.5, &base, &err) == WLR_OK, "%s",
          err.message);
    const double fixed[] = {-1.0, -0.0, 0.0, 0.005, 0.01, 0.5, 0.99, 1.0, 2.0};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed + 200; i++) {
        double t = i < sizeof fixed / sizeof *fixed ? fixed[i]
                   : rand_u64() % 2 ? r.score[rand_u64() % r.n] : rand_unit();
        at = base;
        CHECK(wlr_curve_metrics(&c, t, &at, &err) == WLR_OK, "%s", err.message);
        CHECK(wlr_evaluate(r.y, r.score, r.n, t, &want, &err) == WLR_OK, "%s",
              err.message);
        CHECK(memcmp(&at, &want, sizeof at) == 0, "threshold %.17g: tp %zu vs "
              "%zu, fp %zu vs %zu", t, at.confusion[1][1], want.confusion[1][1],
              at.confusion[0][1], want.confusion[0][1]);
    }
    expect_error(wlr_curve_metrics(&c, NAN, &at, &err), &err, "threshold: ");
    wlr_curve_free(&c);
    expect_error(wlr_curve_metrics(&c, 0.5, &at, &err), &err,
                 "curve: it is empty");
    free_rows(&r);
}

/* ---------------------------------------------- threshold for a recall */

static double recall_at(const rows *r, double t)
{
    size_t caught = 0, n1 = 0;
    for (size_t i = 0; i < r->n; i++) {
        n1 += r->y[i];
        caught += r->y[i] && r->score[i] > t;
    }
    return (double)caught / (double)n1;
}

static void test_threshold_for_recall_by_hand(void)
{
    const uint8_t y[] = {0, 0, 1, 1, 0, 0, 0};
    const double s[] = {0.1, 0.3, 0.7, 0.4, 0.4, 0.2, 0.4};
    const struct {
        double target, just_above;
    } cases[] = {{1e-9, 0.7}, {0.5, 0.7}, {0.51, 0.4}, {1.0, 0.4}};
    wlr_error err;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double t;
        CHECK(wlr_threshold_for_recall(y, s, 7, cases[i].target, &t, &err) ==
              WLR_OK, "%s", err.message);
        CHECK(t == nextafter(cases[i].just_above, -INFINITY), "target %g: "
              "%.17g", cases[i].target, t);
    }
    /* 100 positives: 0.07 * 100 rounds to 7.000000000000001, yet 7 rows
     * make recall 7/100 = 0.07 exactly; the 7th highest is row 93 */
    uint8_t y100[100];
    double s100[100], t;
    for (int i = 0; i < 100; i++) {
        y100[i] = 1;
        s100[i] = (i + 0.5) / 100;
    }
    CHECK(0.07 * 100 > 7.0, "the premise of this case");
    CHECK(wlr_threshold_for_recall(y100, s100, 100, 0.07, &t, &err) == WLR_OK,
          "%s", err.message);
    CHECK(t == nextafter(s100[93], -INFINITY), "0.07 of 100: %.17g", t);
    rows r100 = {100, y100, s100, NULL};
    CHECK(recall_at(&r100, t) == 0.07, "recall %.17g", recall_at(&r100, t));
    /* the lowest positive scores 0: the threshold goes just below 0 */
    const uint8_t y2[] = {1, 0};
    const double s2[] = {0.0, 0.5};
    CHECK(wlr_threshold_for_recall(y2, s2, 2, 1.0, &t, &err) == WLR_OK, "%s",
          err.message);
    CHECK(t < 0 && t == nextafter(0.0, -INFINITY), "below 0: %g", t);
    wlr_metrics m;
    CHECK(wlr_evaluate(y2, s2, 2, t, &m, &err) == WLR_OK, "%s", err.message);
    CHECK(m.recall[1] == 1.0, "recall %g", m.recall[1]);
}

/* On random data: recall >= target at t, and below it just above t. */
static void test_threshold_for_recall_random(void)
{
    rand_state = 5;
    for (int trial = 0; trial < 100; trial++) {
        rows r;
        random_rows(&r, 10 + rand_u64() % 500, 0.3, (int)(rand_u64() % 3));
        double target = trial == 0 ? 1.0 : rand_unit() + 1e-12;
        if (target > 1) target = 1;
        double t;
        wlr_error err;
        CHECK(wlr_threshold_for_recall(r.y, r.score, r.n, target, &t, &err) ==
              WLR_OK, "%s", err.message);
        CHECK(recall_at(&r, t) >= target, "trial %d: recall %g at %g < %g",
              trial, recall_at(&r, t), t, target);
        CHECK(recall_at(&r, nextafter(t, INFINITY)) < target, "trial %d: not "
              "the largest threshold", trial);
        free_rows(&r);
    }
}

/* ------------------------------------- weights and the general path */

/* The curves of the small cases of metrics_more/ against scikit-learn's
 * roc_curve(drop_intermediate=False) and precision_recall_curve, to the
 * bit: our point k >= 1 is roc_curve's k, and precision_recall_curve's
 * point d - k. */
static void test_curves_against_scikit_learn(void)
{
    static const char *const names[] = {"w_tiny", "w_zero", "w_rounding",
                                        "w_dominant", "extremes"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[256];
        rows r;
        snprintf(path, sizeof path, MORE_DIR "%s.csv", names[i]);
        CHECK(read_rows(path, &r) && r.n > 0, "cannot read %s", path);
        snprintf(path, sizeof path, MORE_DIR "%s.expected.json", names[i]);
        char *json = slurp(path);
        wlr_curve c;
        wlr_error err;
        CHECK(json && wlr_curve_compute_weighted(r.y, r.score, r.weight, r.n,
                                                 &c, &err) == WLR_OK,
              "%s: %s", names[i], json ? err.message : "no json");
        if (!json || c.n_points == 0) {
            free(json);
            free_rows(&r);
            continue;
        }
        size_t d = c.n_points - 1;
        static const char *const keys[5] = {"roc_fpr", "roc_tpr",
                                            "roc_thresholds", "pr_precision",
                                            "pr_recall"};
        double *want = malloc(5 * (d + 1) * sizeof *want);
        int found = 1;
        for (int j = 0; j < 5; j++)
            found &= json_numbers(json, keys[j], want + j * (d + 1), (int)d + 1);
        CHECK(found, "%s: curves of %zu points", names[i], d + 1);
        for (size_t k = 0; k <= d; k++) {
            CHECK_BITS(c.fpr[k], want[k]);
            CHECK_BITS(c.tpr[k], want[d + 1 + k]);
            if (k) CHECK_BITS(c.threshold[k], want[2 * (d + 1) + k]);
            CHECK_BITS(c.precision[k], want[3 * (d + 1) + d - k]);
            CHECK_BITS(c.tpr[k], want[4 * (d + 1) + d - k]);
        }
        CHECK(c.weighted == (r.weight != NULL), "%s weighted", names[i]);
        if (c.weighted)
            for (size_t k = 1; k <= d; k++)
                CHECK_BITS(c.fpr[k], c.fp_weight[k] / c.weight[0]);
        free(want);
        wlr_curve_free(&c);
        free(json);
        free_rows(&r);
    }
}

/* Weights of 1 are no weights: the same bits as wlr_evaluate, by the other
 * path (row-order sums of weights, the ranking kept whole). */
static void test_weights_of_one(void)
{
    rand_state = 11;
    for (int trial = 0; trial < 50; trial++) {
        rows r;
        size_t n = 2 + rand_u64() % 3000;
        random_rows(&r, n, 0.05 + 0.5 * rand_unit(), (int)(rand_u64() % 4));
        double *ones = malloc(n * sizeof *ones);
        for (size_t i = 0; i < n; i++) ones[i] = 1.0;
        wlr_metrics a, b;
        wlr_error err;
        CHECK(wlr_evaluate(r.y, r.score, n, 0.4, &a, &err) == WLR_OK, "%s",
              err.message);
        CHECK(wlr_evaluate_weighted(r.y, r.score, ones, n, 0.4, &b, &err) ==
              WLR_OK, "%s", err.message);
        CHECK(b.weighted && !a.weighted, "flags");
        CHECK_BITS(a.roc_auc, b.roc_auc);
        CHECK_BITS(a.average_precision, b.average_precision);
        CHECK_BITS(a.log_loss, b.log_loss);
        CHECK_BITS(a.accuracy, b.accuracy);
        CHECK_BITS(a.balanced_accuracy, b.balanced_accuracy);
        CHECK_BITS(a.mcc, b.mcc);
        CHECK(memcmp(a.precision, b.precision, sizeof a.precision) == 0 &&
              memcmp(a.recall, b.recall, sizeof a.recall) == 0 &&
              memcmp(a.f1, b.f1, sizeof a.f1) == 0 &&
              memcmp(a.weighted_confusion, b.weighted_confusion,
                     sizeof a.weighted_confusion) == 0 &&
              memcmp(a.weighted_support, b.weighted_support,
                     sizeof a.weighted_support) == 0 &&
              memcmp(a.confusion, b.confusion, sizeof a.confusion) == 0,
              "trial %d: rates differ", trial);
        CHECK(a.has_recall1_ci95 && a.has_roc_auc_ci95 == (a.support[0] > 1 &&
              a.support[1] > 1), "unweighted intervals");
        CHECK(!b.has_recall1_ci95 && !b.has_precision1_ci95 &&
              !b.has_roc_auc_ci95, "no intervals with weights");
        wlr_curve ca, cb;
        CHECK(wlr_curve_compute(r.y, r.score, n, &ca, &err) == WLR_OK &&
              wlr_curve_compute_weighted(r.y, r.score, ones, n, &cb, &err) ==
              WLR_OK, "%s", err.message);
        size_t k = ca.n_points;
        CHECK(k == cb.n_points &&
              memcmp(ca.fpr, cb.fpr, k * sizeof *ca.fpr) == 0 &&
              memcmp(ca.tpr, cb.tpr, k * sizeof *ca.tpr) == 0 &&
              memcmp(ca.precision, cb.precision,
                     k * sizeof *ca.precision) == 0 &&
              memcmp(ca.fp, cb.fp, k * sizeof *ca.fp) == 0 &&
              memcmp(ca.threshold, cb.threshold, k * sizeof *ca.threshold) == 0,
              "trial %d: curves differ", trial);
        wlr_curve_free(&ca);
        wlr_curve_free(&cb);
        free(ones);
        free_rows(&r);
    }
}

/* Scores times 4 are no longer probabilities, so they go the general path;
 * the order is the same, and so is every metric but the log-loss and the
 * Brier score (probabilities' alone), to the
 * bit, at threshold 4 t against t, and the curve, with its thresholds
 * times 4. Reading the curve at a threshold gives wlr_evaluate's metrics
 * there, as on the other path. */
static void test_general_path_matches(void)
{
    rand_state = 12;
    for (int trial = 0; trial < 50; trial++) {
        rows r;
        size_t n = 2 + rand_u64() % 3000;
        random_rows(&r, n, 0.05 + 0.5 * rand_unit(), (int)(rand_u64() % 4));
        double *x4 = malloc(n * sizeof *x4);
        for (size_t i = 0; i < n; i++) x4[i] = 4 * r.score[i];
        x4[0] = 4.0;    /* at least one score above 1 */
        r.score[0] = 1.0;
        wlr_metrics a, b;
        wlr_error err;
        CHECK(wlr_evaluate(r.y, r.score, n, 0.3, &a, &err) == WLR_OK &&
              wlr_evaluate(r.y, x4, n, 1.2, &b, &err) == WLR_OK, "%s",
              err.message);
        CHECK(a.probabilities && !b.probabilities && b.log_loss == 0 &&
              b.brier == 0, "probabilities %d %d", a.probabilities,
              b.probabilities);
        b.log_loss = a.log_loss;
        b.brier = a.brier;
        b.probabilities = 1;
        b.threshold = 0.3;
        CHECK(memcmp(&a, &b, sizeof a) == 0, "trial %d: metrics differ (AUC "
              "%.17g vs %.17g, AP %.17g vs %.17g)", trial, a.roc_auc, b.roc_auc,
              a.average_precision, b.average_precision);
        wlr_curve ca, cb;
        CHECK(wlr_curve_compute(r.y, r.score, n, &ca, &err) == WLR_OK &&
              wlr_curve_compute(r.y, x4, n, &cb, &err) == WLR_OK, "%s",
              err.message);
        size_t k = ca.n_points;
        int same = k == cb.n_points &&
                   memcmp(ca.fpr, cb.fpr, k * sizeof *ca.fpr) == 0 &&
                   memcmp(ca.tpr, cb.tpr, k * sizeof *ca.tpr) == 0 &&
                   memcmp(ca.precision, cb.precision,
                          k * sizeof *ca.precision) == 0 &&
                   memcmp(ca.fp, cb.fp, k * sizeof *ca.fp) == 0 &&
                   memcmp(ca.tp, cb.tp, k * sizeof *ca.tp) == 0;
        for (size_t j = 0; same && j < k; j++)
            same = cb.threshold[j] == 4 * ca.threshold[j];
        CHECK(same, "trial %d: curves differ", trial);
        wlr_metrics at = b, want;
        double t = trial % 2 ? x4[rand_u64() % n] : -1.5 + 7 * rand_unit();
        CHECK(wlr_curve_metrics(&cb, t, &at, &err) == WLR_OK &&
              wlr_evaluate(r.y, x4, n, t, &want, &err) == WLR_OK, "%s",
              err.message);
        at.log_loss = want.log_loss;
        at.brier = want.brier;
        at.probabilities = want.probabilities;
        CHECK(memcmp(&at, &want, sizeof at) == 0, "trial %d: curve metrics at "
              "%g differ", trial, t);
        wlr_curve_free(&ca);
        wlr_curve_free(&cb);
        free(x4);
        free_rows(&r);
    }
}

/* Every kind of finite double orders right: negatives, -0.0, denormals,
 * the largest magnitudes. ROC AUC against the pair count, the curve's
 * thresholds exactly the distinct scores, falling. */
static void test_scores_of_every_sign(void)
{
    const double pick[] = {-DBL_MAX, -1e300, -5.0, -1.0, -1e-300, -4.9e-324,
                           -0.0, 0.0, 4.9e-324, 1e-300, 0.5, 1.0, 2.0, 1e300,
                           DBL_MAX};
    const size_t n_pick = sizeof pick / sizeof *pick;
    rand_state = 13;
    for (int trial = 0; trial < 100; trial++) {
        rows r;
        size_t n = 2 + rand_u64() % 60;
        random_rows(&r, n, 0.4, 0);
        for (size_t i = 0; i < n; i++) r.score[i] = pick[rand_u64() % n_pick];
        wlr_metrics m;
        wlr_curve c;
        wlr_error err;
        CHECK(wlr_evaluate(r.y, r.score, n, 0.0, &m, &err) == WLR_OK, "%s",
              err.message);
        CHECK_NEAR(m.roc_auc, mann_whitney_auc(&r), TOL);
        CHECK_NEAR(m.average_precision, brute_average_precision(&r), TOL);
        CHECK(wlr_curve_compute(r.y, r.score, n, &c, &err) == WLR_OK, "%s",
              err.message);
        for (size_t k = 1; k < c.n_points; k++) {
            size_t fp, tp, found = 0;
            count_at_or_above(&r, c.threshold[k], &fp, &tp);
            for (size_t i = 0; i < n; i++) found += r.score[i] == c.threshold[k];
            CHECK(found && c.fp[k] == fp && c.tp[k] == tp &&
                  c.threshold[k] < c.threshold[k - 1], "trial %d point %zu: %g",
                  trial, k, c.threshold[k]);
        }
        wlr_curve_free(&c);
        free_rows(&r);
    }
}

/* Weighted metrics by their definitions, on random rows with ties and
 * weights of 0: ROC AUC = sum over (class 1 row i, class 0 row j) of
 * s_i s_j [1 if i scores higher, 1/2 if tied] / (S1 S0); average precision
 * by walking the distinct scores of weighted rows from the top; the
 * log-loss and accuracy as weighted means. And rows of weight 0 change
 * nothing in the ranking. */
static void test_weighted_brute_force(void)
{
    rand_state = 14;
    for (int trial = 0; trial < 200; trial++) {
        rows r;
        size_t n = 4 + rand_u64() % 80;
        random_rows(&r, n, 0.2 + 0.6 * rand_unit(), (int)(rand_u64() % 3));
        double *w = malloc(n * sizeof *w);
        for (size_t i = 0; i < n; i++)
            w[i] = rand_u64() % 5 == 0 ? 0.0 : rand_unit() * 10;
        w[0] = w[n - 1] = 1.5;   /* row 0 is class 0, row n - 1 class 1 */
        double pairs = 0, s[2] = {0, 0}, loss = 0, right = 0;
        for (size_t i = 0; i < n; i++) {
            s[r.y[i]] += w[i];
            loss += w[i] * (r.y[i] ? -log(fmax(r.score[i], 0x1p-52))
                                   : -log(fmax(1 - r.score[i], 0x1p-52)));
            right += w[i] * (r.y[i] == (r.score[i] > 0.5));
            if (!r.y[i]) continue;
            for (size_t j = 0; j < n; j++)
                if (!r.y[j])
                    pairs += w[i] * w[j] *
                             (r.score[i] > r.score[j] ? 1.0
                              : r.score[i] == r.score[j] ? 0.5 : 0.0);
        }
        double ap = 0, prev_recall = 0, above = INFINITY;
        for (;;) {
            double top = -INFINITY, tp = 0, fp = 0;
            for (size_t i = 0; i < n; i++)
                if (w[i] > 0 && r.score[i] < above && r.score[i] > top)
                    top = r.score[i];
            if (top == -INFINITY) break;
            for (size_t i = 0; i < n; i++)
                if (w[i] > 0 && r.score[i] >= top) {
                    if (r.y[i]) tp += w[i];
                    else fp += w[i];
                }
            ap += (tp / s[1] - prev_recall) * (tp / (tp + fp));
            prev_recall = tp / s[1];
            above = top;
        }
        wlr_metrics m;
        wlr_error err;
        CHECK(wlr_evaluate_weighted(r.y, r.score, w, n, 0.5, &m, &err) ==
              WLR_OK, "%s", err.message);
        CHECK_NEAR(m.roc_auc, pairs / (s[0] * s[1]), TOL);
        CHECK_NEAR(m.average_precision, ap, TOL);
        CHECK_NEAR(m.log_loss, loss / (s[0] + s[1]), 1e-11);
        CHECK_NEAR(m.accuracy, right / (s[0] + s[1]), TOL);
        CHECK_NEAR(m.weighted_support[1], s[1], 1e-9);

        /* without the rows of weight 0: the same ranking, to the bit */
        rows kept = {0, malloc(n), malloc(n * sizeof(double)),
                     malloc(n * sizeof(double))};
        for (size_t i = 0; i < n; i++)
            if (w[i] > 0) {
                kept.y[kept.n] = r.y[i];
                kept.score[kept.n] = r.score[i];
                kept.weight[kept.n++] = w[i];
            }
        wlr_metrics k;
        CHECK(wlr_evaluate_weighted(kept.y, kept.score, kept.weight, kept.n,
                                    0.5, &k, &err) == WLR_OK, "%s", err.message);
        CHECK_BITS(m.roc_auc, k.roc_auc);
        CHECK_BITS(m.average_precision, k.average_precision);
        CHECK(memcmp(m.weighted_confusion, k.weighted_confusion,
                     sizeof m.weighted_confusion) == 0, "weight-0 rows add 0");
        free_rows(&kept);
        free(w);
        free_rows(&r);
    }
}

/* DeLong's interval against its definition computed pair by pair, on
 * probabilities (with ties) and on logits (the general path). */
static void brute_delong(const rows *r, double auc, double ci[2])
{
    size_t n0 = 0, n1 = 0;
    for (size_t i = 0; i < r->n; i++) r->y[i] ? n1++ : n0++;
    double s10 = 0, s01 = 0;
    for (size_t i = 0; i < r->n; i++) {
        double v = 0;
        for (size_t j = 0; j < r->n; j++) {
            if (r->y[j] == r->y[i]) continue;
            double hi = r->y[i] ? r->score[i] : r->score[j];
            double lo = r->y[i] ? r->score[j] : r->score[i];
            v += hi > lo ? 1.0 : hi == lo ? 0.5 : 0.0;
        }
        if (r->y[i]) s10 += (v / n0 - auc) * (v / n0 - auc);
        else s01 += (v / n1 - auc) * (v / n1 - auc);
    }
    double se = sqrt(s10 / (n1 - 1) / n1 + s01 / (n0 - 1) / n0);
    ci[0] = fmax(0, auc - 1.959963984540054 * se);
    ci[1] = fmin(1, auc + 1.959963984540054 * se);
}

static void test_delong_brute_force(void)
{
    rand_state = 15;
    for (int trial = 0; trial < 200; trial++) {
        rows r;
        size_t n = 4 + rand_u64() % 150;
        random_rows(&r, n, 0.1 + 0.8 * rand_unit(), (int)(rand_u64() % 3));
        r.y[1] = 0;
        r.y[n - 2] = 1;
        if (trial % 2)
            for (size_t i = 0; i < n; i++) r.score[i] = 6 * r.score[i] - 3;
        wlr_metrics m;
        wlr_error err;
        double want[2];
        CHECK(wlr_evaluate(r.y, r.score, n, 0.5, &m, &err) == WLR_OK, "%s",
              err.message);
        brute_delong(&r, m.roc_auc, want);
        CHECK(m.has_roc_auc_ci95, "trial %d: no interval", trial);
        CHECK_NEAR(m.roc_auc_ci95[0], want[0], TOL);
        CHECK_NEAR(m.roc_auc_ci95[1], want[1], TOL);
        CHECK(m.roc_auc_ci95[0] <= m.roc_auc && m.roc_auc <= m.roc_auc_ci95[1],
              "trial %d: AUC outside its interval", trial);
        free_rows(&r);
    }
    /* one row of a class: no variance to estimate */
    const uint8_t y[] = {0, 0, 1, 0};
    const double s[] = {0.1, 0.2, 0.9, 0.3};
    wlr_metrics m;
    wlr_error err;
    CHECK(wlr_evaluate(y, s, 4, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    CHECK(!m.has_roc_auc_ci95 && m.has_recall1_ci95, "n1 = 1");
    /* a perfect ranking: every component is 1 (or 0), the interval [1, 1] */
    const uint8_t y2[] = {0, 1, 0, 1};
    const double s2[] = {0.1, 0.9, 0.2, 0.8};
    CHECK(wlr_evaluate(y2, s2, 4, 0.5, &m, &err) == WLR_OK, "%s", err.message);
    CHECK(m.has_roc_auc_ci95 && m.roc_auc_ci95[0] == 1 && m.roc_auc_ci95[1] == 1,
          "[%g, %g]", m.roc_auc_ci95[0], m.roc_auc_ci95[1]);
}

/* Wilson's interval: the ends at k = 0 and k = m in closed form
 * (z^2 / (m + z^2) and m / (m + z^2)), the mirror symmetry k <-> m - k,
 * Python's values (tests/data/metrics_more/tiny: 1 of 2, and 1 of 1), and
 * the errors. */
static void test_wilson(void)
{
    const double z2 = 1.959963984540054 * 1.959963984540054;
    double ci[2], mirror[2];
    wlr_error err;
    for (size_t m = 1; m < 200; m += 7) {
        CHECK(wlr_wilson_interval(0, m, ci, &err) == WLR_OK, "%s", err.message);
        CHECK(ci[0] == 0 && fabs(ci[1] - z2 / ((double)m + z2)) < 1e-15,
              "0 of %zu: [%g, %g]", m, ci[0], ci[1]);
        CHECK(wlr_wilson_interval(m, m, ci, &err) == WLR_OK, "%s", err.message);
        CHECK(ci[1] == 1 && fabs(ci[0] - (double)m / ((double)m + z2)) < 1e-15,
              "%zu of %zu: [%g, %g]", m, m, ci[0], ci[1]);
        for (size_t k = 0; k <= m; k += 3) {
            wlr_wilson_interval(k, m, ci, &err);
            wlr_wilson_interval(m - k, m, mirror, &err);
            double p = (double)k / (double)m;
            CHECK(fabs(ci[0] - (1 - mirror[1])) < 1e-15 &&
                  fabs(ci[1] - (1 - mirror[0])) < 1e-15 && ci[0] <= p &&
                  p <= ci[1], "%zu of %zu", k, m);
        }
    }
    CHECK(wlr_wilson_interval(1, 2, ci, &err) == WLR_OK, "%s", err.message);
    CHECK_NEAR(ci[0], 0.09453120573423074, 1e-15);
    CHECK_NEAR(ci[1], 0.9054687942657693, 1e-15);
    CHECK(wlr_wilson_interval(1, 1, ci, &err) == WLR_OK, "%s", err.message);
    CHECK_NEAR(ci[0], 0.20654931437723745, 1e-15);
    expect_error(wlr_wilson_interval(0, 0, ci, &err), &err, "m: no trials");
    expect_error(wlr_wilson_interval(3, 2, ci, &err), &err,
                 "k: 3 successes of 2 trials");
}

/* Weight sums as supports print as Python prints floats: "0.5", "1e-05",
 * "2.0", "1e+16", a 16-digit whole number with ".0", the total's rounding
 * shown in full (each expected text is Python's repr of the same sum). */
static void test_report_weighted_supports(void)
{
    static const struct {
        double w0, w1;
        const char *s0, *s1, *total;
    } cases[] = {{0.5, 1e-5, "0.5", "1e-05", "0.50001"},
                 {1e16, 2.0, "1e+16", "2.0", "1.0000000000000002e+16"},
                 {1234567890123456.0, 0.1, "1234567890123456.0", "0.1",
                  "1234567890123456.0"},
                 {0.0001, 0.00012, "0.0001", "0.00012", "0.00022"},
                 {0.1, 0.2, "0.1", "0.2", "0.30000000000000004"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const uint8_t y[] = {0, 1};
        const double s[] = {0.2, 0.7}, w[] = {cases[i].w0, cases[i].w1};
        wlr_metrics m;
        wlr_error err;
        char got[1024], line[256];
        CHECK(wlr_evaluate_weighted(y, s, w, 2, 0.5, &m, &err) == WLR_OK, "%s",
              err.message);
        wlr_classification_report(&m, 2, got, sizeof got);
        snprintf(line, sizeof line, "           0       1.00      1.00      "
                 "1.00 %9s\n           1       1.00      1.00      1.00 %9s\n",
                 cases[i].s0, cases[i].s1);
        CHECK(strstr(got, line) != NULL, "case %zu:\n%s", i, got);
        snprintf(line, sizeof line, "weighted avg       1.00      1.00      "
                 "1.00 %9s\n", cases[i].total);
        CHECK(strstr(got, line) != NULL, "case %zu:\n%s", i, got);
    }
}

/* --------------------------------------------------------------- errors */

static void test_errors(void)
{
    const uint8_t y[] = {0, 1, 0, 1};
    const uint8_t zeros[] = {0, 0, 0, 0}, ones[] = {1, 1, 1, 1};
    const uint8_t two[] = {0, 1, 2, 1};
    double s[] = {0.1, 0.9, 0.2, 0.8};
    wlr_metrics m;
    wlr_curve c;
    wlr_error err;
    double t;

    expect_error(wlr_evaluate(y, s, 0, 0.5, &m, &err), &err, "n: there are no rows");
    expect_error(wlr_evaluate(two, s, 4, 0.5, &m, &err), &err,
                 "y: row 2 is 2, not 0 or 1");
    expect_error(wlr_evaluate(zeros, s, 4, 0.5, &m, &err), &err,
                 "y: ROC AUC is undefined: the labels hold only class 0");
    expect_error(wlr_evaluate(ones, s, 4, 0.5, &m, &err), &err,
                 "y: ROC AUC is undefined: the labels hold only class 1");
    const double bad[] = {NAN, INFINITY, -INFINITY};
    const char *shown[] = {"(nan)", "(inf)", "(-inf)"};
    for (int i = 0; i < 3; i++) {
        s[3] = bad[i];
        expect_error(wlr_evaluate(y, s, 4, 0.5, &m, &err), &err,
                     "score: row 3 is not a finite number");
        CHECK(strstr(err.message, shown[i]) != NULL || (i == 0 &&
              strstr(err.message, "nan")), "'%s' does not show the value",
              err.message);
        expect_error(wlr_evaluate_weighted(y, s, NULL, 4, 0.5, &m, &err), &err,
                     "score: row 3 is not a finite number");
        expect_error(wlr_curve_compute(y, s, 4, &c, &err), &err, "score: row 3");
        CHECK(c.n_points == 0 && c.threshold == NULL, "curve left empty");
        expect_error(wlr_threshold_for_recall(y, s, 4, 0.5, &t, &err), &err,
                     "score: row 3");
    }
    /* any finite score ranks; only the recall threshold wants [0, 1] */
    const double outside[] = {-0.1, 1.0000000000000002, -1e300, 1e300};
    for (int i = 0; i < 4; i++) {
        s[3] = outside[i];
        CHECK(wlr_evaluate(y, s, 4, 0.5, &m, &err) == WLR_OK, "%s", err.message);
        CHECK(!m.probabilities && m.log_loss == 0, "score %g: probabilities %d "
              "log loss %g", s[3], m.probabilities, m.log_loss);
        CHECK(wlr_curve_compute(y, s, 4, &c, &err) == WLR_OK, "%s", err.message);
        wlr_curve_free(&c);
        expect_error(wlr_threshold_for_recall(y, s, 4, 0.5, &t, &err), &err,
                     "score: row 3 is not a finite number in [0, 1]");
    }
    s[3] = 0.8;
    const double bad_threshold[] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++)
        expect_error(wlr_evaluate(y, s, 4, bad_threshold[i], &m, &err), &err,
                     "threshold: ");
    CHECK(m.confusion[0][0] == 0 && m.roc_auc == 0, "m left empty on failure");

    expect_error(wlr_curve_compute(y, s, 0, &c, &err), &err, "n: ");
    expect_error(wlr_curve_compute(zeros, s, 4, &c, &err), &err,
                 "y: the ROC curve is undefined: the labels hold only class 0");
    expect_error(wlr_curve_compute(two, s, 4, &c, &err), &err, "y: row 2");

    expect_error(wlr_threshold_for_recall(y, s, 0, 0.5, &t, &err), &err, "n: ");
    expect_error(wlr_threshold_for_recall(zeros, s, 4, 0.5, &t, &err), &err,
                 "y: recall is undefined: the labels hold only class 0");
    const double bad_target[] = {0.0, -0.5, 1.5, NAN, INFINITY};
    for (int i = 0; i < 5; i++)
        expect_error(wlr_threshold_for_recall(y, s, 4, bad_target[i], &t, &err),
                     &err, "target: the recall to reach must be in (0, 1]");
    /* only class 1 is fine for recall */
    CHECK(wlr_threshold_for_recall(ones, s, 4, 0.5, &t, &err) == WLR_OK, "%s",
          err.message);
    CHECK(t == nextafter(0.8, -INFINITY), "%.17g", t);
    /* err may be NULL */
    CHECK(wlr_evaluate(y, s, 0, 0.5, &m, NULL) == WLR_ERR_ARG, "NULL err");
}

/* Bad weights: the row and the value named; a class whose rows all weigh
 * 0; the weighted curve cannot be read at a threshold. Outputs left empty. */
static void test_weight_errors(void)
{
    const uint8_t y[] = {0, 1, 0, 1};
    const double s[] = {0.1, 0.9, 0.2, 0.8};
    double w[] = {1, 2, 3, 4};
    const double bad[] = {-1.0, NAN, INFINITY, -INFINITY, -0x1p-1074};
    const char *shown[] = {"row 2 is -1;", "row 2 is nan", "row 2 is inf",
                           "row 2 is -inf", "row 2 is -4.94"};
    wlr_metrics m;
    wlr_curve c;
    wlr_error err;
    for (int i = 0; i < 5; i++) {
        w[2] = bad[i];
        expect_error(wlr_evaluate_weighted(y, s, w, 4, 0.5, &m, &err), &err,
                     "weight: row 2 is ");
        CHECK(strstr(err.message, shown[i]) && strstr(err.message,
              "weights must be finite and >= 0"), "'%s'", err.message);
        CHECK(m.roc_auc == 0 && !m.weighted, "m left empty");
        expect_error(wlr_curve_compute_weighted(y, s, w, 4, &c, &err), &err,
                     "weight: row 2 is ");
        CHECK(c.n_points == 0 && c.threshold == NULL, "curve left empty");
    }
    w[2] = -0.0;   /* a weight of -0 is a weight of 0 */
    CHECK(wlr_evaluate_weighted(y, s, w, 4, 0.5, &m, &err) == WLR_OK, "%s",
          err.message);
    const double none1[] = {1, 0, 3, 0}, none0[] = {0, 2, 0, 4};
    expect_error(wlr_evaluate_weighted(y, s, none1, 4, 0.5, &m, &err), &err,
                 "weight: the rows of class 1 weigh 0 in all");
    expect_error(wlr_evaluate_weighted(y, s, none0, 4, 0.5, &m, &err), &err,
                 "weight: the rows of class 0 weigh 0 in all");
    expect_error(wlr_curve_compute_weighted(y, s, none1, 4, &c, &err), &err,
                 "weight: the rows of class 1");
    /* labels and scores are checked first, as without weights */
    const uint8_t two[] = {0, 1, 2, 1};
    expect_error(wlr_evaluate_weighted(two, s, w, 4, 0.5, &m, &err), &err,
                 "y: row 2 is 2");
    const uint8_t zeros[] = {0, 0, 0, 0};
    expect_error(wlr_evaluate_weighted(zeros, s, w, 4, 0.5, &m, &err), &err,
                 "y: ROC AUC is undefined");
    expect_error(wlr_evaluate_weighted(y, s, w, 4, NAN, &m, &err), &err,
                 "threshold: ");
    w[2] = 3;
    CHECK(wlr_curve_compute_weighted(y, s, w, 4, &c, &err) == WLR_OK, "%s",
          err.message);
    CHECK(wlr_evaluate_weighted(y, s, w, 4, 0.5, &m, &err) == WLR_OK, "%s",
          err.message);
    expect_error(wlr_curve_metrics(&c, 0.5, &m, &err), &err,
                 "curve: it is weighted");
    wlr_curve_free(&c);
    CHECK(c.fp_weight == NULL && c.weighted == 0, "freed");
}

/* ------------------------------------------------------- calibration */

/* The reliability diagram against scikit-learn 1.2.1's calibration_curve
 * (n_bins=10, strategy="uniform") on numpy's RandomState(3): p = rand(300)
 * and seven values on and near the bins' edges, y = rand() < 0.7 p; the
 * expected numbers printed by Python (see the comment in each array). ECE
 * as wlr_metrics.h defines it, summed bin by bin in Python. */
static void test_reliability_against_scikit_learn(void)
{
    enum { N = 307 };
    static const double extra[7] = {0, 0.1, 0.2, 0.5, 0.9, 1.0, 0.3};
    uint8_t y[N];
    double p[N];
    wlr__rng rng;
    wlr__rng_seed(&rng, 3);
    for (int i = 0; i < 300; i++) p[i] = wlr__rng_double(&rng);
    for (int i = 0; i < 7; i++) p[300 + i] = extra[i];
    for (int i = 0; i < N; i++) y[i] = wlr__rng_double(&rng) < p[i] * 0.7;
    /* prob_true, prob_pred, np.bincount of the bins */
    static const double rate[10] = {
        0.02857142857142857, 0.03571428571428571, 0.225, 0.15,
        0.2564102564102564, 0.20689655172413793, 0.5666666666666667,
        0.45161290322580644, 0.7096774193548387, 0.5416666666666666};
    static const double mean_p[10] = {
        0.05933089293841029, 0.1562046646468684, 0.2527105293890579,
        0.3513142454000079, 0.4547902676487536, 0.5479198590611659,
        0.6632509369766345, 0.7466729478074616, 0.8586346481051057,
        0.9488256513693174};
    static const double count[10] = {35, 28, 40, 20, 39, 29, 30, 31, 31, 24};
    wlr_reliability r;
    wlr_error err;
    CHECK(wlr_reliability_compute(y, p, NULL, N, &r, &err) == WLR_OK, "%s",
          err.message);
    for (int b = 0; b < 10; b++) {
        CHECK(r.count[b] == count[b], "bin %d: %g rows, scikit-learn %g", b,
              r.count[b], count[b]);
        CHECK(same_bits(r.rate[b], rate[b]) && same_bits(r.mean_p[b], mean_p[b]),
              "bin %d: rate %.17g mean %.17g, scikit-learn %.17g %.17g", b,
              r.rate[b], r.mean_p[b], rate[b], mean_p[b]);
    }
    CHECK(same_bits(r.ece, 0.17474069548223647), "ece %.17g", r.ece);
    /* weights of 1 are no weights; an empty bin has NaN means */
    double w[N];
    for (int i = 0; i < N; i++) w[i] = 1.0;
    wlr_reliability rw;
    CHECK(wlr_reliability_compute(y, p, w, N, &rw, &err) == WLR_OK &&
          memcmp(&r, &rw, sizeof r) == 0, "weights of 1 change the diagram");
    double low[3] = {0.01, 0.02, 0.95};
    uint8_t yl[3] = {0, 0, 1};
    CHECK(wlr_reliability_compute(yl, low, NULL, 3, &r, &err) == WLR_OK &&
          r.count[5] == 0 && isnan(r.mean_p[5]) && isnan(r.rate[5]) &&
          fabs(r.ece - (2.0 / 3 * 0.015 + 1.0 / 3 * 0.05)) < 1e-15,
          "empty bins: ece %.17g", r.ece);
    /* refusals */
    double bad[2] = {0.5, 1.5};
    uint8_t yb[2] = {0, 1}, y2[2] = {0, 2};
    CHECK(wlr_reliability_compute(yb, bad, NULL, 2, &r, &err) == WLR_ERR_ARG &&
          strstr(err.message, "score[1] = 1.5"), "p 1.5: %s", err.message);
    CHECK(wlr_reliability_compute(y2, low, NULL, 2, &r, &err) == WLR_ERR_ARG &&
          strstr(err.message, "y[1] = 2"), "y 2: %s", err.message);
    CHECK(wlr_reliability_compute(yb, low, NULL, 0, &r, &err) == WLR_ERR_ARG,
          "no rows accepted");
    double neg[2] = {1, -1}, zero[2] = {0, 0};
    CHECK(wlr_reliability_compute(yb, low, neg, 2, &r, &err) == WLR_ERR_ARG &&
          strstr(err.message, "weight[1]"), "weight -1: %s", err.message);
    CHECK(wlr_reliability_compute(yb, low, zero, 2, &r, &err) == WLR_ERR_ARG,
          "weights all 0 accepted");
}

int main(void)
{
    RUN(test_reference_cases);
    RUN(test_more_cases);
    RUN(test_reliability_against_scikit_learn);
    RUN(test_score_equal_to_threshold_is_class_0);
    RUN(test_all_ties);
    RUN(test_perfect_ranking);
    RUN(test_inverse_ranking);
    RUN(test_extreme_scores);
    RUN(test_report_digits_0);
    RUN(test_report_wide_digits);
    RUN(test_report_of_empty_metrics);
    RUN(test_report_truncation);
    RUN(test_brute_force);
    RUN(test_row_order_does_not_matter);
    RUN(test_many_rows_against_ranks);
    RUN(test_curve_by_hand);
    RUN(test_curve_metrics_match_evaluate);
    RUN(test_threshold_for_recall_by_hand);
    RUN(test_threshold_for_recall_random);
    RUN(test_curves_against_scikit_learn);
    RUN(test_weights_of_one);
    RUN(test_general_path_matches);
    RUN(test_scores_of_every_sign);
    RUN(test_weighted_brute_force);
    RUN(test_delong_brute_force);
    RUN(test_wilson);
    RUN(test_report_weighted_supports);
    RUN(test_errors);
    RUN(test_weight_errors);
    RUN(test_threads_same_bits);
    return check_summary();
}
