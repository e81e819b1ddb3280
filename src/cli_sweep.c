/*
 * cli_sweep.c - `wlr sweep`: the class-1 weight as a hyperparameter.
 *
 * A class weight is not a fact about the data but a knob: "1:10" because a
 * missed case costs ten false alarms is one point on an axis, and the best
 * point depends on what is asked of the model. So the sweep fits c0 = 1,
 * c1 = w for every w of a log grid
 *     w_k = exp((1 - k/(P-1)) log(from) + k/(P-1) log(to)),  k = 0..P-1
 * (w_0 = from and w_{P-1} = to exactly, the others rounded to 10
 * significant digits), scores each by stratified K-fold
 * cross-validation on the training split (where the choice is made) and on
 * the test split (which only reports), and picks the best weight for each
 * goal. Each test score is what `wlr train --class-weight 1:w` gives with
 * the same solver on the same split.
 *
 * Beside each weighted model stands the unweighted one moved to the same
 * test recall by its threshold alone (wlr_threshold_for_recall): a weight
 * mostly moves the threshold (cli_experiment.c says why), so the two
 * precisions side by side show what the weight buys beyond that.
 *
 * The fits are independent, so they run on every core (wlr__run_jobs), each
 * writing only its own slot of the results: the output is the same bits
 * whatever the number of jobs.
 */
#include "cli.h"
#include "elementary.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OFF(field) offsetof(cli_args, field)

/* The default grid: 1 (unweighted) to 1000, a decade past the ~1:100 odds
 * of a 1 % minority where "balanced" lies, in 8 steps a decade. */
#define DEFAULT_FROM 1.0
#define DEFAULT_TO 1000.0
#define DEFAULT_POINTS 25
/* scikit-learn's cross_val_score default */
#define DEFAULT_FOLDS 5
/* More weights than any plot resolves or anyone reads: a guard against a
 * mistyped --points 1e9 (each point is K + 1 fits). */
#define MAX_POINTS 1000
/* Room for the training options' table, copied without --class-weight. */
#define MAX_TRAIN_OPTS 32

static const cli_opt sweep_opts[] = {
    {"from", OPT_DOUBLE, OFF(sweep_from), "W",
     "smallest class-1 weight c1/c0 of the grid, > 0 (1)"},
    {"to", OPT_DOUBLE, OFF(sweep_to), "W",
     "largest class-1 weight, above --from (1000)"},
    {"points", OPT_SIZE, OFF(sweep_points), "N",
     "weights, log spaced, both ends included, 2..1000 (25)"},
    {"cv", OPT_SIZE, OFF(cv), "K",
     "stratified folds of the training split the choice is made on (5)"},
    {"cost", OPT_STRING, OFF(cost), "FN:FP",
     "also the expected cost per row: FN per missed class 1, FP per false "
     "alarm"},
    {"threshold", OPT_DOUBLE, OFF(threshold), "T",
     "predict class 1 iff p > T (0.5)"},
    {"plot", OPT_STRING, OFF(plot), "FILE.svg",
     "also draw the CV metrics against the weight, and write FILE.csv of "
     "its points"},
    {"jobs", OPT_SIZE, OFF(jobs), "N",
     "fits at once, 1..8; 0 = one per core (0); the output is the same"},
    {NULL, 0, 0, NULL, NULL}};

/* The training options of train but --class-weight (the sweep sets the
 * weights), with the solver's default as the sweep has it. */
static const cli_opt *sweep_train_opts(void)
{
    static cli_opt opts[MAX_TRAIN_OPTS];
    size_t n = 0;
    for (const cli_opt *o = cli_train_opts; o->name && n + 1 < MAX_TRAIN_OPTS; o++) {
        if (strcmp(o->name, "class-weight") == 0) continue;
        opts[n] = *o;
        if (strcmp(o->name, "solver") == 0)
            opts[n].help = "the exact Newton solver, or batched gradient "
                           "descent (newton)";
        n++;
    }
    memset(&opts[n], 0, sizeof opts[n]);
    return opts;
}

/* ------------------------------------------------------------ the plan */

/* Everything the sweep does, checked before any work. */
typedef struct {
    wlr_train_options o;       /* the solver resolved */
    int solver_given;          /* --solver named on the command line */
    double threshold;
    size_t points, k, jobs;
    double *weight;            /* the grid, points values */
    int has_cost;
    wlr_tune_spec cost;        /* cost_fn, cost_fp */
    int prior;                 /* --calibrate prior */
    uint32_t fold_seed;        /* --split-seed, as train --cv takes it */
} sweep_plan;

/* The grid's weights are rounded to this many significant digits: a
 * decade then falls on 10, 100, ... exactly, the printed weight is short,
 * and the spacing stays logarithmic to 1e-10. */
#define GRID_DIGITS 10

/* The grid: log spaced, both ends exact. wlr__exp and wlr__log give the
 * same bits on every machine, and so do printf's and strtod's correctly
 * rounded conversions. */
static int make_grid(sweep_plan *p, double from, double to)
{
    double lo = wlr__log(from), hi = wlr__log(to);
    for (size_t k = 0; k < p->points; k++) {
        double t = (double)k / (double)(p->points - 1);
        char buf[32];
        snprintf(buf, sizeof buf, "%.*g", GRID_DIGITS,
                 wlr__exp((1 - t) * lo + t * hi));
        p->weight[k] = strtod(buf, NULL);
    }
    p->weight[0] = from;
    p->weight[p->points - 1] = to;
    for (size_t k = 1; k < p->points; k++)
        if (!(p->weight[k] > p->weight[k - 1]))
            return cli_errorf("--points: %zu weights from %.10g to %.10g are closer "
                              "than %d significant digits tell apart",
                              p->points, from, to, GRID_DIGITS);
    return 0;
}

