/*
 * cli_stream.c - `wlr train --stream X.npy --labels Y.npy`: training on every
 * row of a .npy pair read a window at a time (wlr_train_stream), for data
 * bigger than memory. There is no split (that would need the rows in
 * memory): test metrics come from a separate held-out pair, --test and
 * --test-labels, which is loaded whole.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(cli_args, field)

const cli_opt cli_stream_opts[] = {
    {"stream", OPT_STRING, OFF(stream), "X.npy",
     "train on all of X.npy (+ --labels) a window at a time (gd)"},
    {"window", OPT_STRING, OFF(window), "ROWS",
     "--stream: rows per window (default: as many as fit in 64 MiB)"},
    {"test", OPT_STRING, OFF(test_x), "TEST",
     "test rows (CSV, or X.npy); trains on all of DATA, no split"},
    {"test-labels", OPT_STRING, OFF(test_y), "Y.npy", "--test X.npy's labels"},
    {NULL, 0, 0, NULL, NULL}};

/* The option that makes sense only with --stream is refused without it. */
int cli_check_no_stream(const cli_args *a)
{
    if (a->window) return cli_errorf("--window is for --stream X.npy");
    return 0;
}

/* --window ROWS: a whole number >= 1. */
static int parse_window(const char *s, size_t *rows)
{
    *rows = 0;
    if (!s) return 0;
    char *end;
    unsigned long long v = *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
    if (*s < '0' || *s > '9' || *end != 0 || v == 0 || v > SIZE_MAX)
        return cli_errorf("--window: '%s' is not a number of rows >= 1 (leave "
                          "it out for the default)", s);
    *rows = (size_t)v;
    return 0;
}

/* What --stream cannot do, refused before any work. */
static int check_stream_args(const cli_args *a, const wlr_train_options *o)
{
    if (a->n_pos > 0)
        return cli_errorf("--stream trains on the file it names; drop '%s'",
                          a->pos[0]);
    if (!cli_is_npy(a->stream))
        return cli_errorf("--stream: %s is not a .npy file (only .npy can be "
                          "read a window at a time; numpy.save your X)", a->stream);
    if (cli_check_npy_options(a, a->stream)) return 1;
    if (!a->labels)
        return cli_errorf("--stream %s needs --labels Y.npy", a->stream);
    if (o->solver != WLR_SOLVER_GD)
        return cli_errorf("--stream trains with --solver gd only (Newton "
                          "needs every row at every step)");
    if (a->tune)
        return cli_errorf("--tune-threshold needs validation rows split from "
                          "the training data; not with --stream");
    if (a->cv)
        return cli_errorf("--cv needs the training rows in memory; not with "
                          "--stream");
    cli_args d;
    cli_args_init(&d);
    if (a->test_size != d.test_size || a->split_seed != d.split_seed ||
        a->stratify)
        return cli_errorf("--stream trains on every row of %s: there is no "
                          "split (give held-out rows with --test)", a->stream);
    if (a->gen_weights || memcmp(&a->gen, &d.gen, sizeof d.gen) != 0)
        return cli_errorf("--stream reads %s; the generator's options do not "
                          "apply", a->stream);
    if (!a->test_x != !a->test_y)
        return cli_errorf("%s", a->test_x ? "--test needs --test-labels Y.npy"
                                          : "--test-labels needs --test X.npy");
    if (a->test_x && !cli_is_npy(a->test_x))
        return cli_errorf("--test: %s is not a .npy file", a->test_x);
    return 0;
}

static void json_stream(FILE *f, const cli_args *a, const wlr_stream_info *si,
                        const cli_run *r, const wlr_dataset *test)
{
    fprintf(f, "{\"data\": {\"n_features\": %zu, \"train_counts\": [%zu, %zu]",
            si->n_features, si->counts[0], si->counts[1]);
    if (test) {
        size_t c[2];
        wlr_class_counts(test, c);
        fprintf(f, ", \"test_counts\": [%zu, %zu]", c[0], c[1]);
    }
    fprintf(f, "}, \"stream\": {\"window\": %zu, \"windows\": %zu}, "
            "\"class_weights\": ", si->window, si->n_windows);
    cli_json_array(f, r->cw, 2);
    fputs(", \"model\": {\"coef\": ", f);
    cli_json_array(f, r->model.coef, r->model.n_features);
    fputs(", \"intercept\": ", f);
    cli_json_double(f, r->model.intercept);
    fprintf(f, "}, \"train\": {\"solver\": \"gd\", \"epochs\": %d, \"loss\": ",
            r->info.iterations);
    cli_json_double(f, r->info.loss);
    fputs(", \"grad_norm\": ", f);
    cli_json_double(f, r->info.grad_norm);
    fputs("}, \"test\": ", f);
    if (test) cli_json_metrics(f, &r->met);
    else fputs("null", f);
    if (a->save) {
        fputs(", \"saved\": ", f);
        cli_json_string(f, a->save);
    }
    fputs("}\n", f);
}

