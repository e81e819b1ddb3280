/*
 * fuzz_options.c - libFuzzer harness for the option parser (src/cli.c) and
 * the small spec parsers behind options (class weights, threshold tuning).
 *
 * The input, split at NUL bytes, is argv after "wlr train"; it is parsed
 * against train's option groups. Then the --class-weight and
 * --tune-threshold strings (whatever the parser left there) go through
 * their parsers. Nothing may crash or read out of bounds; the CLI objects
 * are compiled with -Dmain=wlr_cli_main for this build only.
 */
#include "cli.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[MAX_ARGS + 3];
    int argc = 0;
    argv[argc++] = "wlr";
    argv[argc++] = "train";
    for (size_t i = 0; i <= size && argc < MAX_ARGS + 2;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;

    static const cli_opt *const groups[] = {
        cli_data_opts, cli_gen_opts, cli_split_opts, cli_train_opts,
        cli_eval_opts, cli_output_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "train";
    /* The parser's messages go to stderr: keep them out of the fuzzer's
     * log (sanitizer reports still reach it, after the restore). */
    static int devnull = -1, saved = -1;
    if (devnull < 0) {
        devnull = open("/dev/null", O_WRONLY);
        saved = dup(2);
    }
    fflush(stderr);
    dup2(devnull, 2);
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    fflush(stderr);
    dup2(saved, 2);
    if (rc != 0 && rc != 2) abort();

    wlr_error err;
    double cw[2];
    wlr_dataset d = {0};
    uint8_t y[3] = {0, 1, 0};
    double x[3] = {0, 1, 2};
    d.n_rows = 3;
    d.n_features = 1;
    d.x = x;
    d.y = y;
    if (a.class_weight &&
        wlr_class_weights_parse(a.class_weight, &d, cw, &err) == WLR_OK &&
        !(cw[0] > 0 && cw[1] > 0))
        abort();
    wlr_tune_spec t;
    if (a.tune) (void)wlr_tune_parse(a.tune, &t, &err);
    for (int i = 2; i < argc; i++) {
        (void)wlr_class_weights_parse(argv[i], &d, cw, &err);
        (void)wlr_tune_parse(argv[i], &t, &err);
    }
    free(buf);
    return 0;
}
