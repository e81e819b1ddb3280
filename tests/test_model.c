/*
 * test_model.c - tests of src/model.c: save -> load gives the same bits
 * (names, label and positive value too, and the prior correction's
 * lines), version 1 files still load, and
 * every kind of bad file, or bad field, is refused with "PATH:LINE: what"
 * by the reader and before a byte is written by the writer.
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/wlr-test-model.XXXXXX";

static const char *path_in_dir(const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* A small trained model on generated data, with names. */
static void make_model(wlr_model_file *mf, wlr_dataset *d, int standardize)
{
    wlr_gen_params gp;
    wlr_gen_defaults(&gp);
    gp.n_samples = 2000;
    gp.n_features = 3;
    gp.weights[0] = 0.9;
    gp.weights[1] = 0.1;
    wlr_error err;
    CHECK(wlr_generate(&gp, d, &err) == WLR_OK, "%s", err.message);
    d->names = calloc(3, sizeof *d->names);
    const char *names[] = {"age", "blood pressure", "x,3"};
    for (int j = 0; j < 3; j++) {
        d->names[j] = malloc(32);
        strcpy(d->names[j], names[j]);
    }
    d->label_name = strcpy(malloc(16), "outcome");
    wlr_train_options o;
    wlr_train_defaults(&o);
    o.epochs = 5;
    o.standardize = standardize;
    o.class_weight[1] = 9;
    wlr_model m;
    wlr_train_info info;
    CHECK(wlr_train(d, &o, &m, &info, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_model_file_make(mf, d, &o, &m, &info, 0.25, "f1 on validation",
                              &err) == WLR_OK, "%s", err.message);
    mf->positive = strcpy(malloc(16), "yes please");
    wlr_model_free(&m);
    wlr_train_info_free(&info);
}

static void test_round_trip(void)
{
    for (int standardize = 0; standardize < 2; standardize++) {
        wlr_model_file mf, back;
        wlr_dataset d;
        wlr_error err;
        make_model(&mf, &d, standardize);
        const char *p = path_in_dir("m.txt");
        CHECK(wlr_model_save(&mf, p, &err) == WLR_OK, "%s", err.message);
        CHECK(wlr_model_load(p, &back, &err) == WLR_OK, "%s", err.message);
        CHECK(back.model.n_features == 3, "%zu features", back.model.n_features);
        for (size_t j = 0; j < 3 && back.model.n_features == 3; j++) {
            CHECK(memcmp(&mf.model.coef[j], &back.model.coef[j], sizeof(double)) == 0,
                  "coef %zu: %.17g != %.17g", j, mf.model.coef[j], back.model.coef[j]);
            CHECK(mf.mean[j] == back.mean[j] && mf.sd[j] == back.sd[j], "scaling %zu", j);
            CHECK(strcmp(mf.names[j], back.names[j]) == 0, "name %zu: '%s'", j,
                  back.names[j]);
        }
        CHECK(memcmp(&mf.model.intercept, &back.model.intercept, sizeof(double)) == 0,
              "intercept");
        CHECK(back.standardized == standardize, "standardized %d", back.standardized);
        if (!standardize) CHECK(back.mean[0] == 0 && back.sd[0] == 1, "identity scaling");
        else CHECK(back.sd[0] != 1, "standardised sd recorded");
        CHECK(back.class_weight[0] == 1 && back.class_weight[1] == 9, "class weights");
        CHECK(back.threshold == 0.25, "threshold %g", back.threshold);
        CHECK(strcmp(back.threshold_rule, "f1 on validation") == 0, "rule '%s'",
              back.threshold_rule);
        CHECK(strcmp(back.solver, "gd") == 0 && back.iterations == 5, "summary");
        CHECK(back.label && strcmp(back.label, "outcome") == 0, "label '%s'",
              back.label ? back.label : "(null)");
        CHECK(back.positive && strcmp(back.positive, "yes please") == 0,
              "positive '%s'", back.positive ? back.positive : "(null)");
        CHECK(back.loss == mf.loss && back.l2 == mf.l2, "loss, l2");
        CHECK(back.train_counts[0] + back.train_counts[1] == 2000, "counts");
        /* the loaded model predicts the same bits */
        double *p1 = malloc(2000 * sizeof *p1), *p2 = malloc(2000 * sizeof *p2);
        wlr_predict_proba(&mf.model, &d, p1);
        wlr_predict_proba(&back.model, &d, p2);
        CHECK(memcmp(p1, p2, 2000 * sizeof *p1) == 0, "predictions differ");
        CHECK(wlr_model_check_data(&back, &d, "d.csv", &err) == WLR_OK, "%s",
              err.message);
        free(p1);
        free(p2);
        /* saving the loaded model writes the same text */
        const char *q = path_in_dir("again.txt");
        CHECK(wlr_model_save(&back, q, &err) == WLR_OK, "%s", err.message);
        char cmd[600];
        snprintf(cmd, sizeof cmd, "cmp -s %s %s", p, q);
        CHECK(system(cmd) == 0, "resaved file differs");
        wlr_model_file_free(&mf);
        wlr_model_file_free(&back);
        wlr_dataset_free(&d);
    }
}

/* The text of a good model with one line replaced (or cut after a line). */
static const char *good =
    "wlr-model 1\n"
    "# comment\n"
    "features 2\n"
    "feature 0.5 0 1 x1\n"
    "feature -1.25 0 1 x2\n"
    "intercept -3\n"
    "standardized 0\n"
    "class_weight 1 200\n"
    "threshold 0.5\n"
    "threshold_rule default\n"
    "solver gd\n"
    "l2 0.0001\n"
    "iterations 50\n"
    "loss 0.07\n"
    "train_counts 100 10\n"
    "end\n";

/* Loads text and expects failure with a message containing want. */
static void expect_refused(const char *text, const char *want)
{
    const char *p = path_in_dir("bad.txt");
    write_text(p, text);
    wlr_model_file mf;
    wlr_error err;
    err.message[0] = 0;
    wlr_status st = wlr_model_load(p, &mf, &err);
    CHECK(st != WLR_OK, "accepted a file that should fail with '%s'", want);
    CHECK(strstr(err.message, want) != NULL, "message '%s' lacks '%s'", err.message,
          want);
    CHECK(strncmp(err.message, p, strlen(p)) == 0, "message '%s' does not start "
          "with the path", err.message);
    CHECK(mf.model.coef == NULL && mf.names == NULL, "failed load left data");
}

/* good with line `line` (1-based) replaced by repl (NULL: cut from there). */
static void with_line(int line, const char *repl, char *out, size_t cap)
{
    const char *s = good;
    size_t len = 0;
    out[0] = 0;
    for (int k = 1; *s; k++) {
        const char *e = strchr(s, '\n') + 1;
        if (k == line) {
            if (!repl) break;
            len += (size_t)snprintf(out + len, cap - len, "%s\n", repl);
        } else {
            len += (size_t)snprintf(out + len, cap - len, "%.*s", (int)(e - s), s);
        }
        s = e;
    }
}

static void test_good_text_loads(void)
{
    const char *p = path_in_dir("good.txt");
    write_text(p, good);
    wlr_model_file mf;
    wlr_error err;
    CHECK(wlr_model_load(p, &mf, &err) == WLR_OK, "%s", err.message);
    CHECK(mf.model.n_features == 2 && mf.model.coef[1] == -1.25 &&
          mf.model.intercept == -3 && mf.class_weight[1] == 200, "values");
    wlr_model_file_free(&mf);
}

static void test_refusals(void)
{
    char text[2048];
    wlr_model_file mf;
    wlr_error err;
    CHECK(wlr_model_load(path_in_dir("missing.txt"), &mf, &err) == WLR_ERR_IO,
          "missing file accepted");
    CHECK(strstr(err.message, "missing.txt: cannot open") != NULL, "%s",
          err.message);
    expect_refused("", "bad.txt: empty: not a wlr model file");
    expect_refused("x1,x2,y\n1,2,0\n", ":1: not a wlr model file");
    with_line(1, "wlr-model 3", text, sizeof text);
    expect_refused(text, ":1: model format version 3; this wlr reads versions 1 to 2");
    with_line(1, "wlr-model one", text, sizeof text);
    expect_refused(text, ":1: wlr-model: 'one' is not a whole number");
    /* truncated anywhere */
    for (int cut = 2; cut <= 16; cut++) {
        with_line(cut, NULL, text, sizeof text);
        expect_refused(text, "truncated");
    }
    /* cut in the middle of the last line */
    snprintf(text, sizeof text, "%.*s", (int)strlen(good) - 3, good);
    expect_refused(text, ":16: unknown key 'e'");
    with_line(4, "feature 0.5 0 1", text, sizeof text);
    expect_refused(text, ":4: feature name: the text is missing");
    with_line(4, "feature 0.5x 0 1 x1", text, sizeof text);
    expect_refused(text, ":4: feature coefficient: '0.5x' is not a finite number");
    with_line(4, "feature nan 0 1 x1", text, sizeof text);
    expect_refused(text, ":4: feature coefficient: 'nan' is not a finite number");
    with_line(4, "feature 1 0 0 x1", text, sizeof text);
    expect_refused(text, ":4: feature sd: 0 is not > 0");
    with_line(6, "intercept 1e999", text, sizeof text);
    expect_refused(text, ":6: intercept: '1e999' is not a finite number");
    with_line(6, "intercept 1 2", text, sizeof text);
    expect_refused(text, ":6: intercept: unexpected '2'");
    with_line(7, "standardized 2", text, sizeof text);
    expect_refused(text, ":7: standardized: 2 is not 0 or 1");
    with_line(8, "class_weight 1", text, sizeof text);
    expect_refused(text, ":8: class_weight: a number is missing");
    with_line(9, "colour blue", text, sizeof text);
    expect_refused(text, ":9: unknown key 'colour'");
    with_line(9, "intercept 2", text, sizeof text);
    expect_refused(text, ":9: intercept: given twice");
    with_line(3, "features 3", text, sizeof text);
    expect_refused(text, ":6: intercept: before all the feature lines");
    with_line(3, "features 1", text, sizeof text);
    expect_refused(text, ":5: feature: more than the 1 features announced");
    with_line(3, "features 0", text, sizeof text);
    expect_refused(text, ":3: features: 0");
    with_line(15, "train_counts -1 10", text, sizeof text);
    expect_refused(text, ":15: train_counts: '-1' is not a whole number");
    snprintf(text, sizeof text, "%sintercept 3\n", good);
    expect_refused(text, ":17: 'intercept' after the 'end' line");
    with_line(2, "\x01\x02garbage \xff", text, sizeof text);
    expect_refused(text, ":2: unknown key");
}

/* Version 2: the label and positive lines; a version 1 file knows
 * neither. */
static void test_label_lines(void)
{
    char text[2048];
    const char *p = path_in_dir("v2.txt");
    with_line(1, "wlr-model 2", text, sizeof text);
    write_text(p, text);
    wlr_model_file mf;
    wlr_error err;
    CHECK(wlr_model_load(p, &mf, &err) == WLR_OK && mf.label == NULL &&
          mf.positive == NULL, "v2 without a label: %s", err.message);
    wlr_model_file_free(&mf);
    /* with them, after the feature lines */
    with_line(6, "label y\npositive  yes sir \nintercept -3", text, sizeof text);
    snprintf(text + 1000, 1000, "wlr-model 2\n%s", strchr(text, '\n') + 1);
    write_text(p, text + 1000);
    CHECK(wlr_model_load(p, &mf, &err) == WLR_OK && mf.label &&
          strcmp(mf.label, "y") == 0 && mf.positive &&
          strcmp(mf.positive, "yes sir") == 0, "v2 label: %s", err.message);
    wlr_model_file_free(&mf);
    /* version 1 has no such keys */
    expect_refused(text, ":6: unknown key 'label'");
    snprintf(text, sizeof text, "wlr-model 2\n%s", strchr(good, '\n') + 1);
    char *at = strstr(text, "intercept");
    char tail[1024];
    snprintf(tail, sizeof tail, "%s", at);
    snprintf(at, sizeof text - (size_t)(at - text), "positive yes\n%s", tail);
    expect_refused(text, ":6: positive: given without a 'label' line");
    snprintf(at, sizeof text - (size_t)(at - text), "label x2\n%s", tail);
    expect_refused(text, ":6: label: 'x2' is feature 2's name");
    snprintf(at, sizeof text - (size_t)(at - text), "label \n%s", tail);
    expect_refused(text, ":6: label: the text is missing");
    snprintf(at, sizeof text - (size_t)(at - text), "label a\nlabel b\n%s", tail);
    expect_refused(text, ":7: label: given twice");
}

/* Every field is checked as train checks its options: the values a fit
 * cannot produce are refused, at their line. */
static void test_field_rules(void)
{
    char text[2048];
    static const struct { int line; const char *repl, *want; } cases[] = {
        {9, "threshold 1.5", ":9: threshold: 1.5 is not in [0, 1]"},
        {9, "threshold -0.25", ":9: threshold: -0.25 is not in [0, 1]"},
        {8, "class_weight 0 -1", ":8: class_weight: 0 is not > 0"},
        {8, "class_weight 1 -1", ":8: class_weight: -1 is not > 0"},
        {12, "l2 -1e-4", ":12: l2: -0.0001 is negative"},
        {14, "loss -2", ":14: loss: -2 is negative"},
        {11, "solver sgd", ":11: solver: 'sgd' is not gd or newton"},
        {10, "threshold_rule magic", ":10: threshold_rule: 'magic' does not start "
                                      "with default, given, or a tuning rule"},
        {10, "threshold_rule recall=2 on validation", ":10: threshold_rule: "
                                                       "'recall=2 on validation'"},
        {15, "train_counts 0 0", ":15: train_counts: do not add up to some rows"},
        {15, "train_counts 18446744073709551615 1", ":15: train_counts: do not add up"},
        {5, "feature -1.25 0 1 x1", ":5: feature name: 'x1' is feature 1's name too"},
        {5, "feature -1.25 0.5 1 x2", ":7: standardized: is 0, but a feature's mean "
                                       "and sd are not 0 and 1 (feature 2: 0.5 and 1)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        with_line(cases[k].line, cases[k].repl, text, sizeof text);
        expect_refused(text, cases[k].want);
    }
    /* "default" is the threshold 0.5 */
    with_line(9, "threshold 0.3", text, sizeof text);
    expect_refused(text, ":10: threshold_rule: 'default' is 'default', but the "
                   "threshold is not 0.5");
    /* and what is fine: a tuned or given threshold, standardised scaling */
    const char *p = path_in_dir("ok.txt");
    static const struct { int line; const char *repl; } fine[] = {
        {10, "threshold_rule given (--threshold)"},
        {10, "threshold_rule cost=10:1 on validation (val-size 0.2, seed 42)"},
        {7, "standardized 1"}, {11, "solver newton"}, {12, "l2 0"},
        {15, "train_counts 0 3"}};
    for (size_t k = 0; k < sizeof fine / sizeof *fine; k++) {
        with_line(fine[k].line, fine[k].repl, text, sizeof text);
        write_text(p, text);
        wlr_model_file mf;
        wlr_error err;
        CHECK(wlr_model_load(p, &mf, &err) == WLR_OK, "'%s': %s", fine[k].repl,
              err.message);
        wlr_model_file_free(&mf);
    }
}

/* The writer refuses what the reader would, and writes nothing. */
static void test_write_rules(void)
{
    const char *p = path_in_dir("good.txt"), *q = path_in_dir("never.txt");
    write_text(p, good);
    wlr_model_file mf;
    wlr_error err;
    CHECK(wlr_model_load(p, &mf, &err) == WLR_OK, "%s", err.message);
    static const char *const want[] = {
        "threshold: 2 is not in [0, 1]", "class_weight: c_1 = 0 is not > 0",
        "solver: 'sgd' is not gd or newton", "threshold_rule: 'magic'",
        "names: features 1 and 2 are both named 'x1'", "label: 'x2' is feature 2's name",
        "positive: given without a label name", "l2: -1 is negative",
        "train_counts: 0 and 0 do not add up", "standardized: is 0, but",
        "iterations: -1 is negative", "label: must be one line of text",
        "positive: must be one line of text", "model: 0 features",
        "model: feature 2's coefficient or scaling is not finite (or its sd not > 0)",
        "loss: -1 is negative"};
    double bad_mean[2] = {0, 3}, bad_sd[2] = {1, 0}; /* outlive the switch */
    for (int k = 0; k < (int)(sizeof want / sizeof *want); k++) {
        wlr_model_file m2 = mf;
        char *second = mf.names[1];
        switch (k) {
        case 0: m2.threshold = 2; break;
        case 1: m2.class_weight[1] = 0; break;
        case 2: strcpy(m2.solver, "sgd"); break;
        case 3: strcpy(m2.threshold_rule, "magic"); break;
        case 4: mf.names[1] = mf.names[0]; break;
        case 5: m2.label = "x2"; break;
        case 6: m2.positive = "yes"; break;
        case 7: m2.l2 = -1; break;
        case 8: m2.train_counts[0] = m2.train_counts[1] = 0; break;
        case 9: m2.mean = bad_mean; break;
        case 10: m2.iterations = -1; break;
        case 11: m2.label = "two\nlines"; break;
        case 12: m2.label = "y"; m2.positive = " yes"; break;
        case 13: m2.model.n_features = 0; break;
        case 14: m2.sd = bad_sd; break;
        case 15: m2.loss = -1; break;
        }
        CHECK(wlr_model_save(&m2, q, &err) == WLR_ERR_ARG &&
              strstr(err.message, want[k]), "case %d: %s", k, err.message);
        CHECK(access(q, F_OK) != 0, "case %d: a refused save left a file", k);
        mf.names[1] = second;
    }
    wlr_model_file_free(&mf);
}

static void test_check_data(void)
{
    const char *p = path_in_dir("good.txt");
    write_text(p, good);
    wlr_model_file mf;
    wlr_error err;
    CHECK(wlr_model_load(p, &mf, &err) == WLR_OK, "%s", err.message);
    wlr_dataset d;
    CHECK(wlr_dataset_alloc(&d, 4, 3, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_model_check_data(&mf, &d, "new.csv", &err) == WLR_ERR_DATA, "3 vs 2");
    CHECK(strstr(err.message, "new.csv:1: 3 feature columns; the model has 2"),
          "%s", err.message);
    wlr_dataset_free(&d);
    CHECK(wlr_dataset_alloc(&d, 4, 2, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_model_check_data(&mf, &d, "new.csv", &err) == WLR_OK,
          "no names: count is enough");
    d.names = calloc(2, sizeof *d.names);
    d.names[0] = malloc(8);
    d.names[1] = malloc(8);
    strcpy(d.names[0], "x1");
    strcpy(d.names[1], "x3");
    CHECK(wlr_model_check_data(&mf, &d, "new.csv", &err) == WLR_ERR_DATA, "x3");
    CHECK(strstr(err.message, "new.csv:1: feature column 2 is 'x3'; the model's "
                 "is 'x2'"), "%s", err.message);
    /* a nameless column among names is x<j> */
    free(d.names[1]);
    d.names[1] = NULL;
    CHECK(wlr_model_check_data(&mf, &d, "new.csv", &err) == WLR_OK, "%s", err.message);
    free(d.names[0]);
    d.names[0] = NULL;
    d.names[1] = strcpy(malloc(8), "x1");
    CHECK(wlr_model_check_data(&mf, &d, "new.csv", &err) == WLR_ERR_DATA &&
          strstr(err.message, "feature column 2 is 'x1'"), "%s", err.message);
    wlr_dataset_free(&d);
    wlr_model_file_free(&mf);
}

static void test_write_refuses_bad_names(void)
{
    const char *p = path_in_dir("good.txt");
    write_text(p, good);
    wlr_model_file mf;
    wlr_error err;
    CHECK(wlr_model_load(p, &mf, &err) == WLR_OK, "%s", err.message);
    free(mf.names[0]);
    mf.names[0] = malloc(8);
    strcpy(mf.names[0], "a\nb");
    const char *q = path_in_dir("never.txt");
    CHECK(wlr_model_save(&mf, q, &err) == WLR_ERR_ARG, "line break in a name");
    CHECK(access(q, F_OK) != 0, "a refused save left a file");
    wlr_model_file_free(&mf);
}

/* The prior correction: saved as it predicts (the corrected intercept)
 * with the trained one beside it, read back to the bit, and refused when
 * the two disagree, when one comes without the other, or in version 1. */
static void test_calibration_lines(void)
{
    wlr_model_file mf, back;
    wlr_dataset d;
    wlr_error err;
    make_model(&mf, &d, 1);
    mf.calibration = WLR_CALIBRATION_PRIOR;
    mf.intercept_uncalibrated = mf.model.intercept;
    wlr_model_calibrate_prior(&mf.model, mf.class_weight);
    const char *p = path_in_dir("calibrated.txt"), *q = path_in_dir("never.txt");
    CHECK(wlr_model_save(&mf, p, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_model_load(p, &back, &err) == WLR_OK, "%s", err.message);
    CHECK(back.calibration == WLR_CALIBRATION_PRIOR, "calibration %d",
          (int)back.calibration);
    CHECK(back.model.intercept == mf.model.intercept &&
          back.intercept_uncalibrated == mf.intercept_uncalibrated,
          "intercepts %.17g %.17g", back.model.intercept,
          back.intercept_uncalibrated);
    /* b - log(9) with class weights 1 and 9 */
    CHECK(fabs(back.model.intercept - (back.intercept_uncalibrated - log(9.0))) < 1e-12,
          "shift %.17g", back.intercept_uncalibrated - back.model.intercept);
    wlr_model_file_free(&back);
    /* the writer refuses what the reader would */
    wlr_model_file m2 = mf;
    m2.model.intercept = nextafter(mf.model.intercept, 0);
    CHECK(wlr_model_save(&m2, q, &err) == WLR_ERR_ARG &&
          strstr(err.message, "intercept: ") &&
          strstr(err.message, "is not intercept_uncalibrated - log(c_1 / c_0) ="),
          "one ulp off: %s", err.message);
    m2 = mf;
    m2.calibration = (wlr_calibration)7;
    CHECK(wlr_model_save(&m2, q, &err) == WLR_ERR_ARG &&
          strstr(err.message, "calibration: 7 is not none or prior"), "%s",
          err.message);
    m2 = mf;
    m2.intercept_uncalibrated = NAN;
    CHECK(wlr_model_save(&m2, q, &err) == WLR_ERR_ARG &&
          strstr(err.message, "intercept_uncalibrated: not finite"), "%s",
          err.message);
    CHECK(access(q, F_OK) != 0, "a refused save left a file");
    wlr_model_file_free(&mf);
    wlr_dataset_free(&d);

    /* the reader: good (class weights 1, 200; intercept -3) with lines */
    wlr_model m = {0, NULL, -3};
    wlr_model_calibrate_prior(&m, (const double[2]){1, 200});
    char text[2048], lines[256];
    const char *tail = strstr(good, "end\n");
    snprintf(lines, sizeof lines, "intercept %.17g\nstandardized", m.intercept);
    static const struct { const char *add, *want; } cases[] = {
        {"calibration prior\nintercept_uncalibrated -3\n", NULL},
        {"calibration none\n", NULL},
        {"calibration prior\n", ":16: calibration: prior, but no "
                                 "'intercept_uncalibrated' line"},
        {"intercept_uncalibrated -3\n", ":16: intercept_uncalibrated: given "
                                        "without a 'calibration prior' line"},
        {"calibration none\nintercept_uncalibrated -3\n", ":17: "
         "intercept_uncalibrated: given without"},
        {"calibration maybe\n", ":16: calibration: 'maybe' is not none or prior"},
        {"calibration prior\nintercept_uncalibrated -2.5\n", ":6: intercept: "},
        {"calibration prior\nintercept_uncalibrated x\n", ":17: "
         "intercept_uncalibrated: 'x' is not a finite number"},
        {"calibration prior\ncalibration prior\n", ":17: calibration: given twice"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char body[2048];
        snprintf(body, sizeof body, "wlr-model 2\n%.*s%send\n",
                 (int)(tail - strchr(good, '\n') - 1), strchr(good, '\n') + 1,
                 cases[k].add);
        /* the corrected intercept where the good file has -3 */
        char *at = strstr(body, "intercept -3\nstandardized");
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - body), body, lines,
                 at + strlen("intercept -3\nstandardized"));
        if (!cases[k].want) {
            const char *g = path_in_dir("cal.txt");
            write_text(g, text);
            CHECK(wlr_model_load(g, &back, &err) == WLR_OK, "case %zu: %s", k,
                  err.message);
            int prior = strstr(cases[k].add, "prior") != NULL;
            CHECK(back.calibration == (prior ? WLR_CALIBRATION_PRIOR
                                             : WLR_CALIBRATION_NONE) &&
                  back.model.intercept == m.intercept, "case %zu", k);
            wlr_model_file_free(&back);
        } else {
            expect_refused(text, cases[k].want);
        }
    }
    /* version 1 knows no calibration */
    snprintf(text, sizeof text, "%.*scalibration none\nend\n",
             (int)(tail - good), good);
    expect_refused(text, ":16: unknown key 'calibration'");
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_round_trip);
    RUN(test_good_text_loads);
    RUN(test_refusals);
    RUN(test_label_lines);
    RUN(test_field_rules);
    RUN(test_write_rules);
    RUN(test_check_data);
    RUN(test_write_refuses_bad_names);
    RUN(test_calibration_lines);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
    return check_summary();
}