static void print_stream(FILE *f, const cli_args *a, const wlr_train_options *o,
                         const wlr_stream_info *si, const cli_run *r,
                         const wlr_dataset *test)
{
    fprintf(f, "data     %s with labels %s: %zu rows (%zu / %zu), all for "
            "training\n", a->stream, a->labels, si->n_rows, si->counts[0],
            si->counts[1]);
    fprintf(f, "stream   %zu window%s of %zu rows%s\n", si->n_windows,
            si->n_windows == 1 ? "" : "s", si->window,
            si->n_windows == 1 ? " (read once: the same model as in memory)"
                               : ", in a new order every epoch");
    if (test) {
        size_t c[2];
        wlr_class_counts(test, c);
        fprintf(f, "test     %s with labels %s: %zu rows (%zu / %zu)\n",
                a->test_x, a->test_y, test->n_rows, c[0], c[1]);
    }
    fprintf(f, "weights  c0 = %g, c1 = %g  (%s)\n", r->cw[0], r->cw[1], r->name);
    cli_print_solver(f, a, o, r);
    wlr_dataset names = {0};
    names.n_features = si->n_features;
    cli_print_model(f, &names, &r->model);
    if (a->save) fprintf(f, "saved    %s\n", a->save);
    if (test) {
        fprintf(f, "\n");
        cli_print_metrics(f, &r->met, a->digits);
    } else {
        fprintf(f, "test     none: give --test X.npy --test-labels Y.npy for "
                "test metrics\n");
    }
}

/* --save: the model file, written to mo's temporary (committed by the
 * caller once the report is out). */
static int save_stream_model(const cli_args *a, const wlr_train_options *o,
                             const wlr_stream_info *si, const cli_run *r,
                             wlr__out *mo)
{
    wlr_model_file mf;
    wlr_error err;
    if (wlr_model_file_make_stream(&mf, si, o, &r->model, &r->info, a->threshold,
                                   a->threshold != 0.5 ? "given (--threshold)"
                                                       : "default", &err))
        return cli_error(&err);
    wlr_status st = wlr__out_open(mo, a->save, &err);
    if (st == WLR_OK) st = wlr_model_write(mo->f, &mf, &err);
    wlr_model_file_free(&mf);
    return st ? cli_error(&err) : 0;
}

int cli_train_stream(const cli_args *a, const wlr_train_options *o)
{
    wlr_stream_options so;
    wlr_stream_defaults(&so);
    if (check_stream_args(a, o) || parse_window(a->window, &so.window)) return 1;
    wlr_error err;
    wlr_train_options opt = *o;
    cli_run r;
    memset(&r, 0, sizeof r);
    r.name = a->class_weight;
    so.balanced = strcmp(a->class_weight, "balanced") == 0;
    if (!so.balanced &&
        wlr_class_weights_parse(a->class_weight, NULL, opt.class_weight, &err))
        return cli_error(&err);
    wlr_dataset test = {0};
    /* the held-out rows first: a bad test file fails before the long fit */
    if (a->test_x && wlr_read_npy(a->test_x, a->test_y, &test, &err))
        return cli_error(&err);
    wlr_stream_info si;
    int rc = 0;
    if (wlr_train_stream(a->stream, a->labels, &so, &opt, &r.model, &r.info, &si,
                         &err)) {
        wlr_dataset_free(&test);
        return cli_error(&err);
    }
    r.cw[0] = opt.class_weight[0] = si.class_weight[0];
    r.cw[1] = opt.class_weight[1] = si.class_weight[1];
    if (a->test_x && test.n_features != si.n_features)
        rc = cli_errorf("%s: X has %zu features, but %s has %zu", a->test_x,
                        test.n_features, a->stream, si.n_features);
    if (rc == 0 && a->test_x)
        rc = cli_score_model(&r.model, &test, a->threshold, &r.met);
    wlr__out model_out = {0}, out = {0};
    if (rc == 0 && a->save) rc = save_stream_model(a, &opt, &si, &r, &model_out);
    if (rc == 0) rc = cli_out_open(a, &out);
    if (rc == 0) {
        if (a->json) {
            json_stream(out.f, a, &si, &r, a->test_x ? &test : NULL);
        } else {
            print_stream(out.f, a, &opt, &si, &r, a->test_x ? &test : NULL);
            /* the numbers that differ between runs go to stderr, so stdout
             * is byte-identical for the same arguments */
            fprintf(stderr, "wlr: fit took %.3f s (%.3f s waiting for reads)\n",
                    r.info.seconds, si.read_seconds);
        }
        /* the report complete on disk before the model replaces anything */
        if (a->save && (fflush(out.f) != 0 || ferror(out.f)))
            rc = cli_out_close(&out, 0) ? 1
                 : cli_errorf("%s: write failed", a->out ? a->out : "stdout");
        if (rc == 0 && a->save && wlr__out_commit(&model_out, &err))
            rc = cli_error(&err);
        if (out.f) rc = cli_out_close(&out, rc);
    }
    wlr__out_abort(&model_out);
    cli_run_free(&r);
    wlr_stream_info_free(&si);
    wlr_dataset_free(&test);
    return rc;
}
