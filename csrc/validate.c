/* Value checks shared by every record builder (pool, redeployment): each failure names the
 * record and the field. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

int sp_check_id(sp_error *err, const char *kind, const char *id)
{
    if (!id || !*id)
        return sp_fail_field(err, kind, NULL, "id", "must be a non-empty string");
    if (strlen(id) > SP_MAX_ID_LEN)
        return sp_fail_field(err, kind, NULL, "id", "longer than %d bytes", SP_MAX_ID_LEN);
    return SP_OK;
}

int sp_check_number(sp_error *err, const char *kind, const char *id, const char *field, double v,
                    double lo, double hi)
{
    if (!isfinite(v))
        return sp_fail_field(err, kind, id, field, "must be a finite number (got %g)", v);
    if (v < lo || v > hi)
        return sp_fail_field(err, kind, id, field, "must be between %g and %g (got %g)", lo, hi, v);
    return SP_OK;
}

int sp_check_int(sp_error *err, const char *kind, const char *id, const char *field, int v, int lo,
                 int hi)
{
    if (v < lo || v > hi)
        return sp_fail_field(err, kind, id, field, "must be %d..%d (got %d)", lo, hi, v);
    return SP_OK;
}

int sp_lookup_id(sp_error *err, const sp_idmap *map, const char *kind, const char *id,
                 const char *field, const char *ref_kind, const char *ref)
{
    if (!ref || !*ref) {
        sp_fail_field(err, kind, id, field, "is required");
        return -1;
    }
    int index = sp_idmap_get(map, ref);
    if (index < 0)
        sp_fail_field(err, kind, id, field, "unknown %s '%.128s'", ref_kind, ref);
    return index;
}

int sp_register_id(sp_error *err, sp_idmap *map, const char *kind, const char *id, size_t index)
{
    if (index >= (size_t)INT32_MAX)
        return sp_fail(err, SP_ERANGE, "too many %s records", kind);
    int rc = sp_idmap_put(map, id, (int)index);
    if (rc == SP_EINVAL)
        return sp_fail_field(err, kind, id, "id", "duplicate id");
    if (rc)
        return sp_fail(err, rc, "out of memory adding %s '%.128s'", kind, id);
    return SP_OK;
}

int sp_take_solve_options(const sp_solve_options **given, sp_solve_options *defaults, sp_error *err)
{
    if (!*given) {
        sp_solve_options_init(defaults);
        *given = defaults;
    }
    const sp_solve_options *opts = *given;
    if (isnan(opts->time_limit))
        return sp_fail_field(err, "options", NULL, "time_limit", "must be a number (got NaN)");
    if (!isfinite(opts->rel_gap) || opts->rel_gap < 0 || opts->rel_gap >= 1)
        return sp_fail_field(err, "options", NULL, "rel_gap", "must be in [0, 1) (got %g)",
                             opts->rel_gap);
    return SP_OK;
}
