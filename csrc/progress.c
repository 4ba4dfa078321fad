/* The progress board of a running solve: the solving thread posts, a display thread reads. A
 * mutex rather than atomics, because a reader must never see the incumbent of one post with the
 * bound of another. */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

struct sp_progress {
    pthread_mutex_t lock;
    sp_progress_snapshot now;
};

int sp_progress_new(sp_progress **out, sp_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return sp_fail(err, SP_ENOMEM, "out of memory creating a progress board");
    if (pthread_mutex_init(&(*out)->lock, NULL) != 0) {
        free(*out);
        *out = NULL;
        return sp_fail(err, SP_ENOMEM, "could not create the progress board's lock");
    }
    (*out)->now.gap = -1.0;
    sp_ok(err);
    return SP_OK;
}

void sp_progress_free(sp_progress *progress)
{
    if (!progress)
        return;
    pthread_mutex_destroy(&progress->lock);
    free(progress);
}

void sp_progress_read(const sp_progress *progress, sp_progress_snapshot *out)
{
    sp_progress *p = (sp_progress *)progress; /* locking is not a change of what it holds */
    pthread_mutex_lock(&p->lock);
    *out = p->now;
    pthread_mutex_unlock(&p->lock);
}

void sp_progress_post(sp_progress *progress, int stage, int stages, int has_incumbent,
                      double incumbent, double bound, double seconds)
{
    if (!progress)
        return;
    double gap = -1.0;
    if (has_incumbent && isfinite(bound))
        gap = fmax(0.0, incumbent - bound) / fmax(fabs(incumbent), 1e-9);
    pthread_mutex_lock(&progress->lock);
    sp_progress_snapshot *now = &progress->now;
    now->updates++;
    now->stage = stage;
    now->stages = stages;
    now->has_incumbent = has_incumbent;
    now->incumbent = has_incumbent ? incumbent : 0.0;
    now->bound = bound;
    now->gap = gap;
    now->seconds = seconds;
    pthread_mutex_unlock(&progress->lock);
}
