/* Error codes to text and filling of sp_error. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *sp_strerror(int code)
{
    switch (code) {
    case SP_OK:
        return "success";
    case SP_EINVAL:
        return "invalid input";
    case SP_ENOMEM:
        return "out of memory";
    case SP_ESOLVER:
        return "solver failure";
    case SP_ESTATE:
        return "invalid state";
    case SP_ERANGE:
        return "out of range";
    case SP_ECANCELLED:
        return "cancelled";
    case SP_EBUSY:
        return "database busy";
    case SP_ENODB:
        return "not a usable staffpool database";
    case SP_EREADONLY:
        return "database is read-only";
    case SP_ECHANGED:
        return "inputs changed during the solve";
    case SP_EDB:
        return "database error";
    default:
        return "unknown error";
    }
}

const char *sp_version(void)
{
    return SP_VERSION;
}

void sp_ok(sp_error *err)
{
    if (err) {
        err->code = SP_OK;
        err->message[0] = err->record[0] = err->field[0] = '\0';
    }
}

static void fill(sp_error *err, int code, const char *fmt, va_list ap)
{
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

int sp_fail(sp_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fill(err, code, fmt, ap);
        va_end(ap);
        err->record[0] = err->field[0] = '\0';
    }
    return code;
}

int sp_fail_field(sp_error *err, const char *kind, const char *id, const char *field,
                  const char *fmt, ...)
{
    if (!err)
        return SP_EINVAL;
    char why[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    err->code = SP_EINVAL;
    if (id)
        snprintf(err->record, sizeof err->record, "%s '%.128s'", kind, id);
    else
        snprintf(err->record, sizeof err->record, "%s", kind);
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    if (field && *field)
        snprintf(err->message, sizeof err->message, "%s: %s: %s", err->record, field, why);
    else
        snprintf(err->message, sizeof err->message, "%s: %s", err->record, why);
    return SP_EINVAL;
}
