/*
 * weights.c - class weights c_0, c_1: how much one row of each class counts
 * in the loss.
 *
 * "balanced" is scikit-learn's compute_class_weight('balanced'):
 *     c_j = N / (2 N_j)
 * so that both classes carry the same total weight, N/2 each, and the mean
 * weight per row is 1. A manual spec "W0:W1" (e.g. 1:200) is taken as given.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

wlr_status wlr_class_weights_from_counts(const size_t n[2], double cw[2],
                                         wlr_error *err)
{
    for (int k = 0; k < 2; k++)
        if (n[k] == 0)
            return wlr__fail(err, WLR_ERR_ARG, "class weights: 'balanced' needs "
                            "both classes, but the training rows hold no class %d",
                            k);
    /* c_k = N / (2 N_k) */
    for (int k = 0; k < 2; k++)
        cw[k] = (double)(n[0] + n[1]) / (2.0 * (double)n[k]);
    return WLR_OK;
}

wlr_status wlr_class_weights_balanced(const wlr_dataset *d, double cw[2],
                                      wlr_error *err)
{
    size_t n[2];
    wlr_class_counts(d, n);
    return wlr_class_weights_from_counts(n, cw, err);
}

/* One weight: a finite number > 0, and nothing after it. */
static wlr_status parse_weight(const char *s, size_t len, const char *spec,
                               double *out, wlr_error *err)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return wlr__fail(err, WLR_ERR_ARG, "class weights: '%s' is not W0:W1 "
                        "(two positive numbers)", spec);
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != 0 || end == buf)
        return wlr__fail(err, WLR_ERR_ARG, "class weights: '%s' in '%s' is not "
                        "a number", buf, spec);
    if (!isfinite(v) || errno == ERANGE || v <= 0)
        return wlr__fail(err, WLR_ERR_ARG, "class weights: '%s' in '%s' must be "
                        "a finite number > 0", buf, spec);
    *out = v;
    return WLR_OK;
}

wlr_status wlr_class_weights_parse(const char *spec, const wlr_dataset *d,
                                   double cw[2], wlr_error *err)
{
    if (strcmp(spec, "none") == 0) {
        cw[0] = cw[1] = 1.0;
        return WLR_OK;
    }
    if (strcmp(spec, "balanced") == 0) {
        if (!d)
            return wlr__fail(err, WLR_ERR_ARG, "class weights: 'balanced' needs "
                            "the training data");
        return wlr_class_weights_balanced(d, cw, err);
    }
    const char *colon = strchr(spec, ':');
    if (!colon)
        return wlr__fail(err, WLR_ERR_ARG, "class weights: unknown '%s' (use "
                        "none, balanced or W0:W1 such as 1:200)", spec);
    double w[2];
    wlr_status st = parse_weight(spec, (size_t)(colon - spec), spec, &w[0], err);
    if (st) return st;
    st = parse_weight(colon + 1, strlen(colon + 1), spec, &w[1], err);
    if (st) return st;
    cw[0] = w[0];
    cw[1] = w[1];
    return WLR_OK;
}
