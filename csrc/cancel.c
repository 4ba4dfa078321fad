/* Cancellation flag and clock: shared by the solver layer and its callers. The flag is atomic
 * because the thread that raises it is not the one that solves. */
#include "internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct sp_cancel {
    atomic_int raised;
};

int sp_cancel_new(sp_cancel **out, sp_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return sp_fail(err, SP_ENOMEM, "out of memory creating a cancel flag");
    atomic_init(&(*out)->raised, 0);
    sp_ok(err);
    return SP_OK;
}

void sp_cancel_free(sp_cancel *cancel)
{
    free(cancel);
}

void sp_cancel_raise(sp_cancel *cancel)
{
    if (cancel)
        atomic_store(&cancel->raised, 1);
}

void sp_cancel_reset(sp_cancel *cancel)
{
    if (cancel)
        atomic_store(&cancel->raised, 0);
}

int sp_cancel_is_raised(const sp_cancel *cancel)
{
    return cancel && atomic_load(&((sp_cancel *)cancel)->raised);
}

double sp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void sp_solve_options_init(sp_solve_options *opts)
{
    opts->time_limit = -1.0;
    opts->rel_gap = 1e-6;
    opts->log_level = 0;
    opts->cancel = NULL;
    opts->model_file = NULL;
    opts->progress = NULL;
}
