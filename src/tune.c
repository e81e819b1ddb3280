/*
 * tune.c - choosing the operating threshold on validation rows.
 *
 * A model trained with class weights ranks rows; the threshold decides how
 * many of the top-ranked rows are called class 1. Every threshold between two
 * neighbouring distinct scores predicts the same, so the candidates are the
 * points of the ROC curve (wlr_curve): point k calls class 1 the rows scoring
 * >= s_k. We score every point by the rule (F1, or expected cost), keep the
 * best (the higher threshold on a tie: fewer alarms for the same score) and
 * return the largest threshold that reaches it, nextafter(s_k, -inf), the
 * same convention as wlr_threshold_for_recall. The rules are in wlr.h.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The threshold LogisticRegression.predict uses, for the cost comparison. */
#define DEFAULT_THRESHOLD 0.5

static wlr_status parse_number(const char *s, const char *spec, double *v,
                               wlr_error *err)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s || (*end != 0 && *end != ':') || errno == ERANGE || !isfinite(*v))
        return wlr__fail(err, WLR_ERR_ARG, "tune: '%s' in '%s' is not a finite "
                        "number", s, spec);
    return WLR_OK;
}

wlr_status wlr_tune_parse(const char *spec, wlr_tune_spec *t, wlr_error *err)
{
    memset(t, 0, sizeof *t);
    wlr_status st;
    if (strcmp(spec, "f1") == 0) {
        t->rule = WLR_TUNE_F1;
        return WLR_OK;
    }
    if (strncmp(spec, "recall=", 7) == 0) {
        t->rule = WLR_TUNE_RECALL;
        if ((st = parse_number(spec + 7, spec, &t->recall, err))) return st;
        if (strchr(spec + 7, ':') || !(t->recall > 0 && t->recall <= 1))
            return wlr__fail(err, WLR_ERR_ARG, "tune: the recall in '%s' must be "
                            "a number in (0, 1]", spec);
        return WLR_OK;
    }
    if (strncmp(spec, "cost=", 5) == 0) {
        t->rule = WLR_TUNE_COST;
        const char *colon = strchr(spec + 5, ':');
        if (!colon || strchr(colon + 1, ':'))
            return wlr__fail(err, WLR_ERR_ARG, "tune: '%s' is not cost=FN:FP "
                            "(e.g. cost=10:1)", spec);
        if ((st = parse_number(spec + 5, spec, &t->cost_fn, err)) ||
            (st = parse_number(colon + 1, spec, &t->cost_fp, err)))
            return st;
        if (!(t->cost_fn > 0 && t->cost_fp > 0))
            return wlr__fail(err, WLR_ERR_ARG, "tune: the costs in '%s' must be "
                            "> 0", spec);
        return WLR_OK;
    }
    return wlr__fail(err, WLR_ERR_ARG, "tune: '%s' is not f1, recall=R or "
                    "cost=FN:FP", spec);
}

/* F1 of class 1 at curve point k: 2 tp / (2 tp + fp + fn) = 2 tp / (tp + fp
 * + n1); 0 when nothing is caught. */
static double point_f1(const wlr_curve *c, size_t k)
{
    double tp = (double)c->tp[k];
    return tp == 0 ? 0.0 : 2.0 * tp / (tp + (double)c->fp[k] + (double)c->count[1]);
}

/* Expected cost at point k: cost_fn * fn + cost_fp * fp. */
static double point_cost(const wlr_curve *c, size_t k, const wlr_tune_spec *t)
{
    return t->cost_fn * (double)(c->count[1] - c->tp[k]) +
           t->cost_fp * (double)c->fp[k];
}

/* The largest threshold that gives point k under "class 1 iff p > t". */
static double point_threshold(const wlr_curve *c, size_t k)
{
    return k == 0 ? 1.0 : nextafter(c->threshold[k], -INFINITY);
}

/* cost_fn * fn + cost_fp * fp per 1,000 rows, from m's confusion matrix. */
static double cost_per_1000(const wlr_metrics *m, const wlr_tune_spec *t)
{
    size_t n = m->support[0] + m->support[1];
    double cost = t->cost_fn * (double)m->confusion[1][0] +
                  t->cost_fp * (double)m->confusion[0][1];
    return n ? 1000.0 * cost / (double)n : 0.0;
}

wlr_status wlr_tune_threshold(const uint8_t *y, const double *score, size_t n,
                              const wlr_tune_spec *t, wlr_tune_result *r,
                              wlr_error *err)
{
    memset(r, 0, sizeof *r);
    wlr_status st;
    double threshold = DEFAULT_THRESHOLD;
    if (t->rule == WLR_TUNE_RECALL) {
        st = wlr_threshold_for_recall(y, score, n, t->recall, &threshold, err);
        if (st) return st;
    } else if (t->rule == WLR_TUNE_COST &&
               !(t->cost_fn > 0 && t->cost_fp > 0 && isfinite(t->cost_fn) &&
                 isfinite(t->cost_fp))) {
        return wlr__fail(err, WLR_ERR_ARG, "tune: costs must be finite and > 0");
    } else if (t->rule != WLR_TUNE_F1 && t->rule != WLR_TUNE_COST) {
        return wlr__fail(err, WLR_ERR_ARG, "tune: unknown rule %d", (int)t->rule);
    }

    wlr_curve c;
    st = wlr_curve_compute(y, score, n, &c, err);
    if (st) return st;
    if (t->rule != WLR_TUNE_RECALL) {
        size_t best = 0;
        for (size_t k = 1; k < c.n_points; k++) {
            int better = t->rule == WLR_TUNE_F1
                             ? point_f1(&c, k) > point_f1(&c, best)
                             : point_cost(&c, k, t) < point_cost(&c, best, t);
            if (better) best = k;
        }
        threshold = point_threshold(&c, best);
    }
    r->threshold = threshold;
    wlr_metrics at, at_default;
    memset(&at, 0, sizeof at);
    memset(&at_default, 0, sizeof at_default);
    st = wlr_curve_metrics(&c, threshold, &at, err);
    if (!st) st = wlr_curve_metrics(&c, DEFAULT_THRESHOLD, &at_default, err);
    wlr_curve_free(&c);
    if (st) return st;
    r->precision = at.precision[1];
    r->recall = at.recall[1];
    r->f1 = at.f1[1];
    memcpy(r->confusion, at.confusion, sizeof r->confusion);
    if (t->rule == WLR_TUNE_COST) {
        r->cost_per_1000 = cost_per_1000(&at, t);
        r->cost_per_1000_default = cost_per_1000(&at_default, t);
    }
    return WLR_OK;
}
