/*
 * cli_page.c - index.html of `wlr experiment --plots DIR`: the experiment
 * as a page to explore, that works offline (its script, styles and
 * pictures are all inline; it fetches nothing).
 *
 * Two sliders: the weight of class 1, c1/c0, over a grid that holds every
 * weighting of the experiment and a log grid from 1 to 1,000 between them;
 * and the threshold, over 0, 0.001, ..., 1 (and the experiment's own).
 * Moving them moves the decision boundary over the test rows, the score
 * histograms of both classes, the confusion matrix and the numbers
 * together, and a table beside them shows the unweighted model reaching
 * nearly the same numbers by its threshold alone. The state lives in the
 * URL: index.html?weight=200&threshold=0.5 (the nearest grid point).
 *
 * Every number the page shows is exact: for each grid weight the page
 * holds the test rows' counts of each class above every threshold of its
 * grid (class 1 iff p > t, as wlr_evaluate counts), the ROC AUC, and the
 * model for the boundary; recall, precision and F1 are computed from the
 * counts by the same operations as metrics.c's, and printed as printf
 * rounds. At the experiment's weightings the models are the experiment's
 * own fits, so the page's numbers are the experiment's table; the grid's
 * other weights are fitted here with the same solver and options, as
 * `wlr train --class-weight 1:W` fits them.
 */
#include "cli.h"
#include "elementary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The log grid of weights: the E6 preferred numbers (1, 1.5, 2.2, 3.3,
 * 4.7, 6.8 per decade, each about 1.47 times the last), in tenths so that
 * each is the double nearest its decimal, over GRID_DECADES decades from
 * 1: 19 weights up to 1,000, where a rare class of 0.1 % weighs as much
 * as the rest. */
static const int grid_tenths[] = {10, 15, 22, 33, 47, 68};
#define GRID_DECADES 3
/* Thresholds 0, 1/1000, ..., 1: the slider's steps. */
#define THRESHOLD_STEPS 1000
/* Test rows drawn in the page's boundary view, at most (every k-th row of
 * each class, as boundary.svg samples): enough to see both classes, few
 * enough to keep the page small. */
#define PAGE_POINTS 2000

/* One weight of the slider. */
typedef struct {
    double w;               /* c1 / c0 */
    const cli_run *run;     /* its fit: one of the experiment's, or own */
    cli_run own;            /* a grid weight's fit */
    int fitted;             /* own is set */
    char spec[48];          /* "1:W" for a grid weight */
    size_t *bins[2];        /* each class's test rows per threshold bin */
} page_point;

typedef struct {
    page_point *pt;
    size_t n;
    double *t;              /* the thresholds, ascending */
    size_t m;
    int extra;              /* the experiment's threshold is not i / 1000 */
    const cli_args *a;
    const wlr_dataset *train, *test;
} page;

/* ------------------------------------------------------------ the grid */

static int by_weight(const void *x, const void *y)
{
    const page_point *p = x, *q = y;
    if (p->w != q->w) return p->w < q->w ? -1 : 1;
    /* the same weight twice: the experiment's order */
    return p->run && q->run ? (p->run > q->run) - (p->run < q->run) : 0;
}

/* The weights: every run's c1/c0, and the log grid where no run is. */
static int page_grid(page *pg, const cli_run *runs, int n_runs)
{
    size_t n_grid = GRID_DECADES * (sizeof grid_tenths / sizeof grid_tenths[0]) + 1;
    pg->pt = calloc(n_grid + (size_t)n_runs, sizeof *pg->pt);
    if (!pg->pt) return cli_errorf("out of memory");
    for (int k = 0; k < n_runs; k++) {
        pg->pt[pg->n].w = runs[k].cw[1] / runs[k].cw[0];
        pg->pt[pg->n++].run = &runs[k];
    }
    int scale = 1;
    for (size_t g = 0; g < n_grid; g++) {
        size_t per = sizeof grid_tenths / sizeof grid_tenths[0];
        if (g > 0 && g % per == 0) scale *= 10;
        /* (the last is the first of the next decade: 1,000) */
        double w = (double)(grid_tenths[g % per] * scale) / 10.0;
        int taken = 0;
        for (int k = 0; k < n_runs; k++) taken |= pg->pt[k].w == w;
        if (taken) continue;
        page_point *p = &pg->pt[pg->n++];
        p->w = w;
        char num[40];
        wlr__format_double(num, sizeof num, w);
        snprintf(p->spec, sizeof p->spec, "1:%s", num);
    }
    qsort(pg->pt, pg->n, sizeof *pg->pt, by_weight);
    return 0;
}

/* Fits the grid's own weights with the experiment's solver and options
 * (not recording per-epoch terms: the page needs none). */
static int page_fit(page *pg)
{
    cli_args a = *pg->a;
    a.track_classes = 0;
    wlr_train_options o = a.train;
    if (cli_parse_solver(&a, &o)) return 1;
    for (size_t g = 0; g < pg->n; g++) {
        page_point *p = &pg->pt[g];
        if (p->run) continue;
        if (cli_fit_run(&a, &o, p->spec, pg->train, pg->test, &p->own)) {
            cli_run_free(&p->own);
            return 1;
        }
        p->fitted = 1;
        p->run = &p->own;
    }
    return 0;
}

