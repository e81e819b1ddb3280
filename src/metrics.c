/*
 * metrics.c - how good are a model's scores: the confusion matrix and the
 * ratios read off it at one threshold, the ranking metrics over all
 * thresholds (ROC AUC, average precision), the log-loss, the ROC and
 * precision-recall curves, the threshold that reaches a target recall,
 * scikit-learn's classification_report text, and 95 % intervals (Wilson's
 * for recall and precision, DeLong's for ROC AUC). The formulas are in
 * wlr_metrics.h.
 *
 * Every number is computed as scikit-learn 1.2.1 on numpy 1.24 computes it:
 * the same IEEE operations in the same order, numpy's pairwise summation
 * included, so that the results agree to the last bit rather than merely to
 * a tolerance.
 *
 * The ranking metrics need the rows in order of score. Each score and its
 * label are packed into one 64-bit key that sorts like the score (see
 * score_key), and the keys are sorted by an LSD radix sort: linear time, no
 * comparator calls, and, since the key holds everything the metrics use, a
 * result that cannot depend on the order in which tied rows came in. The
 * sorted keys are then walked one run of equal scores at a time.
 *
 * From 1M rows wlr_evaluate puts a second core to work: the metrics that
 * need no sorting, and average precision, on a second thread (BOTH CORES
 * below). The sort itself can be shared by any number of threads, with the
 * same result, but that was measured slower on 2 cores, so it is not done
 * unless asked for (wlr_*_threads, internal.h).
 *
 * That is the path of unweighted probabilities. With sample weights, or
 * scores outside [0, 1], the key has no bit to spare for the label, and the
 * weighted sums must be added in scikit-learn's order, which a tie's order
 * of rows decides: then the keys carry their row numbers through the same
 * radix sort, and the ranking is built as scikit-learn builds it, one array
 * of cumulative weights per class (THE GENERAL PATH below). Given unweighted
 * probabilities, both paths give the same bits.
 */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* log_loss clips scores to [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS] so that a score
 * of exactly 0 or 1 costs a large finite amount instead of log(0) = -inf.
 * scikit-learn 1.2's default eps="auto" is np.finfo(float64).eps, 2^-52
 * (before 1.2 it was 1e-15): a score of 0 for a class 1 row costs
 * -log(2^-52) = 36.04. */
#define LOG_LOSS_EPS DBL_EPSILON

/* numpy's pairwise summation (see pairwise_sum) adds blocks of at most
 * PAIRWISE_BLOCK terms with PAIRWISE_LANES running sums each. */
#define PAIRWISE_BLOCK 128
#define PAIRWISE_LANES 8

/* The radix sort takes RADIX_BITS bits of a key per pass: 8 passes over the
 * 64 bits of a key (a key of a probability uses 63 of them). Measured on
 * 1e7 and 1e8 keys, 8-bit digits (256 write streams) beat 11, 13 and 16
 * bits, whose many streams thrash the TLB. */
#define KEY_BITS 64
#define RADIX_BITS 8
#define RADIX_SIZE ((size_t)1 << RADIX_BITS)
#define RADIX_PASSES ((KEY_BITS + RADIX_BITS - 1) / RADIX_BITS)
#define DIGIT_MASK ((uint64_t)RADIX_SIZE - 1)

/* classification_report's layout: each number column is NUMBER_WIDTH wide
 * (the width of "precision"); the first column is as wide as the longest
 * row title, "weighted avg", or as `digits` if that is more. */
#define REPORT_NUMBER_WIDTH 9
#define REPORT_LONGEST_TITLE "weighted avg"

/* ------------------------------------------------------------ checking */

/* Checks n, every label and every score, and counts the rows of each class.
 * Scores must be finite, and in [0, 1] if need_probabilities; *probabilities
 * (if not NULL) says whether they all are. The tests are written so that
 * NaN fails them too. */
static wlr_status check_rows(const uint8_t *y, const double *score, size_t n,
                             int need_probabilities, size_t count[2],
                             int *probabilities, wlr_error *err)
{
    int all_in_unit = 1;
    count[0] = count[1] = 0;
    if (n == 0) return wlr__fail(err, WLR_ERR_ARG, "n: there are no rows");
    for (size_t i = 0; i < n; i++) {
        if (y[i] > 1)
            return wlr__fail(err, WLR_ERR_ARG, "y: row %zu is %u, not 0 or 1",
                            i, (unsigned)y[i]);
        if (!isfinite(score[i]))
            return wlr__fail(err, WLR_ERR_ARG, "score: row %zu is not a finite "
                            "number (%.17g)", i, score[i]);
        if (!(score[i] >= 0.0 && score[i] <= 1.0)) {
            if (need_probabilities)
                return wlr__fail(err, WLR_ERR_ARG, "score: row %zu is not a "
                                "finite number in [0, 1] (%.17g)", i, score[i]);
            all_in_unit = 0;
        }
        count[y[i]]++;
    }
    if (probabilities) *probabilities = all_in_unit;
    return WLR_OK;
}

/* Sample weights: each finite and >= 0, and a positive sum in each class
 * (else that class's rates are 0/0). */
static wlr_status check_weights(const uint8_t *y, const double *weight,
                                size_t n, wlr_error *err)
{
    int positive[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(weight[i]) && weight[i] >= 0.0))
            return wlr__fail(err, WLR_ERR_ARG, "weight: row %zu is %.17g; "
                            "weights must be finite and >= 0", i, weight[i]);
        if (weight[i] > 0.0) positive[y[i]] = 1;
    }
    for (int k = 0; k < 2; k++)
        if (!positive[k])
            return wlr__fail(err, WLR_ERR_ARG, "weight: the rows of class %d "
                            "weigh 0 in all; each class needs a positive "
                            "weight", k);
    return WLR_OK;
}

/* The ranking of one class against the other needs both classes. */
static wlr_status check_both_classes(const size_t count[2], const char *what,
                                     wlr_error *err)
{
    for (int k = 0; k < 2; k++)
        if (count[k] == 0)
            return wlr__fail(err, WLR_ERR_ARG, "y: %s is undefined: the labels "
                            "hold only class %d", what, 1 - k);
    return WLR_OK;
}

static wlr_status check_threshold(double threshold, wlr_error *err)
{
    if (!isfinite(threshold))
        return wlr__fail(err, WLR_ERR_ARG, "threshold: %g is not a finite "
                        "number", threshold);
    return WLR_OK;
}

/* ------------------------------------------------- numpy's summation */

/* A stream of terms to add up: each call returns the next one. */
typedef double (*term_stream)(void *state);

/*
 * numpy's pairwise summation of the next n terms a_0 .. a_{n-1} of a stream,
 * operation for operation:
 *   n < 8:    ((0 + a_0) + a_1) + ... + a_{n-1}
 *   n <= 128: eight running sums r_j = a_j + a_{j+8} + a_{j+16} + ... over
 *             the first n - n mod 8 terms, combined as
 *             ((r_0 + r_1) + (r_2 + r_3)) + ((r_4 + r_5) + (r_6 + r_7)),
 *             then the last n mod 8 terms added one at a time;
 *   else:     the sum of the first h terms plus the sum of the rest, each
 *             found the same way, h = n / 2 rounded down to a multiple of 8.
 * The rounding error grows like log n instead of n. The terms are consumed
 * strictly in order, so a stream can compute them on the fly.
 */
static double pairwise_sum(term_stream next, void *state, size_t n)
{
    if (n < PAIRWISE_LANES) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) sum += next(state);
        return sum;
    }
    if (n <= PAIRWISE_BLOCK) {
        double r[PAIRWISE_LANES];
        size_t i;
        for (int j = 0; j < PAIRWISE_LANES; j++) r[j] = next(state);
        for (i = PAIRWISE_LANES; i < n - n % PAIRWISE_LANES;
             i += PAIRWISE_LANES)
            for (int j = 0; j < PAIRWISE_LANES; j++) r[j] += next(state);
        double sum = ((r[0] + r[1]) + (r[2] + r[3])) +
                     ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) sum += next(state);
        return sum;
    }
    size_t half = n / 2;
    half -= half % PAIRWISE_LANES;
    double first = pairwise_sum(next, state, half);
    return first + pairwise_sum(next, state, n - half);
}

/* np.sum of n terms: the reduction starts from add's identity, 0. */
static double numpy_sum(term_stream next, void *state, size_t n)
{
    return 0.0 + pairwise_sum(next, state, n);
}

/* ------------------------------------------------- at one threshold */

/* confusion[true][predicted], class 1 predicted iff score > threshold. */
static void count_confusion(const uint8_t *y, const double *score, size_t n,
                            double threshold, size_t confusion[2][2])
{
    memset(confusion, 0, 4 * sizeof confusion[0][0]);
    for (size_t i = 0; i < n; i++) confusion[y[i]][score[i] > threshold]++;
}

/* part / whole, and 0 for 0/0 (zero_division=0). */
static double ratio(double part, double whole)
{
    return whole == 0.0 ? 0.0 : part / whole;
}

/* f1 = 2 p r / (p + r), evaluated as scikit-learn does, ((1 + 1) p) r /
 * (1 p + r); 0 when p + r = 0. */
static double f1_score(double precision, double recall)
{
    double denominator = precision + recall;
    return denominator == 0.0 ? 0.0 : 2.0 * precision * recall / denominator;
}