/* Online cores, at most WLR__MAX_THREADS: the fits are whole units of
 * work, so every core pays even on small data. */
static size_t default_jobs(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) return 1;
    return cores > WLR__MAX_THREADS ? WLR__MAX_THREADS : (size_t)cores;
}

static int check_plan(const cli_args *a, sweep_plan *p)
{
    wlr_error err;
    if (!(a->sweep_from > 0))
        return cli_errorf("--from: %g is not > 0", a->sweep_from);
    if (!(a->sweep_to > a->sweep_from))
        return cli_errorf("--to: %g is not above --from %g", a->sweep_to,
                          a->sweep_from);
    if (a->sweep_points < 2)
        return cli_errorf("--points: %zu is below 2 (both ends are on the "
                          "grid)", a->sweep_points);
    if (a->sweep_points > MAX_POINTS)
        return cli_errorf("--points: %zu is more than %d", a->sweep_points,
                          MAX_POINTS);
    if (a->cv < 2)
        return cli_errorf("--cv: K = %zu is not cross-validation; give K >= 2",
                          a->cv);
    if (a->jobs > WLR__MAX_THREADS)
        return cli_errorf("--jobs: %zu is more than %d", a->jobs,
                          WLR__MAX_THREADS);
    if (a->cost) {
        char spec[128];
        snprintf(spec, sizeof spec, "cost=%s", a->cost);
        if (strlen(a->cost) > 100 || wlr_tune_parse(spec, &p->cost, &err))
            return cli_errorf("--cost: '%s' is not FN:FP, two finite numbers "
                              "> 0 (e.g. 10:1)", a->cost);
        p->has_cost = 1;
    }
    if (a->plot) {
        size_t len = strlen(a->plot);
        if (strcmp(a->plot, "-") == 0 || len <= 4 ||
            strcmp(a->plot + len - 4, ".svg") != 0)
            return cli_errorf("--plot: '%s' is not a FILE.svg (FILE.csv, its "
                              "points, goes beside it)", a->plot);
    }
    if (cli_check_eval(a)) return 1;
    p->prior = a->calibration == WLR_CALIBRATION_PRIOR;
    p->threshold = a->threshold;
    p->points = a->sweep_points;
    p->k = a->cv;
    p->fold_seed = a->split_seed;
    p->jobs = a->jobs ? a->jobs : default_jobs();
    p->weight = malloc(p->points * sizeof *p->weight);
    if (!p->weight) return cli_errorf("out of memory");
    return make_grid(p, a->sweep_from, a->sweep_to);
}

/* Newton takes at most WLR_NEWTON_MAX_FEATURES features: asked for, it is
 * refused on wider data; the sweep's default falls back to gradient
 * descent, with a note. */
static int check_width(sweep_plan *p, const wlr_dataset *train)
{
    wlr_error err;
    if (p->o.solver != WLR_SOLVER_NEWTON ||
        train->n_features <= WLR_NEWTON_MAX_FEATURES)
        return 0;
    if (p->solver_given)
        return cli_errorf("--solver newton: the data have %zu features, more "
                          "than the exact solver takes (%d); use --solver gd",
                          train->n_features, WLR_NEWTON_MAX_FEATURES);
    fprintf(stderr, "wlr: note: %zu features are more than the exact solver "
            "takes (%d): sweeping with gradient descent (--solver gd)\n",
            train->n_features, WLR_NEWTON_MAX_FEATURES);
    p->o.solver = WLR_SOLVER_GD;
    if (wlr_train_check(&p->o, &err)) return cli_error(&err);
    return 0;
}

/* ------------------------------------------------------------- scores */

/* What each fit is scored by: class 1 (the minority) at the threshold, the
 * ranking, the probabilities, and the expected cost per row
 *     cost = (cost_fn * fn + cost_fp * fp) / n
 * (0 without --cost). */
typedef struct {
    double recall, precision, f1, roc_auc, average_precision, brier, log_loss,
        cost;
} scores;

/* One column of the tables, the JSON and the choice of the best weight:
 * goal +1 = the larger the better, -1 = the smaller. */
typedef struct {
    const char *key;          /* JSON */
    const char *head;         /* table column */
    size_t offset;            /* in scores */
    int goal;
    const char *best;         /* key in "best"; NULL = not chosen by */
    int in_table;
} score_field;

#define SOFF(field) offsetof(scores, field)
static const score_field fields[] = {
    {"recall_1", "recall1", SOFF(recall), +1, "recall", 1},
    {"precision_1", "prec1", SOFF(precision), +1, "precision", 1},
    {"f1_1", "f1_1", SOFF(f1), +1, "f1", 1},
    {"roc_auc", "ROC AUC", SOFF(roc_auc), +1, "roc_auc", 1},
    {"average_precision", "avgprec", SOFF(average_precision), +1,
     "average_precision", 1},
    {"brier", "brier", SOFF(brier), -1, "brier", 1},
    {"log_loss", "logloss", SOFF(log_loss), -1, NULL, 0},
    {"cost", "cost", SOFF(cost), -1, "cost", 1}};
#define N_FIELDS (sizeof fields / sizeof fields[0])

static double field_of(const scores *s, const score_field *f)
{
    return *(const double *)((const char *)s + f->offset);
}

/* The cost column only with --cost. */
static int field_shown(const sweep_plan *p, const score_field *f)
{
    return f->offset != SOFF(cost) || p->has_cost;
}

