/*
 * install_example.c - the README's example: train, save, load and predict
 * through the installed library. Build it against an installed wlr:
 *
 *   cc install_example.c $(pkg-config --cflags --libs wlr) -o example
 *
 * (tests/cli_model.sh builds and runs it against a temporary prefix).
 */
#include <wlr.h>
#include <wlr_io.h>
#include <wlr_metrics.h>

#include <stdio.h>
#include <stdlib.h>

static void check(wlr_status st, const wlr_error *err)
{
    if (st) {
        fprintf(stderr, "example: %s\n", err->message);
        exit(1);
    }
}

int main(void)
{
    wlr_error err;
    wlr_gen_params gp;
    wlr_gen_defaults(&gp);              /* 100,000 rows, about 1 % class 1 */
    wlr_dataset all, train, test;
    check(wlr_generate(&gp, &all, &err), &err);
    check(wlr_split(&all, 0.2, 42, 0, &train, &test, &err), &err);

    /* balanced class weights c_k = N / (2 N_k), then fit */
    wlr_train_options opt;
    wlr_train_defaults(&opt);
    check(wlr_class_weights_balanced(&train, opt.class_weight, &err), &err);
    wlr_model m;
    wlr_train_info info;
    check(wlr_train(&train, &opt, &m, &info, &err), &err);

    /* keep it, and read it back as `wlr predict` would */
    wlr_model_file mf, saved;
    check(wlr_model_file_make(&mf, &train, &opt, &m, &info, 0.5, NULL, &err), &err);
    check(wlr_model_save(&mf, "model.txt", &err), &err);
    check(wlr_model_load("model.txt", &saved, &err), &err);

    /* score the test rows with the loaded model */
    double *p = malloc(test.n_rows * sizeof *p);
    if (!p) return 1;
    wlr_predict_proba(&saved.model, &test, p);
    wlr_metrics met;
    check(wlr_evaluate(test.y, p, test.n_rows, saved.threshold, &met, &err), &err);
    printf("coef %.6g %.6g, intercept %.6g\n", saved.model.coef[0],
           saved.model.coef[1], saved.model.intercept);
    printf("minority recall %.3f (%zu of %zu), ROC AUC %.4f\n", met.recall[1],
           met.confusion[1][1], met.support[1], met.roc_auc);

    free(p);
    wlr_model_file_free(&saved);
    wlr_model_file_free(&mf);
    wlr_model_free(&m);
    wlr_train_info_free(&info);
    wlr_dataset_free(&all);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return 0;
}
