/*
 * cli_weights.c - `wlr weights`: the "balanced" class weights as the share of
 * class 1 (the conversion rate r) goes from rare to common.
 *
 * For n rows of which n r are class 1, scikit-learn's balanced weights are
 *     w_0 = n / (2 n (1 - r)),   w_1 = n / (2 n r)
 * so at r = 1 % a class-1 row counts 50 and a class-0 row about 0.505. The
 * table is the tutorial's, made by Python:
 *     for r in np.arange(start, stop, step):
 *         counts = [n - n * r, n * r]
 *         row = [r] + [n / (2 * c) for c in counts]    # printed with repr
 * and we reproduce it byte for byte: the rates as numpy's arange computes
 * them, the same operations in the same order, and Python's repr for floats.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The tutorial's table: 10,000 rows, rates 0.01, 0.02, ..., 0.99. */
#define DEFAULT_SAMPLES 10000
#define DEFAULT_START 0.01
#define DEFAULT_STOP 1.0
#define DEFAULT_STEP 0.01
/* More rows than anyone reads or plots: a guard against --step 1e-300. */
#define MAX_ROWS 10000000

#define OFF(field) offsetof(cli_args, field)

static const cli_opt weights_opts[] = {
    {"samples", OPT_SIZE, OFF(gen.n_samples), "N",
     "rows n in the counts [n - n r, n r] (10000)"},
    {"start", OPT_DOUBLE, OFF(w_start), "R", "first conversion rate (0.01)"},
    {"stop", OPT_DOUBLE, OFF(w_stop), "R",
     "end of the rates, not included, as numpy.arange (1.0)"},
    {"step", OPT_DOUBLE, OFF(w_step), "S", "step between rates (0.01)"},
    {"plot", OPT_STRING, OFF(plot), "FILE.svg",
     "also draw both weights against the rate (log y axis)"},
    {NULL, 0, 0, NULL, NULL}};

/* ----------------------------------------------------- Python's repr */

/*
 * repr(float) in Python 3: the shortest round-trip digits (the same digits
 * wlr__format_double finds), laid out as Python does: with an exponent
 * ("1e-05", "1.5e+16") iff the decimal point would sit more than 4 places
 * before the first digit or more than 16 after it, else positional with at
 * least one digit after the point ("50.0", "0.0001").
 */