/* The thresholds: i / 1000 (each the double nearest its decimal, as
 * strtod reads "0.123"), and the experiment's own if it is not one. */
static int page_thresholds(page *pg)
{
    double t = pg->a->threshold;
    double i = floor(t * THRESHOLD_STEPS + 0.5);
    pg->extra = i / THRESHOLD_STEPS != t;
    pg->m = THRESHOLD_STEPS + 1 + (size_t)pg->extra;
    pg->t = malloc(pg->m * sizeof *pg->t);
    if (!pg->t) return cli_errorf("out of memory");
    size_t k = 0;
    for (int s = 0; s <= THRESHOLD_STEPS; s++) {
        double v = (double)s / THRESHOLD_STEPS;
        if (pg->extra && t < v && (k == 0 || pg->t[k - 1] < t)) pg->t[k++] = t;
        pg->t[k++] = v;
    }
    return 0;
}

/* Bin j of a score p: the thresholds below it, #{i : t_i < p}, so that
 * class 1 is predicted at t_i (p > t_i) iff j > i. */
static size_t bin_of(const page *pg, double p)
{
    size_t lo = 0, hi = pg->m;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pg->t[mid] < p) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Each weight's test rows of each class per bin. */
static int page_bins(page *pg)
{
    const wlr_dataset *t = pg->test;
    double *p = malloc((t->n_rows + 1) * sizeof *p);
    if (!p) return cli_errorf("out of memory");
    for (size_t g = 0; g < pg->n; g++) {
        page_point *pt = &pg->pt[g];
        for (int k = 0; k < 2; k++) {
            pt->bins[k] = calloc(pg->m + 1, sizeof *pt->bins[k]);
            if (!pt->bins[k]) {
                free(p);
                return cli_errorf("out of memory");
            }
        }
        wlr_predict_proba(&pt->run->model, t, p);
        for (size_t i = 0; i < t->n_rows; i++) pt->bins[t->y[i]][bin_of(pg, p[i])]++;
    }
    free(p);
    return 0;
}

static void page_free(page *pg)
{
    for (size_t g = 0; pg->pt && g < pg->n; g++) {
        if (pg->pt[g].fitted) cli_run_free(&pg->pt[g].own);
        free(pg->pt[g].bins[0]);
        free(pg->pt[g].bins[1]);
    }
    free(pg->pt);
    free(pg->t);
}

/* ------------------------------------------------------------ writing */

static void put_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A JavaScript string literal that is safe inside <script>: quotes,
 * backslashes, control characters, <, > and & (no "</script>") and the
 * two line separators JavaScript does not allow in strings as \u escapes. */
