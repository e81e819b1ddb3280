/*
 * metrics.c - how good are a model's scores: the confusion matrix and the
 * ratios read off it at one threshold, the ranking metrics over all
 * thresholds (ROC AUC, average precision), the log-loss, the ROC and
 * precision-recall curves, the threshold that reaches a target recall, and
 * scikit-learn's classification_report text. The formulas are in wlr.h.
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
 */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* log_loss clips scores to [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS] so that a score
 * of exactly 0 or 1 costs a large finite amount instead of log(0) = -inf;
 * 1e-15 is scikit-learn's historical default and the reference's choice. */
#define LOG_LOSS_EPS 1e-15

/* numpy's pairwise summation (see pairwise_sum) adds blocks of at most
 * PAIRWISE_BLOCK terms with PAIRWISE_LANES running sums each. */
#define PAIRWISE_BLOCK 128
#define PAIRWISE_LANES 8

/* The radix sort takes RADIX_BITS bits of a key per pass: 8 passes over the
 * 63 bits of a key. Measured on 1e7 and 1e8 keys, 8-bit digits (256 write
 * streams) beat 11, 13 and 16 bits, whose many streams thrash the TLB. */
#define KEY_BITS 63
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
 * The test is written so that NaN fails it too. */
static wlr_status check_rows(const uint8_t *y, const double *score, size_t n,
                             size_t count[2], wlr_error *err)
{
    count[0] = count[1] = 0;
    if (n == 0) return wlr__fail(err, WLR_ERR_ARG, "n: there are no rows");
    for (size_t i = 0; i < n; i++) {
        if (y[i] > 1)
            return wlr__fail(err, WLR_ERR_ARG, "y: row %zu is %u, not 0 or 1",
                            i, (unsigned)y[i]);
        if (!(score[i] >= 0.0 && score[i] <= 1.0))
            return wlr__fail(err, WLR_ERR_ARG, "score: row %zu is not a finite "
                            "number in [0, 1] (%.17g)", i, score[i]);
        count[y[i]]++;
    }
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
static double ratio(size_t part, size_t whole)
{
    return whole == 0 ? 0.0 : (double)part / (double)whole;
}

/* f1 = 2 p r / (p + r), evaluated as scikit-learn does, ((1 + 1) p) r /
 * (1 p + r); 0 when p + r = 0. */
static double f1_score(double precision, double recall)
{
    double denominator = precision + recall;
    return denominator == 0.0 ? 0.0 : 2.0 * precision * recall / denominator;
}

/*
 * Matthews correlation from the confusion matrix, in scikit-learn's form:
 *   cov(y, yhat) ~ c n - t.p,  var(yhat) ~ n^2 - p.p,  var(y) ~ n^2 - t.t,
 *   mcc = cov / sqrt(var(y) var(yhat)), and 0 if var(y) var(yhat) = 0,
 * with c = tn + tp the correct rows, t = (n0, n1) the true and p = (tn + fn,
 * fp + tp) the predicted class counts, all in double as scikit-learn has it.
 */
static double matthews(const size_t confusion[2][2])
{
    double t0 = (double)(confusion[0][0] + confusion[0][1]);
    double t1 = (double)(confusion[1][0] + confusion[1][1]);
    double p0 = (double)(confusion[0][0] + confusion[1][0]);
    double p1 = (double)(confusion[0][1] + confusion[1][1]);
    double correct = (double)(confusion[0][0] + confusion[1][1]);
    double n = p0 + p1;
    double cov_ytyp = correct * n - (t0 * p0 + t1 * p1);
    double cov_ypyp = n * n - (p0 * p0 + p1 * p1);
    double cov_ytyt = n * n - (t0 * t0 + t1 * t1);
    if (cov_ypyp * cov_ytyt == 0.0) return 0.0;
    return cov_ytyp / sqrt(cov_ytyt * cov_ypyp);
}

/* Every field that depends on the threshold, from m->confusion. For class k
 * the rows "predicted positive" are those predicted k. */
static void rates_from_confusion(wlr_metrics *m)
{
    const size_t (*c)[2] = m->confusion;
    for (int k = 0; k < 2; k++) {
        size_t hits = c[k][k];
        m->support[k] = c[k][0] + c[k][1];
        m->precision[k] = ratio(hits, c[0][k] + c[1][k]);
        m->recall[k] = ratio(hits, m->support[k]);
        m->f1[k] = f1_score(m->precision[k], m->recall[k]);
    }
    m->accuracy = ratio(c[0][0] + c[1][1], m->support[0] + m->support[1]);
    m->balanced_accuracy = (m->recall[0] + m->recall[1]) / 2.0;
    m->mcc = matthews(m->confusion);
}

/* ------------------------------------------------------------ log loss */

typedef struct {
    const uint8_t *y;
    const double *score;
    size_t i;
} log_loss_stream;

/* Row i's loss -[y log p + (1 - y) log(1 - p)], p clipped to [eps, 1 - eps]:
 * -log p for class 1, -log(1 - p) for class 0. */
static double next_log_loss(void *state)
{
    log_loss_stream *s = state;
    double p = fmin(fmax(s->score[s->i], LOG_LOSS_EPS), 1.0 - LOG_LOSS_EPS);
    uint8_t label = s->y[s->i++];
    return label ? -log(p) : -log(1.0 - p);
}

/* The mean loss over the rows, summed in row order by numpy's rule. */
static double mean_log_loss(const uint8_t *y, const double *score, size_t n)
{
    log_loss_stream s = {y, score, 0};
    return numpy_sum(next_log_loss, &s, n) / (double)n;
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

/* One thread's share of the work: rows or keys lo .. hi - 1. */
typedef struct {
    const uint8_t *y;
    const double *score;
    const uint64_t *src;
    uint64_t *dst;
    size_t lo, hi;
    int shift;                                /* the digit of this pass */
    size_t count[RADIX_PASSES][RADIX_SIZE];   /* h_t of each digit */
} sort_job;

/* Runs worker on jobs[0 .. n_jobs-1], job 0 on this thread and the others
 * each on a thread of its own; a job whose thread fails to start is done
 * here once the rest are joined (the same work, so the same result). */
static void run_jobs(void *(*worker)(void *), sort_job *jobs, size_t n_jobs)
{
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (size_t t = 1; t < n_jobs; t++)
        started[t] = pthread_create(&tid[t], NULL, worker, &jobs[t]) == 0;
    worker(&jobs[0]);
    for (size_t t = 1; t < n_jobs; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else worker(&jobs[t]);
    }
}

/* Keys of rows lo .. hi - 1 into dst[lo .. hi - 1]. */
static void *pack_range(void *arg)
{
    sort_job *j = arg;
    for (size_t i = j->lo; i < j->hi; i++)
        j->dst[i] = score_key(j->score[i], j->y[i]);
    return NULL;
}

/* count[p][d] = the keys of the range whose digit p is d, for every p. */
static void *count_all_digits(void *arg)
{
    sort_job *j = arg;
    memset(j->count, 0, sizeof j->count);
    for (size_t i = j->lo; i < j->hi; i++)
        for (int p = 0; p < RADIX_PASSES; p++)
            j->count[p][(j->src[i] >> (p * RADIX_BITS)) & DIGIT_MASK]++;
    return NULL;
}

/* count[0][d] = the keys of the range whose digit at shift is d. */
static void *count_digit(void *arg)
{
    sort_job *j = arg;
    memset(j->count[0], 0, sizeof j->count[0]);
    for (size_t i = j->lo; i < j->hi; i++)
        j->count[0][(j->src[i] >> j->shift) & DIGIT_MASK]++;
    return NULL;
}

/* The range's keys to dst, in order, each to the next place of its digit
 * (count[0][d] holds where the range's keys of digit d start). */
static void *move_digit(void *arg)
{
    sort_job *j = arg;
    size_t *next = j->count[0];
    for (size_t i = j->lo; i < j->hi; i++)
        j->dst[next[(j->src[i] >> j->shift) & DIGIT_MASK]++] = j->src[i];
    return NULL;
}

/*
 * Sorts a[0 .. n-1] into ascending order, with tmp (room for n keys) as
 * scratch, and returns the buffer that holds the result (a or tmp).
 * LSD radix sort: for each RADIX_BITS-bit digit, least significant first, a
 * stable counting sort by that digit; after the last pass the keys are in
 * order because each pass keeps the order of the previous ones among keys
 * with equal digits. All digits are counted in one read; a pass whose digit
 * is the same in every key would move nothing and is skipped. The work of
 * each pass is shared by n_jobs threads as described above; jobs has room
 * for n_jobs (1 <= n_jobs <= MAX_THREADS, n_jobs <= n).
 */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, size_t n,
                            sort_job *jobs, size_t n_jobs)
{
    size_t total[RADIX_PASSES][RADIX_SIZE];
    int moved = 0;
    if (n == 0) return a;
    for (size_t t = 0; t < n_jobs; t++) {
        jobs[t].src = a;
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
        if (total[p][(a[0] >> shift) & DIGIT_MASK] == n) continue;
        for (size_t t = 0; t < n_jobs; t++) {
            jobs[t].src = a;
            jobs[t].dst = tmp;
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
        uint64_t *swap = a;
        a = tmp;
        tmp = swap;
    }
    return a;
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
    uint64_t *sorted = radix_sort(a, tmp, m, jobs, n_threads);
    free(sorted == a ? tmp : a);
    free(jobs);
    *out = sorted;
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

/* Starts fn(arg) on a thread of its own; 0 if it could not be started (the
 * caller then runs fn(arg) itself: the same work, the same result). */
static int start_thread(pthread_t *tid, void *(*fn)(void *), void *arg)
{
    return pthread_create(tid, NULL, fn, arg) == 0;
}

/* The metrics read off the rows as they are: log-loss and confusion. */
typedef struct {
    const uint8_t *y;
    const double *score;
    size_t n;
    double threshold;
    double log_loss;
    size_t confusion[2][2];
} row_metrics_job;

static void *row_metrics(void *arg)
{
    row_metrics_job *j = arg;
    j->log_loss = mean_log_loss(j->y, j->score, j->n);
    count_confusion(j->y, j->score, j->n, j->threshold, j->confusion);
    return NULL;
}

typedef struct {
    const uint64_t *key;
    size_t n;
    const size_t *count;
    size_t n_distinct;
    double result;
} precision_job;

static void *precision_metric(void *arg)
{
    precision_job *j = arg;
    j->result = average_precision_sorted(j->key, j->n, j->count, j->n_distinct);
    return NULL;
}

/* ROC AUC and average precision from the sorted keys, side by side on two
 * threads if two_threads. */
static void ranking_metrics(const uint64_t *key, size_t n,
                            const size_t count[2], int two_threads,
                            wlr_metrics *m)
{
    size_t n_distinct, n_kept;
    count_points(key, n, &n_distinct, &n_kept);
    precision_job ap = {key, n, count, n_distinct, 0.0};
    pthread_t helper;
    int started = two_threads && start_thread(&helper, precision_metric, &ap);
    m->roc_auc = roc_auc_sorted(key, n, count, n_kept);
    if (started) pthread_join(helper, NULL);
    else precision_metric(&ap);
    m->average_precision = ap.result;
}

wlr_status wlr__evaluate_threads(const uint8_t *y, const double *score,
                                size_t n, double threshold, wlr_metrics *m,
                                size_t n_threads, wlr_error *err)
{
    size_t count[2];
    memset(m, 0, sizeof *m);
    wlr_status st = check_rows(y, score, n, count, err);
    if (!st) st = check_both_classes(count, "ROC AUC", err);
    if (!st) st = check_threshold(threshold, err);
    if (st) return st;
    if (n_threads == 0) n_threads = auto_threads(n);

    row_metrics_job rows = {y, score, n, threshold, 0.0, {{0}}};
    pthread_t helper;
    int started = n_threads > 1 && start_thread(&helper, row_metrics, &rows);
    uint64_t *key;
    st = sorted_keys(y, score, n, 0, n, n_threads > 1 ? n_threads - 1 : 1,
                     &key, err);
    if (!st) {
        ranking_metrics(key, n, count, n_threads > 1, m);
        free(key);
    }
    if (started) pthread_join(helper, NULL);
    else if (!st) row_metrics(&rows);
    if (st) return st;

    m->log_loss = rows.log_loss;
    m->threshold = threshold;
    memcpy(m->confusion, rows.confusion, sizeof m->confusion);
    rates_from_confusion(m);
    return WLR_OK;
}

wlr_status wlr_evaluate(const uint8_t *y, const double *score, size_t n,
                        double threshold, wlr_metrics *m, wlr_error *err)
{
    return wlr__evaluate_threads(y, score, n, threshold, m, 0, err);
}

/* --------------------------------------------------------------- curves */

static void *alloc_array(size_t n, size_t size, int *failed)
{
    void *p = malloc(n * size);
    if (!p) *failed = 1;
    return p;
}

static wlr_status curve_alloc(wlr_curve *c, size_t n_points, wlr_error *err)
{
    int failed = 0;
    c->threshold = alloc_array(n_points, sizeof *c->threshold, &failed);
    c->fp = alloc_array(n_points, sizeof *c->fp, &failed);
    c->tp = alloc_array(n_points, sizeof *c->tp, &failed);
    c->fpr = alloc_array(n_points, sizeof *c->fpr, &failed);
    c->tpr = alloc_array(n_points, sizeof *c->tpr, &failed);
    c->precision = alloc_array(n_points, sizeof *c->precision, &failed);
    if (failed) {
        wlr_curve_free(c);
        return wlr__fail(err, WLR_ERR_NOMEM, "curve: out of memory for %zu "
                        "points", n_points);
    }
    c->n_points = n_points;
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

wlr_status wlr__curve_compute_threads(const uint8_t *y, const double *score,
                                     size_t n, wlr_curve *c, size_t n_threads,
                                     wlr_error *err)
{
    size_t count[2];
    memset(c, 0, sizeof *c);
    wlr_status st = check_rows(y, score, n, count, err);
    if (!st) st = check_both_classes(count, "the ROC curve", err);
    if (st) return st;

    uint64_t *key;
    size_t n_distinct = 0, run_count[2];
    st = sorted_keys(y, score, n, 0, n, n_threads, &key, err);
    if (st) return st;
    run_walk w = run_walk_start(key, n, 1);
    while (next_run(&w, run_count, NULL)) n_distinct++;
    st = curve_alloc(c, n_distinct + 1, err);
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

wlr_status wlr_curve_compute(const uint8_t *y, const double *score, size_t n,
                             wlr_curve *c, wlr_error *err)
{
    return wlr__curve_compute_threads(y, score, n, c, 0, err);
}

void wlr_curve_free(wlr_curve *c)
{
    free(c->threshold);
    free(c->fp);
    free(c->tp);
    free(c->fpr);
    free(c->tpr);
    free(c->precision);
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
    size_t k = curve_point_above(c, threshold);
    m->threshold = threshold;
    m->confusion[0][0] = c->count[0] - c->fp[k];
    m->confusion[0][1] = c->fp[k];
    m->confusion[1][0] = c->count[1] - c->tp[k];
    m->confusion[1][1] = c->tp[k];
    rates_from_confusion(m);
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
    wlr_status st = check_rows(y, score, n, count, err);
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
static double support_weighted(const double v[2], const size_t support[2])
{
    double s0 = (double)support[0], s1 = (double)support[1];
    if (s0 + s1 == 0.0) return 0.0;
    return (v[0] * s0 + v[1] * s1) / (s0 + s1);
}

/* One row: title, three ratios with `digits` decimals, the support. */
static void report_row(text *t, int width, const char *title,
                       const double v[3], int digits, size_t support)
{
    text_printf(t, "%*s ", width, title);
    for (int j = 0; j < 3; j++)
        text_printf(t, " %*.*f", REPORT_NUMBER_WIDTH, digits, v[j]);
    text_printf(t, " %*zu\n", REPORT_NUMBER_WIDTH, support);
}

/*
 * scikit-learn's layout: a header line and a blank line; one row per class;
 * a blank line; "accuracy" with only the f1-score column and the support
 * filled; "macro avg" (mean of the classes) and "weighted avg" (mean
 * weighted by support). The accuracy printed is the micro-averaged f1,
 * 2 a a / (a + a), computed as scikit-learn computes it.
 */
int wlr_classification_report(const wlr_metrics *m, int digits, char *buf,
                              size_t cap)
{
    static const char *const headers[4] = {"precision", "recall", "f1-score",
                                           "support"};
    text t = {buf, cap, 0};
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
        report_row(&t, width, name, v, digits, m->support[k]);
    }
    text_printf(&t, "\n");

    size_t n = m->support[0] + m->support[1];
    double a = m->accuracy;
    text_printf(&t, "%*s ", width, "accuracy");
    for (int j = 0; j < 2; j++) text_printf(&t, " %*s", REPORT_NUMBER_WIDTH, "");
    text_printf(&t, " %*.*f %*zu\n", REPORT_NUMBER_WIDTH, digits,
                f1_score(a, a), REPORT_NUMBER_WIDTH, n);

    const double macro[3] = {(m->precision[0] + m->precision[1]) / 2.0,
                             (m->recall[0] + m->recall[1]) / 2.0,
                             (m->f1[0] + m->f1[1]) / 2.0};
    report_row(&t, width, "macro avg", macro, digits, n);

    const double weighted[3] = {support_weighted(m->precision, m->support),
                                support_weighted(m->recall, m->support),
                                support_weighted(m->f1, m->support)};
    report_row(&t, width, REPORT_LONGEST_TITLE, weighted, digits, n);
    return (int)t.len;
}
