/* cmd_live.c - `stampede live`: the live driver is its own program,
 * build/stampede-live (it links hiredis and libpq, which the simulator does
 * not need; its command line is live_main.c). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "usage.h"

/* `stampede live` is build/stampede-live (it links hiredis and libpq, which
 * the simulator does not need): run it from beside this program. */
int cmd_live(int argc, char **argv)
{
    char self[4096], prog[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) *slash = 0;
        snprintf(prog, sizeof prog, "%s/stampede-live", self);
        if (access(prog, X_OK) == 0) {
            argv[0] = prog;
            execv(prog, argv);
            fprintf(stderr, "stampede: live: cannot run %s: %s\n", prog, strerror(errno));
            return 1;
        }
    }
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_live, stdout);
            fputs("\nThe live driver is not built here: `make live-bin` in the source tree builds it.\n", stdout);
            return 0;
        }
    fputs("stampede: live: the live driver (stampede-live, beside this program) is not built; build it with "
          "`make live-bin` in the source tree (it needs libhiredis-dev and libpq-dev, which make installs when run "
          "as root), or run `make live`\n", stderr);
    return 1;
}