static void put_js_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
            fprintf(f, "\\u%04x", 0x2000 + (p[2] - 0xA8 + 0x28));
            p += 2;
        } else if (*p < 0x20 || *p == '"' || *p == '\\' || *p == '<' ||
                   *p == '>' || *p == '&') {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* One class's bins as pairs (gap from the last bin written, count), only
 * the bins that hold rows: most hold none. */
static void put_bins(FILE *f, const size_t *bins, size_t m)
{
    size_t last = 0;
    int first = 1;
    fputc('[', f);
    for (size_t j = 0; j <= m; j++) {
        if (!bins[j]) continue;
        fprintf(f, "%s%zu,%zu", first ? "" : ",", j - last, bins[j]);
        last = j;
        first = 0;
    }
    fputc(']', f);
}

/* The grid index the page opens at: balanced's weight if it is one of the
 * experiment's, else the first weighted run's, else the first run's. */
static size_t default_point(const page *pg)
{
    size_t pick = pg->n;
    for (size_t g = 0; g < pg->n; g++) {
        const cli_run *r = pg->pt[g].fitted ? NULL : pg->pt[g].run;
        if (!r) continue;
        if (strcmp(r->name, "balanced") == 0) return g;
        if (pick == pg->n && r->cw[0] != r->cw[1]) pick = g;
    }
    for (size_t g = 0; pick == pg->n && g < pg->n; g++)
        if (!pg->pt[g].fitted) pick = g;
    return pick;
}

/* The test rows the boundary view draws: every k-th row of each class,
 * k = ceil(n / PAGE_POINTS) (the same k for both, so their balance is as
 * it is), in features 1 and 2 (1 and the class, spread, for one feature). */
static int put_points(FILE *f, const page *pg)
{
    const wlr_dataset *t = pg->test;
    size_t n = t->n_rows, step = n <= PAGE_POINTS ? 1 : (n + PAGE_POINTS - 1) / PAGE_POINTS;
    double *jitter = t->n_features == 1 ? cli_class_jitter(t) : NULL;
    if (t->n_features == 1 && !jitter) return cli_errorf("out of memory");
    const double *xs = t->x, *ys = t->n_features > 1 ? t->x + n : jitter;
    for (int axis = 0; axis < 3; axis++) {
        size_t seen[2] = {0, 0};
        int first = 1;
        fprintf(f, "%s\"%c\": [", axis ? ", " : "", "xyc"[axis]);
        for (size_t i = 0; i < n; i++) {
            if (seen[t->y[i]]++ % step) continue;
            if (!first) fputc(',', f);
            first = 0;
            if (axis == 2) fprintf(f, "%d", t->y[i]);
            else fprintf(f, "%.4g", axis ? ys[i] : xs[i]);
        }
        fputc(']', f);
    }
    fprintf(f, ", \"step\": %zu", step);
    free(jitter);
    return 0;
}

/* The page's data, one object D: the test rows of each class, the
 * thresholds' extra one, where to open, the rows to draw, and per weight
 * its name, class weights, ROC AUC, boundary (wx x + wy y + c = logit(t))
 * and bins. */
static int put_data(FILE *f, const page *pg, const cli_run *runs, int n_runs)
{
    const wlr_dataset *t = pg->test;
    size_t counts[2];
    wlr_class_counts(t, counts);
    char xl[96], yl[96], nb[32];
    snprintf(xl, sizeof xl, "%s", wlr_feature_name(t, 0, nb, sizeof nb));
    if (t->n_features > 1) snprintf(yl, sizeof yl, "%s", wlr_feature_name(t, 1, nb, sizeof nb));
    else snprintf(yl, sizeof yl, "class: 0 below, 1 above (spread out)");
    size_t unweighted = 0;
    while (unweighted + 1 < pg->n && pg->pt[unweighted].w != 1) unweighted++;
    fprintf(f, "var D = {\"test_rows\": [%zu, %zu], \"threshold\": ", counts[0],
            counts[1]);
    cli_json_double(f, pg->a->threshold);
    fputs(", \"extra_threshold\": ", f);
    if (pg->extra) cli_json_double(f, pg->a->threshold);
    else fputs("null", f);
    fprintf(f, ", \"default_weight\": %zu, \"unweighted\": %zu, \"minority\": %d,\n"
            "\"x_label\": ", default_point(pg), unweighted, counts[1] <= counts[0]);
    put_js_string(f, xl);
    fputs(", \"y_label\": ", f);
    put_js_string(f, yl);
    fputs(",\n\"points\": {", f);
    if (put_points(f, pg)) return 1;
    fputs("},\n\"grid\": [\n", f);
    for (size_t g = 0; g < pg->n; g++) {
        const page_point *p = &pg->pt[g];
        const cli_run *r = p->run;
        char label[32], cw[2][32];
        snprintf(label, sizeof label, "%.4g", p->w);
        snprintf(cw[0], sizeof cw[0], "%.4g", r->cw[0]);
        snprintf(cw[1], sizeof cw[1], "%.4g", r->cw[1]);
        double wx, wy, c;
        cli_boundary_line(t, &r->model, 0.5, &wx, &wy, &c);
        fputs("{\"w\": ", f);
        cli_json_double(f, p->w);
        fputs(", \"label\": ", f);
        put_js_string(f, label);
        fputs(", \"name\": ", f);
        put_js_string(f, p->fitted ? p->spec : r->name);
        fprintf(f, ", \"run\": %s, \"cw\": [", p->fitted ? "false" : "true");
        put_js_string(f, cw[0]);
        fputc(',', f);
        put_js_string(f, cw[1]);
        fputs("], \"auc\": ", f);
        cli_json_double(f, r->met.roc_auc);
        fputs(", \"wx\": ", f);
        cli_json_double(f, wx);
        fputs(", \"wy\": ", f);
        cli_json_double(f, wy);
        fputs(", \"c\": ", f);
        cli_json_double(f, c);
        fputs(",\n \"h0\": ", f);
        put_bins(f, p->bins[0], pg->m);
        fputs(",\n \"h1\": ", f);
        put_bins(f, p->bins[1], pg->m);
        fputs(g + 1 < pg->n ? "},\n" : "}\n", f);
    }
    fputs("]};\n", f);
    (void)runs;
    (void)n_runs;
    return 0;
}

static const char *const page_style[] = {
    "body { font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; max-width: 1500px; }",
    "h1 { margin-bottom: 4px; } h2 { margin-top: 28px; }",
    "table { border-collapse: collapse; margin: 8px 0 16px; }",
    "th, td { padding: 3px 9px; border-bottom: 1px solid #ddd; text-align: right; }",
    "th:first-child, td:first-child { text-align: left; }",
    "th { border-bottom: 2px solid #888; }",
    ".controls { display: grid; grid-template-columns: max-content 420px max-content; gap: 6px 12px; align-items: center; }",
    ".controls input { width: 420px; }",
    ".numbers { font-size: 20px; margin: 12px 0; }",
    ".numbers b { display: inline-block; min-width: 3.5em; }",
    ".views { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }",
    ".views svg { border: 1px solid #eee; }",
    ".note { color: #555; font-size: 13px; }",
    ".pictures { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }",
    "figure { margin: 0; } figcaption { font-size: 13px; color: #555; }",
    "figure svg { width: 720px; max-width: 100%; height: auto; border: 1px solid #eee; }",
    NULL};

/* The script: everything the page does, from D. */
static const char *const page_script[] = {
    "'use strict';",
    "// The thresholds of the page: 0, 0.001, ..., 1 (i / 1000, the same doubles",
    "// as C's), and the experiment's own when it is not among them.",
    "var T = [];",
    "for (var i = 0; i <= 1000; i++) T.push(i / 1000);",
    "if (D.extra_threshold !== null) {",
    "  var at = 0;",
    "  while (at < T.length && T[at] < D.extra_threshold) at++;",
    "  T.splice(at, 0, D.extra_threshold);",
    "}",
    "var N0 = D.test_rows[0], N1 = D.test_rows[1];",
    "",
    "// Each weight's rows of class k above every threshold: bin j of the",
    "// (delta-coded) histogram holds the rows with T[j-1] < p <= T[j], so",
    "// above[i] = the rows in bins j > i, those with p > T[i].",
    "function unpack(h) {",
    "  var full = [], j;",
    "  for (j = 0; j <= T.length; j++) full.push(0);",
    "  var bin = 0;",
    "  for (j = 0; j < h.length; j += 2) { bin += h[j]; full[bin] += h[j + 1]; }",
    "  var above = [], s = 0;",
    "  for (j = T.length - 1; j >= 0; j--) { s += full[j + 1]; above[j] = s; }",
    "  return {bins: full, above: above};",
    "}",
    "var G = D.grid;",
    "for (var g = 0; g < G.length; g++) {",
    "  G[g].c0 = unpack(G[g].h0);",
    "  G[g].c1 = unpack(G[g].h1);",
    "}",
    "",
    "// The metrics of class 1 at weight g, threshold index i, as wlr_evaluate",
    "// computes them (class 1 iff p > t; 0/0 = 0).",
    "function metrics(g, i) {",
    "  var tp = G[g].c1.above[i], fp = G[g].c0.above[i];",
    "  var precision = tp + fp === 0 ? 0 : tp / (tp + fp);",
    "  var recall = N1 === 0 ? 0 : tp / N1;",
    "  var f1 = precision + recall === 0 ? 0 : 2 * precision * recall / (precision + recall);",
    "  return {tp: tp, fp: fp, fn: N1 - tp, tn: N0 - fp, precision: precision,",
    "          recall: recall, f1: f1};",
    "}",
    "",
    "// x with d decimals as C's printf('%.*f') writes it: the exact value",
    "// rounded, a tie to the even digit (toFixed rounds a tie up).",
    "function fixed(x, d) {",
    "  var s = x.toFixed(d), exact = x.toFixed(d + 25);",
    "  var tail = exact.slice(exact.indexOf('.') + 1 + d);",
    "  if (/^50*$/.test(tail) && Number(s.charAt(s.length - 1)) % 2 === 1)",
    "    return exact.slice(0, exact.indexOf('.') + 1 + d);",
    "  return s;",
    "}",
    "",
    "// The nearest weight of the grid (in ratio), and the nearest threshold.",
    "function nearestWeight(v) {",
    "  var best = 0;",
    "  for (var g = 1; g < G.length; g++)",
    "    if (Math.abs(Math.log(v / G[g].w)) < Math.abs(Math.log(v / G[best].w))) best = g;",
    "  return best;",
    "}",
    "function nearestThreshold(t) {",
    "  var best = 0;",
    "  for (var i = 1; i < T.length; i++)",
    "    if (Math.abs(T[i] - t) < Math.abs(T[best] - t)) best = i;",
    "  return best;",
    "}",
    "",
    "// The state from the URL: a number picks the nearest grid point, anything",
    "// else the default.",
    "function fromUrl() {",
    "  var q = new URLSearchParams(location.search);",
    "  var w = q.get('weight'), t = q.get('threshold');",
    "  var wv = w === null || w.trim() === '' ? NaN : Number(w);",
    "  var tv = t === null || t.trim() === '' ? NaN : Number(t);",
    "  var g = D.default_weight, i = nearestThreshold(D.threshold);",
    "  if (isFinite(wv)) g = wv > 0 ? nearestWeight(wv) : 0;",
    "  if (isFinite(tv)) i = nearestThreshold(tv);",
    "  return [g, i];",
    "}",
    "",
    "function el(id) { return document.getElementById(id); }",
    "function text(id, s) { el(id).textContent = s; }",
    "var SVG = 'http://www.w3.org/2000/svg';",
    "function svg(tag, attrs, parent) {",
    "  var e = document.createElementNS(SVG, tag);",
    "  for (var k in attrs) e.setAttribute(k, attrs[k]);",
    "  if (parent) parent.appendChild(e);",
    "  return e;",
    "}",
    "",
    "// ---- the boundary view: the test rows D.points, every D.step-th row of",
    "// each class, and the line p = t of the chosen weight.",
    "var BW = 460, BH = 340, PAD = 46;",
    "var bx = {lo: Infinity, hi: -Infinity}, by = {lo: Infinity, hi: -Infinity};",
    "(function () {",
    "  var P = D.points;",
    "  for (var i = 0; i < P.x.length; i++) {",
    "    bx.lo = Math.min(bx.lo, P.x[i]); bx.hi = Math.max(bx.hi, P.x[i]);",
    "    by.lo = Math.min(by.lo, P.y[i]); by.hi = Math.max(by.hi, P.y[i]);",
    "  }",
    "  if (!(bx.hi > bx.lo)) { bx.lo -= 1; bx.hi += 1; }",
    "  if (!(by.hi > by.lo)) { by.lo -= 1; by.hi += 1; }",
    "})();",
    "function px(x) { return PAD + (x - bx.lo) / (bx.hi - bx.lo) * (BW - PAD - 10); }",
    "function py(y) { return BH - PAD - (y - by.lo) / (by.hi - by.lo) * (BH - PAD - 10); }",
    "",
    "// About five round values (1, 2 or 5 times a power of ten apart) in [lo, hi].",
    "function ticks(lo, hi) {",
    "  var raw = (hi - lo) / 5, p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));",
    "  var m = raw / p, step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p, out = [];",
    "  for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)",
    "    out.push(+v.toPrecision(6));",
    "  return out;",
    "}",
    "",
    "function drawPoints() {",
    "  var root = el('boundary-view'), P = D.points;",
    "  svg('rect', {x: PAD, y: 10, width: BW - PAD - 10, height: BH - PAD - 10,",
    "               fill: 'none', stroke: '#333'}, root);",
    "  for (var pass = 0; pass < 2; pass++) {",
    "    var k = pass === 0 ? D.minority ^ 1 : D.minority;",
    "    var grp = svg('g', k === 0 ? {fill: '#9A9A9A', 'fill-opacity': '0.55'}",
    "                              : {fill: '#F0E442', stroke: '#222', 'stroke-width': '0.7'},",
    "                  root);",
    "    for (var i = 0; i < P.x.length; i++)",
    "      if (P.c[i] === k)",
    "        svg('circle', {cx: px(P.x[i]).toFixed(1), cy: py(P.y[i]).toFixed(1),",
    "                       r: k === 0 ? 1.6 : 2.6}, grp);",
    "  }",
    "  var tx = ticks(bx.lo, bx.hi), ty = ticks(by.lo, by.hi), k2;",
    "  for (k2 = 0; k2 < tx.length; k2++) {",
    "    var t1 = svg('text', {x: px(tx[k2]).toFixed(1), y: BH - PAD + 14, 'text-anchor': 'middle',",
    "                          'font-size': 11}, root);",
    "    t1.textContent = String(tx[k2]);",
    "  }",
    "  for (k2 = 0; k2 < ty.length; k2++) {",
    "    var t2 = svg('text', {x: PAD - 4, y: (py(ty[k2]) + 4).toFixed(1), 'text-anchor': 'end',",
    "                          'font-size': 11}, root);",
    "    t2.textContent = String(ty[k2]);",
    "  }",
    "  var lab = svg('text', {x: PAD + (BW - PAD) / 2, y: BH - 8, 'text-anchor': 'middle',",
    "                         'font-size': 12}, root);",
    "  lab.textContent = D.x_label;",
    "  lab = svg('text', {x: 12, y: (BH - PAD) / 2, 'text-anchor': 'middle', 'font-size': 12,",
    "                     transform: 'rotate(-90 12 ' + (BH - PAD) / 2 + ')'}, root);",
    "  lab.textContent = D.y_label;",
    "  var clip = svg('clipPath', {id: 'page-clip'}, svg('defs', {}, root));",
    "  svg('rect', {x: PAD, y: 10, width: BW - PAD - 10, height: BH - PAD - 10}, clip);",
    "  svg('line', {id: 'boundary-line', stroke: '#D55E00', 'stroke-width': 2.5,",
    "               'clip-path': 'url(#page-clip)'}, root);",
    "  var shown = [0, 0];",
    "  for (var i = 0; i < P.c.length; i++) shown[P.c[i]]++;",
    "  var k = D.points.step, th = k % 10 === 1 && k % 100 !== 11 ? 'st'",
    "    : k % 10 === 2 && k % 100 !== 12 ? 'nd' : k % 10 === 3 && k % 100 !== 13 ? 'rd' : 'th';",
    "  text('sample', (k === 1 ? 'every row' : 'every ' + k + th + ' row of each class') +",
    "       ': ' + shown[0] + ' of ' + N0 + ' rows of class 0, ' + shown[1] + ' of ' + N1 +",
    "       ' of class 1');",
    "}",
    "",
    "// The line w_x x + w_y y + c = logit(t), drawn across the box.",
    "function drawLine(g, t) {",
    "  var line = el('boundary-line'), p = G[g];",
    "  var c = p.c - Math.log(t / (1 - t)), x1, y1, x2, y2;",
    "  var ok = isFinite(c) && (p.wx !== 0 || p.wy !== 0);",
    "  if (ok && Math.abs(p.wy) >= Math.abs(p.wx)) {",
    "    x1 = bx.lo; x2 = bx.hi;",
    "    y1 = -(p.wx * x1 + c) / p.wy; y2 = -(p.wx * x2 + c) / p.wy;",
    "  } else if (ok) {",
    "    y1 = by.lo; y2 = by.hi;",
    "    x1 = -(p.wy * y1 + c) / p.wx; x2 = -(p.wy * y2 + c) / p.wx;",
    "  }",
    "  var big = 1e6;",
    "  function clamp(v) { return Math.max(-big, Math.min(big, v)).toFixed(1); }",
    "  if (ok) {",
    "    line.setAttribute('x1', clamp(px(x1))); line.setAttribute('y1', clamp(py(y1)));",
    "    line.setAttribute('x2', clamp(px(x2))); line.setAttribute('y2', clamp(py(y2)));",
    "  }",
    "  line.setAttribute('visibility', ok ? 'visible' : 'hidden');",
    "  text('boundary-note', ok ? '' : 'no boundary at this threshold: every row is on one side');",
    "}",
    "",
    "// ---- the score histograms: each class's share of its rows per bin of p,",
    "// from 0 to the smallest of 0.02, 0.05, ..., 1 that holds every score.",
    "var HW = 460, HH = 220, HB = 50;",
    "function drawHistogram(g, t) {",
    "  var root = el('histogram-view'), p = G[g];",
    "  while (root.firstChild) root.removeChild(root.firstChild);",
    "  var top = 0;",
    "  for (var j = T.length; j > 0 && !top; j--)",
    "    if (p.c0.bins[j] || p.c1.bins[j]) top = T[Math.min(j, T.length - 1)];",
    "  var spans = [0.02, 0.05, 0.1, 0.2, 0.5, 1], xmax = 1;",
    "  for (var s = spans.length - 1; s >= 0; s--) if (spans[s] >= top) xmax = spans[s];",
    "  var share = [[], []], most = 0;",
    "  for (var k = 0; k < 2; k++) {",
    "    for (var b = 0; b < HB; b++) share[k].push(0);",
    "    var bins = k ? p.c1.bins : p.c0.bins, n = k ? N1 : N0;",
    "    for (j = 0; j <= T.length; j++) {",
    "      if (!bins[j]) continue;",
    "      var mid = j === 0 ? 0 : j === T.length ? 1 : (T[j - 1] + T[j]) / 2;",
    "      var at = Math.min(HB - 1, Math.max(0, Math.floor(mid / xmax * HB)));",
    "      share[k][at] += bins[j] / n;",
    "    }",
    "    for (b = 0; b < HB; b++) most = Math.max(most, share[k][b]);",
    "  }",
    "  var L = 40, R = HW - 10, B = HH - 30, Tp = 10, bw = (R - L) / HB;",
    "  svg('rect', {x: L, y: Tp, width: R - L, height: B - Tp, fill: 'none', stroke: '#333'}, root);",
    "  for (k = 0; k < 2; k++)",
    "    for (b = 0; b < HB; b++) {",
    "      if (!share[k][b]) continue;",
    "      var h = share[k][b] / most * (B - Tp);",
    "      svg('rect', {x: (L + b * bw).toFixed(1), y: (B - h).toFixed(1),",
    "                   width: bw.toFixed(1), height: h.toFixed(1),",
    "                   fill: k ? '#F0E442' : '#9A9A9A', 'fill-opacity': k ? 0.8 : 0.6,",
    "                   stroke: k ? '#222' : 'none', 'stroke-width': 0.6}, root);",
    "    }",
    "  for (var q = 0; q <= 4; q++) {",
    "    var tx = svg('text', {x: (L + q / 4 * (R - L)).toFixed(1), y: B + 14,",
    "                          'text-anchor': 'middle', 'font-size': 11}, root);",
    "    tx.textContent = String(+(q / 4 * xmax).toFixed(4));",
    "  }",
    "  var cap = svg('text', {x: (L + R) / 2, y: HH - 2, 'text-anchor': 'middle',",
    "                         'font-size': 12}, root);",
    "  cap.textContent = 'p(class 1) on the test rows (bars: each class as a share of its own rows)';",
    "  if (t <= xmax) {",
    "    var x = L + t / xmax * (R - L);",
    "    svg('line', {x1: x.toFixed(1), y1: Tp, x2: x.toFixed(1), y2: B, stroke: '#D55E00',",
    "                 'stroke-width': 2}, root);",
    "  }",
    "  text('histogram-note', t > xmax ? 'the threshold ' + t + ' is right of every score' : '');",
    "}",
    "",
    "// ---- everything, for weight g and threshold index i",
    "function show(g, i) {",
    "  var p = G[g], t = T[i], m = metrics(g, i);",
    "  el('weight-slider').value = g;",
    "  el('threshold-slider').value = i;",
    "  text('weight', p.label);",
    "  text('weighting', p.name);",
    "  text('c0', p.cw[0]);",
    "  text('c1', p.cw[1]);",
    "  text('threshold', String(t));",
    "  text('recall1', fixed(m.recall, 3));",
    "  text('precision1', fixed(m.precision, 3));",
    "  text('f1_1', fixed(m.f1, 3));",
    "  text('roc_auc', fixed(p.auc, 3));",
    "  text('tn', m.tn); text('fp', m.fp); text('fn', m.fn); text('tp', m.tp);",
    "  drawLine(g, t);",
    "  drawHistogram(g, t);",
    "  // the same through the threshold: the unweighted model at",
    "  // t' = t / (t + W (1 - t)), where its log-odds cut moves by log W, and at",
    "  // the largest threshold that reaches the same recall",
    "  var u = D.unweighted, W = p.w;",
    "  var i2 = nearestThreshold(t / (t + W * (1 - t)));",
    "  var i3 = 0;",
    "  for (var k = 0; k < T.length; k++) if (metrics(u, k).recall >= m.recall) i3 = k;",
    "  var rows = [[i2, 'eq-shift'], [i3, 'eq-recall']];",
    "  for (k = 0; k < rows.length; k++) {",
    "    var e = metrics(u, rows[k][0]), id = rows[k][1];",
    "    text(id + '-threshold', String(T[rows[k][0]]));",
    "    text(id + '-recall1', fixed(e.recall, 3));",
    "    text(id + '-precision1', fixed(e.precision, 3));",
    "    text(id + '-f1_1', fixed(e.f1, 3));",
    "  }",
    "  text('eq-weight', p.label);",
    "  text('eq-base-auc', fixed(G[u].auc, 3));",
    "  var query = '?weight=' + p.w + '&threshold=' + t;",
    "  el('link').setAttribute('href', query);",
    "  try { history.replaceState(null, '', query); } catch (err) { /* a file: URL some browsers refuse */ }",
    "}",
    "",
    "// ---- start: the sliders over the grid, the state from the URL, drawn now",
    "// (not later: the page is complete once it has loaded)",
    "el('weight-slider').max = G.length - 1;",
    "el('threshold-slider').max = T.length - 1;",
    "drawPoints();",
    "var state = fromUrl();",
    "show(state[0], state[1]);",
    "el('weight-slider').addEventListener('input', function () {",
    "  show(Number(this.value), Number(el('threshold-slider').value));",
    "});",
    "el('threshold-slider').addEventListener('input', function () {",
    "  show(Number(el('weight-slider').value), Number(this.value));",
    "});",
    NULL};

static void put_lines(FILE *f, const char *const *lines)
{
    for (; *lines; lines++) {
        fputs(*lines, f);
        fputc('\n', f);
    }
}

/* The explorer: sliders, numbers, the views and the comparison. */
static void put_explorer(FILE *f, const page *pg)
{
    fputs("<h2>Explore: the weight against the threshold</h2>\n"
          "<div class=\"controls\">\n"
          "<label for=\"weight-slider\">weight of class 1, c1/c0</label>\n"
          "<input type=\"range\" id=\"weight-slider\" min=\"0\" max=\"0\" step=\"1\" value=\"0\">\n"
          "<span><span id=\"weight\"></span> (<span id=\"weighting\"></span>: "
          "c0 = <span id=\"c0\"></span>, c1 = <span id=\"c1\"></span>)</span>\n"
          "<label for=\"threshold-slider\">threshold: class 1 iff p &gt;</label>\n"
          "<input type=\"range\" id=\"threshold-slider\" min=\"0\" max=\"0\" step=\"1\" value=\"0\">\n"
          "<span id=\"threshold\"></span>\n</div>\n", f);
    fputs("<div class=\"numbers\">recall1 <b id=\"recall1\"></b> precision1 "
          "<b id=\"precision1\"></b> f1_1 <b id=\"f1_1\"></b> ROC AUC "
          "<b id=\"roc_auc\"></b></div>\n", f);
    fputs("<div class=\"views\">\n<div>\n<table id=\"confusion\">\n"
          "<tr><th>test rows</th><th>predicted 0</th><th>predicted 1</th></tr>\n"
          "<tr><td>true 0</td><td id=\"tn\"></td><td id=\"fp\"></td></tr>\n"
          "<tr><td>true 1</td><td id=\"fn\"></td><td id=\"tp\"></td></tr>\n"
          "</table>\n", f);
    fputs("<p class=\"note\">The same through the threshold: the unweighted model "
          "(c1/c0 = 1, ROC AUC <span id=\"eq-base-auc\"></span>)<br>at the "
          "threshold where its log-odds cut moves by log W, t / (t + W (1 - t)) "
          "with W = <span id=\"eq-weight\"></span>,<br>and at the highest "
          "threshold that reaches the same recall:</p>\n"
          "<table id=\"equivalence\">\n<tr><th>unweighted</th><th>p &gt;</th>"
          "<th>recall1</th><th>precision1</th><th>f1_1</th></tr>\n", f);
    static const char *const eq[2] = {"eq-shift", "eq-recall"};
    static const char *const what[2] = {"t / (t + W (1 - t))", "the same recall"};
    for (int k = 0; k < 2; k++)
        fprintf(f, "<tr><td>%s</td><td id=\"%s-threshold\"></td><td id=\"%s-recall1\">"
                "</td><td id=\"%s-precision1\"></td><td id=\"%s-f1_1\"></td></tr>\n",
                what[k], eq[k], eq[k], eq[k], eq[k]);
    fputs("</table>\n<p class=\"note\">Weights mostly move the threshold: "
          "the ranking (ROC AUC) barely changes.<br>"
          "<a id=\"link\" href=\"\">link to this view</a></p>\n</div>\n", f);
    fprintf(f, "<div><svg id=\"boundary-view\" width=\"460\" height=\"340\" "
            "viewBox=\"0 0 460 340\" font-family=\"Helvetica, Arial, sans-serif\">"
            "</svg>\n<p class=\"note\">Test rows, <span id=\"sample\"></span>"
            "<br>(the same share of each, so the balance is as it is), and the line "
            "p = threshold%s. <span id=\"boundary-note\"></span></p>\n",
            pg->test->n_features > 2 ? "; with more than two features, its slice "
                                       "at the test means of the others" : "");
    fputs("<svg id=\"histogram-view\" width=\"460\" height=\"220\" "
          "viewBox=\"0 0 460 220\" font-family=\"Helvetica, Arial, sans-serif\">"
          "</svg>\n<p class=\"note\">Grey: class 0, yellow: class 1. "
          "<span id=\"histogram-note\"></span></p></div>\n</div>\n", f);
}

/* The table of the experiment's runs, as it prints it. */
static void put_runs(FILE *f, const cli_run *runs, int n_runs, double threshold)
{
    fputs("<h2>The runs</h2>\n<table>\n<tr><th>weighting</th><th>c0</th><th>c1</th>"
          "<th>recall1</th><th>prec1</th><th>f1_1</th><th>ROC AUC</th>"
          "<th>avgprec</th><th>logloss</th><th>trainloss</th><th></th></tr>\n", f);
    for (int k = 0; k < n_runs; k++) {
        const cli_run *r = &runs[k];
        char w[40], t[40];
        wlr__format_double(w, sizeof w, r->cw[1] / r->cw[0]);
        wlr__format_double(t, sizeof t, threshold);
        fputs("<tr><td>", f);
        put_html(f, r->name);
        fprintf(f, "</td><td>%.4g</td><td>%.4g</td><td>%.3f</td><td>%.3f</td>"
                "<td>%.3f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                "<td>%.6f</td><td><a href=\"?weight=%s&amp;threshold=%s\">explore</a>"
                "</td></tr>\n", r->cw[0], r->cw[1], r->met.recall[1],
                r->met.precision[1], r->met.f1[1], r->met.roc_auc,
                r->met.average_precision, r->met.log_loss, r->info.loss, w, t);
    }
    fputs("</table>\n", f);
}

/* The pictures, inline (without their XML declarations), with links to
 * their files and data. */
static void put_figures(FILE *f, const cli_figure *fig, size_t n)
{
    fputs("<h2>Pictures</h2>\n<div class=\"pictures\">\n", f);
    for (size_t k = 0; k < n; k++) {
        const char *svg = fig[k].svg ? strstr(fig[k].svg, "<svg") : NULL;
        if (!svg) continue;
        fputs("<figure>\n", f);
        fputs(svg, f);
        fputs("<figcaption>", f);
        put_html(f, fig[k].alt);
        fprintf(f, ": <a href=\"%s.svg\">%s.svg</a>, data <a href=\"%s.csv\">%s.csv"
                "</a></figcaption>\n</figure>\n", fig[k].file, fig[k].file,
                fig[k].file, fig[k].file);
    }
    fputs("</div>\n", f);
}

static int put_page(FILE *f, const page *pg, const cli_run *runs, int n_runs,
                    const cli_figure *fig, size_t n_fig)
{
    size_t counts[2];
    wlr_class_counts(pg->test, counts);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>wlr experiment</title>\n<style>\n", f);
    put_lines(f, page_style);
    fputs("</style>\n</head>\n<body>\n<h1>wlr experiment</h1>\n", f);
    fprintf(f, "<p class=\"note\">%zu test rows (%zu of class 0, %zu of class 1). "
            "Recall, precision and F1 are class 1's, at the threshold; the "
            "experiment's weightings are its own fits, the other weights fitted "
            "with the same solver and options.</p>\n", pg->test->n_rows,
            counts[0], counts[1]);
    put_explorer(f, pg);
    put_runs(f, runs, n_runs, pg->a->threshold);
    put_figures(f, fig, n_fig);
    fputs("<script>\n", f);
    if (put_data(f, pg, runs, n_runs)) return 1;
    put_lines(f, page_script);
    fputs("</script>\n</body>\n</html>\n", f);
    return 0;
}

int cli_write_page(const char *dir, const char *file, const cli_args *a,
                   const cli_run *runs, int n_runs, const wlr_dataset *train,
                   const wlr_dataset *test, const cli_figure *figures,
                   size_t n_figures)
{
    page pg;
    memset(&pg, 0, sizeof pg);
    pg.a = a;
    pg.train = train;
    pg.test = test;
    int rc = page_grid(&pg, runs, n_runs);
    if (rc == 0) rc = page_fit(&pg);
    if (rc == 0) rc = page_thresholds(&pg);
    if (rc == 0) rc = page_bins(&pg);
    char path[4096];
    if (rc == 0 && snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
        rc = cli_errorf("%s: path too long", dir);
    wlr__out out = {0};
    wlr_error err;
    if (rc == 0 && wlr__out_open(&out, path, &err)) rc = cli_error(&err);
    if (rc == 0) rc = put_page(out.f, &pg, runs, n_runs, figures, n_figures);
    if (rc == 0 && wlr__out_commit(&out, &err)) rc = cli_error(&err);
    wlr__out_abort(&out);
    page_free(&pg);
    return rc;
}