/*
 * Matthews correlation from the confusion matrix C (counts or weights), in
 * scikit-learn's form:
 *   cov(y, yhat) ~ c n - t.p,  var(yhat) ~ n^2 - p.p,  var(y) ~ n^2 - t.t,
 *   mcc = cov / sqrt(var(y) var(yhat)), and 0 if var(y) var(yhat) = 0,
 * with c = C00 + C11 the correct rows, t = (C00 + C01, C10 + C11) the true
 * and p = (C00 + C10, C01 + C11) the predicted class sums, n = p0 + p1.
 */
static double matthews(const double c[2][2])
{
    double t0 = c[0][0] + c[0][1], t1 = c[1][0] + c[1][1];
    double p0 = c[0][0] + c[1][0], p1 = c[0][1] + c[1][1];
    double correct = c[0][0] + c[1][1];
    double n = p0 + p1;
    double cov_ytyp = correct * n - (t0 * p0 + t1 * p1);
    double cov_ypyp = n * n - (p0 * p0 + p1 * p1);
    double cov_ytyt = n * n - (t0 * t0 + t1 * t1);
    if (cov_ypyp * cov_ytyt == 0.0) return 0.0;
    return cov_ytyp / sqrt(cov_ytyt * cov_ypyp);
}

/*
 * The ratios from the sums in m->weighted_*, as scikit-learn forms them:
 * precision_k = C_kk / predicted_k, recall_k = C_kk / support_k, f1_k; the
 * balanced accuracy and MCC from the confusion matrix itself (its row sums
 * C_k0 + C_k1 are support_k for counts, and within rounding of it for
 * weights, as in scikit-learn, whose balanced_accuracy_score divides by
 * them).
 */
static void rates_from_sums(wlr_metrics *m)
{
    const double (*c)[2] = m->weighted_confusion;
    for (int k = 0; k < 2; k++) {
        m->precision[k] = ratio(c[k][k], m->weighted_predicted[k]);
        m->recall[k] = ratio(c[k][k], m->weighted_support[k]);
        m->f1[k] = f1_score(m->precision[k], m->recall[k]);
    }
    double r0 = ratio(c[0][0], c[0][0] + c[0][1]);
    double r1 = ratio(c[1][1], c[1][0] + c[1][1]);
    m->balanced_accuracy = (r0 + r1) / 2.0;
    m->mcc = matthews(m->weighted_confusion);
}

/* The Wilson intervals of recall_1 (tp of n1) and precision_1 (tp of tp +
 * fp) from the counts; precision's is undefined when nothing is predicted 1. */
static void wilson_intervals(wlr_metrics *m)
{
    size_t tp = m->confusion[1][1], fp = m->confusion[0][1];
    m->has_recall1_ci95 =
        wlr_wilson_interval(tp, m->support[1], m->recall1_ci95, NULL) == WLR_OK;
    m->has_precision1_ci95 =
        wlr_wilson_interval(tp, tp + fp, m->precision1_ci95, NULL) == WLR_OK;
}

/* Every field that depends on the threshold, from the counts m->confusion
 * (no weights: the sums are the counts). For class k the rows "predicted
 * positive" are those predicted k. */
static void rates_from_counts(wlr_metrics *m)
{
    const size_t (*c)[2] = m->confusion;
    for (int k = 0; k < 2; k++) {
        m->support[k] = c[k][0] + c[k][1];
        m->weighted_support[k] = (double)m->support[k];
        m->weighted_predicted[k] = (double)(c[0][k] + c[1][k]);
        for (int j = 0; j < 2; j++) m->weighted_confusion[k][j] = (double)c[k][j];
    }
    rates_from_sums(m);
    m->accuracy = ratio((double)(c[0][0] + c[1][1]),
                        (double)(m->support[0] + m->support[1]));
    wilson_intervals(m);
}

/*
 * Wilson's score interval (formula in wlr_metrics.h), with p = k / m:
 *   centre = (p + z^2 / 2m) / (1 + z^2 / m)
 *   half   = z / (1 + z^2 / m) sqrt(p (1 - p) / m + z^2 / 4m^2).
 * At k = 0 and k = m the lower and upper ends are 0 and 1 exactly (the
 * formula gives them up to rounding), and rounding never takes an end out
 * of [0, 1].
 */
wlr_status wlr_wilson_interval(size_t k, size_t m, double ci[2],
                               wlr_error *err)
{
    ci[0] = ci[1] = 0.0;
    if (m == 0)
        return wlr__fail(err, WLR_ERR_ARG, "m: no trials: the interval is "
                        "undefined");
    if (k > m)
        return wlr__fail(err, WLR_ERR_ARG, "k: %zu successes of %zu trials",
                        k, m);
    double z = WLR_Z95, z2 = z * z, trials = (double)m;
    double p = (double)k / trials, shrink = 1.0 + z2 / trials;
    double centre = (p + z2 / (2.0 * trials)) / shrink;
    double half = z / shrink *
                  sqrt(p * (1.0 - p) / trials + z2 / (4.0 * trials * trials));
    ci[0] = k == 0 ? 0.0 : fmax(0.0, centre - half);
    ci[1] = k == m ? 1.0 : fmin(1.0, centre + half);
    return WLR_OK;
}

/* ------------------------------------------------------------ log loss */

/* The rows, one at a time, as terms of a sum. */
typedef struct {
    const uint8_t *y;
    const double *score, *weight;
    double threshold;
    size_t i;
} row_stream;

/* Row i's loss -[y log p + (1 - y) log(1 - p)], p clipped to [eps, 1 - eps]:
 * -log p for class 1, -log(1 - p) for class 0. (scikit-learn also divides
 * p and 1 - p by their sum, which is exactly 1 for every p in [0, 1].) */
static double row_log_loss(uint8_t label, double score)
{
    double p = fmin(fmax(score, LOG_LOSS_EPS), 1.0 - LOG_LOSS_EPS);
    return label ? -log(p) : -log(1.0 - p);
}

static double next_log_loss(void *state)
{
    row_stream *s = state;
    size_t i = s->i++;
    return row_log_loss(s->y[i], s->score[i]);
}

/* The mean loss over the rows, summed in row order by numpy's rule. */
static double mean_log_loss(const uint8_t *y, const double *score, size_t n)
{
    row_stream s = {y, score, NULL, 0.0, 0};
    return numpy_sum(next_log_loss, &s, n) / (double)n;
}

/* Row i's (y - p)^2, a term of brier_score_loss's np.average. */
static double next_brier(void *state)
{
    row_stream *s = state;
    size_t i = s->i++;
    double d = (double)s->y[i] - s->score[i];
    return d * d;
}

/* np.mean((y - p)^2): summed in row order by numpy's rule. */
static double mean_brier(const uint8_t *y, const double *score, size_t n)
{
    row_stream s = {y, score, NULL, 0.0, 0};
    return numpy_sum(next_brier, &s, n) / (double)n;
}

/* ------------------------------------------------ with sample weights */

static double next_weight(void *state)
{
    row_stream *s = state;
    return s->weight[s->i++];
}

/* s_i loss_i, a term of np.average(loss, weights=s)'s numerator. */
static double next_weighted_log_loss(void *state)
{
    row_stream *s = state;
    size_t i = s->i++;
    return row_log_loss(s->y[i], s->score[i]) * s->weight[i];
}

/* s_i if row i is predicted right, else 0 (accuracy_score's numerator). */
static double next_weighted_hit(void *state)
{
    row_stream *s = state;
    size_t i = s->i++;
    int right = s->y[i] == (s->score[i] > s->threshold);
    return right ? s->weight[i] : 0.0;
}

/*
 * Everything at the threshold with sample weights s_i, in scikit-learn's
 * operations. In order of rows, from 0:
 *   C[y][yhat] += s_i                  (confusion_matrix: its sparse matrix
 *                                       adds up duplicate entries in order)
 *   predicted[yhat] += s_i, truth[y] += s_i   (bincount, in
 *                                       multilabel_confusion_matrix)
 * then, per class, tp = C[k][k] (the same sum bincount forms of the rows
 * predicted right), fp = predicted - tp, fn = truth - tp, and the sums
 * precision_recall_fscore_support divides by, pred_sum = tp + fp and
 * true_sum = tp + fn (within rounding of predicted and truth). Accuracy is
 * np.average(yhat == y, weights=s): two pairwise sums.
 */
static void weighted_threshold_metrics(const uint8_t *y, const double *score,
                                       const double *weight, size_t n,
                                       double threshold, wlr_metrics *m)
{
    double c[2][2] = {{0.0, 0.0}, {0.0, 0.0}};
    double predicted[2] = {0.0, 0.0}, truth[2] = {0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        int label = y[i], guess = score[i] > threshold;
        c[label][guess] += weight[i];
        predicted[guess] += weight[i];
        truth[label] += weight[i];
    }
    memcpy(m->weighted_confusion, c, sizeof c);
    for (int k = 0; k < 2; k++) {
        double tp = c[k][k];
        m->weighted_predicted[k] = tp + (predicted[k] - tp);
        m->weighted_support[k] = tp + (truth[k] - tp);
    }
    rates_from_sums(m);
    row_stream hits = {y, score, weight, threshold, 0};
    row_stream total = {y, score, weight, threshold, 0};
    m->accuracy = numpy_sum(next_weighted_hit, &hits, n) /
                  numpy_sum(next_weight, &total, n);
}

/* s_i (y_i - p_i)^2, a term of the weighted Brier score's numerator. */
static double next_weighted_brier(void *state)
{
    row_stream *s = state;
    size_t i = s->i++;
    double d = (double)s->y[i] - s->score[i];
    return d * d * s->weight[i];
}

