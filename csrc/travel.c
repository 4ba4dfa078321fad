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
            minutes[a * n + b] =
                a == b ? 0.0
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