static void python_repr(char *out, size_t cap, double v)
{
    char text[48], digits[32];
    wlr__format_double(text, sizeof text, v);
    const char *p = text;
    int neg = *p == '-', nd = 0, int_digits = 0, seen_point = 0, exp10 = 0;
    p += neg;
    for (; *p && *p != 'e'; p++) {
        if (*p == '.') seen_point = 1;
        else if (nd < (int)sizeof digits - 1) {
            digits[nd++] = *p;
            int_digits += !seen_point;
        }
    }
    if (*p == 'e') exp10 = atoi(p + 1);
    /* value = 0.digits x 10^decpt, with no leading or trailing zeros */
    int decpt = int_digits + exp10, lead = 0;
    while (lead < nd && digits[lead] == '0') lead++, decpt--;
    memmove(digits, digits + lead, (size_t)(nd - lead));
    nd -= lead;
    while (nd > 0 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    const char *sign = neg ? "-" : "";
    if (nd == 0) snprintf(out, cap, "%s0.0", sign);
    else if (decpt <= -4 || decpt > 16)
        snprintf(out, cap, "%s%c%s%s%se%c%02d", sign, digits[0], nd > 1 ? "." : "",
                 digits + 1, "", decpt - 1 < 0 ? '-' : '+', abs(decpt - 1));
    else if (decpt <= 0)
        snprintf(out, cap, "%s0.%.*s%s", sign, -decpt, "0000", digits);
    else if (decpt >= nd)
        snprintf(out, cap, "%s%s%.*s.0", sign, digits, decpt - nd,
                 "0000000000000000");
    else
        snprintf(out, cap, "%s%.*s.%s", sign, decpt, digits, digits + decpt);
}

/* ------------------------------------------------------ the table */

/* numpy.arange(start, stop, step) for doubles: length ceil((stop - start) /
 * step); r[0] = start, r[1] = start + step, r[i] = start + i * delta with
 * delta = r[1] - r[0] (numpy's fill). */
static double arange_at(double start, double step, size_t i)
{
    if (i == 0) return start;
    double second = start + step;
    if (i == 1) return second;
    double delta = second - start;
    return start + (double)i * delta;
}

/* Checks the options; sets *rows. Messages name the option. */
static int check_weights_args(const cli_args *a, size_t *rows)
{
    if (a->gen.n_samples < 1)
        return cli_errorf("--samples: %zu is not a whole number >= 1",
                          a->gen.n_samples);
    if (!(a->w_step > 0)) return cli_errorf("--step: %g is not > 0", a->w_step);
    if (!(a->w_start < a->w_stop))
        return cli_errorf("--start: %g is not below --stop %g", a->w_start,
                          a->w_stop);
    double len = ceil((a->w_stop - a->w_start) / a->w_step);
    if (!(len <= MAX_ROWS))
        return cli_errorf("--step: %g makes more than %d rates", a->w_step,
                          MAX_ROWS);
    *rows = (size_t)len;
    for (size_t i = 0; i < *rows; i++) {
        double r = arange_at(a->w_start, a->w_step, i);
        if (!(r > 0 && r < 1))
            return cli_errorf("--%s: the rate %.17g is not in (0, 1), where both "
                              "classes have rows", i == 0 ? "start" : "stop", r);
    }
    return 0;
}

/* Row i: rate and the two weights, computed as the Python does. */
static void weights_row(double n, double r, double w[2])
{
    double counts[2] = {n - n * r, n * r};
    for (int k = 0; k < 2; k++) w[k] = n / (2 * counts[k]);
}

static int write_table(FILE *f, const cli_args *a, size_t rows)
{
    double n = (double)a->gen.n_samples;
    char b[3][80]; /* python_repr writes at most ~55 */
    fputs("conversion_rate,weight_0,weight_1\n", f);
    for (size_t i = 0; i < rows; i++) {
        double r = arange_at(a->w_start, a->w_step, i), w[2];
        weights_row(n, r, w);
        if (!isfinite(w[0]) || !isfinite(w[1]))
            return cli_errorf("--samples: at rate %.17g a class has no rows "
                              "(n r rounds to 0 or n)", r);
        python_repr(b[0], sizeof b[0], r);
        python_repr(b[1], sizeof b[1], w[0]);
        python_repr(b[2], sizeof b[2], w[1]);
        fprintf(f, "%s,%s,%s\n", b[0], b[1], b[2]);
    }
    return 0;
}

/* --plot: both weights against the rate, on a log axis where 1 is even. */
static int write_plot(const cli_args *a, size_t rows)
{
    double *r = malloc((rows + 1) * 3 * sizeof *r);
    if (!r) return cli_errorf("out of memory for %zu rates", rows);
    double *w0 = r + rows + 1, *w1 = w0 + rows + 1;
    for (size_t i = 0; i < rows; i++) {
        double w[2];
        r[i] = arange_at(a->w_start, a->w_step, i);
        weights_row((double)a->gen.n_samples, r[i], w);
        w0[i] = w[0];
        w1[i] = w[1];
    }
    double ends[2] = {r[0], r[rows - 1]}, ones[2] = {1, 1};
    wlr_plot_series s[3] = {
        {"weight of class 0", r, w0, rows, 0, 0, 0},
        {"weight of class 1", r, w1, rows, 0, 0, 0},
        {"1 (no reweighting)", ends, ones, 2, 1, 0, 0}};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.title = "Balanced class weights against conversion rate";
    o.subtitle = "w_j = n / (2 n_j): the rarer class counts more, the classes "
                 "weigh the same in total";
    o.x_label = "conversion rate (share of class 1)";
    o.y_label = "class weight (log scale)";
    o.log_y = 1;
    wlr__out out = {0};
    wlr_error err;
    int rc = 0;
    if (wlr__out_open(&out, a->plot, &err)) rc = cli_error(&err);
    else if (wlr_plot_lines(out.f, &o, s, 3, &err))
        rc = cli_errorf("%s: %s", a->plot, err.message);
    else if (wlr__out_commit(&out, &err)) rc = cli_error(&err);
    wlr__out_abort(&out);
    free(r);
    return rc;
}

int cmd_weights(int argc, char **argv)
{
    static const cli_opt *const groups[] = {weights_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "weights";
    a.gen.n_samples = DEFAULT_SAMPLES;
    a.w_start = DEFAULT_START;
    a.w_stop = DEFAULT_STOP;
    a.w_step = DEFAULT_STEP;
    int rc = cli_parse(&a, argc, argv, 2, groups, 0);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr weights [OPTIONS] [-o FILE]",
                 "Prints scikit-learn's balanced class weights w_j = n / (2 n_j) "
                 "for conversion rates\nr = start, start + step, ... below stop "
                 "(numpy.arange), as CSV\nconversion_rate,weight_0,weight_1 with "
                 "Python's float formatting.",
                 groups);
        return 0;
    }
    size_t rows = 0;
    if (check_weights_args(&a, &rows)) return 1;
    const cli_file outs[] = {{"-o", a.out, NULL}, {"--plot", a.plot, NULL}};
    if (cli_check_files(NULL, 0, outs, CLI_N_FILES(outs))) return 1;
    if (a.plot && write_plot(&a, rows)) return 1;
    wlr__out out;
    rc = cli_out_open(&a, &out);
    if (rc == 0) rc = write_table(out.f, &a, rows);
    if (out.f) rc = cli_out_close(&out, rc);
    return rc;
}
