/* fs.h - files and folders: the one path join, folder tests, mkdir -p,
 * rm -rf, how two paths relate, and closing a written file with its error.
 * No domain knowledge.  Functions returning int return 0, or -1 with errno
 * set unless said otherwise. */
#ifndef STAMPEDE_FS_H
#define STAMPEDE_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* "a/b", malloc'd; NULL on no memory. */
char *fs_join(const char *a, const char *b);
/* Whether path is (after links) a folder, a regular file. */
bool fs_is_dir(const char *path);
bool fs_is_file(const char *path);
/* The folder holding path (malloc'd, "." when path has no '/') and its last
 * component (pointing into path). */
char *fs_parent(const char *path, const char **base);

/* mkdir -p; fs_mkdir_p_track appends each folder it made to *made
 * (malloc'd strings). */
int fs_mkdir_p(const char *path);
int fs_mkdir_p_track(const char *path, char ***made, size_t *nmade);
/* rm -rf (a missing path is no error). */
int fs_rm_rf(const char *path);

/* How two paths relate once resolved (symbolic links, "..", "."; a part that
 * does not exist yet is taken as written): 0 apart, 1 the same folder, 2 a is
 * inside b, 3 b is inside a. */
int fs_overlap(const char *a, const char *b);

/* Closes f, written as `what`; on a write or close error puts "cannot write
 * what: reason" in err and returns -1, else 0. */
int fs_close_checked(FILE *f, const char *what, char *err, size_t errlen);

#endif