static void take_scores(const sweep_plan *p, const wlr_metrics *m, scores *s)
{
    size_t n = m->support[0] + m->support[1];
    s->recall = m->recall[1];
    s->precision = m->precision[1];
    s->f1 = m->f1[1];
    s->roc_auc = m->roc_auc;
    s->average_precision = m->average_precision;
    s->brier = m->brier;
    s->log_loss = m->log_loss;
    s->cost = p->has_cost ? (p->cost.cost_fn * (double)m->confusion[1][0] +
                             p->cost.cost_fp * (double)m->confusion[0][1]) /
                                (double)n
                          : 0;
}

/* --------------------------------------------------------------- fits */

/* Class weights (1, w) on rows `fit`, calibrated if asked, scored on rows
 * `score` at the threshold. On failure m and info are left empty. */
static wlr_status fit_and_score(const sweep_plan *p, double w,
                                const wlr_dataset *fit, const wlr_dataset *score,
                                wlr_model *m, wlr_train_info *info,
                                wlr_metrics *met, scores *s, wlr_error *err)
{
    wlr_train_options o = p->o;
    o.class_weight[0] = 1;
    o.class_weight[1] = w;
    wlr_status st = wlr_train(fit, &o, m, info, err);
    if (st) return st;
    if (p->prior) wlr_model_calibrate_prior(m, o.class_weight);
    double *prob = malloc((score->n_rows + 1) * sizeof *prob);
    if (!prob) st = wlr__fail(err, WLR_ERR_NOMEM, "out of memory for %zu rows",
                              score->n_rows);
    if (st == WLR_OK) {
        wlr_predict_proba(m, score, prob);
        st = wlr_evaluate(score->y, prob, score->n_rows, p->threshold, met, err);
    }
    free(prob);
    if (st == WLR_OK) take_scores(p, met, s);
    else {
        wlr_model_free(m);
        wlr_train_info_free(info);
    }
    return st;
}

/* One weight of the grid on the whole training split. */
typedef struct {
    double weight;
    wlr_model model;
    wlr_train_info info;
    wlr_metrics met;           /* test metrics at the threshold */
    scores test, cv;           /* cv: the means over the folds */
    double exact_loss;         /* gd: the optimum of the same objective */
    int exact;                 /* CLI_EXACT_* */
    /* the unweighted model at the threshold reaching this test recall
     * (moved = 0 when the recall is 0: nothing to reach) */
    int moved;
    double moved_threshold;
    wlr_metrics moved_met;
} grid_point;

/* One fold's fit of one weight. */
typedef struct {
    scores s;
    int converged;
} fold_fit;

/* Everything computed, and each task's error (task i of the stage that
 * failed; the lowest i is reported, whatever the order tasks finished in). */
typedef struct {
    const sweep_plan *p;
    const wlr_dataset *train, *test;
    grid_point *pt;            /* points + 1: the last is weight 1, the
                                  unweighted model */
    fold_fit *fold;            /* k * points, fold by fold */
    double *base_prob;         /* the unweighted model's test probabilities */
    /* the stage under way */
    const wlr_dataset *fit, *score;
    size_t stage_fold;
    wlr_status *st;
    wlr_error *err;
} sweep_run;

static void fold_task(void *ctx, size_t i)
{
    sweep_run *r = ctx;
    const sweep_plan *p = r->p;
    wlr_model m;
    wlr_train_info info;
    wlr_metrics met;
    fold_fit *f = &r->fold[r->stage_fold * p->points + i];
    r->st[i] = fit_and_score(p, p->weight[i], r->fit, r->score, &m, &info, &met,
                             &f->s, &r->err[i]);
    if (r->st[i]) return;
    f->converged = p->o.solver != WLR_SOLVER_NEWTON || info.converged;
    wlr_model_free(&m);
    wlr_train_info_free(&info);
}

/* The optimum of gd's objective (Newton), to measure gd's fit against, as
 * train does (cli_exact_optimum, without its printing). */
static wlr_status exact_optimum(const sweep_plan *p, const wlr_dataset *train,
                                grid_point *g, wlr_error *err)
{
    g->exact = CLI_EXACT_NONE;
    if (p->o.solver != WLR_SOLVER_GD) return WLR_OK;
    if (train->n_features > CLI_EXACT_MAX_FEATURES) {
        g->exact = CLI_EXACT_TOO_WIDE;
        return WLR_OK;
    }
    wlr_train_options ex = p->o;
    ex.solver = WLR_SOLVER_NEWTON;
    ex.class_weight[0] = 1;
    ex.class_weight[1] = g->weight;
    wlr_model m;
    wlr_train_info info;
    wlr_status st = wlr_train(train, &ex, &m, &info, err);
    if (st) return st;
    g->exact_loss = info.loss;
    g->exact = info.converged ? CLI_EXACT_OK : CLI_EXACT_NOT_CONVERGED;
    wlr_model_free(&m);
    wlr_train_info_free(&info);
    return WLR_OK;
}

static void full_task(void *ctx, size_t i)
{
    sweep_run *r = ctx;
    const sweep_plan *p = r->p;
    grid_point *g = &r->pt[i];
    g->weight = i < p->points ? p->weight[i] : 1.0;
    r->st[i] = fit_and_score(p, g->weight, r->train, r->test, &g->model,
                             &g->info, &g->met, &g->test, &r->err[i]);
    if (r->st[i] || i == p->points) return;
    r->st[i] = exact_optimum(p, r->train, g, &r->err[i]);
}

/* The unweighted model's threshold for point i's test recall, and its
 * metrics there. */
