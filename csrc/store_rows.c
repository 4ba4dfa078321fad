/* Writing rows given as generic sp_table_rows (values typed by the caller) into a feature's own
 * tables: the redeployment, sharing-agreement and rota tables all go through here. */
#include "store.h"

#include <sqlite3.h>
#include <string.h>

static const sps_table_def *find_def(const sps_table_def *defs, size_t n, const char *table)
{
    for (size_t i = 0; table && i < n; i++)
        if (strcmp(defs[i].table, table) == 0)
            return &defs[i];
    return NULL;
}

static void bind_value(sqlite3_stmt *s, int i, const sp_value *v)
{
    switch (v->type) {
    case SP_VALUE_INT:
        sqlite3_bind_int64(s, i, v->i);
        break;
    case SP_VALUE_REAL:
        sps_bind_real(s, i, v->r);
        break;
    case SP_VALUE_TEXT:
        sps_bind_text(s, i, v->text);
        break;
    default:
        sqlite3_bind_null(s, i);
        break;
    }
}

int sps_check_tables(const sps_table_def *defs, size_t n_defs, const sp_table_rows *tables,
                     size_t n, sp_error *err)
{
    if (n && !tables)
        return sp_fail_field(err, "table", NULL, "tables", "missing");
    for (size_t k = 0; k < n; k++) {
        const sps_table_def *d = find_def(defs, n_defs, tables[k].table);
        if (!d)
            return sp_fail_field(err, "table", tables[k].table ? tables[k].table : "", "name",
                                 "not a table that can be written here (see docs/schema.md)");
        if (tables[k].columns != d->columns)
            return sp_fail_field(err, "table", d->table, "columns",
                                 "expected %zu values per row (got %zu)", d->columns,
                                 tables[k].columns);
        if (tables[k].rows && !tables[k].values)
            return sp_fail_field(err, "table", d->table, "values", "missing");
        for (size_t j = 0; j < k; j++)
            if (strcmp(tables[j].table, d->table) == 0)
                return sp_fail_field(err, "table", d->table, "name", "given twice");
    }
    return SP_OK;
}

int sps_insert_rows(sp_store *st, const sps_table_def *defs, size_t n_defs,
                    const sp_table_rows *tables, size_t n, long long run_id, sp_error *err)
{
    int shift = run_id > 0;
    for (size_t d = 0; d < n_defs; d++) {
        const sp_table_rows *t = NULL;
        for (size_t k = 0; k < n && !t; k++)
            if (strcmp(tables[k].table, defs[d].table) == 0)
                t = &tables[k];
        if (!t || !t->rows)
            continue;
        sqlite3_stmt *s;
        int rc = sps_prep(st, defs[d].sql, &s, err);
        if (rc)
            return rc;
        for (size_t r = 0; r < t->rows && !rc; r++) {
            if (shift)
                sqlite3_bind_int64(s, 1, run_id);
            for (size_t c = 0; c < t->columns; c++)
                bind_value(s, (int)c + 1 + shift, &t->values[r * t->columns + c]);
            if ((rc = sps_step_done(st, s, err, "writing a row")))
                rc =
                    sps_in_row(err, rc == SP_EDB ? SP_EINVAL : rc, defs[d].table, (long long)r + 1);
        }
        sqlite3_finalize(s);
        if (rc)
            return rc;
    }
    return SP_OK;
}
