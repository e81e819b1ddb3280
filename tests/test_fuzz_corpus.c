/*
 * test_fuzz_corpus.c - the fuzzers' seed corpus as a regression test.
 *
 * Every file in tests/fuzz/corpus/{csv,npy,model,columns}/ goes through the same
 * libFuzzer harness `make fuzz` runs (tests/fuzz/fuzz_*.c), here built
 * without libFuzzer: a harness aborts when the reader breaks one of its
 * promises (a failed load left half-filled, a loaded dataset with a NaN or a
 * label of 2, a model that does not read back), and the sanitizer build
 * (make sanitize) catches memory errors. An input a fuzzer once crashed on
 * belongs in its corpus directory: from then on every `make test` replays
 * it. (The option-parser harness needs the command line's objects and is
 * only built by make fuzz.)
 */
#define LLVMFuzzerTestOneInput fuzz_csv_one
#include "fuzz/fuzz_csv.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_npy_one
#include "fuzz/fuzz_npy.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_model_one
#include "fuzz/fuzz_model.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_columns_one
#include "fuzz/fuzz_columns.c"
#undef LLVMFuzzerTestOneInput

#include "check.h"

#include <dirent.h>

/* Runs every file of tests/fuzz/corpus/<name> through one; returns how many. */
static int replay(const char *name, int (*one)(const uint8_t *, size_t))
{
    char dir[256], path[512];
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
    DIR *d = opendir(dir);
    CHECK(d != NULL, "cannot open %s (run from the repository root)", dir);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        static uint8_t buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        one(buf, len);
        n++;
    }
    closedir(d);
    return n;
}

static void cleanup(void)
{
    /* the harnesses' scratch files */
    for (int slot = 0; slot < 2; slot++) {
        const char *p = fuzz_file(slot, (const uint8_t *)"", 0);
        if (p) remove(p);
    }
}

static void test_csv_corpus(void) { CHECK(replay("csv", fuzz_csv_one) >= 5, "csv: too few seeds"); }
static void test_npy_corpus(void) { CHECK(replay("npy", fuzz_npy_one) >= 5, "npy: too few seeds"); }
static void test_model_corpus(void) { CHECK(replay("model", fuzz_model_one) >= 3, "model: too few seeds"); }
static void test_columns_corpus(void) { CHECK(replay("columns", fuzz_columns_one) >= 5, "columns: too few seeds"); }

int main(void)
{
    RUN(test_csv_corpus);
    RUN(test_npy_corpus);
    RUN(test_model_corpus);
    RUN(test_columns_corpus);
    cleanup();
    return check_summary();
}