static void move_task(void *ctx, size_t i)
{
    sweep_run *r = ctx;
    grid_point *g = &r->pt[i];
    r->st[i] = WLR_OK;
    if (!(g->test.recall > 0)) return;
    r->st[i] = wlr_threshold_for_recall(r->test->y, r->base_prob, r->test->n_rows,
                                        g->test.recall, &g->moved_threshold,
                                        &r->err[i]);
    if (r->st[i] == WLR_OK)
        r->st[i] = wlr_evaluate(r->test->y, r->base_prob, r->test->n_rows,
                                g->moved_threshold, &g->moved_met, &r->err[i]);
    g->moved = r->st[i] == WLR_OK;
}

/* ------------------------------------------------------------- the jobs */

/* Tasks 0..n-1 handed out one at a time to the jobs that ask: a job that
 * draws quick fits takes more of them. Each task writes only its own slot,
 * so the order they finish in changes nothing. */
typedef struct {
    void (*run)(void *ctx, size_t i);
    void *ctx;
    size_t n, next;
    pthread_mutex_t lock;
    int fits;                  /* count the tasks as fits in the progress */
    size_t *done, total;       /* fits done of all the sweep's fits */
} task_queue;

static void work(void *arg)
{
    task_queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        size_t i = q->next < q->n ? q->next++ : q->n;
        pthread_mutex_unlock(&q->lock);
        if (i == q->n) return;
        q->run(q->ctx, i);
        if (!q->fits) continue;
        pthread_mutex_lock(&q->lock);
        ++*q->done;
        cli_progress_show("sweep", (double)*q->done, (double)q->total);
        pthread_mutex_unlock(&q->lock);
    }
}

/* Runs tasks 0..n-1 of r's stage on p->jobs jobs; then reports the first
 * failed task's error, prefixed by what it was. Returns the exit status. */
static int run_stage(sweep_run *r, void (*run)(void *, size_t), size_t n,
                     int fits, size_t *done, size_t total, const char *what,
                     const char *hint)
{
    task_queue q = {run, r, n, 0, PTHREAD_MUTEX_INITIALIZER, fits, done, total};
    wlr__job jobs[WLR__MAX_THREADS];
    size_t n_jobs = r->p->jobs < n ? r->p->jobs : n;
    for (size_t t = 0; t < n_jobs; t++) jobs[t] = (wlr__job){work, &q};
    for (size_t i = 0; i < n; i++) r->st[i] = WLR_OK;
    wlr__run_jobs(jobs, n_jobs);
    pthread_mutex_destroy(&q.lock);
    for (size_t i = 0; i < n; i++)
        if (r->st[i]) {
            double w = i < r->p->points ? r->p->weight[i] : 1.0;
            return cli_errorf("weight %.10g, %s: %s%s", w, what, r->err[i].message,
                              hint);
        }
    return 0;
}

/* Every fit: the folds one after another (one fold's rows in memory at a
 * time), then the whole training split, then the threshold moves. The
 * library's own progress (one fit's epochs) would interleave from several
 * threads: it is off meanwhile, and the sweep counts fits instead. */
static int run_sweep(sweep_run *r)
{
    const sweep_plan *p = r->p;
    wlr_folds folds;
    wlr_error err;
    if (wlr_folds_make(r->train->y, r->train->n_rows, p->k, p->fold_seed, &folds,
                       &err))
        return cli_errorf("--cv: %s (of the training split's %zu rows)",
                          err.message, r->train->n_rows);
    size_t done = 0, total = p->points * (p->k + 1) + 1;
    int rc = 0;
    char what[64];
    wlr_set_progress(NULL, NULL);
    for (size_t j = 0; j < p->k && rc == 0; j++) {
        wlr_dataset ftrain, ftest;
        if (wlr_folds_split(&folds, j, r->train, &ftrain, &ftest, &err)) {
            rc = cli_error(&err);
            break;
        }
        r->fit = &ftrain;
        r->score = &ftest;
        r->stage_fold = j;
        snprintf(what, sizeof what, "fold %zu of %zu", j + 1, p->k);
        rc = run_stage(r, fold_task, p->points, 1, &done, total, what, "");
        wlr_dataset_free(&ftrain);
        wlr_dataset_free(&ftest);
    }
    wlr_folds_free(&folds);
    if (rc == 0) {
        snprintf(what, sizeof what, "test split (%zu rows)", r->test->n_rows);
        rc = run_stage(r, full_task, p->points + 1, 1, &done, total, what,
                       "; try another --split-seed, a larger --test-size or "
                       "--stratify");
    }
    cli_progress_show("sweep", (double)total, (double)total);
    cli_progress_start();
    if (rc) return rc;
    /* the unweighted model's probabilities, for the threshold moves */
    const grid_point *base = &r->pt[p->points];
    r->base_prob = malloc((r->test->n_rows + 1) * sizeof *r->base_prob);
    if (!r->base_prob) return cli_errorf("out of memory");
    wlr_predict_proba(&base->model, r->test, r->base_prob);
    return run_stage(r, move_task, p->points, 0, &done, total,
                     "the unweighted model's threshold for its test recall", "");
}

/* ------------------------------------------------- what the sweep found */

/* Each point's cross-validation scores: the mean over the folds, summed in
 * fold order, as train --cv sums them (the same bits). */
static void cv_means(sweep_run *r)
{
    const sweep_plan *p = r->p;
    for (size_t i = 0; i < p->points; i++)
        for (size_t f = 0; f < N_FIELDS; f++) {
            double sum = 0;
            for (size_t j = 0; j < p->k; j++)
                sum += field_of(&r->fold[j * p->points + i].s, &fields[f]);
            *(double *)((char *)&r->pt[i].cv + fields[f].offset) =
                sum / (double)p->k;
        }
}