/* np.average((y - p)^2, weights=s). */
static double weighted_brier(const uint8_t *y, const double *score,
                             const double *weight, size_t n)
{
    row_stream terms = {y, score, weight, 0.0, 0};
    row_stream total = {y, score, weight, 0.0, 0};
    return numpy_sum(next_weighted_brier, &terms, n) /
           numpy_sum(next_weight, &total, n);
}

/* np.average(loss, weights=s) = sum_i s_i loss_i / sum_i s_i. */
static double weighted_log_loss(const uint8_t *y, const double *score,
                                const double *weight, size_t n)
{
    row_stream terms = {y, score, weight, 0.0, 0};
    row_stream total = {y, score, weight, 0.0, 0};
    return numpy_sum(next_weighted_log_loss, &terms, n) /
           numpy_sum(next_weight, &total, n);
}

/* ------------------------------------------------------------- sorting */

/*
 * A score in [0, 1] and its label as one integer that sorts like the score.
 * For a non-negative double the IEEE bit pattern, read as an unsigned
 * integer, orders exactly as the value does (the exponent sits above the
 * mantissa); -0.0 is first made +0.0, as the two are the same score. A score
 * <= 1 has a pattern below 2^62, so there is room to shift it up one bit and
 * put the label in bit 0: key = bits(score) * 2 + label. Within a tie, class
 * 0 sorts first, which no metric depends on.
 */
static uint64_t score_key(double score, uint8_t label)
{
    uint64_t bits;
    if (score == 0.0) score = 0.0;
    memcpy(&bits, &score, sizeof bits);
    return bits << 1 | label;
}

/* The score whose bit pattern is `bits` (a key without its label). */
static double bits_score(uint64_t bits)
{
    double score;
    memcpy(&score, &bits, sizeof score);
    return score;
}

static double key_score(uint64_t key)
{
    return bits_score(key >> 1);
}

/*
 * Any finite score as a 64-bit integer that sorts like it (the general
 * path, where the label travels apart). A non-negative double's pattern
 * orders as its value, a negative one's in reverse; so the sign bit is set
 * on the first (above every negative) and every bit flipped on the second.
 * -0.0 is first made +0.0.
 */
static uint64_t ordered_key(double score)
{
    uint64_t bits;
    if (score == 0.0) score = 0.0;
    memcpy(&bits, &score, sizeof bits);
    return bits >> 63 ? ~bits : bits | (uint64_t)1 << 63;
}

/* The score of an ordered_key. */
static double ordered_score(uint64_t key)
{
    return bits_score(key >> 63 ? key & ~((uint64_t)1 << 63) : ~key);
}

/*
 * BOTH CORES for the sort (issue #6). The keys are cut into contiguous
 * ranges, one a thread, and each pass of the radix sort is done in two
 * phases, each range by its own thread:
 *   1. count: h_t[d] = the keys of range t whose digit is d;
 *   2. move:  range t's keys, in order, to the places
 *             start_t[d] = sum_{d' < d} sum_u h_u[d'] + sum_{u < t} h_u[d],
 *             i.e. digit by digit, and within a digit range 0's keys first,
 *             then range 1's, ...
 * That is exactly where one thread's stable counting sort puts every key,
 * so each pass, and the sorted keys, are the same bits with any number of
 * threads; only who moves which key changes. The ranges write disjoint
 * places, and the threads are joined between phases, so no key is read and
 * written at once. With one thread the counts of the first read serve every
 * pass (a pass only permutes the keys); with more, a range's keys change
 * from pass to pass and are counted again.
 *
 * The functions choose one thread for the sort unless told otherwise
 * (wlr_*_threads): the passes are bound by memory, which the cores share,
 * and on the 2-core machine of bench/README.md ("Both cores") a second
 * thread moving keys at the same time made the sort slower, not faster.
 * wlr_evaluate uses the second core for other work instead (see there).
 */
/* At most this many threads. */
#define MAX_THREADS 8
/* wlr_evaluate on fewer rows than this stays on the calling thread.
 * Measured on 2 cores (bench/README.md, "Both cores"): on a quiet machine
 * the second thread gave 1.27-1.56x from 32k rows up; but with other jobs
 * on the machine it waits for a core, and gave 0.95-1.02x from 128k to
 * 512k rows. From 1M rows (70 ms on one thread) it never measured slower. */
#define PARALLEL_MIN_ROWS (1u << 20)

/* wlr_evaluate's automatic choice: 2 threads from PARALLEL_MIN_ROWS rows if
 * 2 cores are online (it has two things to do at a time), else 1. */
static size_t auto_threads(size_t n)
{
    return n >= PARALLEL_MIN_ROWS && sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
}

/* One thread's share of the work: rows or keys lo .. hi - 1. The keys of
 * the general path carry their row numbers (src_row, dst_row; else NULL). */
typedef struct {
    const uint8_t *y;
    const double *score;
    const uint64_t *src;
    uint64_t *dst;
    const size_t *src_row;
    size_t *dst_row;
    size_t lo, hi;
    int shift;                                /* the digit of this pass */
    size_t count[RADIX_PASSES][RADIX_SIZE];   /* h_t of each digit */
} sort_job;

/* worker on jobs[0 .. n_jobs-1], through the library's one thread helper
 * (wlr__run_jobs: job 0 on this thread, each job writing its own share). */
static void run_jobs(void (*worker)(void *), sort_job *jobs, size_t n_jobs)
{
    wlr__job run[MAX_THREADS];
    for (size_t t = 0; t < n_jobs; t++) run[t] = (wlr__job){worker, &jobs[t]};
    wlr__run_jobs(run, n_jobs);
}

/* Keys of rows lo .. hi - 1 into dst[lo .. hi - 1]. */
static void pack_range(void *arg)
{
    sort_job *j = arg;
    for (size_t i = j->lo; i < j->hi; i++)
        j->dst[i] = score_key(j->score[i], j->y[i]);
}

/* count[p][d] = the keys of the range whose digit p is d, for every p. */
static void count_all_digits(void *arg)
{
    sort_job *j = arg;
    memset(j->count, 0, sizeof j->count);
    for (size_t i = j->lo; i < j->hi; i++)
        for (int p = 0; p < RADIX_PASSES; p++)
            j->count[p][(j->src[i] >> (p * RADIX_BITS)) & DIGIT_MASK]++;
}

/* count[0][d] = the keys of the range whose digit at shift is d. */
static void count_digit(void *arg)
{
    sort_job *j = arg;
    memset(j->count[0], 0, sizeof j->count[0]);
    for (size_t i = j->lo; i < j->hi; i++)
        j->count[0][(j->src[i] >> j->shift) & DIGIT_MASK]++;
}

/* The range's keys to dst, in order, each to the next place of its digit
 * (count[0][d] holds where the range's keys of digit d start), and their
 * row numbers with them if they have any. */
static void move_digit(void *arg)
{
    sort_job *j = arg;
    size_t *next = j->count[0];
    if (j->src_row) {
        for (size_t i = j->lo; i < j->hi; i++) {
            size_t to = next[(j->src[i] >> j->shift) & DIGIT_MASK]++;
            j->dst[to] = j->src[i];
            j->dst_row[to] = j->src_row[i];
        }
        return;
    }
    for (size_t i = j->lo; i < j->hi; i++)
        j->dst[next[(j->src[i] >> j->shift) & DIGIT_MASK]++] = j->src[i];
}

/* The keys to sort and room for as many; their row numbers and room, or
 * NULL. The sort leaves the result in key (and row), swapping the buffers
 * as it goes. */
typedef struct {
    uint64_t *key, *key_tmp;
    size_t *row, *row_tmp;
} sort_buffers;

/*
 * Sorts b->key[0 .. n-1] into ascending order, moving b->row along (if not
 * NULL), with the _tmp buffers as scratch.
 * LSD radix sort: for each RADIX_BITS-bit digit, least significant first, a
 * stable counting sort by that digit; after the last pass the keys are in
 * order because each pass keeps the order of the previous ones among keys
 * with equal digits (so tied keys keep the order of their rows). All digits
 * are counted in one read; a pass whose digit is the same in every key
 * would move nothing and is skipped. The work of each pass is shared by
 * n_jobs threads as described above; jobs has room for n_jobs (1 <= n_jobs
 * <= MAX_THREADS, n_jobs <= n).
 */
static void radix_sort(sort_buffers *b, size_t n, sort_job *jobs,
                       size_t n_jobs)
{
    size_t total[RADIX_PASSES][RADIX_SIZE];
    int moved = 0;
    if (n == 0) return;
    for (size_t t = 0; t < n_jobs; t++) {
        jobs[t].src = b->key;
        jobs[t].lo = n * t / n_jobs;
        jobs[t].hi = n * (t + 1) / n_jobs;
    }
    run_jobs(count_all_digits, jobs, n_jobs);
    memset(total, 0, sizeof total);
    for (size_t t = 0; t < n_jobs; t++)
        for (int p = 0; p < RADIX_PASSES; p++)
            for (size_t d = 0; d < RADIX_SIZE; d++)
                total[p][d] += jobs[t].count[p][d];

    for (int p = 0; p < RADIX_PASSES; p++) {
        int shift = p * RADIX_BITS;
        if (total[p][(b->key[0] >> shift) & DIGIT_MASK] == n) continue;
        for (size_t t = 0; t < n_jobs; t++) {
            jobs[t].src = b->key;
            jobs[t].dst = b->key_tmp;
            jobs[t].src_row = b->row;
            jobs[t].dst_row = b->row_tmp;
            jobs[t].shift = shift;
            if (!moved || n_jobs == 1)   /* h_t of digit p still holds */
                memmove(jobs[t].count[0], jobs[t].count[p],
                        sizeof jobs[t].count[0]);
        }
        if (moved && n_jobs > 1) run_jobs(count_digit, jobs, n_jobs);
        /* h_t -> start_t: digit by digit, range by range */
        size_t start = 0;
        for (size_t d = 0; d < RADIX_SIZE; d++)
            for (size_t t = 0; t < n_jobs; t++) {
                size_t c = jobs[t].count[0][d];
                jobs[t].count[0][d] = start;
                start += c;
            }
        run_jobs(move_digit, jobs, n_jobs);
        moved = 1;
        uint64_t *key = b->key;
        b->key = b->key_tmp;
        b->key_tmp = key;
        size_t *row = b->row;
        b->row = b->row_tmp;
        b->row_tmp = row;
    }
}

