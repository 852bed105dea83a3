/* vocab.h - the model's vocabulary: how an attempt ends (outcomes), why a
 * query was issued (causes), how a query ends, the strategies' action
 * counters, and how a failed request ended (failures).
 *
 * Each is one X-macro table; the table gives the enum, the names written in
 * the outputs (the trace's columns, summary.json's keys) and, through the
 * results layer's column table, the comparison's columns.  A new entry is one
 * line here: every list that names them follows.  Names are defined in
 * vocab.c. */
#ifndef STAMPEDE_VOCAB_H
#define STAMPEDE_VOCAB_H

#include <stdbool.h>

/* Outcomes of an attempt (requests.csv's outcome, summary.json "outcomes"):
 * X(id, name, answered).  The answers (hit .. stale) come first: the request
 * succeeded with its attempt; the others end the attempt without a value
 * (unfinished: still open when the run was cut at its drain limit). */
#define OUTCOMES(X) \
    X(HIT, "hit", true) \
    X(REFRESH, "refresh", true) \
    X(FETCH, "fetch", true) \
    X(WAITED, "waited", true) \
    X(STALE, "stale", true) \
    X(TIMEOUT, "timeout", false) \
    X(ERROR, "error", false) \
    X(UNFINISHED, "unfinished", false)

enum outcome {
#define X(id, name, answered) OUT_##id,
    OUTCOMES(X)
#undef X
    OUT_N
};
extern const char *const vocab_outcome_names[OUT_N];

/* Whether outcome o answers its request (a value was served). */
static inline bool outcome_answered(enum outcome o)
{
    switch (o) {
#define X(id, name, answered) case OUT_##id: return answered;
    OUTCOMES(X)
#undef X
    default: return false;
    }
}

/* Why a query was issued (db.csv's cause): X(id, name, early).  early: a
 * refresh made before anyone needed the value (summary.json db.early). */
#define CAUSES(X) \
    X(MISS, "miss", false) \
    X(LOCK, "lock", false) \
    X(GIVEUP, "giveup", false) \
    X(EARLY, "early", true) \
    X(BACKGROUND, "background", true) \
    X(LEASE, "lease", false)

enum cause {
#define X(id, name, early) CAUSE_##id,
    CAUSES(X)
#undef X
    CAUSE_N
};
extern const char *const vocab_cause_names[CAUSE_N];

/* Whether a query of cause c is an early (or background) refresh. */
static inline bool cause_early(enum cause c)
{
    switch (c) {
#define X(id, name, early) case CAUSE_##id: return early;
    CAUSES(X)
#undef X
    default: return false;
    }
}

/* How a query ended (db.csv's status): X(id, name). */
#define QUERY_ENDS(X) \
    X(OK, "ok") \
    X(REJECTED, "rejected") \
    X(QUEUE_TIMEOUT, "queue_timeout") \
    X(STATEMENT_TIMEOUT, "statement_timeout") \
    X(CANCELLED, "cancelled") \
    X(REFUSED, "refused") \
    X(DB_OUTAGE, "db_outage") \
    X(ORPHANED, "orphaned")

enum query_end {
#define X(id, name) QEND_##id,
    QUERY_ENDS(X)
#undef X
    QEND_N
};
extern const char *const vocab_query_end_names[QEND_N];

/* Strategy action counters (summary.json "strategy_counters", the
 * comparison's columns of the same names): X(id, name, what). */
#define COUNTERS(X) \
    X(LOCK_WAITS, "lock_waits", "attempts that waited for another's lock or lease") \
    X(GIVEUPS, "giveups", "attempts that reached max_wait (lock, coalesce)") \
    X(COALESCED, "coalesced", "attempts that joined a query in flight") \
    X(EARLY_REFRESHES, "early_refreshes", "early or background refreshes started") \
    X(STALE_SERVES, "stale_serves", "attempts served an expired value")

enum counter {
#define X(id, name, what) CNT_##id,
    COUNTERS(X)
#undef X
    CNT_N
};
extern const char *const vocab_counter_names[CNT_N];

/* How a failed request ended (summary.json "failed_by", comparison.csv
 * "failed_by_<key>").  A request ends exactly once: answered (it succeeded),
 * or its last attempt failed and no retry follows (none left, or the next was
 * due at or after `duration`); it is then filed under the way that attempt
 * failed.  X(id, key, attempt outcome, words, meaning): one entry per way,
 * which gives the enum, the output keys, the attempt's outcome in the trace
 * and the report's words ("12 timed out").  A denied retry is the exception:
 * its request is filed under retry_denied, while its last attempt keeps the
 * outcome of the way it failed (the column is not used for it). */
#define FAILURE_KINDS(X) \
    X(TIMEOUT, "timeout", OUT_TIMEOUT, "timed out", \
      "its last attempt timed out (clients.timeout)") \
    X(REJECTED, "rejected", OUT_ERROR, "rejected by the full DB queue", \
      "its last attempt's DB query was rejected: the queue was full (db.queue_limit)") \
    X(GAVE_UP, "gave_up", OUT_ERROR, "gave up waiting", \
      "its last attempt waited max_wait for a lock or a flight, then gave up with on_give_up \"error\"") \
    X(QUEUE_TIMEOUT, "queue_timeout", OUT_ERROR, "dropped from the DB queue", \
      "its last attempt's DB query waited db.queue_timeout in the queue without starting and was dropped") \
    X(STATEMENT_TIMEOUT, "statement_timeout", OUT_ERROR, "aborted by the statement timeout", \
      "its last attempt's DB query ran db.statement_timeout in service and was aborted") \
    X(RETRY_DENIED, "retry_denied", OUT_ERROR, "denied a retry", \
      "its last attempt failed (a timeout or an error) and the retry budget (clients.retries.budget) " \
      "denied the retry that would have followed") \
    X(CACHE_ERROR, "cache_error", OUT_ERROR, "failed on a cache error", \
      "its last attempt's cache operation failed (a cache_outage, or cache.timeout) and app.on_cache_error " \
      "is \"error\"") \
    X(DB_OUTAGE, "db_outage", OUT_ERROR, "failed by the DB outage", \
      "its last attempt's DB query was refused during a db_outage, or was in flight when one began") \
    X(NODE_CRASH, "node_crash", OUT_ERROR, "lost with a crashed node", \
      "its last attempt was on an app node when it crashed (node_crash), or waited on a flight that node led, " \
      "or arrived when every node was down") \
    X(UNFINISHED, "unfinished", OUT_UNFINISHED, "unfinished when the run was cut", \
      "it was still unanswered when the run stopped at the drain limit (drain)")

enum failure {
#define X(id, key, out, words, what) FAIL_##id,
    FAILURE_KINDS(X)
#undef X
    FAIL_N
};
extern const char *const vocab_failure_names[FAIL_N];
extern const char *const vocab_failure_words[FAIL_N];
extern const char *const vocab_failure_help[FAIL_N];

/* The outcome of the attempt whose failure ends its request the way f. */
static inline enum outcome failure_outcome(enum failure f)
{
    switch (f) {
#define X(id, key, out, words, what) case FAIL_##id: return out;
    FAILURE_KINDS(X)
#undef X
    default: return OUT_ERROR;
    }
}

#endif
