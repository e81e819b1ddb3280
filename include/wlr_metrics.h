/*
 * wlr_metrics.h - how good a model is: scikit-learn's metrics and classification report, ROC and precision-recall curves, threshold tuning, cross-validation folds and the per-class split of the loss.
 * Part of the wlr library; see wlr.h for the model, the objective and the
 * conventions (errors as values, outputs of a failed call left empty).
 */
#ifndef WLR_METRICS_H
#define WLR_METRICS_H

#include "wlr.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 *             clipped to [eps, 1 - eps], eps = 2^-52 = DBL_EPSILON (what
 *             scikit-learn 1.2's eps="auto" takes for float64 scores).
 * The ranking needs only the order of the scores: any finite real score
 * (a logit, a margin) gives ROC AUC and average precision. The log-loss
 * needs probabilities: it is computed only when every score is in [0, 1]
 * (`probabilities` says so; otherwise log_loss is 0 and means nothing).
 *
 * SAMPLE WEIGHTS (wlr_evaluate_weighted with weight != NULL): row i counts
 * s_i times, as scikit-learn's sample_weight= makes it count, in every
 * metric: the counts above become sums of s_i (tp = the weight of the class
 * 1 rows predicted 1, n_k = the weight of class k, ...), the log-loss is the
 * s-weighted mean, and the ROC and precision-recall curves step by weight.
 * Rows of weight 0 count for nothing; scikit-learn also drops them from the
 * ranking before it looks for distinct scores, and so does wlr. The sums
 * are formed as scikit-learn forms them (each in its order of rows, the
 * ranking's in order of score, highest first, ties by falling row number),
 * so the results are its bits; the sums themselves are kept in the
 * weighted_* fields. Weights must be finite and >= 0, with a positive sum
 * in each class.
 *
 * INTERVALS (95 %, z = WLR_Z95; unweighted rows only):
 *   recall_1, precision_1: Wilson's score interval for k successes of m
 *     trials (k = tp and m = n1, or m = tp + fp), p = k / m:
 *       centre +- half = (p + z^2 / 2m  +-  z sqrt(p (1 - p) / m + z^2 / 4m^2))
 *                        / (1 + z^2 / m);
 *     it stays inside [0, 1] and, unlike p +- z sqrt(p (1 - p) / m), does
 *     not collapse to a point at p = 0 or 1. Undefined when m = 0.
 *   roc_auc: DeLong's interval. Each class 1 row i has the structural
 *     component V10_i = (class 0 rows below it + ties / 2) / n0, each class
 *     0 row j V01_j = (class 1 rows above it + ties / 2) / n1; their means
 *     are the AUC, and
 *       var(AUC) = S10 / n1 + S01 / n0,  S10 = sum_i (V10_i - AUC)^2 / (n1 - 1)
 *     (S01 likewise); the interval is AUC +- z sqrt(var), clipped to [0, 1].
 *     Computed from the sorted scores in O(n) more. Undefined when a class
 *     has fewer than 2 rows.
 *   With sample weights none is computed (the has_* flags are 0): both rest
 *   on counts of independent rows, which weights are not.
 *
 * Inputs: y[i] is 0 or 1 and score[i] a finite number for every row i < n;
 * error messages number rows from 0, as indices into these arrays. The
 * ranking sorts the scores with a radix sort (linear time, about 16 bytes of
 * scratch a row; up to 56 with weights or scores outside [0, 1], where the
 * ranking is kept whole) and never depends on the order of tied rows.
 */

/* The two-sided 95 % point of the standard normal: Phi^-1(0.975). */
#define WLR_Z95 1.959963984540054

/* Everything scikit-learn reports for a binary problem at one threshold. */
typedef struct {
    double threshold;
    size_t confusion[2][2];      /* [true][predicted]: tn fp / fn tp, rows */
    size_t support[2];           /* n0, n1: rows of each class */
    double precision[2], recall[2], f1[2];
    double accuracy;
    double roc_auc;              /* Mann-Whitney U / (n0 n1), ties count 1/2 */
    double average_precision;    /* sum_k (R_k - R_{k-1}) P_k, no interpolation */
    double log_loss;             /* scores clipped to [eps, 1 - eps]; 0 if
                                    !probabilities */
    double brier;                /* mean (p - y)^2, scikit-learn's
                                    brier_score_loss; 0 if !probabilities */
    double balanced_accuracy;
    double mcc;                  /* Matthews correlation coefficient */
    int probabilities;           /* 1 iff every score is in [0, 1] */
    /* The sums the ratios come from: with sample weights, weights of rows
     * (confusion: scikit-learn's confusion_matrix; support and predicted:
     * its true_sum and pred_sum, tp + (sum - tp) as it forms them, what its
     * classification_report prints and averages by); without, the counts. */
    int weighted;                /* 1 iff computed with sample weights */
    double weighted_confusion[2][2];
    double weighted_support[2];
    double weighted_predicted[2];
    /* 95 % intervals [lo, hi], each valid only if its has_ flag is 1 */
    double recall1_ci95[2], precision1_ci95[2], roc_auc_ci95[2];
    int has_recall1_ci95, has_precision1_ci95, has_roc_auc_ci95;
} wlr_metrics;

/* All of the above at `threshold`. Fails (WLR_ERR_ARG) if n is 0, a label is
 * not 0 or 1, a score is not a finite number, the threshold is not finite,
 * or the labels hold only one class (ROC AUC is then undefined).
 * From 1M rows of probabilities, with 2 cores online, part of the work runs
 * on a second thread; the result is the same bits. */
wlr_status wlr_evaluate(const uint8_t *y, const double *score, size_t n,
                        double threshold, wlr_metrics *m, wlr_error *err);
/* The same with sample weights weight[0 .. n-1] (NULL: every row weighs 1,
 * and the result is wlr_evaluate's, bit for bit). Fails also if a weight is
 * negative or not finite, or the weights of a class sum to 0. */
wlr_status wlr_evaluate_weighted(const uint8_t *y, const double *score,
                                 const double *weight, size_t n,
                                 double threshold, wlr_metrics *m,
                                 wlr_error *err);

/*
 * CALIBRATION: are the probabilities right, as rates? The rows are put in
 * WLR_RELIABILITY_BINS equal-width bins of p ([0, 0.1], (0.1, 0.2], ...,
 * (0.9, 1], with scikit-learn's edges k (1 + 1e-8) / 10), and in bin b
 * with n_b rows (or weight)
 *   mean_p[b] = the mean p,   rate[b] = the share of class 1,
 * the points of a reliability diagram (scikit-learn's calibration_curve
 * with strategy="uniform"); and the expected calibration error
 *   ece = sum_b (n_b / n) |rate[b] - mean_p[b]|
 * (Naeini et al. 2015): 0 for probabilities that are the rates they claim.
 * Empty bins have count 0 and NaN means.
 */
#define WLR_RELIABILITY_BINS 10
typedef struct {
    double count[WLR_RELIABILITY_BINS];   /* rows, or their weight */
    double mean_p[WLR_RELIABILITY_BINS];
    double rate[WLR_RELIABILITY_BINS];
    double ece;
} wlr_reliability;

/* weight NULL: every row weighs 1. Fails (WLR_ERR_ARG) if n is 0, a label
 * is not 0 or 1, a p is not in [0, 1], or a weight is negative, not finite
 * or all are 0. */
wlr_status wlr_reliability_compute(const uint8_t *y, const double *p,
                                   const double *weight, size_t n,
                                   wlr_reliability *r, wlr_error *err);

/* A Wilson 95 % interval for k successes in m trials, k <= m (see above);
 * fails if m is 0 or k > m. */
wlr_status wlr_wilson_interval(size_t k, size_t m, double ci[2],
                               wlr_error *err);

/* The most decimals the report prints: 17 decimals already show every double
 * in [0.1, 1] to its last bit. */
#define WLR_REPORT_MAX_DIGITS 17

/* scikit-learn's classification_report(y, yhat, digits=digits,
 * zero_division=0, sample_weight=...) text for classes 0 and 1, character
 * for character: per class precision, recall, f1-score and support, then
 * accuracy, macro avg (plain mean of the two classes) and weighted avg (mean
 * weighted by support). With sample weights the supports are weight sums,
 * printed as Python prints a float ("8.25", "690.7969999999999"). digits
 * is clamped to [0, WLR_REPORT_MAX_DIGITS] (scikit-learn rejects
 * digits < 0). Writes at most cap bytes, NUL included, and returns
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
 * With sample weights, fpr, tpr and precision are ratios of weights, as
 * scikit-learn's curves with sample_weight=: fp_weight[k], tp_weight[k] the
 * weight of the class 0, 1 rows scoring >= threshold[k], summed in its
 * order; rows of weight 0 take no part (no point, no count).
 */
typedef struct {
    size_t n_points;       /* distinct scores + 1 */
    size_t count[2];       /* n0, n1 (rows of weight > 0 if weighted) */
    double *threshold;
    size_t *fp, *tp;       /* rows */
    double *fpr, *tpr, *precision;
    int weighted;
    double weight[2];      /* weight of class 0, 1 (weighted only) */
    double *fp_weight, *tp_weight;  /* weighted only, else NULL */
} wlr_curve;

/* Fails as wlr_evaluate does (except that there is no threshold to check).
 * On failure c is left empty. */
wlr_status wlr_curve_compute(const uint8_t *y, const double *score, size_t n,
                             wlr_curve *c, wlr_error *err);
/* The same with sample weights (NULL: wlr_curve_compute's curve); fails as
 * wlr_evaluate_weighted does. */
wlr_status wlr_curve_compute_weighted(const uint8_t *y, const double *score,
                                      const double *weight, size_t n,
                                      wlr_curve *c, wlr_error *err);
void wlr_curve_free(wlr_curve *c);

/* Sets the fields of m that depend on the threshold (threshold, confusion,
 * support, precision, recall, f1, accuracy, balanced_accuracy, mcc) to their
 * values at `threshold`, read off the curve in O(log n) at point k(threshold).
 * roc_auc, average_precision and log_loss do not depend on the threshold and
 * are left as they are, so after wlr_evaluate(..., &m) and this call m holds
 * every metric at the new threshold, exactly as wlr_evaluate would give it
 * (the Wilson intervals too; the ROC AUC's is kept). Fails if the threshold
 * is not finite, or if the curve is weighted (wlr_evaluate_weighted's sums
 * at a threshold go in order of rows, not of score: call it instead). */
wlr_status wlr_curve_metrics(const wlr_curve *c, double threshold,
                             wlr_metrics *m, wlr_error *err);

/* The largest threshold t at which recall_1 (class 1 iff score > t) is at
 * least target, 0 < target <= 1: with s the m-th highest score among the
 * class 1 rows, m the fewest of them that make m / n1 >= target,
 * t = the largest double below s. On these rows every t' from the next
 * lower distinct score up to t predicts the same; no t' > t reaches the
 * target. t is slightly below 0 when s is 0. Fails as wlr_evaluate does on
 * bad rows, if a score is outside [0, 1], if no row is of class 1, or if
 * target is not in (0, 1]. */
wlr_status wlr_threshold_for_recall(const uint8_t *y, const double *score,
                                    size_t n, double target, double *threshold,
                                    wlr_error *err);

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
 * Stratified K-fold: rows 0..n-1 are shuffled by wlr__rng_permutation(seed);
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


#ifdef __cplusplus
}
#endif
#endif /* WLR_METRICS_H */