/* The keys of the rows (all of them, or with only_class1 those of class 1,
 * m of them either way) in ascending order, in *out, sorted by n_threads
 * threads (0: one, see above); the caller frees it. */
static wlr_status sorted_keys(const uint8_t *y, const double *score, size_t n,
                              int only_class1, size_t m, size_t n_threads,
                              uint64_t **out, wlr_error *err)
{
    *out = NULL;
    if (n_threads == 0) n_threads = 1;
    if (n_threads > MAX_THREADS) n_threads = MAX_THREADS;
    if (n_threads > m) n_threads = m > 0 ? m : 1;
    if (m >= SIZE_MAX / sizeof(uint64_t))
        return wlr__fail(err, WLR_ERR_NOMEM, "score: %zu rows are too many to "
                        "sort", m);
    uint64_t *a = malloc((m + 1) * sizeof *a);
    uint64_t *tmp = malloc((m + 1) * sizeof *tmp);
    sort_job *jobs = calloc(n_threads, sizeof *jobs);
    if (!a || !tmp || !jobs) {
        free(a);
        free(tmp);
        free(jobs);
        return wlr__fail(err, WLR_ERR_NOMEM, "score: out of memory sorting "
                        "%zu rows", m);
    }
    if (only_class1) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (y[i]) a[k++] = score_key(score[i], 1);
    } else {
        /* every row's key at its own index: the rows split like the keys */
        for (size_t t = 0; t < n_threads; t++) {
            jobs[t].y = y;
            jobs[t].score = score;
            jobs[t].dst = a;
            jobs[t].lo = n * t / n_threads;
            jobs[t].hi = n * (t + 1) / n_threads;
        }
        run_jobs(pack_range, jobs, n_threads);
    }
    sort_buffers b = {a, tmp, NULL, NULL};
    radix_sort(&b, m, jobs, n_threads);
    free(b.key_tmp);
    free(jobs);
    *out = b.key;
    return WLR_OK;
}

/* --------------------------------------------- runs of equal scores */

/* Walks sorted keys one run of equal scores at a time, from the highest
 * score down (step -1) or from the lowest up (step +1). */
typedef struct {
    const uint64_t *key;
    ptrdiff_t next, end, step;   /* next key; one step past the last key */
} run_walk;

static run_walk run_walk_start(const uint64_t *key, size_t n, int descending)
{
    run_walk w;
    w.key = key;
    w.step = descending ? -1 : 1;
    w.next = descending ? (ptrdiff_t)n - 1 : 0;
    w.end = descending ? -1 : (ptrdiff_t)n;
    return w;
}

/* Steps over the next run: count[k] = its rows of class k, *value = its
 * score's key without the label. Returns 0 when there is no run left. */
static int next_run(run_walk *w, size_t count[2], uint64_t *value)
{
    if (w->next == w->end) return 0;
    const uint64_t *key = w->key;
    ptrdiff_t i = w->next;
    uint64_t v = key[i] >> 1;
    size_t ones = 0;
    do {
        ones += key[i] & 1;
        i += w->step;
    } while (i != w->end && key[i] >> 1 == v);
    count[1] = ones;
    count[0] = (size_t)((i - w->next) * w->step) - ones;
    w->next = i;
    if (value) *value = v;
    return 1;
}

/* ------------------------------------------------------------- ROC AUC */

/* A point of the ROC curve in counts: the rows of class 0 (fp) and class 1
 * (tp) scoring >= some score. */
typedef struct {
    size_t fp, tp;
} roc_point;

/*
 * The points scikit-learn's roc_auc_score integrates: roc_curve with
 * drop_intermediate=True. With P_1 .. P_d the points of the d distinct
 * scores from the highest down, P_j is kept iff j = 1, j = d, or the step
 * into it differs from the step out of it, P_j - P_{j-1} != P_{j+1} - P_j
 * (a point in the middle of a straight run of equal steps adds no area).
 */
typedef struct {
    run_walk runs;
    roc_point prev, cur, next;
    int have_next;
    size_t index;     /* j of cur */
} kept_walk;

/* next = from + the next run's counts; 0 if there is no run left. */
static int step_point(run_walk *runs, const roc_point *from, roc_point *next)
{
    size_t count[2];
    if (!next_run(runs, count, NULL)) return 0;
    next->fp = from->fp + count[0];
    next->tp = from->tp + count[1];
    return 1;
}

static void kept_walk_start(kept_walk *k, const uint64_t *key, size_t n)
{
    memset(k, 0, sizeof *k);
    k->runs = run_walk_start(key, n, 1);
    k->have_next = step_point(&k->runs, &k->cur, &k->next);
}

static int same_step(const roc_point *a, const roc_point *b,
                     const roc_point *c)
{
    return b->fp - a->fp == c->fp - b->fp && b->tp - a->tp == c->tp - b->tp;
}

/* The next kept point, in *out; 0 when there is none left. */
static int next_kept(kept_walk *k, roc_point *out)
{
    while (k->have_next) {
        k->prev = k->cur;
        k->cur = k->next;
        k->index++;
        k->have_next = step_point(&k->runs, &k->cur, &k->next);
        if (k->index == 1 || !k->have_next ||
            !same_step(&k->prev, &k->cur, &k->next)) {
            *out = k->cur;
            return 1;
        }
    }
    return 0;
}

/* How many distinct scores d there are, and how many of their points the
 * kept walk keeps: all but the points j, 1 < j < d, whose run holds the same
 * counts of each class as run j + 1 (steps into and out of P_j equal). */
static void count_points(const uint64_t *key, size_t n, size_t *n_distinct,
                         size_t *n_kept)
{
    run_walk w = run_walk_start(key, n, 1);
    size_t prev[2] = {0, 0}, cur[2], d = 0, dropped = 0;
    while (next_run(&w, cur, NULL)) {
        d++;
        if (d >= 3 && cur[0] == prev[0] && cur[1] == prev[1]) dropped++;
        prev[0] = cur[0];
        prev[1] = cur[1];
    }
    *n_distinct = d;
    *n_kept = d - dropped;
}

typedef struct {
    kept_walk kept;
    double x, y;      /* the previous kept point; (0, 0) to begin with */
    double n0, n1;
} trapezoid_stream;

/* The area of the next trapezoid under the ROC curve, as numpy's trapz:
 * (x_k - x_{k-1}) (y_k + y_{k-1}) / 2, x = fp / n0, y = tp / n1. */
static double next_trapezoid(void *state)
{
    trapezoid_stream *s = state;
    roc_point q = {0, 0};
    next_kept(&s->kept, &q);
    double x = (double)q.fp / s->n0, y = (double)q.tp / s->n1;
    double area = (x - s->x) * (y + s->y) / 2.0;
    s->x = x;
    s->y = y;
    return area;
}

/* ROC AUC from the sorted keys: the trapezoid rule from (0, 0) through the
 * n_kept kept points, summed by numpy's rule. */
static double roc_auc_sorted(const uint64_t *key, size_t n,
                             const size_t count[2], size_t n_kept)
{
    trapezoid_stream s;
    memset(&s, 0, sizeof s);
    kept_walk_start(&s.kept, key, n);
    s.n0 = (double)count[0];
    s.n1 = (double)count[1];
    return numpy_sum(next_trapezoid, &s, n_kept);
}

/* --------------------------------------------------- average precision */

typedef struct {
    run_walk runs;    /* ascending */
    size_t below[2];  /* rows of each class under the current run's score */
    double recall;    /* R of the current run: 1 for the lowest */
    size_t n0, n1;
} precision_stream;

/*
 * scikit-learn lists recall and precision from the lowest score up and sums
 * diff(recall) * precision, then negates. For the run of score s_k:
 *   tp_k = n1 - (class 1 rows below s_k), fp_k likewise,
 *   R_k = tp_k / n1, R_{k-1} = (tp_k - class 1 rows at s_k) / n1,
 *   P_k = tp_k / (tp_k + fp_k),  term = (R_{k-1} - R_k) P_k  (<= 0).
 * R_{k-1} is the next run's R_k.
 */
static double next_precision_term(void *state)
{
    precision_stream *s = state;
    size_t count[2];
    next_run(&s->runs, count, NULL);
    size_t tp = s->n1 - s->below[1], fp = s->n0 - s->below[0];
    double recall_above = (double)(tp - count[1]) / (double)s->n1;
    double precision = (double)tp / ((double)tp + (double)fp);
    double term = (recall_above - s->recall) * precision;
    s->below[0] += count[0];
    s->below[1] += count[1];
    s->recall = recall_above;
    return term;
}

