/*
 * fuzz_model.c - libFuzzer harness for the model-file reader (src/model.c).
 *
 * Whatever the bytes, wlr_model_load must return a status; a loaded model
 * must write back and load again to the same numbers.
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "fuzz_common.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, data, size);
    if (!path) return 0;
    wlr_model_file mf;
    wlr_error err;
    memset(&mf, 0xA5, sizeof mf);
    if (wlr_model_load(path, &mf, &err) != WLR_OK) {
        if (mf.model.coef || mf.names || mf.mean || mf.sd) abort();
        if (strlen(err.message) == 0) abort();
        return 0;
    }
    /* Round trip: what loaded writes, and what it writes loads the same. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) abort();
    wlr_status ws = wlr_model_write(f, &mf, &err);
    fclose(f);
    if (ws == WLR_OK) {
        const char *p2 = fuzz_file(1, (const uint8_t *)buf, len);
        wlr_model_file mf2;
        if (p2) {
            if (wlr_model_load(p2, &mf2, &err) != WLR_OK) abort();
            if (mf2.model.n_features != mf.model.n_features) abort();
            for (size_t j = 0; j < mf.model.n_features; j++)
                if (memcmp(&mf2.model.coef[j], &mf.model.coef[j],
                           sizeof(double)) != 0 &&
                    !(isnan(mf2.model.coef[j]) && isnan(mf.model.coef[j])))
                    abort();
            wlr_model_file_free(&mf2);
        }
    }
    free(buf);
    wlr_model_file_free(&mf);
    return 0;
}
