/* labelpath.h - strategy fields addressed by label in --set and --vary
 * paths.  "xfetch.beta" and "strategies.xfetch.beta" name the field "beta" of
 * the strategy labelled xfetch (its "label", else its "name"), as
 * "strategies.3.beta" names it by position.  A first segment that is a
 * top-level field of the scenario format ("cache", "db", ...) is that field,
 * never a label: "strategies.LABEL..." always reaches a strategy. */
#ifndef STAMPEDE_LABELPATH_H
#define STAMPEDE_LABELPATH_H

struct cJSON;

/* The positional path of path in the scenario tree root (after the earlier
 * --set overrides): 0 with *out NULL when path needs no rewriting (it is
 * positional, or names no label: the walk then says what is wrong), 0 with
 * *out a malloc'd "strategies.K..." path, or -1 on no memory. */
int labelpath_resolve(const struct cJSON *root, const char *path, char **out);

#endif