/* Average precision over the d distinct scores of the sorted keys. */
static double average_precision_sorted(const uint64_t *key, size_t n,
                                       const size_t count[2],
                                       size_t n_distinct)
{
    precision_stream s;
    memset(&s, 0, sizeof s);
    s.runs = run_walk_start(key, n, 0);
    s.recall = 1.0;
    s.n0 = count[0];
    s.n1 = count[1];
    return -numpy_sum(next_precision_term, &s, n_distinct);
}

/* ---------------------------------------------------- DeLong's interval */

/* The runs of equal scores from the highest score down, as counts of rows
 * of each class: the next run's in count; 0 when none is left. */
typedef int (*run_source)(void *state, size_t count[2]);

/*
 * DeLong's interval for m->roc_auc (formulas in wlr_metrics.h), in one pass
 * over the runs from the top. Every row of a run has the same structural
 * component: with above_k the rows of class k above the run and c_k its own,
 *   a class 1 row:  V10 = (class 0 rows below + c_0 / 2) / n0
 *                       = (n0 - above_0 - c_0 / 2) / n0,
 *   a class 0 row:  V01 = (class 1 rows above + c_1 / 2) / n1
 *                       = (above_1 + c_1 / 2) / n1,
 * so S10 = sum over runs of c_1 (V10 - AUC)^2 / (n1 - 1), S01 likewise.
 * Needs 2 rows of each class (the variances divide by n_k - 1).
 */
static void delong_interval(run_source next, void *state,
                            const size_t count[2], wlr_metrics *m)
{
    m->has_roc_auc_ci95 = 0;
    if (count[0] < 2 || count[1] < 2) return;
    double n0 = (double)count[0], n1 = (double)count[1], auc = m->roc_auc;
    double s10 = 0.0, s01 = 0.0;
    size_t above[2] = {0, 0}, c[2];
    while (next(state, c)) {
        double v10 = (n0 - (double)above[0] - 0.5 * (double)c[0]) / n0;
        double v01 = ((double)above[1] + 0.5 * (double)c[1]) / n1;
        s10 += (double)c[1] * (v10 - auc) * (v10 - auc);
        s01 += (double)c[0] * (v01 - auc) * (v01 - auc);
        above[0] += c[0];
        above[1] += c[1];
    }
    double var = s10 / (n1 - 1.0) / n1 + s01 / (n0 - 1.0) / n0;
    double half = WLR_Z95 * sqrt(var);
    m->roc_auc_ci95[0] = fmax(0.0, auc - half);
    m->roc_auc_ci95[1] = fmin(1.0, auc + half);
    m->has_roc_auc_ci95 = 1;
}

/* The runs of sorted keys, from the top (a run_walk started descending). */
static int next_key_run(void *state, size_t count[2])
{
    return next_run(state, count, NULL);
}

/* ----------------------------------------------------- the general path */

/* malloc, noting a failure in *failed (for several arrays at once). */
static void *alloc_array(size_t n, size_t size, int *failed)
{
    void *p = malloc(n * size);
    if (!p) *failed = 1;
    return p;
}

/*
 * With sample weights, or scores outside [0, 1], the ranking is built as
 * scikit-learn's _binary_clf_curve builds it, and kept whole:
 *   the rows of weight 0 are dropped;
 *   the rest are ordered by score, highest first, tied rows by falling row
 *   number (numpy's stable argsort, reversed);
 *   tps = cumsum(y s), fps = cumsum((1 - y) s) along that order (s = 1
 *   without weights: counts), read at the last row of each run of equal
 *   scores.
 * So tps[k], fps[k] are the weights of the class 1, 0 rows scoring >= the
 * k-th highest distinct score, added in scikit-learn's order. The keys
 * carry their row numbers through the radix sort, whose passes are stable:
 * tied keys stay in rising row order, read backwards from the top.
 */
typedef struct {
    size_t d;              /* distinct scores */
    double *threshold;     /* s_1 > s_2 > ... > s_d */
    double *fps, *tps;     /* cumulative weights, as above */
    size_t *rows0, *rows1; /* rows of class 0, 1 scoring exactly s_k */
} ranking;

static void ranking_free(ranking *r)
{
    free(r->threshold);
    free(r->fps);
    free(r->tps);
    free(r->rows0);
    free(r->rows1);
    memset(r, 0, sizeof *r);
}

/* The rows of weight != 0 (all rows without weights) as sorted keys with
 * their row numbers, m of them; the caller frees b->key and b->row. */
static wlr_status sorted_rows(const double *score, const double *weight,
                              size_t n, sort_buffers *b, size_t *m,
                              wlr_error *err)
{
    size_t k = 0;
    sort_job *job = calloc(1, sizeof *job);
    memset(b, 0, sizeof *b);
    if (n < SIZE_MAX / sizeof(uint64_t)) {
        b->key = malloc((n + 1) * sizeof *b->key);
        b->key_tmp = malloc((n + 1) * sizeof *b->key_tmp);
        b->row = malloc((n + 1) * sizeof *b->row);
        b->row_tmp = malloc((n + 1) * sizeof *b->row_tmp);
    }
    if (!job || !b->key || !b->key_tmp || !b->row || !b->row_tmp) {
        free(job);
        free(b->key);
        free(b->key_tmp);
        free(b->row);
        free(b->row_tmp);
        memset(b, 0, sizeof *b);
        return wlr__fail(err, WLR_ERR_NOMEM, "score: out of memory sorting "
                        "%zu rows", n);
    }
    for (size_t i = 0; i < n; i++)
        if (!weight || weight[i] != 0.0) {
            b->key[k] = ordered_key(score[i]);
            b->row[k++] = i;
        }
    radix_sort(b, k, job, 1);
    free(job);
    free(b->key_tmp);
    free(b->row_tmp);
    b->key_tmp = NULL;
    b->row_tmp = NULL;
    *m = k;
    return WLR_OK;
}

/* The ranking of the rows (see above). */
static wlr_status ranking_build(const uint8_t *y, const double *score,
                                const double *weight, size_t n, ranking *r,
                                wlr_error *err)
{
    sort_buffers b;
    size_t m = 0, d = 0;
    memset(r, 0, sizeof *r);
    wlr_status st = sorted_rows(score, weight, n, &b, &m, err);
    if (st) return st;
    for (size_t i = 0; i < m; i++) d += i == 0 || b.key[i] != b.key[i - 1];
    int failed = 0;
    r->threshold = alloc_array(d, sizeof *r->threshold, &failed);
    r->fps = alloc_array(d, sizeof *r->fps, &failed);
    r->tps = alloc_array(d, sizeof *r->tps, &failed);
    r->rows0 = alloc_array(d, sizeof *r->rows0, &failed);
    r->rows1 = alloc_array(d, sizeof *r->rows1, &failed);
    if (failed) {
        free(b.key);
        free(b.row);
        ranking_free(r);
        return wlr__fail(err, WLR_ERR_NOMEM, "score: out of memory for %zu "
                        "distinct scores", d);
    }
    double fps = 0.0, tps = 0.0;
    size_t k = 0, i = m;
    while (i > 0) {                       /* one run, from its last row */
        uint64_t key = b.key[i - 1];
        size_t c[2] = {0, 0};
        for (; i > 0 && b.key[i - 1] == key; i--) {
            size_t row = b.row[i - 1];
            double s = weight ? weight[row] : 1.0;
            if (y[row]) tps += s;
            else fps += s;
            c[y[row]]++;
        }
        r->threshold[k] = ordered_score(key);
        r->fps[k] = fps;
        r->tps[k] = tps;
        r->rows0[k] = c[0];
        r->rows1[k++] = c[1];
    }
    r->d = d;
    free(b.key);
    free(b.row);
    return WLR_OK;
}

/* roc_curve's drop_intermediate: point k stays if it is the first or the
 * last, or the step into it differs from the step out of it in fps or tps
 * (np.diff(_, 2) != 0: the steps are rounded differences of sums). */
static int ranking_kept(const ranking *r, size_t k)
{
    if (k == 0 || k + 1 == r->d) return 1;
    return r->fps[k] - r->fps[k - 1] != r->fps[k + 1] - r->fps[k] ||
           r->tps[k] - r->tps[k - 1] != r->tps[k + 1] - r->tps[k];
}

typedef struct {
    const ranking *r;
    size_t k;          /* the next point to look at */
    double x, y;       /* the previous kept point; (0, 0) to begin with */
} ranking_trapezoids;

/* The next trapezoid under the ROC curve, as numpy's trapz: (x_k -
 * x_{k-1}) (y_k + y_{k-1}) / 2, x = fps / fps[d-1], y = tps / tps[d-1]. */
static double next_ranking_trapezoid(void *state)
{
    ranking_trapezoids *s = state;
    const ranking *r = s->r;
    while (!ranking_kept(r, s->k)) s->k++;
    double x = r->fps[s->k] / r->fps[r->d - 1];
    double y = r->tps[s->k] / r->tps[r->d - 1];
    s->k++;
    double area = (x - s->x) * (y + s->y) / 2.0;
    s->x = x;
    s->y = y;
    return area;
}

static double ranking_roc_auc(const ranking *r)
{
    size_t kept = 0;
    for (size_t k = 0; k < r->d; k++) kept += ranking_kept(r, k);
    ranking_trapezoids s = {r, 0, 0.0, 0.0};
    return numpy_sum(next_ranking_trapezoid, &s, kept);
}