/* The best weight for field f: the grid point whose mean over the folds is
 * the largest (goal +1) or smallest (goal -1); a tie goes to the smaller
 * weight, the one nearer to no weighting. */
static size_t best_point(const sweep_run *r, const score_field *f)
{
    size_t best = 0;
    for (size_t i = 1; i < r->p->points; i++) {
        double v = field_of(&r->pt[i].cv, f), b = field_of(&r->pt[best].cv, f);
        if (f->goal > 0 ? v > b : v < b) best = i;
    }
    return best;
}

/* Fits that are not what their weights define, said once on stderr for the
 * whole sweep: Newton stopped short, or gd more than CLI_GAP_WARN above the
 * exact optimum (the worst named). */
static void warn_fits(const sweep_run *r)
{
    const sweep_plan *p = r->p;
    size_t short_of = 0, n_fits = p->points * (p->k + 1) + 1, far = 0;
    double worst = 0, worst_w = 0;
    for (size_t i = 0; i < p->points * p->k; i++) short_of += !r->fold[i].converged;
    for (size_t i = 0; i <= p->points; i++) {
        const grid_point *g = &r->pt[i];
        if (p->o.solver == WLR_SOLVER_NEWTON) short_of += !g->info.converged;
        if (g->exact != CLI_EXACT_OK || !(g->exact_loss > 0)) continue;
        double gap = (g->info.loss - g->exact_loss) / g->exact_loss;
        if (gap > CLI_GAP_WARN) far++;
        if (gap > worst) worst = gap, worst_w = g->weight;
    }
    if (short_of)
        fprintf(stderr, "wlr: warning: Newton's method stopped without "
                "converging in %zu of the %zu fits; those models are near "
                "their optimum, not at it: raise --max-iter, or --l2 if the "
                "classes are nearly separable\n", short_of, n_fits);
    if (far)
        fprintf(stderr, "wlr: warning: gradient descent stopped more than "
                "%g %% above the exact optimum for %zu of the %zu weights "
                "(worst: weight %.10g, %.1f %%), so those models are not yet the "
                "ones their weights define: train longer (--epochs), or use "
                "the exact solver (--solver newton)\n", 100 * CLI_GAP_WARN, far,
                p->points, worst_w, 100 * worst);
}

/* --------------------------------------------------------------- text */

static void print_head(FILE *f, const cli_args *a, const sweep_plan *p,
                       const char *what, const sweep_run *r)
{
    const wlr_train_options *o = &p->o;
    cli_print_split(f, what, a, r->train, r->test);
    if (o->solver == WLR_SOLVER_NEWTON)
        fprintf(f, "solver   newton (tol %g, at most %d steps), l2 %g",
                o->tol, o->max_iter, o->l2);
    else
        fprintf(f, "solver   gd: %s, batch %zu, %d epochs, lr %g, l2 %g%s",
                a->optimizer, o->batch_size, wlr_gd_epochs(o, r->train->n_rows),
                o->lr, o->l2, o->standardize ? ", standardized" : "");
    fprintf(f, "; class 1 iff p > %g\n", p->threshold);
    fprintf(f, "grid     %zu class-1 weights c1/c0 from %g to %g, log spaced "
            "(c0 = 1)\n", p->points, p->weight[0], p->weight[p->points - 1]);
    fprintf(f, "cv       %zu stratified folds of the training split (seed %u)\n",
            p->k, (unsigned)p->fold_seed);
    if (p->has_cost)
        fprintf(f, "cost     per row: (%g x missed class 1 + %g x false alarms) "
                "/ rows\n", p->cost.cost_fn, p->cost.cost_fp);
    if (p->prior)
        fprintf(f, "calibrate prior: each intercept less log(c1/c0) before "
                "scoring\n");
}

/* The table's columns for one point's scores. */
static void print_scores(FILE *f, const sweep_plan *p, const scores *s)
{
    for (size_t k = 0; k < N_FIELDS; k++) {
        if (!fields[k].in_table || !field_shown(p, &fields[k])) continue;
        /* the ratios of class 1 to 3 decimals, the ranking and the
         * probabilities' scores to 4 (as experiment prints them) */
        int ratio = fields[k].offset <= SOFF(f1);
        fprintf(f, ratio ? " %7.3f" : " %7.4f", field_of(s, &fields[k]));
    }
}

static void print_heads(FILE *f, const sweep_plan *p)
{
    fprintf(f, "%9s", "weight");
    for (size_t k = 0; k < N_FIELDS; k++)
        if (fields[k].in_table && field_shown(p, &fields[k]))
            fprintf(f, " %7s", fields[k].head);
}

static void print_tables(FILE *f, const sweep_plan *p, const sweep_run *r)
{
    fprintf(f, "\ncross-validation: the means over the %zu folds\n\n", p->k);
    print_heads(f, p);
    fputc('\n', f);
    for (size_t i = 0; i < p->points; i++) {
        fprintf(f, "%9.5g", r->pt[i].weight);
        print_scores(f, p, &r->pt[i].cv);
        fputc('\n', f);
    }
    fprintf(f, "\ntest split; unweighted: the weight-1 model with its threshold "
            "moved to reach the same\ntest recall, and its precision there\n\n");
    fprintf(f, "%9s", "");
    for (size_t k = 0; k < N_FIELDS; k++)
        if (fields[k].in_table && field_shown(p, &fields[k])) fprintf(f, " %7s", "");
    fprintf(f, "   %s\n", "unweighted");
    print_heads(f, p);
    fprintf(f, " %10s %7s\n", "threshold", "prec1");
    for (size_t i = 0; i < p->points; i++) {
        const grid_point *g = &r->pt[i];
        fprintf(f, "%9.5g", g->weight);
        print_scores(f, p, &g->test);
        if (g->moved)
            fprintf(f, " %10.4g %7.3f\n", g->moved_threshold,
                    g->moved_met.precision[1]);
        else
            fprintf(f, " %10s %7s\n", "-", "-");
    }
}

