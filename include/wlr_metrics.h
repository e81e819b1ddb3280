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