typedef struct {
    const ranking *r;
    size_t k;          /* the next point, counting down from d - 1 */
} ranking_points;

/* From the lowest score up, as precision_recall_curve lists them:
 * (R_{k-1} - R_k) P_k, R_k = tps[k] / tps[d-1] (R_{-1} = 0),
 * P_k = tps[k] / (tps[k] + fps[k]). */
static double next_ranking_precision_term(void *state)
{
    ranking_points *s = state;
    const ranking *r = s->r;
    size_t k = s->k--;
    double total = r->tps[r->d - 1];
    double recall = r->tps[k] / total;
    double recall_above = k == 0 ? 0.0 : r->tps[k - 1] / total;
    double predicted = r->tps[k] + r->fps[k];
    double precision = predicted != 0.0 ? r->tps[k] / predicted : 0.0;
    return (recall_above - recall) * precision;
}

static double ranking_average_precision(const ranking *r)
{
    ranking_points s = {r, r->d - 1};
    return -numpy_sum(next_ranking_precision_term, &s, r->d);
}

/* The runs of a ranking, from the top, for DeLong. */
static int next_ranking_run(void *state, size_t count[2])
{
    ranking_points *s = state;
    if (s->k == s->r->d) return 0;
    count[0] = s->r->rows0[s->k];
    count[1] = s->r->rows1[s->k++];
    return 1;
}

/* Every metric by the general path; the rows are checked. */
static wlr_status evaluate_general(const uint8_t *y, const double *score,
                                   const double *weight, size_t n,
                                   double threshold, const size_t count[2],
                                   wlr_metrics *m, wlr_error *err)
{
    ranking r;
    wlr_status st = ranking_build(y, score, weight, n, &r, err);
    if (st) return st;
    m->roc_auc = ranking_roc_auc(&r);
    m->average_precision = ranking_average_precision(&r);
    if (!weight) {
        ranking_points runs = {&r, 0};
        delong_interval(next_ranking_run, &runs, count, m);
    }
    ranking_free(&r);

    count_confusion(y, score, n, threshold, m->confusion);
    if (weight) {
        for (int k = 0; k < 2; k++)
            m->support[k] = m->confusion[k][0] + m->confusion[k][1];
        weighted_threshold_metrics(y, score, weight, n, threshold, m);
    } else {
        rates_from_counts(m);
    }
    if (m->probabilities) {
        m->log_loss = weight ? weighted_log_loss(y, score, weight, n)
                             : mean_log_loss(y, score, n);
        m->brier = weight ? weighted_brier(y, score, weight, n)
                          : mean_brier(y, score, n);
    }
    return WLR_OK;
}

/* --------------------------------------------------------- evaluation */

/*
 * BOTH CORES for the rest of wlr_evaluate. The sort is memory-bound: on the
 * 2-core machine of bench/README.md a second thread moving keys at the same
 * time makes each pass slower, not faster. The log-loss (a log() a row) and
 * the confusion matrix need no sorted keys, so a second thread computes
 * them while the keys are sorted (on the remaining threads); and once they
 * are, average precision is summed on a second thread while ROC AUC is on
 * this one. Each part is the same code on the same rows in the same order
 * as on one thread, so the metrics are the same bits.
 */

/* The metrics read off the rows as they are: log-loss and confusion. */
typedef struct {
    const uint8_t *y;
    const double *score;
    size_t n;
    double threshold;
    double log_loss, brier;
    size_t confusion[2][2];
} row_metrics_job;

static void row_metrics(void *arg)
{
    row_metrics_job *j = arg;
    j->log_loss = mean_log_loss(j->y, j->score, j->n);
    j->brier = mean_brier(j->y, j->score, j->n);
    count_confusion(j->y, j->score, j->n, j->threshold, j->confusion);
}

typedef struct {
    const uint64_t *key;
    size_t n;
    const size_t *count;
    size_t n_distinct;
    double result;
} precision_job;

static void precision_metric(void *arg)
{
    precision_job *j = arg;
    j->result = average_precision_sorted(j->key, j->n, j->count, j->n_distinct);
}

/* ROC AUC and its interval from the sorted keys. */
typedef struct {
    const uint64_t *key;
    size_t n;
    const size_t *count;
    size_t n_kept;
    wlr_metrics *m;
} auc_job;

static void roc_metric(void *arg)
{
    auc_job *j = arg;
    j->m->roc_auc = roc_auc_sorted(j->key, j->n, j->count, j->n_kept);
    run_walk runs = run_walk_start(j->key, j->n, 1);
    delong_interval(next_key_run, &runs, j->count, j->m);
}

/* ROC AUC (with its interval) and average precision from the sorted keys,
 * side by side on two threads if two_threads. */
static void ranking_metrics(const uint64_t *key, size_t n,
                            const size_t count[2], int two_threads,
                            wlr_metrics *m)
{
    size_t n_distinct, n_kept;
    count_points(key, n, &n_distinct, &n_kept);
    precision_job ap = {key, n, count, n_distinct, 0.0};
    auc_job auc = {key, n, count, n_kept, m};
    wlr__job both[2] = {{roc_metric, &auc}, {precision_metric, &ap}};
    wlr__run_jobs(both, two_threads ? 2 : 1);
    if (!two_threads) precision_metric(&ap);
    m->average_precision = ap.result;
}

/* The sort and the ranking metrics, on the calling thread (sorting with
 * n_threads - 1 threads of its own when there are more). */
typedef struct {
    const uint8_t *y;
    const double *score;
    size_t n;
    const size_t *count;
    size_t n_threads;
    wlr_metrics *m;
    wlr_status st;
    wlr_error err;
} ranking_job;

static void ranking_rows(void *arg)
{
    ranking_job *j = arg;
    uint64_t *key;
    j->st = sorted_keys(j->y, j->score, j->n, 0, j->n,
                        j->n_threads > 1 ? j->n_threads - 1 : 1, &key, &j->err);
    if (j->st) return;
    ranking_metrics(key, j->n, j->count, j->n_threads > 1, j->m);
    free(key);
}

/* Every metric by the path of unweighted probabilities; the rows are
 * checked. */
static wlr_status evaluate_probabilities(const uint8_t *y, const double *score,
                                         size_t n, double threshold,
                                         const size_t count[2],
                                         size_t n_threads, wlr_metrics *m,
                                         wlr_error *err)
{
    wlr_status st;
    if (n_threads == 0) n_threads = auto_threads(n);

    row_metrics_job rows = {y, score, n, threshold, 0.0, 0.0, {{0}}};
    ranking_job rank = {y, score, n, count, n_threads, m, WLR_OK, {{0}}};
    wlr__job both[2] = {{ranking_rows, &rank}, {row_metrics, &rows}};
    wlr__run_jobs(both, n_threads > 1 ? 2 : 1);
    if (n_threads <= 1) row_metrics(&rows);
    if ((st = rank.st)) {
        *err = rank.err;
        return st;
    }

    m->log_loss = rows.log_loss;
    m->brier = rows.brier;
    memcpy(m->confusion, rows.confusion, sizeof m->confusion);
    rates_from_counts(m);
    return WLR_OK;
}

/* wlr_evaluate_weighted on n_threads threads (the path of unweighted
 * probabilities; the general path runs on one). */
static wlr_status evaluate(const uint8_t *y, const double *score,
                           const double *weight, size_t n, double threshold,
                           wlr_metrics *m, size_t n_threads, wlr_error *err)
{
    size_t count[2];
    int probabilities;
    memset(m, 0, sizeof *m);
    wlr_status st = check_rows(y, score, n, 0, count, &probabilities, err);
    if (!st) st = check_both_classes(count, "ROC AUC", err);
    if (!st) st = check_threshold(threshold, err);
    if (!st && weight) st = check_weights(y, weight, n, err);
    if (st) return st;
    m->threshold = threshold;
    m->probabilities = probabilities;
    m->weighted = weight != NULL;
    if (!weight && probabilities)
        st = evaluate_probabilities(y, score, n, threshold, count, n_threads, m,
                                    err);
    else
        st = evaluate_general(y, score, weight, n, threshold, count, m, err);
    if (st) memset(m, 0, sizeof *m);
    return st;
}

wlr_status wlr__evaluate_threads(const uint8_t *y, const double *score,
                                size_t n, double threshold, wlr_metrics *m,
                                size_t n_threads, wlr_error *err)
{
    return evaluate(y, score, NULL, n, threshold, m, n_threads, err);
}

wlr_status wlr_evaluate(const uint8_t *y, const double *score, size_t n,
                        double threshold, wlr_metrics *m, wlr_error *err)
{
    return evaluate(y, score, NULL, n, threshold, m, 0, err);
}

wlr_status wlr_evaluate_weighted(const uint8_t *y, const double *score,
                                 const double *weight, size_t n,
                                 double threshold, wlr_metrics *m,
                                 wlr_error *err)
{
    return evaluate(y, score, weight, n, threshold, m, 0, err);
}

/* --------------------------------------------------------------- curves */