static void print_best(FILE *f, const sweep_plan *p, const sweep_run *r)
{
    fprintf(f, "\nbest weights, chosen on the cross-validation means (a tie "
            "goes to the smaller weight):\n\n");
    for (size_t k = 0; k < N_FIELDS; k++) {
        const score_field *fl = &fields[k];
        if (!fl->best || !field_shown(p, fl)) continue;
        const grid_point *g = &r->pt[best_point(r, fl)];
        fprintf(f, "  %-18s %9.5g   %s mean %s %.4f (test %.4f)\n", fl->best,
                g->weight, fl->goal > 0 ? "largest" : "smallest", fl->key,
                field_of(&g->cv, fl), field_of(&g->test, fl));
    }
    fprintf(f, "\n(a weight's test numbers are wlr train --class-weight 1:W's "
            "with the same solver.)\n");
}

/* --------------------------------------------------------------- JSON */

static void json_scores(FILE *f, const sweep_plan *p, const scores *s)
{
    int first = 1;
    fputc('{', f);
    for (size_t k = 0; k < N_FIELDS; k++) {
        if (!field_shown(p, &fields[k])) continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ", fields[k].key);
        cli_json_double(f, field_of(s, &fields[k]));
        first = 0;
    }
}

/* A grid point's object; the unweighted model (grid 0) has no cross-validation
 * and nothing to move. */
static void json_point(FILE *f, const sweep_plan *p, const grid_point *g,
                       int grid)
{
    fputs("{\"weight\": ", f);
    cli_json_double(f, g->weight);
    fputs(", \"model\": {\"coef\": ", f);
    cli_json_array(f, g->model.coef, g->model.n_features);
    fputs(", \"intercept\": ", f);
    cli_json_double(f, g->model.intercept);
    fprintf(f, "}, \"train\": {\"iterations\": %d, \"loss\": ", g->info.iterations);
    cli_json_double(f, g->info.loss);
    if (p->o.solver == WLR_SOLVER_NEWTON)
        fprintf(f, ", \"converged\": %s", g->info.converged ? "true" : "false");
    if (g->exact == CLI_EXACT_OK && g->exact_loss > 0) {
        fputs(", \"exact_loss\": ", f);
        cli_json_double(f, g->exact_loss);
        fputs(", \"gap\": ", f);
        cli_json_double(f, (g->info.loss - g->exact_loss) / g->exact_loss);
    }
    fputc('}', f);
    if (grid) {
        fputs(", \"cv\": ", f);
        json_scores(f, p, &g->cv);
        fputc('}', f);
    }
    fputs(", \"test\": ", f);
    json_scores(f, p, &g->test);
    fprintf(f, ", \"confusion\": [[%zu, %zu], [%zu, %zu]]}", g->met.confusion[0][0],
            g->met.confusion[0][1], g->met.confusion[1][0], g->met.confusion[1][1]);
    if (!grid) {
        fputc('}', f);
        return;
    }
    fputs(", \"unweighted_at_same_recall\": ", f);
    if (!g->moved) {
        fputs("null}", f);
        return;
    }
    fputs("{\"threshold\": ", f);
    cli_json_double(f, g->moved_threshold);
    fputs(", \"recall_1\": ", f);
    cli_json_double(f, g->moved_met.recall[1]);
    fputs(", \"precision_1\": ", f);
    cli_json_double(f, g->moved_met.precision[1]);
    fputs("}}", f);
}

static void print_json(FILE *f, const cli_args *a, const sweep_plan *p,
                       const sweep_run *r)
{
    size_t ctr[2], cte[2];
    wlr_class_counts(r->train, ctr);
    wlr_class_counts(r->test, cte);
    fprintf(f, "{\"data\": {\"n_features\": %zu, \"train_counts\": [%zu, %zu], "
            "\"test_counts\": [%zu, %zu]}, \"solver\": \"%s\", \"l2\": ",
            r->train->n_features, ctr[0], ctr[1], cte[0], cte[1],
            p->o.solver == WLR_SOLVER_NEWTON ? "newton" : "gd");
    cli_json_double(f, p->o.l2);
    fputs(", \"threshold\": ", f);
    cli_json_double(f, p->threshold);
    fprintf(f, ", \"cv\": {\"k\": %zu, \"seed\": %u}, \"calibrate\": \"%s\"",
            p->k, (unsigned)p->fold_seed, p->prior ? "prior" : "none");
    if (p->has_cost) {
        fputs(", \"cost\": {\"fn\": ", f);
        cli_json_double(f, p->cost.cost_fn);
        fputs(", \"fp\": ", f);
        cli_json_double(f, p->cost.cost_fp);
        fputc('}', f);
    }
    /* one grid point a line, for grep and diff */
    fputs(",\n\"grid\": [\n", f);
    for (size_t i = 0; i < p->points; i++) {
        json_point(f, p, &r->pt[i], 1);
        fputs(i + 1 < p->points ? ",\n" : "\n", f);
    }
    fputs("],\n\"unweighted\": ", f);
    json_point(f, p, &r->pt[p->points], 0);
    fputs(",\n\"best\": {", f);
    int first = 1;
    for (size_t k = 0; k < N_FIELDS; k++) {
        if (!fields[k].best || !field_shown(p, &fields[k])) continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ", fields[k].best);
        cli_json_double(f, r->pt[best_point(r, &fields[k])].weight);
        first = 0;
    }
    fputs("}}\n", f);
    (void)a;
}

