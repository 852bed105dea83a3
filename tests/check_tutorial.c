/* check_tutorial.c - docs/tutorial.md cannot rot: tests/tutorial.sh runs
 * every command it shows, in order, in a scratch folder, and compares what
 * each prints with what the page shows.  The runner itself is checked on a
 * page that shows a wrong output, a failing command and a page with none. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testmain.h"
#include "testutil.h"

/* Runs the runner on doc: its exit status, its output in *out. */
static int run_tutorial(const char *doc, char **out)
{
    char *dir = tu_tmpdir();
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "sh '%s' '%s' '%s' >'%s/log' 2>&1", tu_path("tests/tutorial.sh"), tu_prog(), doc, dir);
    int st = system(cmd);
    *out = tu_slurp(tu_pathf("%s/log", dir));
    tu_rmrf(dir);
    free(dir);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(every_command_of_the_tutorial_prints_what_it_shows)
{
    tu_need_gnuplot();   /* the tutorial draws a report */
    /* The program under test may be a build beside the sources' (the
     * sanitizer pass's build/asan/stampede), which does not find plots/
     * from its own place: point it at the templates, as check_plot does. */
    setenv("STAMPEDE_PLOTS_DIR", tu_path("plots"), 1);
    char *out = NULL;
    int rc = run_tutorial(tu_path("docs/tutorial.md"), &out);
    ck_assert_msg(rc == 0, "%s", out ? out : "(no output)");
    ck_assert_msg(strstr(out, "tutorial.sh: 8 commands of "), "%s", out);
    free(out);
}
END_TEST

START_TEST(the_runner_catches_a_page_that_drifted)
{
    char *dir = tu_tmpdir();
    const char *page =
        "# t\n\n```console\n$ stampede --version\nstampede 9.9.9\n$ printf 'a\\nb\\n' \\\n    | cat\na\nb\n```\n\n"
        "```sh\n$ false\n```\n\n```console\n$ cat > x.txt <<'EOF'\nline\n$ not a command\nEOF\n$ wc -l < x.txt\n2\n"
        "```\n";
    ck_assert_int_eq(tu_write(tu_pathf("%s/page.md", dir), page), 0);
    char *out = NULL;
    ck_assert_int_eq(run_tutorial(tu_pathf("%s/page.md", dir), &out), 1);
    /* the version differs; the continued command, the here-document and the
     * block that is not a console block are read as the page means them */
    ck_assert_msg(strstr(out, "tutorial.sh: step 1 prints something else than the tutorial shows: stampede --version\n"),
                  "%s", out);
    ck_assert_msg(strstr(out, "-stampede 9.9.9\n+stampede "), "%s", out);
    ck_assert_msg(!strstr(out, "step 2") && !strstr(out, "step 3") && !strstr(out, "step 4"), "%s", out);
    ck_assert_msg(strstr(out, "tutorial.sh: 4 commands of "), "%s", out);
    free(out);
    /* a command that fails fails the page */
    ck_assert_int_eq(tu_write(tu_pathf("%s/fail.md", dir), "```console\n$ stampede run nothing.json\n```\n"), 0);
    ck_assert_int_eq(run_tutorial(tu_pathf("%s/fail.md", dir), &out), 1);
    ck_assert_msg(strstr(out, "tutorial.sh: step 1 exited 2: stampede run nothing.json\nstampede: nothing.json: error: "
                              "cannot read: No such file or directory\n"), "%s", out);
    free(out);
    /* a page without commands is an error, not a pass */
    ck_assert_int_eq(tu_write(tu_pathf("%s/none.md", dir), "# nothing to run\n"), 0);
    ck_assert_int_eq(run_tutorial(tu_pathf("%s/none.md", dir), &out), 1);
    ck_assert_msg(strstr(out, "no commands in"), "%s", out);
    free(out);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

Suite *tu_suite(void)
{
    Suite *s = suite_create("tutorial");
    TCase *t = tcase_create("tutorial");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, the_runner_catches_a_page_that_drifted);
    tcase_add_test(t, every_command_of_the_tutorial_prints_what_it_shows);
    suite_add_tcase(s, t);
    return s;
}