static wlr_status curve_alloc(wlr_curve *c, size_t n_points, int weighted,
                              wlr_error *err)
{
    int failed = 0;
    c->threshold = alloc_array(n_points, sizeof *c->threshold, &failed);
    c->fp = alloc_array(n_points, sizeof *c->fp, &failed);
    c->tp = alloc_array(n_points, sizeof *c->tp, &failed);
    c->fpr = alloc_array(n_points, sizeof *c->fpr, &failed);
    c->tpr = alloc_array(n_points, sizeof *c->tpr, &failed);
    c->precision = alloc_array(n_points, sizeof *c->precision, &failed);
    if (weighted) {
        c->fp_weight = alloc_array(n_points, sizeof *c->fp_weight, &failed);
        c->tp_weight = alloc_array(n_points, sizeof *c->tp_weight, &failed);
    }
    if (failed) {
        wlr_curve_free(c);
        return wlr__fail(err, WLR_ERR_NOMEM, "curve: out of memory for %zu "
                        "points", n_points);
    }
    c->n_points = n_points;
    c->weighted = weighted;
    return WLR_OK;
}

/* Point k from its counts (formulas in wlr.h). */
static void curve_set(wlr_curve *c, size_t k, double threshold, size_t fp,
                      size_t tp)
{
    c->threshold[k] = threshold;
    c->fp[k] = fp;
    c->tp[k] = tp;
    c->fpr[k] = (double)fp / (double)c->count[0];
    c->tpr[k] = (double)tp / (double)c->count[1];
    c->precision[k] = fp + tp == 0 ? 1.0 : (double)tp / ((double)tp + (double)fp);
}

/* The curve of unweighted probabilities, from the sorted keys. */
static wlr_status curve_of_probabilities(const uint8_t *y, const double *score,
                                         size_t n, const size_t count[2],
                                         size_t n_threads, wlr_curve *c,
                                         wlr_error *err)
{
    uint64_t *key;
    size_t n_distinct = 0, run_count[2];
    wlr_status st = sorted_keys(y, score, n, 0, n, n_threads, &key, err);
    if (st) return st;
    run_walk w = run_walk_start(key, n, 1);
    while (next_run(&w, run_count, NULL)) n_distinct++;
    st = curve_alloc(c, n_distinct + 1, 0, err);
    if (st) {
        free(key);
        return st;
    }
    c->count[0] = count[0];
    c->count[1] = count[1];

    size_t fp = 0, tp = 0;
    uint64_t value;
    curve_set(c, 0, INFINITY, 0, 0);
    w = run_walk_start(key, n, 1);
    for (size_t k = 1; next_run(&w, run_count, &value); k++) {
        fp += run_count[0];
        tp += run_count[1];
        curve_set(c, k, bits_score(value), fp, tp);
    }
    free(key);
    return WLR_OK;
}

/*
 * The curve by the general path: point k + 1 is the ranking's point k, with
 * scikit-learn's roc_curve and precision_recall_curve ratios,
 *   fpr = fps / fps[d-1], tpr = tps / tps[d-1], precision = tps / (tps + fps)
 * (for counts, the same doubles curve_set divides).
 */
static wlr_status curve_general(const uint8_t *y, const double *score,
                                const double *weight, size_t n, wlr_curve *c,
                                wlr_error *err)
{
    ranking r;
    wlr_status st = ranking_build(y, score, weight, n, &r, err);
    if (!st) st = curve_alloc(c, r.d + 1, weight != NULL, err);
    if (st) {
        ranking_free(&r);
        return st;
    }
    size_t d = r.d, fp = 0, tp = 0;
    double total0 = r.fps[d - 1], total1 = r.tps[d - 1];
    for (size_t k = 0; k < d; k++) {
        c->count[0] += r.rows0[k];
        c->count[1] += r.rows1[k];
    }
    c->threshold[0] = INFINITY;
    c->fp[0] = c->tp[0] = 0;
    c->fpr[0] = c->tpr[0] = 0.0;
    c->precision[0] = 1.0;
    for (size_t k = 0; k < d; k++) {
        fp += r.rows0[k];
        tp += r.rows1[k];
        c->threshold[k + 1] = r.threshold[k];
        c->fp[k + 1] = fp;
        c->tp[k + 1] = tp;
        c->fpr[k + 1] = r.fps[k] / total0;
        c->tpr[k + 1] = r.tps[k] / total1;
        c->precision[k + 1] = r.tps[k] / (r.tps[k] + r.fps[k]);
    }
    if (weight) {
        c->weight[0] = total0;
        c->weight[1] = total1;
        c->fp_weight[0] = c->tp_weight[0] = 0.0;
        memcpy(c->fp_weight + 1, r.fps, d * sizeof *r.fps);
        memcpy(c->tp_weight + 1, r.tps, d * sizeof *r.tps);
    }
    ranking_free(&r);
    return WLR_OK;
}

/* wlr_curve_compute_weighted on n_threads threads (the path of unweighted
 * probabilities; the general path runs on one). */
static wlr_status curve_compute(const uint8_t *y, const double *score,
                                const double *weight, size_t n, wlr_curve *c,
                                size_t n_threads, wlr_error *err)
{
    size_t count[2];
    int probabilities;
    memset(c, 0, sizeof *c);
    wlr_status st = check_rows(y, score, n, 0, count, &probabilities, err);
    if (!st) st = check_both_classes(count, "the ROC curve", err);
    if (!st && weight) st = check_weights(y, weight, n, err);
    if (st) return st;
    if (!weight && probabilities)
        return curve_of_probabilities(y, score, n, count, n_threads, c, err);
    return curve_general(y, score, weight, n, c, err);
}

wlr_status wlr__curve_compute_threads(const uint8_t *y, const double *score,
                                     size_t n, wlr_curve *c, size_t n_threads,
                                     wlr_error *err)
{
    return curve_compute(y, score, NULL, n, c, n_threads, err);
}

wlr_status wlr_curve_compute(const uint8_t *y, const double *score, size_t n,
                             wlr_curve *c, wlr_error *err)
{
    return curve_compute(y, score, NULL, n, c, 0, err);
}

wlr_status wlr_curve_compute_weighted(const uint8_t *y, const double *score,
                                      const double *weight, size_t n,
                                      wlr_curve *c, wlr_error *err)
{
    return curve_compute(y, score, weight, n, c, 0, err);
}

void wlr_curve_free(wlr_curve *c)
{
    free(c->threshold);
    free(c->fp);
    free(c->tp);
    free(c->fpr);
    free(c->tpr);
    free(c->precision);
    free(c->fp_weight);
    free(c->tp_weight);
    memset(c, 0, sizeof *c);
}

/* k(t): the number of distinct scores above t, by bisection on the
 * descending thresholds (threshold[0] = +inf is above every t). */
static size_t curve_point_above(const wlr_curve *c, double t)
{
    size_t lo = 0, hi = c->n_points;   /* threshold[lo] > t; [hi] <= t */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->threshold[mid] > t) lo = mid;
        else hi = mid;
    }
    return lo;
}

wlr_status wlr_curve_metrics(const wlr_curve *c, double threshold,
                             wlr_metrics *m, wlr_error *err)
{
    wlr_status st = check_threshold(threshold, err);
    if (st) return st;
    if (c->n_points == 0)
        return wlr__fail(err, WLR_ERR_ARG, "curve: it is empty (not computed, "
                        "or freed)");
    if (c->weighted)
        return wlr__fail(err, WLR_ERR_ARG, "curve: it is weighted; its sums "
                        "go in order of score, not of rows as scikit-learn's "
                        "at a threshold (use wlr_evaluate_weighted)");
    size_t k = curve_point_above(c, threshold);
    m->threshold = threshold;
    m->confusion[0][0] = c->count[0] - c->fp[k];
    m->confusion[0][1] = c->fp[k];
    m->confusion[1][0] = c->count[1] - c->tp[k];
    m->confusion[1][1] = c->tp[k];
    rates_from_counts(m);
    return WLR_OK;
}

/* ---------------------------------------------- threshold for a recall */

/* The fewest class 1 rows m caught that make recall m / n1 >= target, with
 * the recall computed in double as everywhere else: start from
 * ceil(target n1) and correct for its rounding. */
static size_t rows_for_recall(double target, size_t n1)
{
    double want = ceil(target * (double)n1);
    size_t m = want < 1.0 ? 1 : want > (double)n1 ? n1 : (size_t)want;
    while (m > 1 && (double)(m - 1) / (double)n1 >= target) m--;
    while (m < n1 && (double)m / (double)n1 < target) m++;
    return m;
}

wlr_status wlr__threshold_for_recall_threads(const uint8_t *y,
                                            const double *score, size_t n,
                                            double target, double *threshold,
                                            size_t n_threads, wlr_error *err)
{
    size_t count[2];
    *threshold = NAN;
    wlr_status st = check_rows(y, score, n, 1, count, NULL, err);
    if (st) return st;
    if (count[1] == 0)
        return wlr__fail(err, WLR_ERR_ARG, "y: recall is undefined: the labels "
                        "hold only class 0");
    if (!(target > 0.0 && target <= 1.0))
        return wlr__fail(err, WLR_ERR_ARG, "target: the recall to reach must "
                        "be in (0, 1], not %g", target);

    uint64_t *key;
    size_t n1 = count[1];
    st = sorted_keys(y, score, n, 1, n1, n_threads, &key, err);
    if (st) return st;
    /* s = the m-th highest class 1 score: m rows score >= s, fewer > s. */
    double s = key_score(key[n1 - rows_for_recall(target, n1)]);
    free(key);
    *threshold = nextafter(s, -INFINITY);
    return WLR_OK;
}

wlr_status wlr_threshold_for_recall(const uint8_t *y, const double *score,
                                    size_t n, double target, double *threshold,
                                    wlr_error *err)
{
    return wlr__threshold_for_recall_threads(y, score, n, target, threshold, 0,
                                            err);
}

