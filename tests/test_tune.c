/*
 * test_tune.c - tests of src/tune.c on eight rows whose every candidate
 * threshold can be checked by hand:
 *
 *   score  0.9 0.8 0.7 0.6 0.4 0.3 0.2 0.1
 *   y        1   0   1   1   0   0   1   0      (n0 = n1 = 4)
 *
 *   class 1 iff p >= score:  0.9  0.8  0.7  0.6  0.4  0.3  0.2  0.1
 *   tp                        1    1    2    3    3    3    4    4
 *   fp                        0    1    1    1    2    3    3    4
 *   F1 = 2tp/(tp+fp+4)       .40  .33  .57  .75  .67  .60  .73  .67
 *   cost 10:1 (10 fn + fp)    30   31   21   11   12   13    3    4  (nothing: 40)
 *   cost 1:10 (fn + 10 fp)     3   13   12   11   22   33   30   40  (nothing: 4)
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "check.h"

#include <math.h>
#include <string.h>

static const uint8_t y[8] = {1, 0, 1, 1, 0, 0, 1, 0};
static const double score[8] = {0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1};

static wlr_tune_result tune(const char *spec)
{
    wlr_tune_spec t;
    wlr_tune_result r;
    wlr_error err;
    memset(&r, 0, sizeof r);
    CHECK(wlr_tune_parse(spec, &t, &err) == WLR_OK, "%s: %s", spec, err.message);
    CHECK(wlr_tune_threshold(y, score, 8, &t, &r, &err) == WLR_OK, "%s: %s", spec,
          err.message);
    return r;
}

static void test_f1(void)
{
    wlr_tune_result r = tune("f1");
    CHECK(r.threshold == nextafter(0.6, -INFINITY), "threshold %.17g", r.threshold);
    CHECK(r.f1 == 0.75, "f1 %.17g", r.f1);
    CHECK(r.recall == 0.75 && r.precision == 0.75, "recall %g precision %g",
          r.recall, r.precision);
    CHECK(r.confusion[1][1] == 3 && r.confusion[0][1] == 1, "confusion");
    CHECK(r.cost_per_1000 == 0 && r.cost_per_1000_default == 0, "no costs");
}

static void test_recall(void)
{
    wlr_tune_result r = tune("recall=0.75");
    CHECK(r.threshold == nextafter(0.6, -INFINITY), "0.75: %.17g", r.threshold);
    CHECK(r.recall == 0.75, "recall %g", r.recall);
    r = tune("recall=0.76");
    CHECK(r.threshold == nextafter(0.2, -INFINITY), "0.76: %.17g", r.threshold);
    CHECK(r.recall == 1, "recall %g", r.recall);
    r = tune("recall=0.25");
    CHECK(r.threshold == nextafter(0.9, -INFINITY), "0.25: %.17g", r.threshold);
}

static void test_cost(void)
{
    wlr_tune_result r = tune("cost=10:1");
    CHECK(r.threshold == nextafter(0.2, -INFINITY), "10:1: %.17g", r.threshold);
    CHECK(r.cost_per_1000 == 375, "cost %.17g (3 per 8 rows)", r.cost_per_1000);
    /* at 0.5: tp 3, fp 1, fn 1: 10 + 1 = 11 per 8 rows */
    CHECK(r.cost_per_1000_default == 1375, "default cost %.17g",
          r.cost_per_1000_default);
    r = tune("cost=1:10");
    CHECK(r.threshold == nextafter(0.9, -INFINITY), "1:10: %.17g", r.threshold);
    CHECK(r.cost_per_1000 == 375, "cost %.17g", r.cost_per_1000);
    /* at 0.5: fn 1 + 10 fp 1 = 11 */
    CHECK(r.cost_per_1000_default == 1375, "default %.17g", r.cost_per_1000_default);
    /* the top row is class 0 and false alarms are dear: calling nothing
     * (one miss) beats any alarm, so the threshold is 1 */
    const uint8_t ty[2] = {0, 1};
    const double ts[2] = {0.9, 0.1};
    wlr_tune_spec t;
    wlr_error err;
    CHECK(wlr_tune_parse("cost=1:1e9", &t, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_tune_threshold(ty, ts, 2, &t, &r, &err) == WLR_OK, "%s", err.message);
    CHECK(r.threshold == 1.0, "1:1e9: %.17g", r.threshold);
    CHECK(r.confusion[0][1] == 0 && r.confusion[1][1] == 0, "predicts nothing");
    CHECK(r.cost_per_1000 == 500, "1 miss per 2 rows: %.17g", r.cost_per_1000);
}

/* A tie goes to the higher threshold. */
static void test_ties(void)
{
    /* 1:1 costs: class 1 iff p >= 0.9 gives fn 1, fp 0 = 1; >= 0.5 gives
     * fn 0, fp 1 = 1 as well; keep 0.9 */
    const uint8_t ty[3] = {1, 0, 1};
    const double ts[3] = {0.9, 0.8, 0.5};
    wlr_tune_spec t;
    wlr_tune_result r;
    wlr_error err;
    CHECK(wlr_tune_parse("cost=1:1", &t, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_tune_threshold(ty, ts, 3, &t, &r, &err) == WLR_OK, "%s", err.message);
    CHECK(r.threshold == nextafter(0.9, -INFINITY), "tie: %.17g", r.threshold);
}

static void test_refusals(void)
{
    const char *bad[] = {"", "f2", "recall", "recall=", "recall=0", "recall=1.5",
                         "recall=0.5:1", "recall=nan", "cost=1", "cost=0:1",
                         "cost=1:-2", "cost=a:b", "cost=1:2:3", "cost=1e999:1"};
    wlr_tune_spec t;
    wlr_error err;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        CHECK(wlr_tune_parse(bad[k], &t, &err) == WLR_ERR_ARG, "'%s' accepted",
              bad[k]);
        CHECK(strncmp(err.message, "tune: ", 6) == 0, "'%s': %s", bad[k], err.message);
    }
    /* validation rows of one class */
    const uint8_t zeros[3] = {0, 0, 0};
    wlr_tune_result r;
    CHECK(wlr_tune_parse("f1", &t, &err) == WLR_OK, "f1");
    CHECK(wlr_tune_threshold(zeros, score, 3, &t, &r, &err) != WLR_OK,
          "one class accepted");
    CHECK(wlr_tune_parse("recall=0.5", &t, &err) == WLR_OK, "recall");
    CHECK(wlr_tune_threshold(zeros, score, 3, &t, &r, &err) != WLR_OK,
          "recall on no class 1 accepted");
}

int main(void)
{
    RUN(test_f1);
    RUN(test_recall);
    RUN(test_cost);
    RUN(test_ties);
    RUN(test_refusals);
    return check_summary();
}
