/* sources.c - the request stream of a run: the open-loop sources (source 0
 * the Poisson or scheduled stream, 1+i burst i), the closed-loop clients and
 * a replayed trace.  Each source keeps exactly one pending event: its next
 * arrival, drawn (arrivals.h) when the previous one arrives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "arrivals.h"
#include "base/numtext.h"
#include "model_impl.h"
#include "trace.h"

HOT void schedule_poisson(sim *s, double from)
{
    double t = arrivals_poisson_next(s->sc, &s->sched_i, s->r[RNG_ARRIVALS], from);
    if (t < INFINITY) sched_fifo(s, LANE_ARRIVAL, t, EV_ARRIVAL, 0, 0, 0);
}

static void schedule_burst(sim *s, size_t bi)
{
    double t = arrivals_burst_next(s->sc, bi, &s->burst_left[bi], &s->burst_pos[bi], s->r[RNG_ARRIVALS]);
    if (t < INFINITY) sched(s, t, EV_ARRIVAL, (uint32_t)(bi + 1), 0, 0);
}

void model_on_arrival(sim *s, uint32_t src)
{
    const scenario *sc = s->sc;
    if (src == 0) {
        new_request(s, model_next_key(s), arrivals_node(sc, s->r[RNG_NODES]), MODEL_NONE);
        schedule_poisson(s, s->eng.now);
        return;
    }
    size_t bi = src - 1;
    uint64_t key;
    if (!arrivals_burst_fixed(sc, bi, &key)) key = model_next_key(s);
    s->burst_left[bi]--;
    new_request(s, key, arrivals_node(sc, s->r[RNG_NODES]), MODEL_NONE);
    schedule_burst(s, bi);
}

void model_on_closed(sim *s, uint32_t client)
{
    const scenario *sc = s->sc;
    new_request(s, model_next_key(s), arrivals_node(sc, s->r[RNG_NODES]), client + 1);
}

/* Reads the next row of the trace and schedules it (trace.h says what a row
 * is); a row at or after duration ends the replay.  A problem stops the run
 * with the reader's message. */
static void trace_next(sim *s)
{
    trace_row row;
    int r = trace_read(s->trace, &row, s->trace_msg, sizeof s->trace_msg);
    if (r == TI_END) return;
    if (r != TI_LINE) {
        s->trace_rc = r;
        s->fail = 1;
        return;
    }
    if (row.t >= s->sc->duration) return;
    s->trace_key = row.key;
    s->trace_node = row.node;
    sched(s, row.t, EV_TRACE, 0, 0, 0);
}

void model_on_trace(sim *s)
{
    uint32_t node = s->trace_node == UINT32_MAX ? arrivals_node(s->sc, s->r[RNG_NODES]) : s->trace_node;
    new_request(s, s->trace_key, node, MODEL_NONE);
    trace_next(s);
}

/* Opens the replayed trace and schedules its first row; a trace that replays
 * nothing is a mistake, not an experiment. */
static int trace_start(sim *s)
{
    const scenario *sc = s->sc;
    if (!(s->trace = malloc(sizeof *s->trace))) return -1;
    int r = trace_open(s->trace, sc->clients.trace, sc->keys.count, sc->app.nodes, s->stop, s->trace_msg,
                       sizeof s->trace_msg);
    if (r) {
        s->trace_rc = r;
        return -1;
    }
    trace_next(s);
    if (s->fail) return -1;
    if (s->trace->rows == 0 || s->trace->last >= sc->duration) {
        if (s->trace->rows == 0) {
            snprintf(s->trace_msg, sizeof s->trace_msg,
                     "%s: error: the trace has no rows (expected lines t,key[,node])", sc->clients.trace);
        } else {
            char t[40], d[40];
            num_fmt_shortest(t, sizeof t, s->trace->last);
            num_fmt_shortest(d, sizeof d, sc->duration);
            snprintf(s->trace_msg, sizeof s->trace_msg,
                     "%s:%llu: error: the first row is at t = %s s, not before duration (%s s): the trace "
                     "would replay no request", sc->clients.trace, (unsigned long long)trace_lineno(s->trace), t, d);
        }
        s->trace_rc = TI_BAD;
        return -1;
    }
    return 0;
}

int sources_setup(sim *s)
{
    const scenario *sc = s->sc;
    switch (sc->clients.kind) {
    case ARR_RATE:
    case ARR_SCHEDULE: schedule_poisson(s, 0.0); break;
    case ARR_CLOSED:
        for (uint64_t c = 0; c < sc->clients.population; c++) sched(s, 0.0, EV_CLOSED, (uint32_t)c, 0, 0);
        break;
    case ARR_TRACE:
        if (trace_start(s)) return -1;
        break;
    }
    if (sc->clients.nbursts) {
        s->burst_left = calloc(sc->clients.nbursts, sizeof *s->burst_left);
        s->burst_pos = calloc(sc->clients.nbursts, sizeof *s->burst_pos);
        if (!s->burst_left || !s->burst_pos) return -1;
        for (size_t i = 0; i < sc->clients.nbursts; i++) {
            s->burst_left[i] = sc->clients.bursts[i].requests;
            schedule_burst(s, i);
        }
    }
    return 0;
}

void sources_free(sim *s)
{
    free(s->burst_left);
    free(s->burst_pos);
    if (s->trace) {
        trace_close(s->trace);
        free(s->trace);
    }
}
