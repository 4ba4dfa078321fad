/* Travel times between sites: given overrides, else great-circle distance at the pool's speed. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

#define EARTH_RADIUS_KM 6371.0

double sp_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1.0)
        a = 1.0;
    return 2.0 * EARTH_RADIUS_KM * asin(sqrt(a));
}

double *sp_travel_matrix(const sp_pool *pool)
{
    size_t n = pool->n_sites;
    double *minutes = malloc((n ? n * n : 1) * sizeof *minutes);
    if (!minutes)
        return NULL;
    for (size_t a = 0; a < n; a++) {
        for (size_t b = 0; b < n; b++) {
            const sp_site *sa = &pool->sites[a], *sb = &pool->sites[b];
            minutes[a * n + b] = a == b ? 0.0
                                        : sp_haversine_km(sa->lat, sa->lon, sb->lat, sb->lon) /
                                              pool->travel_speed_kmh * 60.0;
        }
    }
    for (size_t i = 0; i < pool->n_travel; i++) {
        const sp_travel_override *o = &pool->travel[i];
        minutes[(size_t)o->from * n + (size_t)o->to] = o->minutes;
    }
    return minutes;
}

static int put_override(sp_travel_override **items, size_t *n, size_t *cap, int from, int to,
                        double minutes, int explicit_pair)
{
    for (size_t i = 0; i < *n; i++) {
        sp_travel_override *o = &(*items)[i];
        if (o->from == from && o->to == to) {
            if (explicit_pair ||
                !o->explicit_pair) /* a direction given itself is never mirrored over */
                o->minutes = minutes, o->explicit_pair |= explicit_pair;
            return SP_OK;
        }
    }
    int rc = sp_grow(items, cap, *n + 1, sizeof **items);
    if (!rc)
        (*items)[(*n)++] = (sp_travel_override){from, to, minutes, explicit_pair};
    return rc;
}

int sp_travel_set(sp_travel_override **items, size_t *n, size_t *cap, const sp_idmap *site_ids,
                  const char *from_site, const char *to_site, double minutes, sp_error *err)
{
    const char *kind = "travel_minutes";
    int from = sp_lookup_id(err, site_ids, kind, from_site, "from", "site", from_site);
    if (from < 0)
        return SP_EINVAL;
    int to = sp_lookup_id(err, site_ids, kind, from_site, "to", "site", to_site);
    if (to < 0)
        return SP_EINVAL;
    if (from == to)
        return sp_fail_field(err, kind, from_site, "to", "a site's travel time to itself is 0");
    int rc = sp_check_number(err, kind, from_site, "minutes", minutes, 0.0, 100000.0);
    if (rc)
        return rc;
    if (put_override(items, n, cap, from, to, minutes, 1) ||
        put_override(items, n, cap, to, from, minutes, 0))
        return sp_fail(err, SP_ENOMEM, "out of memory adding travel minutes");
    sp_ok(err);
    return SP_OK;
}