/* ------------------------------------------------------ --plot and CSV */

/* The cross-validation lines drawn, and the CSV's columns after the
 * weight: the fields' order, the log loss left out (no scale in [0, 1]),
 * the cost in the CSV only. */
static int plotted(const score_field *f)
{
    return f->in_table && f->offset != SOFF(cost);
}

/* The legend's names of the plotted fields. */
static const char *plot_name(const score_field *f)
{
    static const struct { size_t offset; const char *name; } names[] = {
        {SOFF(recall), "recall of class 1"},
        {SOFF(precision), "precision of class 1"},
        {SOFF(f1), "F1 of class 1"},
        {SOFF(roc_auc), "ROC AUC"},
        {SOFF(average_precision), "average precision"},
        {SOFF(brier), "Brier score"}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (names[k].offset == f->offset) return names[k].name;
    return f->key;
}

/* FILE.csv beside FILE.svg (check_plan made sure of the suffix). */
static char *csv_path(const char *svg)
{
    size_t len = strlen(svg);
    char *csv = malloc(len + 1);
    if (csv) {
        memcpy(csv, svg, len - 4);
        memcpy(csv + len - 4, ".csv", 5);
    }
    return csv;
}

/* The means over the folds against log10 of the weight: wlr_plot_lines
 * has no log x axis, so x is log10(w) itself (0 is weight 1, 3 is 1000).
 * The best F1 (and, with --cost, the least cost) marked by a dashed
 * vertical line in the colour of its metric. */
static wlr_status write_svg(FILE *f, const sweep_plan *p, const sweep_run *r,
                            const double *x, double *y, wlr_error *err)
{
    wlr_plot_series s[N_FIELDS + 2];
    size_t n = 0;
    for (size_t k = 0; k < N_FIELDS; k++) {
        if (!plotted(&fields[k])) continue;
        double *col = y + n * p->points;
        for (size_t i = 0; i < p->points; i++) col[i] = field_of(&r->pt[i].cv, &fields[k]);
        s[n] = (wlr_plot_series){plot_name(&fields[k]), x, col, p->points,
                                 0, (int)n + 1, 0};
        n++;
    }
    /* the marks: x twice, y from 0 to 1 */
    static const double span[2] = {0, 1};
    double mark_x[2][2];
    char mark_name[2][64];
    for (size_t k = 0, m = 0; k < N_FIELDS; k++) {
        int f1 = fields[k].offset == SOFF(f1);
        int cost = fields[k].offset == SOFF(cost) && p->has_cost;
        if (!f1 && !cost) continue;
        size_t b = best_point(r, &fields[k]);
        mark_x[m][0] = mark_x[m][1] = x[b];
        snprintf(mark_name[m], sizeof mark_name[m], "%s: weight %.4g",
                 f1 ? "best F1" : "least cost", r->pt[b].weight);
        /* F1's colour, 3; the cost has no line: the palette's 7th */
        s[n++] = (wlr_plot_series){mark_name[m], mark_x[m], span, 2, 0,
                                   f1 ? 3 : 7, 1};
        m++;
    }
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.title = "The class-1 weight as a hyperparameter";
    char sub[160];
    snprintf(sub, sizeof sub, "means over %zu stratified folds of the training "
             "split, class 1 iff p > %g", p->k, p->threshold);
    o.subtitle = sub;
    o.x_label = "log10 of the class-1 weight c1/c0 (0 is 1, 1 is 10, 2 is 100)";
    o.y_label = "mean over the folds";
    o.y_min = 0;
    o.y_max = 1;
    return wlr_plot_lines(f, &o, s, n, err);
}

/* The same points as CSV: weight, log10 of it, then each metric's mean
 * over the folds (the cost with --cost), shortest round-trip decimals. */
static wlr_status write_csv(FILE *f, const sweep_plan *p, const sweep_run *r,
                            const double *x)
{
    char buf[32];
    fputs("weight,log10_weight", f);
    for (size_t k = 0; k < N_FIELDS; k++)
        if ((plotted(&fields[k]) || fields[k].offset == SOFF(cost)) &&
            field_shown(p, &fields[k]))
            fprintf(f, ",cv_%s", fields[k].key);
    fputc('\n', f);
    for (size_t i = 0; i < p->points; i++) {
        wlr__format_double(buf, sizeof buf, r->pt[i].weight);
        fputs(buf, f);
        wlr__format_double(buf, sizeof buf, x[i]);
        fprintf(f, ",%s", buf);
        for (size_t k = 0; k < N_FIELDS; k++)
            if ((plotted(&fields[k]) || fields[k].offset == SOFF(cost)) &&
                field_shown(p, &fields[k])) {
                wlr__format_double(buf, sizeof buf, field_of(&r->pt[i].cv, &fields[k]));
                fprintf(f, ",%s", buf);
            }
        fputc('\n', f);
    }
    return ferror(f) ? WLR_ERR_IO : WLR_OK;
}

/* --plot FILE.svg and FILE.csv into temporaries (svg, csv), committed by
 * the caller once the report is written too. */
static int write_plot_files(const cli_args *a, const sweep_plan *p,
                            const sweep_run *r, wlr__out *svg, wlr__out *csv)
{
    wlr_error err;
    int rc = 0;
    char *csv_name = csv_path(a->plot);
    double *x = malloc(p->points * (N_FIELDS + 1) * sizeof *x);
    if (!csv_name || !x) rc = cli_errorf("out of memory");
    for (size_t i = 0; rc == 0 && i < p->points; i++) x[i] = wlr__log10(r->pt[i].weight);
    if (rc == 0 && (wlr__out_open(svg, a->plot, &err) ||
                    wlr__out_open(csv, csv_name, &err)))
        rc = cli_error(&err);
    if (rc == 0 && write_svg(svg->f, p, r, x, x + p->points, &err))
        rc = cli_errorf("%s: %s", a->plot, err.message);
    if (rc == 0 && write_csv(csv->f, p, r, x))
        rc = cli_errorf("%s: write failed", csv_name);
    free(x);
    free(csv_name);
    return rc;
}

/* ---------------------------------------------------------- wlr sweep */

static void run_free(sweep_run *r, size_t points)
{
    for (size_t i = 0; r->pt && i <= points; i++) {
        wlr_model_free(&r->pt[i].model);
        wlr_train_info_free(&r->pt[i].info);
    }
    free(r->pt);
    free(r->fold);
    free(r->base_prob);
    free(r->st);
    free(r->err);
}

/* Everything after the options are checked: load, sweep, write. */
static int sweep(const cli_args *a, sweep_plan *p)
{
    wlr_dataset train, test;
    char what[512];
    if (cli_load_split(a, &train, &test, what, sizeof what)) return 1;
    sweep_run r = {.p = p, .train = &train, .test = &test};
    int rc = check_width(p, &train);
    if (rc == 0) {
        r.pt = calloc(p->points + 1, sizeof *r.pt);
        r.fold = calloc(p->points * p->k, sizeof *r.fold);
        r.st = calloc(p->points + 1, sizeof *r.st);
        r.err = calloc(p->points + 1, sizeof *r.err);
        if (!r.pt || !r.fold || !r.st || !r.err) rc = cli_errorf("out of memory");
    }
    if (rc == 0) rc = run_sweep(&r);
    if (rc == 0) {
        cv_means(&r);
        warn_fits(&r);
    }
    wlr__out svg = {0}, csv = {0}, out = {0};
    wlr_error err;
    if (rc == 0 && a->plot) rc = write_plot_files(a, p, &r, &svg, &csv);
    if (rc == 0) rc = cli_out_open(a, &out);
    if (rc == 0) {
        if (a->json) {
            print_json(out.f, a, p, &r);
        } else {
            print_head(out.f, a, p, what, &r);
            print_tables(out.f, p, &r);
            print_best(out.f, p, &r);
        }
        /* the report complete before the plot's files replace anything */
        if (fflush(out.f) != 0 || ferror(out.f))
            rc = cli_errorf("%s: write failed", a->out ? a->out : "stdout");
        if (rc == 0 && a->plot &&
            (wlr__out_commit(&svg, &err) || wlr__out_commit(&csv, &err)))
            rc = cli_error(&err);
    }
    if (out.f) rc = cli_out_close(&out, rc);
    wlr__out_abort(&svg);
    wlr__out_abort(&csv);
    run_free(&r, p->points);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    const cli_opt *const groups[] = {sweep_opts, cli_data_opts, cli_gen_opts,
                                     cli_split_opts, sweep_train_opts(),
                                     cli_calibrate_opts, cli_output_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "sweep";
    a.sweep_from = DEFAULT_FROM;
    a.sweep_to = DEFAULT_TO;
    a.sweep_points = DEFAULT_POINTS;
    a.cv = DEFAULT_FOLDS;
    a.solver = NULL; /* newton, unless named: see check_width */
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr sweep [DATA] [OPTIONS]",
                 "Treats the class-1 weight as a hyperparameter: fits c0 = 1, "
                 "c1 = w for every w of a log\ngrid (--from, --to, --points), "
                 "each scored by stratified K-fold cross-validation on\nthe "
                 "training split and on the test split: minority recall, "
                 "precision, F1, ROC AUC,\naverage precision, Brier score and, "
                 "with --cost, the expected cost per row. The best\nweight for "
                 "each is chosen on the cross-validation means. Beside each "
                 "weight, the\nunweighted model with its threshold moved to the "
                 "same test recall, and its precision.\nA weight's test numbers "
                 "are those of wlr train --class-weight 1:W with the same solver.",
                 groups);
        return 0;
    }
    sweep_plan p;
    memset(&p, 0, sizeof p);
    p.solver_given = a.solver != NULL;
    if (!a.solver) a.solver = "newton";
    p.o = a.train;
    wlr_error err;
    if (cli_parse_solver(&a, &p.o) || cli_parse_calibrate(&a) || check_plan(&a, &p)) {
        free(p.weight);
        return 1;
    }
    if (wlr_train_check(&p.o, &err)) {
        free(p.weight);
        return cli_error(&err);
    }
    char *csv = a.plot ? csv_path(a.plot) : NULL;
    const cli_file ins[] = {{"DATA", a.pos[0], NULL}, {"--labels", a.labels, NULL}};
    const cli_file outs[] = {{"-o", a.out, NULL}, {"--plot", a.plot, NULL},
                             {"--plot's CSV", csv, NULL}};
    if (a.plot && !csv) rc = cli_errorf("out of memory");
    if (rc == 0 && cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs)))
        rc = 1;
    free(csv);
    if (rc == 0) rc = sweep(&a, &p);
    free(p.weight);
    return rc;
}