/* ------------------------------------------------ classification report */

/* Text written into buf[0 .. cap-1] as far as it fits, always
 * NUL-terminated when cap > 0; len counts all of it, like snprintf. */
typedef struct {
    char *buf;
    size_t cap, len;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void text_printf(text *t, const char *fmt, ...)
{
    va_list ap;
    int fits = t->buf != NULL && t->len < t->cap;
    va_start(ap, fmt);
    int k = vsnprintf(fits ? t->buf + t->len : NULL, fits ? t->cap - t->len : 0,
                      fmt, ap);
    va_end(ap);
    if (k > 0) t->len += (size_t)k;
}

/* np.average(v, weights=support) = (v0 s0 + v1 s1) / (s0 + s1); 0 for an
 * empty wlr_metrics, where numpy would raise. */
static double support_weighted(const double v[2], const double support[2])
{
    double s0 = support[0], s1 = support[1];
    if (s0 + s1 == 0.0) return 0.0;
    return (v[0] * s0 + v[1] * s1) / (s0 + s1);
}

/*
 * repr(float) in Python 3, which is how format() prints a support that is
 * a float (a weight sum): the shortest decimal that reads back as v (the
 * digits wlr__format_double finds), positional with at least one digit
 * after the point ("8.25", "12.0") while the point sits within 16 places
 * after the first digit and 4 before it, else with an exponent of at least
 * two digits ("1e+16", "1.5e-05").
 */
static void python_repr(char *out, size_t cap, double v)
{
    char shortest[48], digits[32];
    int nd = 0, before_point = 0, seen_point = 0;
    wlr__format_double(shortest, sizeof shortest, v);
    const char *p = shortest + (shortest[0] == '-');
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') seen_point = 1;
        else if (nd < (int)sizeof digits - 1) {
            digits[nd++] = *p;
            before_point += !seen_point;
        }
    }
    /* v = 0.d1 d2 ... x 10^point, without leading or trailing zeros */
    int point = before_point + (*p == 'e' ? atoi(p + 1) : 0), lead = 0;
    while (lead < nd && digits[lead] == '0') lead++, point--;
    memmove(digits, digits + lead, (size_t)(nd - lead));
    nd -= lead;
    while (nd > 0 && digits[nd - 1] == '0') nd--;
    digits[nd] = '\0';
    const char *sign = shortest[0] == '-' ? "-" : "";
    const char *zeros = "0000000000000000";   /* at most 16 are needed */
    if (nd == 0)
        snprintf(out, cap, "%s0.0", sign);
    else if (point <= -4 || point > 16)
        snprintf(out, cap, "%s%c%s%se%c%02d", sign, digits[0],
                 nd > 1 ? "." : "", digits + 1, point - 1 < 0 ? '-' : '+',
                 abs(point - 1));
    else if (point <= 0)
        snprintf(out, cap, "%s0.%.*s%s", sign, -point, zeros, digits);
    else if (point >= nd)
        snprintf(out, cap, "%s%s%.*s.0", sign, digits, point - nd, zeros);
    else
        snprintf(out, cap, "%s%.*s.%s", sign, point, digits, digits + point);
}

/* A support as scikit-learn prints it: a count, or a weight sum as a
 * float. */
static void support_text(char *out, size_t cap, const wlr_metrics *m,
                         size_t count, double weight)
{
    if (m->weighted) python_repr(out, cap, weight);
    else snprintf(out, cap, "%zu", count);
}

/* One row: title, three ratios with `digits` decimals, the support. */
static void report_row(text *t, int width, const char *title,
                       const double v[3], int digits, const char *support)
{
    text_printf(t, "%*s ", width, title);
    for (int j = 0; j < 3; j++)
        text_printf(t, " %*.*f", REPORT_NUMBER_WIDTH, digits, v[j]);
    text_printf(t, " %*s\n", REPORT_NUMBER_WIDTH, support);
}

/* The "accuracy" row: the micro-averaged f1. With counts its precision and
 * recall are both the accuracy a, so it is f1(a, a), computed as
 * scikit-learn computes it; with weights they are the weight of the rows
 * predicted right over the sum of pred_sum and of true_sum, which differ by
 * rounding. */
static double micro_f1(const wlr_metrics *m)
{
    if (!m->weighted) return f1_score(m->accuracy, m->accuracy);
    const double (*c)[2] = m->weighted_confusion;
    double right = c[0][0] + c[1][1];
    double predicted = m->weighted_predicted[0] + m->weighted_predicted[1];
    double truth = m->weighted_support[0] + m->weighted_support[1];
    return f1_score(ratio(right, predicted), ratio(right, truth));
}

/*
 * scikit-learn's layout: a header line and a blank line; one row per class;
 * a blank line; "accuracy" with only the f1-score column and the support
 * filled; "macro avg" (mean of the classes) and "weighted avg" (mean
 * weighted by support).
 */
int wlr_classification_report(const wlr_metrics *m, int digits, char *buf,
                              size_t cap)
{
    static const char *const headers[4] = {"precision", "recall", "f1-score",
                                           "support"};
    text t = {buf, cap, 0};
    char support[64];   /* a repr is at most 24 characters */
    if (digits < 0) digits = 0;
    if (digits > WLR_REPORT_MAX_DIGITS) digits = WLR_REPORT_MAX_DIGITS;
    int width = (int)strlen(REPORT_LONGEST_TITLE);
    if (digits > width) width = digits;

    if (buf && cap > 0) buf[0] = '\0';
    text_printf(&t, "%*s ", width, "");
    for (int j = 0; j < 4; j++)
        text_printf(&t, " %*s", REPORT_NUMBER_WIDTH, headers[j]);
    text_printf(&t, "\n\n");

    for (int k = 0; k < 2; k++) {
        const double v[3] = {m->precision[k], m->recall[k], m->f1[k]};
        const char *name = k ? "1" : "0";
        support_text(support, sizeof support, m, m->support[k],
                     m->weighted_support[k]);
        report_row(&t, width, name, v, digits, support);
    }
    text_printf(&t, "\n");

    /* every average row's support is the total, np.sum(supports) */
    support_text(support, sizeof support, m, m->support[0] + m->support[1],
                 m->weighted_support[0] + m->weighted_support[1]);
    text_printf(&t, "%*s ", width, "accuracy");
    for (int j = 0; j < 2; j++) text_printf(&t, " %*s", REPORT_NUMBER_WIDTH, "");
    text_printf(&t, " %*.*f %*s\n", REPORT_NUMBER_WIDTH, digits, micro_f1(m),
                REPORT_NUMBER_WIDTH, support);

    const double macro[3] = {(m->precision[0] + m->precision[1]) / 2.0,
                             (m->recall[0] + m->recall[1]) / 2.0,
                             (m->f1[0] + m->f1[1]) / 2.0};
    report_row(&t, width, "macro avg", macro, digits, support);

    const double counts[2] = {(double)m->support[0], (double)m->support[1]};
    const double *by = m->weighted ? m->weighted_support : counts;
    const double weighted[3] = {support_weighted(m->precision, by),
                                support_weighted(m->recall, by),
                                support_weighted(m->f1, by)};
    report_row(&t, width, REPORT_LONGEST_TITLE, weighted, digits, support);
    return (int)t.len;
}

/* ------------------------------------------------------- calibration */

wlr_status wlr_reliability_compute(const uint8_t *y, const double *p,
                                   const double *weight, size_t n,
                                   wlr_reliability *r, wlr_error *err)
{
    memset(r, 0, sizeof *r);
    if (n == 0) return wlr__fail(err, WLR_ERR_ARG, "reliability: no rows");
    double sum_p[WLR_RELIABILITY_BINS] = {0}, sum_y[WLR_RELIABILITY_BINS] = {0};
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] > 1)
            return wlr__fail(err, WLR_ERR_ARG, "y[%zu] = %u is not 0 or 1", i,
                             (unsigned)y[i]);
        if (!(p[i] >= 0 && p[i] <= 1))
            return wlr__fail(err, WLR_ERR_ARG, "score[%zu] = %g is not a "
                             "probability in [0, 1]", i, p[i]);
        double w = weight ? weight[i] : 1.0;
        if (!(w >= 0 && isfinite(w)))
            return wlr__fail(err, WLR_ERR_ARG, "weight[%zu] = %g is not a "
                             "finite number >= 0", i, w);
        /* the bin as scikit-learn's calibration_curve finds it: the edges
         * are np.linspace(0, 1 + 1e-8, B + 1), k (1 + 1e-8) / B, and p's bin
         * is the number of inner edges below it (np.searchsorted) */
        int b = 0;
        while (b < WLR_RELIABILITY_BINS - 1 &&
               (double)(b + 1) * ((1.0 + 1e-8) / WLR_RELIABILITY_BINS) < p[i])
            b++;
        r->count[b] += w;
        sum_p[b] += w * p[i];
        sum_y[b] += w * (double)y[i];
        total += w;
    }
    if (!(total > 0)) return wlr__fail(err, WLR_ERR_ARG, "weight: all 0");
    for (int b = 0; b < WLR_RELIABILITY_BINS; b++) {
        if (r->count[b] <= 0) {
            r->mean_p[b] = r->rate[b] = NAN;
            continue;
        }
        r->mean_p[b] = sum_p[b] / r->count[b];
        r->rate[b] = sum_y[b] / r->count[b];
        r->ece += r->count[b] / total * fabs(r->rate[b] - r->mean_p[b]);
    }
    return WLR_OK;
}
