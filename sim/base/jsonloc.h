/* jsonloc.h - where things are in a JSON text: a strict scanner (RFC 8259) that
 * names the first syntax error precisely, records the byte span of every value
 * and member key, finds duplicate keys, and turns a JSON pointer (RFC 6901)
 * into byte offsets.  It reads the text itself and knows no JSON library.
 *
 * jl_parse returns a document owned by the caller and freed with jl_free; the
 * document points into the text it was given, which must outlive it.  On a
 * syntax error (or no memory) it returns NULL, allocates nothing and fills
 * *err. */
#ifndef STAMPEDE_JSONLOC_H
#define STAMPEDE_JSONLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JL_NONE SIZE_MAX
/* Deepest nesting of arrays and objects accepted (cJSON's own limit). */
#define JL_MAX_DEPTH 1000
/* Longest number literal accepted (cJSON reads at most 63 characters). */
#define JL_MAX_NUMBER 63

typedef struct jl_doc jl_doc;

/* Where a value is: its bytes are text[start, end); key is the offset of the
 * '"' of its member name, or JL_NONE for array elements and the root. */
typedef struct jl_span { size_t key, start, end; } jl_span;

typedef struct jl_error {
    size_t off;          /* byte offset of the problem; JL_NONE: out of memory */
    char msg[192];       /* e.g. "expected ',' or '}' after a field, got ']'" */
} jl_error;

/* A member whose name repeats an earlier one in the same object. */
typedef struct jl_dup {
    char *pointer;       /* JSON pointer of the member, e.g. "/cache/ttl" */
    size_t off;          /* its key, the later occurrence */
    size_t first;        /* the key of the first occurrence */
} jl_dup;

jl_doc *jl_parse(const char *text, size_t len, jl_error *err);
void jl_free(jl_doc *d);

/* Duplicate keys, sorted by offset. */
size_t jl_ndups(const jl_doc *d);
const jl_dup *jl_dups(const jl_doc *d);

/* Finds the value at a JSON pointer ("" is the root; "~0" is '~', "~1" is '/').
 * Where a name repeats, the first member is found.  Returns 0, or -1 when
 * nothing is there. */
int jl_find(const jl_doc *d, const char *pointer, jl_span *out);

/* 1-based line and column (in bytes) of an offset; off may be the length. */
void jl_linecol(const jl_doc *d, size_t off, size_t *line, size_t *col);
/* The same without a document (after a syntax error): O(off). */
void jl_text_linecol(const char *text, size_t len, size_t off, size_t *line, size_t *col);

/* True when s[0, n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool jl_utf8_valid(const char *s, size_t n);

#endif
