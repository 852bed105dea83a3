/* vocab.c - the names of the model's vocabulary (vocab.h), from its tables. */
#include "vocab.h"

const char *const vocab_outcome_names[OUT_N] = {
#define X(id, name, answered) name,
    OUTCOMES(X)
#undef X
};

const char *const vocab_cause_names[CAUSE_N] = {
#define X(id, name, early) name,
    CAUSES(X)
#undef X
};

const char *const vocab_query_end_names[QEND_N] = {
#define X(id, name) name,
    QUERY_ENDS(X)
#undef X
};

const char *const vocab_counter_names[CNT_N] = {
#define X(id, name, what) name,
    COUNTERS(X)
#undef X
};

const char *const vocab_failure_names[FAIL_N] = {
#define X(id, key, out, words, what) key,
    FAILURE_KINDS(X)
#undef X
};

const char *const vocab_failure_words[FAIL_N] = {
#define X(id, key, out, words, what) words,
    FAILURE_KINDS(X)
#undef X
};

const char *const vocab_failure_help[FAIL_N] = {
#define X(id, key, out, words, what) what,
    FAILURE_KINDS(X)
#undef X
};
