/* check_plot.c - `stampede plot` through the real program: every chart in every
 * format and valid, no word from gnuplot, report.html well-formed with every
 * link resolving, the same scripts and page twice, and the failures. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/palette.h"
#include "report/plot.h"
#include "report/report.h"
#include "report/runchart.h"
#include "testmain.h"
#include "testutil.h"

static const char *const charts[] = { "latency", "db_load", "latency_cdf", "comparison", "stampede_sizes" };
#define NCHARTS (sizeof charts / sizeof *charts)

/* Three strategies, a cache flush, a DB slowdown and a burst, so that every
 * kind of mark is drawn; the description tries the HTML escaping. */
static const char *scenario_json =
    "{\n"
    "  \"name\": \"plot-check\",\n"
    "  \"description\": \"A <small> test & its \\\"quotes\\\" 'too'\",\n"
    "  \"seed\": 5,\n"
    "  \"duration\": \"12s\",\n"
    "  \"warmup\": \"1s\",\n"
    "  \"bin\": \"250ms\",\n"
    "  \"clients\": {\"arrivals\": {\"rate\": 400}, \"timeout\": \"500ms\",\n"
    "              \"retries\": {\"max\": 1, \"backoff\": \"50ms\"},\n"
    "              \"bursts\": [{\"at\": \"8s\", \"requests\": 600, \"over\": \"100ms\", \"key\": \"hot\"}]},\n"
    "  \"keys\": {\"count\": 30, \"popularity\": {\"zipf\": 1.1}},\n"
    "  \"app\": {\"nodes\": 3},\n"
    "  \"cache\": {\"latency\": {\"dist\": \"exponential\", \"mean\": \"500us\"}, \"ttl\": \"2s\"},\n"
    "  \"db\": {\"workers\": 6, \"queue_limit\": 40,\n"
    "         \"latency\": {\"dist\": \"lognormal\", \"median\": \"15ms\", \"sigma\": 0.5},\n"
    "         \"overload\": {\"usl\": {\"sigma\": 0.05, \"kappa\": 0.05}}},\n"
    "  \"faults\": [{\"at\": \"4s\", \"type\": \"cache_flush\"},\n"
    "             {\"at\": \"5s\", \"until\": \"6s\", \"type\": \"db_slowdown\", \"factor\": 3}],\n"
    "  \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\", \"label\": \"lock_fast\", \"poll\": \"10ms\"},\n"
    "                 {\"name\": \"coalesce\", \"scope\": \"global\"}]\n"
    "}\n";

/* Every attempt times out before the cache answers: no label answers anyone,
 * so every latency column is empty. */
static const char *silent_json =
    "{\n"
    "  \"name\": \"silent\",\n"
    "  \"duration\": \"3s\",\n"
    "  \"clients\": {\"arrivals\": {\"rate\": 50}, \"timeout\": \"1us\"},\n"
    "  \"cache\": {\"latency\": \"1ms\", \"ttl\": \"1s\", \"initial\": \"cold\"},\n"
    "  \"db\": {\"workers\": 2, \"latency\": \"5ms\"},\n"
    "  \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]\n"
    "}\n";

static char *work;     /* scratch folder of the tcase */
static char *run3;     /* results folder with three labels, plotted in svg,png,pdf */
static int plot_rc;
static char *plot_err;

/* Runs the scenario text into dir/name (adding scenario.json when this
 * stampede does not write one yet); returns the results folder. */
static char *make_results(const char *json, const char *name, const char *extra)
{
    char *scen = tu_scenario(work, tu_pathf("%s.json", name), json);
    ck_assert_ptr_nonnull(scen);
    char *dir = strdup(tu_pathf("%s/%s", work, name));
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "run '%s' --out '%s' --quiet %s", scen, dir, extra ? extra : "");
    ck_assert_msg(rc == 0, "run failed: %s", err ? err : "");
    free(err);
    const char *sj = tu_pathf("%s/scenario.json", dir);
    if (!tu_exists(sj)) ck_assert_int_eq(tu_write(sj, json), 0);
    free(scen);
    return dir;
}

static void setup_plotted(void)
{
    setenv("STAMPEDE_PLOTS_DIR", tu_path("plots"), 1);
    work = tu_tmpdir();
    ck_assert_ptr_nonnull(work);
    run3 = make_results(scenario_json, "three", NULL);
    plot_rc = tu_runf(NULL, &plot_err, "plot '%s' --format svg,png,pdf", run3);
}

static void teardown_plotted(void)
{
    tu_rmrf(work);
    free(work);
    free(run3);
    free(plot_err);
}

/* ---------------------------------------------------------------- file checks */

static unsigned char *slurp_bin(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(len > 0 ? (size_t)len : 1);
    *n = b ? fread(b, 1, (size_t)len, f) : 0;
    fclose(f);
    return b;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_png(const char *path)
{
    size_t n;
    unsigned char *b = slurp_bin(path, &n);
    ck_assert_msg(b && n > 24, "%s: missing or short", path);
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    ck_assert_msg(!memcmp(b, sig, 8), "%s: no PNG signature", path);
    ck_assert_msg(!memcmp(b + 12, "IHDR", 4), "%s: no IHDR first", path);
    ck_assert_uint_eq(be32(b + 16), 1280);
    ck_assert_uint_eq(be32(b + 20), 720);
    free(b);
}

static void check_pdf(const char *path)
{
    size_t n;
    unsigned char *b = slurp_bin(path, &n);
    ck_assert_msg(b && n > 10, "%s: missing or short", path);
    ck_assert_msg(!memcmp(b, "%PDF-", 5), "%s: no %%PDF- header", path);
    while (n && (b[n - 1] == '\n' || b[n - 1] == '\r' || b[n - 1] == ' ')) n--;
    ck_assert_msg(n >= 5 && !memcmp(b + n - 5, "%%EOF", 5), "%s: does not end with %%%%EOF", path);
    free(b);
}

/* A minimal XML well-formedness check: declarations, comments, CDATA, tags
 * nesting under one root, quoted attributes, entities.  Collects the values of
 * src and href attributes into links (NULL: don't).  Returns NULL or what is
 * wrong. */
static const char *xml_check(const char *s, char ***links, size_t *nlinks)
{
    static char why[256];
    const char *stack[512];
    size_t depth = 0, roots = 0;
    for (const char *p = s; *p;) {
        if (*p == '&') {
            size_t k = strspn(p + 1, "#xabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            if (k == 0 || p[1 + k] != ';') return "a bare '&' in text";
            p += k + 2;
            continue;
        }
        if (*p != '<') {
            if (depth == 0 && !strchr(" \t\r\n", *p)) return "text outside the root element";
            p++;
            continue;
        }
        if (!strncmp(p, "<!--", 4)) {
            const char *e = strstr(p + 4, "-->");
            if (!e) return "unterminated comment";
            p = e + 3;
        } else if (!strncmp(p, "<![CDATA[", 9)) {
            const char *e = strstr(p + 9, "]]>");
            if (!e) return "unterminated CDATA";
            p = e + 3;
        } else if (!strncmp(p, "<?", 2)) {
            const char *e = strstr(p + 2, "?>");
            if (!e) return "unterminated declaration";
            p = e + 2;
        } else if (!strncmp(p, "<!DOCTYPE", 9)) {
            if (roots || depth) return "DOCTYPE after the root";
            const char *e = strchr(p, '>');
            if (!e) return "unterminated DOCTYPE";
            p = e + 1;
        } else if (p[1] == '/') {
            size_t k = strcspn(p + 2, " \t\r\n>");
            if (depth == 0) return "a closing tag with nothing open";
            const char *open = stack[--depth];
            size_t ok = strcspn(open, " \t\r\n/>");
            if (ok != k || strncmp(open, p + 2, k)) {
                snprintf(why, sizeof why, "</%.*s> closes <%.*s>", (int)k, p + 2, (int)ok, open);
                return why;
            }
            const char *e = strchr(p, '>');
            if (!e) return "unterminated closing tag";
            p = e + 1;
        } else {
            const char *name = p + 1;
            size_t k = strcspn(name, " \t\r\n/>");
            if (k == 0) return "a '<' that starts no tag";
            const char *q = name + k;
            bool self = false;
            for (;;) {   /* attributes */
                q += strspn(q, " \t\r\n");
                if (*q == '>') { q++; break; }
                if (q[0] == '/' && q[1] == '>') { self = true; q += 2; break; }
                size_t an = strcspn(q, " \t\r\n=/>");
                const char *aname = q;
                q += an;
                q += strspn(q, " \t\r\n");   /* Eq ::= S? '=' S? */
                if (an == 0 || *q != '=') return "an attribute without a value";
                q++;
                q += strspn(q, " \t\r\n");
                char quote = *q;
                if (quote != '"' && quote != '\'') return "an unquoted attribute value";
                const char *v = q + 1, *ve = strchr(v, quote);
                if (!ve) return "unterminated attribute value";
                if (memchr(v, '<', (size_t)(ve - v))) return "'<' in an attribute value";
                if (links && ((an == 3 && !strncmp(aname, "src", 3)) || (an == 4 && !strncmp(aname, "href", 4)))) {
                    *links = realloc(*links, (*nlinks + 1) * sizeof **links);
                    (*links)[(*nlinks)++] = strndup(v, (size_t)(ve - v));
                }
                q = ve + 1;
            }
            if (depth == 0) roots++;
            if (roots > 1) return "more than one root element";
            if (!self) {
                if (depth == 512) return "nested too deep";
                stack[depth++] = name;
            }
            p = q;
        }
    }
    if (depth) {
        snprintf(why, sizeof why, "<%.*s> never closed", (int)strcspn(stack[depth - 1], " \t\r\n/>"),
                 stack[depth - 1]);
        return why;
    }
    return roots == 1 ? NULL : "no root element";
}

static void check_xml_file(const char *path)
{
    char *text = tu_slurp(path);
    ck_assert_msg(text != NULL, "%s: missing", path);
    const char *why = xml_check(text, NULL, NULL);
    ck_assert_msg(why == NULL, "%s: not well-formed: %s", path, why ? why : "");
    free(text);
}

static char *url_decode(const char *s)
{
    char *o = malloc(strlen(s) + 1), *q = o;
    for (; *s; s++) {
        if (s[0] == '%' && s[1] && s[2]) {
            char hex[3] = { s[1], s[2], 0 };
            *q++ = (char)strtol(hex, NULL, 16);
            s += 2;
        } else {
            *q++ = *s;
        }
    }
    *q = 0;
    return o;
}

/* ---------------------------------------------------------------- charts */

START_TEST(the_xml_checker_itself)
{
    ck_assert_ptr_null(xml_check("<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<a x = 'b>c' y=\"&amp;\"><!-- <z> -->"
                                 "<b/>t &#39; &lt;<![CDATA[<&>]]></a>\n", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("<a><b></a></b>", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("<a><b></b>", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("<a>&</a>", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("<a x=b></a>", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("<a x></a>", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("<a></a><b></b>", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("<a><br></a>", NULL, NULL));
    ck_assert_ptr_nonnull(xml_check("", NULL, NULL));
}
END_TEST

START_TEST(plot_succeeds_silently)
{
    ck_assert_msg(plot_rc == 0, "plot failed (%d): %s", plot_rc, plot_err ? plot_err : "");
    ck_assert_msg(plot_err && plot_err[0] == 0, "plot printed on stderr: %s", plot_err ? plot_err : "");
}
END_TEST

START_TEST(every_chart_in_every_format)
{
    for (size_t i = 0; i < NCHARTS; i++) {
        check_png(tu_pathf("%s/charts/%s.png", run3, charts[i]));
        check_pdf(tu_pathf("%s/charts/%s.pdf", run3, charts[i]));
        check_xml_file(tu_pathf("%s/charts/%s.svg", run3, charts[i]));
        ck_assert_msg(tu_exists(tu_pathf("%s/charts/%s.gp", run3, charts[i])), "no %s.gp", charts[i]);
    }
    /* Nothing else: no build folder left behind. */
    DIR *d = opendir(run3);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d))) ck_assert_msg(!strstr(e->d_name, ".tmp-") && !strstr(e->d_name, ".old-"), "left %s", e->d_name);
    closedir(d);
}
END_TEST

START_TEST(charts_name_scenario_labels_and_marks)
{
    char *svg = tu_slurp(tu_pathf("%s/charts/latency.svg", run3));
    ck_assert_ptr_nonnull(svg);
    ck_assert_ptr_nonnull(strstr(svg, "plot-check: latency over time"));
    ck_assert_ptr_nonnull(strstr(svg, "lock_fast"));   /* no enhanced-text subscript */
    ck_assert_ptr_nonnull(strstr(svg, "cache flush at 4 s"));
    ck_assert_ptr_nonnull(strstr(svg, "DB slowdown"));
    ck_assert_ptr_nonnull(strstr(svg, "burst of 600 requests"));
    free(svg);
    char *gp = tu_slurp(tu_pathf("%s/charts/db_load.gp", run3));
    ck_assert_ptr_nonnull(gp);
    ck_assert_ptr_nonnull(strstr(gp, "worker pool (6)"));
    ck_assert_ptr_nonnull(strstr(gp, "USL knee n* = 4.4"));   /* sqrt(0.95/0.05) */
    ck_assert_ptr_null(strstr(gp, "@"));                      /* every placeholder filled */
    free(gp);
}
END_TEST

START_TEST(scripts_rerun_from_the_charts_folder)
{
    /* The script a user edits redraws its chart by itself, from charts/. */
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s/charts' && rm -f comparison.png && gnuplot -e \"formats='png'\" comparison.gp "
                              ">'%s/gp.out' 2>&1", run3, work);
    ck_assert_int_eq(system(cmd), 0);
    char *out = tu_slurp(tu_pathf("%s/gp.out", work));
    ck_assert_msg(out && !*out, "gnuplot said: %s", out ? out : "");
    free(out);
    check_png(tu_pathf("%s/charts/comparison.png", run3));
}
END_TEST

/* ---------------------------------------------------------------- report */

START_TEST(report_is_well_formed_and_links_resolve)
{
    char *html = tu_slurp(tu_pathf("%s/report.html", run3));
    ck_assert_ptr_nonnull(html);
    char **links = NULL;
    size_t n = 0;
    const char *why = xml_check(html, &links, &n);
    ck_assert_msg(why == NULL, "report.html: %s", why ? why : "");
    size_t imgs = 0;
    for (size_t i = 0; i < n; i++) {
        if (links[i][0] == '#') {
            free(links[i]);
            continue;
        }
        ck_assert_msg(!strstr(links[i], "://") && links[i][0] != '/', "not a relative link: %s", links[i]);
        char *file = url_decode(links[i]);
        ck_assert_msg(tu_exists(tu_pathf("%s/%s", run3, file)), "report.html links to missing %s", file);
        imgs += strstr(file, "charts/") && strstr(file, ".svg");
        free(file);
        free(links[i]);
    }
    free(links);
    ck_assert_uint_ge(imgs, NCHARTS);
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_nonnull(strstr(html, "A &lt;small&gt; test &amp; its &quot;quotes&quot; &#39;too&#39;"));
    ck_assert_ptr_nonnull(strstr(html, "<h1>plot-check</h1>"));
    ck_assert_ptr_nonnull(strstr(html, "fewer queries than none"));
    ck_assert_ptr_nonnull(strstr(html, "<code>faults.1</code>"));
    free(html);
}
END_TEST

START_TEST(same_inputs_same_scripts_and_report)
{
    static const char *const files[] = { "report.html", "charts/latency.gp", "charts/db_load.gp",
                                         "charts/latency_cdf.gp", "charts/comparison.gp", "charts/stampede_sizes.gp" };
    char *before[6];
    for (size_t i = 0; i < 6; i++) ck_assert_ptr_nonnull(before[i] = tu_slurp(tu_pathf("%s/%s", run3, files[i])));
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --format=svg,png,pdf", run3), 0);
    free(err);
    for (size_t i = 0; i < 6; i++) {
        char *after = tu_slurp(tu_pathf("%s/%s", run3, files[i]));
        ck_assert_msg(after && !strcmp(before[i], after), "%s differs between two plots", files[i]);
        free(after);
        free(before[i]);
    }
}
END_TEST

/* ---------------------------------------------------------------- failures first */

/* A small product catalog with a flush (1,000 requests/s over 10,000 Zipf
 * keys, 8 DB workers of 30 ms, timeout 1 s, two retries): without protection
 * about 10% of requests fail, yet the p99 of the answered ones is lower than
 * under fleet-wide coalescing, which fails none.  The table, comparison.csv,
 * the findings and the comparison chart must put the failures first, with
 * summary.json's numbers. */
static const char *catalog_json =
    "{\"name\": \"mini-catalog\", \"seed\": 4, \"duration\": \"60s\", \"warmup\": \"5s\", \"bin\": \"1s\",\n"
    " \"clients\": {\"arrivals\": {\"rate\": 1000}, \"timeout\": \"1s\", \"retries\": {\"max\": 2, \"backoff\": \"100ms\"}},\n"
    " \"keys\": {\"count\": 10000, \"popularity\": {\"zipf\": 1.0}}, \"app\": {\"nodes\": 4},\n"
    " \"cache\": {\"latency\": \"500us\", \"ttl\": \"5m\"},\n"
    " \"db\": {\"workers\": 8, \"latency\": {\"dist\": \"lognormal\", \"median\": \"30ms\", \"sigma\": 0.5}},\n"
    " \"faults\": [{\"at\": \"40s\", \"type\": \"cache_flush\"}],\n"
    " \"slo\": {\"latency\": \"200ms\"},\n"
    " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"coalesce\", \"label\": \"coalesce-global\", \"scope\": \"global\"}]}\n";

START_TEST(failures_first_everywhere)
{
    char *scen = tu_scenario(work, "cat.json", catalog_json);
    char *dir = strdup(tu_pathf("%s/cat", work)), *out = NULL, *err = NULL;
    ck_assert_int_eq(tu_runf(&out, &err, "run '%s' --out '%s'", scen, dir), 0);
    free(err);
    static const char *const labels[] = { "none", "coalesce-global" };
    double fr[2], f[2], n[2], p99[2];
    for (int i = 0; i < 2; i++) {
        char sum[4096];
        snprintf(sum, sizeof sum, "%s/%s/summary.json", dir, labels[i]);
        fr[i] = tu_json_num(sum, "failed_ratio");
        f[i] = tu_json_num(sum, "failed");
        n[i] = tu_json_num(sum, "requests");
        p99[i] = tu_json_num(sum, "latency.p99");
    }
    /* The case the issue is about: more failures, yet a lower answered p99. */
    ck_assert_msg(fr[0] > 0.05 && fr[1] < 0.01 && p99[0] < p99[1], "none %g %g, coalesce-global %g %g", fr[0],
                  p99[0], fr[1], p99[1]);
    /* The table: failed% before any latency or DB column, with summary.json's value. */
    char *hdr = strstr(out, "\nlabel");
    ck_assert_ptr_nonnull(hdr);
    ck_assert(strstr(hdr, "failed%") < strstr(hdr, " p50 ") && strstr(hdr, "failed%") < strstr(hdr, "db_q"));
    for (int i = 0; i < 2; i++) {
        char want[64], *row = strstr(out, tu_pathf("\n%s ", labels[i]));
        ck_assert_ptr_nonnull(row);
        snprintf(want, sizeof want, " %.2f ", 100 * fr[i]);
        char *end = strchr(row + 1, '\n');
        char *at = strstr(row, want);
        ck_assert_msg(at && at < end, "%s row lacks %s: %.*s", labels[i], want, (int)(end - row), row);
    }
    free(out);
    /* comparison.csv: the failure columns come right after requests, equal to summary.json. */
    char *cmp = tu_slurp(tu_pathf("%s/comparison.csv", dir));
    ck_assert(!strncmp(cmp, "label,strategy,requests,failed,failed_ratio,", 44));
    for (int i = 0; i < 2; i++) {
        char *row = strstr(cmp, tu_pathf("\n%s,", labels[i])) + 1;
        double req = 0, fail = 0, ratio = 0;
        ck_assert_int_eq(sscanf(strchr(strchr(row, ',') + 1, ',') + 1, "%lf,%lf,%lf", &req, &fail, &ratio), 3);
        ck_assert_double_eq(req, n[i]);
        ck_assert_double_eq(fail, f[i]);
        ck_assert(fabs(ratio - fr[i]) <= 1e-8 * fr[i]);
    }
    free(cmp);
    /* The report: findings ranked by failures (coalesce-global first), each
     * leading with its failed share in summary.json's numbers. */
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --format svg", dir), 0);
    free(err);
    char *html = tu_slurp(tu_pathf("%s/report.html", dir));
    char *ol = strstr(html, "<ol class=\"findings\">");
    ck_assert_ptr_nonnull(ol);
    char *first = strstr(ol, "<strong>coalesce-global</strong>"), *second = strstr(ol, "<strong>none</strong>");
    ck_assert(first && second && first < second);
    ck_assert_ptr_nonnull(strstr(first, "no request failed"));
    char a[64], b[64], c[64], want[256];
    report_fmt_pct(a, sizeof a, fr[0]);
    report_fmt_count(b, sizeof b, f[0]);
    report_fmt_count(c, sizeof c, n[0]);
    snprintf(want, sizeof want, "<strong>%s of requests failed</strong> (%s of %s: ", a, b, c);
    ck_assert_msg(strstr(second, want), "the finding of none lacks \"%s\"", want);
    ck_assert(strstr(second, want) < strstr(second, "p99 of all requests: failed"));
    ck_assert(strstr(second, "p99 of all requests") < strstr(second, "of answered requests"));
    /* The headline table: failure columns before the latency of answered requests. */
    char *th = strstr(html, "<th>requests</th><th>failed</th><th>failed %</th><th>good % (SLO)</th>"
                            "<th>p99, all requests</th><th>recovery</th><th>p50, answered</th>");
    ck_assert_ptr_nonnull(th);
    ck_assert_ptr_nonnull(strstr(html, "<th>timeouts (attempts)</th>"));
    free(html);
    /* The comparison chart: its first panel is failed requests, from the
     * same numbers (100 x failed_by_timeout / requests, here all timeouts). */
    char *gp = tu_slurp(tu_pathf("%s/charts/comparison.gp", dir));
    ck_assert_ptr_nonnull(gp);
    char *p1 = strstr(gp, "set title 'requests that failed (%)'"), *p4 = strstr(gp, "set title 'p99 latency of all");
    ck_assert(p1 && p4 && p1 < p4);
    ck_assert(strstr(gp, "set title 'SLO: answered within 200 ms (target 99.9%)'") > p1);
    char *blk = strstr(gp, "$panel1 << EOD\n1,");
    ck_assert_ptr_nonnull(blk);
    double v = strtod(blk + strlen("$panel1 << EOD\n1,"), NULL);
    ck_assert_msg(fabs(v - 100 * fr[0]) <= 1e-6 * 100 * fr[0], "panel 1 has %g, summary %g%%", v, 100 * fr[0]);
    free(gp);
    /* The latency chart shows the failed share per bin and marks hidden
     * failures; the CDF is over every request. */
    gp = tu_slurp(tu_pathf("%s/charts/latency.gp", dir));
    ck_assert_ptr_nonnull(strstr(gp, "failed_pct(column(\"succeeded\"), column(\"failed\"))"));
    ck_assert_ptr_nonnull(strstr(gp, "$hidden_1 << EOD"));
    ck_assert_ptr_nonnull(strstr(gp, "'p99 hides failures'"));
    free(gp);
    gp = tu_slurp(tu_pathf("%s/charts/latency_cdf.gp", dir));
    ck_assert_ptr_nonnull(strstr(gp, "column(\"cdf_all\")"));
    ck_assert_ptr_nonnull(strstr(gp, "$level_1 << EOD"));
    free(gp);
    free(scen);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------------- edge cases */

START_TEST(one_label)
{
    char *dir = make_results(scenario_json, "one", "--strategy lock_fast");
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "plot '%s'", dir);
    ck_assert_msg(rc == 0 && err && !*err, "plot of one label: %d %s", rc, err ? err : "");
    free(err);
    for (size_t i = 0; i < NCHARTS; i++) {
        check_png(tu_pathf("%s/charts/%s.png", dir, charts[i]));
        check_xml_file(tu_pathf("%s/charts/%s.svg", dir, charts[i]));
        ck_assert(!tu_exists(tu_pathf("%s/charts/%s.pdf", dir, charts[i])));   /* default: svg,png */
    }
    char *html = tu_slurp(tu_pathf("%s/report.html", dir));
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_nonnull(strstr(html, "no unprotected baseline"));
    ck_assert_ptr_null(xml_check(html, NULL, NULL));
    free(html);
    free(dir);
}
END_TEST

START_TEST(a_sweep_folder)
{
    /* plot recognises a sweep folder and draws its charts (plot_sweep.c). */
    char *scen = tu_scenario(work, "sw.json", scenario_json);
    char *dir = strdup(tu_pathf("%s/sw", work));
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep '%s' --vary cache.ttl=1s,2s --replications 2 --jobs 1 --quiet --out '%s'",
                          scen, dir), 0);
    free(err);
    int rc = tu_runf(NULL, &err, "plot '%s' --format png", dir);
    ck_assert_msg(rc == 0 && err && !*err, "plot of a sweep: %d %s", rc, err ? err : "");
    free(err);
    char *png = tu_slurp(tu_pathf("%s/charts/p99.png", dir));
    ck_assert_ptr_nonnull(png);
    ck_assert(!memcmp(png, "\x89PNG\r\n\x1a\n", 8));
    free(png);
    ck_assert(tu_exists(tu_pathf("%s/charts/p99.gp", dir)));
    ck_assert(!tu_exists(tu_pathf("%s/charts/p99.svg", dir)));
    free(scen);
    free(dir);
}
END_TEST

START_TEST(nobody_answered)
{
    char *dir = make_results(silent_json, "silent", NULL);
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "plot '%s' --format png", dir);
    ck_assert_msg(rc == 0 && err && !*err, "plot with empty latency columns: %d %s", rc, err ? err : "");
    free(err);
    for (size_t i = 0; i < NCHARTS; i++) check_png(tu_pathf("%s/charts/%s.png", dir, charts[i]));
    char *gp = tu_slurp(tu_pathf("%s/charts/latency.gp", dir));
    ck_assert_ptr_nonnull(gp);
    ck_assert_ptr_nonnull(strstr(gp, "none (no answers)"));
    free(gp);
    char *html = tu_slurp(tu_pathf("%s/report.html", dir));
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_null(xml_check(html, NULL, NULL));
    ck_assert_ptr_nonnull(strstr(html, "n/a"));
    free(html);
    free(dir);
}
END_TEST

/* A queue left behind at duration drains long after it (100 requests/s for
 * 10 s into one worker of 50 ms: about 50 s of work); the DB chart shows a
 * quarter of the run's length of the drain and says when it ended. */
START_TEST(long_drain)
{
    static const char *drain_json =
        "{\"name\": \"drain\", \"duration\": \"10s\", \"clients\": {\"arrivals\": {\"rate\": 100}},\n"
        " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": \"50ms\"}}\n";
    char *dir = make_results(drain_json, "drain", NULL);
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "plot '%s' --format png", dir);
    ck_assert_msg(rc == 0 && err && !*err, "plot: %d %s", rc, err ? err : "");
    free(err);
    char *gp = tu_slurp(tu_pathf("%s/charts/db_load.gp", dir));
    ck_assert_ptr_nonnull(gp);
    ck_assert_ptr_nonnull(strstr(gp, "set xrange [0:12.5]"));
    ck_assert_ptr_nonnull(strstr(gp, "the DB drains until "));
    free(gp);
    /* no client timeout: requests end until the drain does, the latency
     * chart runs to the end without a note */
    gp = tu_slurp(tu_pathf("%s/charts/latency.gp", dir));
    ck_assert_ptr_null(strstr(gp, "cut here"));
    free(gp);
    free(dir);
    /* with a 1 s timeout the last request ends at 11 s: the latency chart
     * stops there and says the DB drains on until 53 s */
    static const char *timeout_json =
        "{\"name\": \"drain\", \"duration\": \"10s\", \"clients\": {\"arrivals\": {\"rate\": 100}, \"timeout\": \"1s\"},\n"
        " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": \"50ms\"}}\n";
    dir = make_results(timeout_json, "drain-timeout", NULL);
    ck_assert_int_eq(tu_runf(NULL, NULL, "plot '%s' --format png", dir), 0);
    gp = tu_slurp(tu_pathf("%s/charts/latency.gp", dir));
    ck_assert_ptr_nonnull(strstr(gp, "set xrange [0:11]"));
    ck_assert_ptr_nonnull(strstr(gp, "'cut here; the DB drains until 53 s \u2192'"));
    free(gp);
    free(dir);
}
END_TEST

START_TEST(no_scenario_json)
{
    char *dir = make_results(scenario_json, "bare", NULL);
    ck_assert_int_eq(remove(tu_pathf("%s/scenario.json", dir)), 0);
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "plot '%s' --format svg", dir);
    ck_assert_msg(rc == 0 && err && !*err, "plot without scenario.json: %d %s", rc, err ? err : "");
    free(err);
    char *html = tu_slurp(tu_pathf("%s/report.html", dir));
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_nonnull(strstr(html, "has no <code>scenario.json</code>"));
    ck_assert_ptr_null(strstr(html, "href=\"scenario.json\""));
    free(html);
    free(dir);
}
END_TEST

/* ---------------------------------------------------------------- failures */

START_TEST(missing_or_wrong_folder)
{
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s/nowhere'", work), 2);
    ck_assert_ptr_nonnull(strstr(err, "no such folder"));
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s'", work), 2);   /* a folder, but no comparison.csv */
    ck_assert_ptr_nonnull(strstr(err, "not a stampede results or sweep folder"));
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "plot"), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' '%s'", run3, run3), 2);
    free(err);
}
END_TEST

START_TEST(unknown_format)
{
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --format svg,gif", run3), 2);
    ck_assert_ptr_nonnull(strstr(err, "formats: svg, png, pdf"));
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --format", run3), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --colour", run3), 2);
    free(err);
}
END_TEST

START_TEST(without_gnuplot)
{
    char *empty = strdup(tu_pathf("%s/empty-bin", work));
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && PATH='%s' '%s' plot '%s' >'%s/out' 2>'%s/err' </dev/null", empty, empty,
             tu_prog(), run3, work, work);
    int st = system(cmd);
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 1);
    char *err = tu_slurp(tu_pathf("%s/err", work));
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, "stampede: gnuplot not found; install it with: apt-get install gnuplot-nox\n");
    free(err);
    free(empty);
    check_png(tu_pathf("%s/charts/latency.png", run3));   /* the charts drawn before are untouched */
}
END_TEST

START_TEST(a_gnuplot_warning_fails_and_keeps_the_old_charts)
{
    /* A template set whose last chart makes gnuplot print: the command fails
     * and DIR/charts keeps the charts of the previous plot, whole. */
    char *tpl = strdup(tu_pathf("%s/tpl", work));
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s'/*.gp '%s'/ && echo 'print \"a warning\"' >> '%s/stampede_sizes.gp'",
             tpl, tu_path("plots"), tpl, tpl);
    ck_assert_int_eq(system(cmd), 0);
    char *before = tu_slurp(tu_pathf("%s/charts/latency.gp", run3));
    setenv("STAMPEDE_PLOTS_DIR", tpl, 1);
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "plot '%s' --format png", run3);
    setenv("STAMPEDE_PLOTS_DIR", tu_path("plots"), 1);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(err, "gnuplot warned on stampede_sizes.gp"));
    ck_assert_ptr_nonnull(strstr(err, "a warning"));
    free(err);
    char *after = tu_slurp(tu_pathf("%s/charts/latency.gp", run3));
    ck_assert_msg(before && after && !strcmp(before, after), "charts/ changed by a failed plot");
    ck_assert(tu_exists(tu_pathf("%s/charts/latency.pdf", run3)));   /* still the svg,png,pdf set */
    free(before);
    free(after);
    free(tpl);
}
END_TEST

/* ---------------------------------------------------------------- data is never code */

/* The code of a gnuplot script with its data taken out: each single-quoted
 * string becomes 'S', each comment goes; double-quoted strings (only the
 * program writes them) and everything else stay.  Two scripts made from the
 * same folder with different strings have the same skeleton exactly when no
 * string escaped the place it was meant for. */
static char *skeleton(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = malloc(n + 64);
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '\'') {
            out[o++] = '\'';
            out[o++] = 'S';
            out[o++] = '\'';
            for (i++;; i++) {
                if (i >= n || s[i] == '\n') {   /* a string cut by a line end: never in a good script */
                    memcpy(out + o, "<CUT>", 5);
                    o += 5;
                    break;
                }
                if (s[i] == '\'' && s[i + 1] == '\'') {
                    i++;
                    continue;
                }
                if (s[i] == '\'') {
                    i++;
                    break;
                }
            }
        } else if (c == '"') {
            out[o++] = s[i++];
            while (i < n && s[i] != '"' && s[i] != '\n') {
                if (s[i] == '\\' && i + 1 < n) out[o++] = s[i++];
                out[o++] = s[i++];
            }
            if (i < n) out[o++] = s[i++];
        } else if (c == '#') {
            while (i < n && s[i] != '\n') i++;
        } else {
            out[o++] = s[i++];
        }
        if (o + 16 > n + 64) out = realloc(out, (n + 64) * 2), n = n * 2 + 64;   /* never: only shrinks */
    }
    out[o] = 0;
    return out;
}

static int cmp_strp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The skeletons of every .gp file in a charts folder, sorted, one text. */
static char *skeletons(const char *where)
{
    char *dir = strdup(where);
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "no %s", dir);
    char *sk[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t k = strlen(e->d_name);
        if (k < 3 || strcmp(e->d_name + k - 3, ".gp")) continue;
        char *t = tu_slurp(tu_pathf("%s/%s", dir, e->d_name));
        ck_assert_ptr_nonnull(t);
        ck_assert(n < 256);
        sk[n++] = skeleton(t);
        free(t);
    }
    closedir(d);
    ck_assert_uint_gt(n, 0);
    qsort(sk, n, sizeof *sk, cmp_strp);
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(sk[i]) + 16;
    char *all = malloc(len);
    all[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strcat(all, sk[i]);
        strcat(all, "\n=====\n");
        free(sk[i]);
    }
    free(dir);
    return all;
}

/* Fails, showing the first line where got and want differ, unless equal. */
static void first_difference(const char *got, const char *want, const char *what)
{
    if (!strcmp(got, want)) return;
    size_t line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        line += *g == '\n';
        g++;
        w++;
    }
    while (g > got && g[-1] != '\n') g--;
    while (w > want && w[-1] != '\n') w--;
    ck_abort_msg("%s changed the scripts' code at line %zu of their skeletons:\n  %.200s\nwhere harmless ones give\n  %.200s",
                 what, line, g, w);
}

/* Whether a file named PWNED... (what the hostile strings try to touch)
 * appeared anywhere under work. */
static bool pwned(void)
{
    char *t = tu_tree(work);
    bool p = !strncmp(t, "PWNED", 5) || strstr(t, "/PWNED") || strstr(t, "\nPWNED");
    free(t);
    return p;
}

/* Strings that try to get out of where data goes: line breaks, quotes of
 * both kinds, backslashes, gnuplot's system(), backquotes and pipes, macros,
 * the templates' placeholders, format directives, datablock ends, control
 * bytes and bytes that are not UTF-8. */
static const char *hostile[] = {
    "n\nsystem(\"touch PWNED1\")\n#",
    "x'; system('touch PWNED2'); print '",
    "`touch PWNED3`",
    "@TITLE@ @SERIES@ @NAME@",
    "%s %n %d %%",
    "back\\",
    "\\\nprint 'PWNED4'",
    "EOD",
    "|touch PWNED5",
    "< touch PWNED6",
    "\r\x01\x7f \"q\" }{^_&~",
    "caf\xc3\xa9 \xff\xfe",
};
#define NHOSTILE (sizeof hostile / sizeof *hostile)

/* What a string shows as once escaped (plot.h): control bytes as spaces,
 * bytes that are not UTF-8 as '?'. */
static void shown_as(char *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) *out++ = ' ';
        else if (c == 0xff || c == 0xfe) *out++ = '?';
        else *out++ = (char)c;
    }
    *out = 0;
}

/* ---------------------------------------------------------------- one look */

/* A label named after a strategy has that strategy's line type wherever it
 * stands and whoever else is there. */
START_TEST(palette_by_strategy_name)
{
    static const char *const kinds[] = { "none", "lock", "coalesce", "xfetch", "swr", "lease", "refresh_ahead" };
    const char *all[] = { "refresh_ahead", "lease", "swr", "xfetch", "coalesce", "lock", "none" };
    for (size_t k = 0; k < 7; k++) {
        const char *alone[] = { kinds[k] };
        ck_assert_int_eq(palette_style(alone, 1, 0), (int)k + 1);
        for (size_t i = 0; i < 7; i++)
            if (!strcmp(all[i], kinds[k])) ck_assert_int_eq(palette_style(all, 7, i), (int)k + 1);
    }
}
END_TEST

/* Other labels: beyond the strategies' line types, apart from each other
 * (nine of them fit), the same in any order and in any subset that keeps the
 * labels they would meet. */
START_TEST(palette_other_labels)
{
    const char *labels[] = { "none", "coalesce-node", "coalesce-global", "xfetch-lock", "swr-coalesce", "lock",
                             "xfetch-b2", "xfetch-b8", "lease-long", "a", "b" };
    size_t n = sizeof labels / sizeof *labels;
    int style[16];
    for (size_t i = 0; i < n; i++) {
        style[i] = palette_style(labels, n, i);
        ck_assert_int_ge(style[i], 1);
        ck_assert_int_le(style[i], PALETTE_NSTYLES);
        for (size_t j = 0; j < i; j++) ck_assert_int_ne(style[i], style[j]);
        if (strcmp(labels[i], "none") && strcmp(labels[i], "lock")) ck_assert_int_gt(style[i], PALETTE_NKINDS);
    }
    /* reversed: the same line type per label */
    const char *rev[16];
    for (size_t i = 0; i < n; i++) rev[i] = labels[n - 1 - i];
    for (size_t i = 0; i < n; i++) ck_assert_int_eq(palette_style(rev, n, i), style[n - 1 - i]);
    /* a label's line type depends only on the labels whose names sort before
     * its own: leaving out any after it (--strategy) changes nothing */
    for (size_t i = 0; i < n; i++) {
        const char *sub[16];
        size_t m = 0, at = 0;
        for (size_t j = 0; j < n; j++)
            if (strcmp(labels[j], labels[i]) <= 0) {
                if (j == i) at = m;
                sub[m++] = labels[j];
            }
        ck_assert_int_eq(palette_style(sub, m, at), style[i]);
    }
}
END_TEST

/* The same label, the same line type in a run restricted to it: the charts of
 * a folder with lock alone draw lock as a folder with three labels does. */
START_TEST(palette_in_restricted_run)
{
    char *one = make_results(scenario_json, "only-coalesce",
                             "--set 'strategies=[{\"name\": \"coalesce\", \"scope\": \"global\"}]'");
    ck_assert_int_eq(tu_runf(NULL, NULL, "plot '%s' --format svg", one), 0);
    char *a = tu_slurp(tu_pathf("%s/charts/comparison.gp", one)), *b = tu_slurp(tu_pathf("%s/charts/comparison.gp", run3));
    /* coalesce is the third label of run3 and the only one here: line type 3 in both */
    ck_assert_ptr_nonnull(strstr(a, "with boxes linetype 3 "));
    ck_assert_ptr_null(strstr(a, "with boxes linetype 1 "));
    ck_assert_ptr_nonnull(strstr(b, "with boxes linetype 3 "));
    free(a);
    free(b);
    free(one);
}
END_TEST

/* Up to three labels the latency chart draws p50, p99 and p999; beyond, p99
 * alone (the rest is in the CDF chart), on p99's own range. */
START_TEST(percentiles_with_many_labels)
{
    char *gp = tu_slurp(tu_pathf("%s/charts/latency.gp", run3));
    ck_assert_ptr_nonnull(strstr(gp, "column(\"p50\")"));
    ck_assert_ptr_nonnull(strstr(gp, "column(\"p999\")"));
    free(gp);
    char *four = make_results(scenario_json, "four",
                              "--set 'strategies=[{\"name\": \"none\"}, {\"name\": \"lock\"}, {\"name\": \"xfetch\"}, "
                              "{\"name\": \"swr\"}]'");
    ck_assert_int_eq(tu_runf(NULL, NULL, "plot '%s' --format svg", four), 0);
    gp = tu_slurp(tu_pathf("%s/charts/latency.gp", four));
    ck_assert_ptr_nonnull(strstr(gp, "column(\"p99\")"));
    ck_assert_ptr_null(strstr(gp, "column(\"p50\")"));
    ck_assert_ptr_null(strstr(gp, "column(\"p999\")"));
    ck_assert_ptr_nonnull(strstr(gp, "p50, p999: CDF chart"));
    free(gp);
    free(four);
}
END_TEST

/* Labels in rows: the warmup's name and a burst's 20 s later (the issue's
 * case) go to different rows; any three labels anywhere never overlap. */
START_TEST(mark_labels_in_rows)
{
    double x[3], w[3];
    bool right[3] = { false, false, false };
    int row[3];
    /* a 40 s axis: warmup from 0, a burst at 20 s, as in burst-10k */
    double span = CHART_W * (CHART_TIME_R - CHART_TIME_L);
    x[0] = CHART_W * CHART_TIME_L;
    w[0] = chart_text_width("warmup (not counted)", CHART_MARK_PT);
    x[1] = x[0] + span * 20 / 40;
    w[1] = chart_text_width("burst of 10,000 requests at 20.005 s", CHART_MARK_PT);
    ck_assert_int_eq(chart_label_rows(x, w, right, 2, CHART_MARK_ROWS, row), 1);   /* apart: one row */
    x[1] = x[0] + span * 5 / 40;   /* a burst at 5 s runs into the warmup's name */
    ck_assert_int_eq(chart_label_rows(x, w, right, 2, CHART_MARK_ROWS, row), 2);
    ck_assert_int_ne(row[0], row[1]);
    /* any three: boxes of rows CHART_MARK_ROW_PX high never meet */
    unsigned seed = 7;
    for (int trial = 0; trial < 2000; trial++) {
        for (int i = 0; i < 3; i++) {
            seed = seed * 1103515245u + 12345u;
            x[i] = CHART_W * CHART_TIME_L + span * (double)(seed >> 16 & 0x3ff) / 1023.0;
            seed = seed * 1103515245u + 12345u;
            w[i] = 40 + (double)(seed >> 16 & 0xff);
            right[i] = (seed >> 8 & 1) != 0;
        }
        chart_label_rows(x, w, right, 3, CHART_MARK_ROWS, row);
        chart_box b[3];
        for (int i = 0; i < 3; i++)
            b[i] = (chart_box){ right[i] ? x[i] - w[i] : x[i], row[i] * CHART_MARK_ROW_PX,
                                right[i] ? x[i] : x[i] + w[i], (row[i] + 1) * CHART_MARK_ROW_PX - 1 };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < i; j++) ck_assert_msg(!chart_boxes_overlap(&b[i], &b[j]), "trial %d: %d and %d", trial, i, j);
    }
}
END_TEST

/* The names of the marks as the scripts place them: the fixture's warmup,
 * flush at 4 s, slowdown at 5 s and burst at 8 s on a 12 s axis, read back
 * from latency.gp and db_load.gp, do not overlap and stay on the canvas. */
START_TEST(mark_labels_do_not_overlap_in_scripts)
{
    static const char *const names[] = { "latency", "db_load" };
    for (size_t c = 0; c < 2; c++) {
        char *gp = tu_slurp(tu_pathf("%s/charts/%s.gp", run3, names[c]));
        const char *xr = strstr(gp, "set xrange [0:");
        ck_assert_ptr_nonnull(xr);
        double xmax = strtod(xr + 14, NULL);
        chart_box b[16];
        size_t n = 0;
        for (const char *line = gp; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            const char *nl = strchr(line, '\n'), *p = line;
            while (*p == ' ') p++;
            if (strncmp(p, "set label ", 10)) continue;
            const char *q = strchr(p, '\'');
            const char *e = q ? strchr(q + 1, '\'') : NULL;
            const char *graph = e ? strstr(e, ", graph 1 ") : NULL;
            if (!graph || (nl && graph > nl)) continue;   /* not a mark's name */
            char text[200];
            snprintf(text, sizeof text, "%.*s", (int)(e - q - 1), q + 1);
            double at = strtod(strstr(e, " at ") + 4, NULL);
            bool right = strncmp(graph + 10, "right", 5) == 0;
            const char *off = strstr(graph, "offset character ");
            ck_assert_ptr_nonnull(off);
            double dy = strtod(strchr(off, ',') + 1, NULL);
            double x = CHART_W * (CHART_TIME_L + (CHART_TIME_R - CHART_TIME_L) * at / xmax), w = chart_text_width(text, 12);
            int row = (int)lround((dy - 0.7) / 1.1);
            ck_assert_uint_lt(n, 16);
            b[n++] = (chart_box){ right ? x - w : x, row * CHART_MARK_ROW_PX, right ? x : x + w,
                                  (row + 1) * CHART_MARK_ROW_PX - 1 };
            ck_assert_msg(b[n - 1].x0 >= 0 && b[n - 1].x1 <= CHART_W, "%s: '%s' off the canvas", names[c], text);
        }
        ck_assert_uint_eq(n, 4);   /* warmup, flush, slowdown, burst */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < i; j++) ck_assert_msg(!chart_boxes_overlap(&b[i], &b[j]), "%s: %zu and %zu", names[c], i, j);
        free(gp);
    }
}
END_TEST

/* The values over the comparison's bars, as comparison.gp places them, never
 * overlap their neighbours: nine labels (slots of 36 pixels) turn the wide
 * ones upwards; three leave them side by side. */
START_TEST(comparison_values_do_not_overlap)
{
    char *nine = make_results(scenario_json, "nine",
                              "--set 'strategies=[{\"name\": \"none\"}, {\"name\": \"lock\"}, {\"name\": \"coalesce\"}, "
                              "{\"name\": \"xfetch\"}, {\"name\": \"swr\"}, {\"name\": \"lease\"}, "
                              "{\"name\": \"refresh_ahead\"}, {\"name\": \"xfetch\", \"label\": \"xfetch-b4\", \"beta\": 4}, "
                              "{\"name\": \"coalesce\", \"label\": \"coalesce-node\", \"scope\": \"node\"}]'");
    ck_assert_int_eq(tu_runf(NULL, NULL, "plot '%s' --format svg", nine), 0);
    const char *dirs[] = { run3, nine };
    const size_t counts[] = { 3, 9 };
    double panel_w = CHART_W * (0.98 - 0.07 - 2 * 0.07) / 3;
    for (size_t d = 0; d < 2; d++) {
        char *gp = tu_slurp(tu_pathf("%s/charts/comparison.gp", dirs[d]));
        size_t n = counts[d], panels = 0, vertical = 0;
        double x0[16], x1[16];
        size_t got = 0;
        for (const char *line = gp; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
            const char *p = line, *nl = strchr(line, '\n');
            while (*p == ' ') p++;
            if (!strncmp(p, "unset label", 11) && got) {   /* a panel's end: its values side by side */
                ck_assert_uint_eq(got, n);
                for (size_t i = 1; i < got; i++)
                    ck_assert_msg(x1[i - 1] <= x0[i], "%s, panel %zu: values %zu and %zu overlap (%g > %g)",
                                  dirs[d], panels + 1, i, i + 1, x1[i - 1], x0[i]);
                panels++;
                got = 0;
                continue;
            }
            if (strncmp(p, "set label ", 10)) continue;
            char q = 0;
            const char *t0 = p + 10;
            while (*t0 && *t0 != '\'' && *t0 != '"') t0++;
            q = *t0;
            const char *t1 = strchr(t0 + 1, q), *at = t1 ? strstr(t1, " at ") : NULL;
            if (!at || (nl && at > nl)) continue;
            char text[200];
            snprintf(text, sizeof text, "%.*s", (int)(t1 - t0 - 1), t0 + 1);
            double widest = 0;
            for (char *seg = text, *e; seg; seg = e ? e + 2 : NULL) {   /* "a\nb": two lines */
                e = strstr(seg, "\\n");
                if (e) *e = 0;
                widest = fmax(widest, chart_text_width(seg, strtod(strstr(at, "font ',") + 7, NULL)));
            }
            double pt = strtod(strstr(at, "font ',") + 7, NULL);
            bool up = strstr(at, "rotate by 90") && (!nl || strstr(at, "rotate by 90") < nl);
            vertical += up;
            double i = strtod(at + 4, NULL), mid = (i - 0.4) / ((double)n + 0.2) * panel_w;
            double half = (up ? pt * 1.25 : widest) / 2;
            ck_assert_uint_lt(got, 16);
            x0[got] = mid - half;
            x1[got] = mid + half;
            got++;
        }
        ck_assert_uint_eq(panels, 6);
        if (n == 9) ck_assert_uint_gt(vertical, 0);
        else ck_assert_uint_eq(vertical, 0);
        free(gp);
    }
    free(nine);
}
END_TEST

/* The comparison in the report: a headline table of the columns a review
 * reads first (failures, SLO, p99, recovery, DB, timeouts, errors), and every
 * column one click away in a <details> (no script). */
START_TEST(report_headline_table_and_all_columns)
{
    char *html = tu_slurp(tu_pathf("%s/report.html", run3));
    char *head = strstr(html, "<div class=\"scroll\" id=\"headline\">");
    ck_assert_ptr_nonnull(head);
    char *end = strstr(head, "</table>");
    ck_assert_ptr_nonnull(end);
    *end = 0;
    static const char *const in[] = { "failed %", "p99, all requests", "recovery", "p99, answered", "DB queries",
                                       "peak DB in flight", "timeouts (attempts)", "errors (attempts)" };
    static const char *const out[] = { "p50, answered", "p999, answered", "stampedes", "hit ratio (lookups)",
                                        "DB wasted" };
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) ck_assert_msg(strstr(head, in[i]), "headline lacks %s", in[i]);
    for (size_t i = 0; i < sizeof out / sizeof *out; i++) ck_assert_msg(!strstr(head, out[i]), "headline has %s", out[i]);
    char *all = strstr(end + 1, "<details id=\"all-columns\"><summary>");
    ck_assert_ptr_nonnull(all);
    char *close = strstr(all, "</details>");
    ck_assert_ptr_nonnull(close);
    *close = 0;
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) ck_assert(strstr(all, in[i]));
    for (size_t i = 0; i < sizeof out / sizeof *out; i++) ck_assert(strstr(all, out[i]));
    ck_assert_ptr_null(strstr(html, "<script"));
    free(html);
}
END_TEST

/* The table run prints: labels of 15 and more characters keep every column
 * where the header puts it (each row as long as the header line, each
 * header's right end over its cells' right ends). */
START_TEST(printed_table_aligns_long_labels)
{
    char *scen = tu_scenario(work, "long.json", scenario_json);
    char *out = NULL;
    int rc = tu_runf(&out, NULL, "run '%s' --out '%s/long' --set 'strategies=[{\"name\": \"none\", \"label\": "
                                 "\"abcdefghijklmno\"}, {\"name\": \"lock\", \"label\": \"a-label-of-22-letters\"}, "
                                 "{\"name\": \"coalesce\", \"label\": \"c\"}]'", scen, work);
    ck_assert_int_eq(rc, 0);
    char *lines[8];
    size_t n = 0;
    for (char *l = strtok(out, "\n"); l && n < 8; l = strtok(NULL, "\n")) lines[n++] = l;
    size_t h = 0;
    while (h < n && strncmp(lines[h], "label ", 6)) h++;
    ck_assert_msg(h + 3 < n, "no table in:\n%s", out);
    size_t len = strlen(lines[h]);
    for (size_t r = h + 1; r <= h + 3; r++) {
        ck_assert_msg(strlen(lines[r]) == len, "row %zu: %zu characters, header %zu:\n%s\n%s", r - h, strlen(lines[r]),
                      len, lines[h], lines[r]);
        for (size_t k = 1; k < len; k++)   /* a header word's end is a cell's end */
            if (lines[h][k - 1] != ' ' && lines[h][k] == ' ' && k > 22)
                ck_assert_msg(lines[r][k - 1] != ' ', "row %zu: column ending at %zu is empty:\n%s\n%s", r - h, k,
                              lines[h], lines[r]);
    }
    free(out);
    free(scen);
}
END_TEST

/* Every escaper's output, run through gnuplot: each string prints as itself
 * (no command ran, no line swallowed), nothing gets created. */
START_TEST(escapers_keep_data_as_data)
{
    strbuf b = { 0 };
    for (size_t i = 0; i < NHOSTILE; i++) {
        sb_puts(&b, "print ");
        gp_quote(&b, hostile[i]);
        sb_puts(&b, "\nset xtics (");
        gp_tic(&b, hostile[i]);
        sb_puts(&b, " 1)\n# ");
        gp_comment(&b, hostile[i]);
        sb_printf(&b, "\nprint 'alive %zu'\n", i);
    }
    ck_assert(!b.oom);
    char *dir = strdup(tu_pathf("%s/esc", work));
    ck_assert_int_eq(mkdir(dir, 0777), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s/t.gp", dir), b.s), 0);
    sb_free(&b);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot -d t.gp >out 2>err", dir);
    ck_assert_int_eq(system(cmd), 0);
    /* print writes to stderr */
    char *err = tu_slurp(tu_pathf("%s/err", dir)), *out = tu_slurp(tu_pathf("%s/out", dir));
    ck_assert_str_eq(out, "");
    strbuf want = { 0 };
    for (size_t i = 0; i < NHOSTILE; i++) {
        char s[256];
        shown_as(s, hostile[i]);
        sb_printf(&want, "%s\nalive %zu\n", s, i);
    }
    ck_assert_str_eq(err, want.s);
    sb_free(&want);
    free(err);
    free(out);
    ck_assert(!pwned());
    free(dir);
}
END_TEST

/* The same through every chart of a results folder: its name and labels
 * replaced in memory by hostile strings give scripts whose code is that of
 * harmless names, charts drawn without a word from gnuplot, nothing run. */
START_TEST(hostile_names_in_run_charts)
{
    char *sk[2];
    for (int v = 0; v < 2; v++) {
        char *dir = strdup(tu_pathf("%s/names%d", work, v));
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "cp -r '%s' '%s' && rm -rf '%s/charts' '%s/report.html'", run3, dir, dir, dir);
        ck_assert_int_eq(system(cmd), 0);
        run_folder rf;
        char err[8192] = "";
        ck_assert_msg(run_folder_read(&rf, dir, err, sizeof err) == 0, "%s", err);
        /* harmless names as long as the hostile ones: the layout may follow
         * the length of a label (slanted when long), never its bytes */
        char plain[256];
        free(rf.name);
        snprintf(plain, sizeof plain, "%.*s", (int)strlen(hostile[0]), "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
        rf.name = strdup(v ? hostile[0] : plain);
        for (size_t i = 0; i < rf.nlabels; i++) {
            /* the label's files under the name the script will use */
            char shown[256];
            const char *hl = hostile[(i + 1) % NHOSTILE];
            snprintf(plain, sizeof plain, "%zu%.*s", i, (int)strlen(hl) - 1, "lllllllllllllllllllllllllllllllllllllllllllllll");
            const char *h = v ? hl : plain;
            shown_as(shown, h);
            ck_assert_int_eq(symlink(rf.labels[i].label, tu_pathf("%s/%s", dir, shown)), 0);
            free(rf.labels[i].label);
            rf.labels[i].label = strdup(h);
        }
        chartset cs;
        ck_assert_msg(chartset_open(&cs, dir, PLOT_SVG, false, err, sizeof err) == 0, "%s", err);
        ck_assert_msg(plot_run_charts(&rf, &cs, err, sizeof err) == 0, "%s", err);
        ck_assert_msg(chartset_commit(&cs, NULL, err, sizeof err) == 0, "%s", err);
        chartset_close(&cs);
        run_folder_free(&rf);
        sk[v] = skeletons(tu_pathf("%s/charts", dir));
        free(dir);
    }
    first_difference(sk[1], sk[0], "hostile names");
    ck_assert(!pwned());
    free(sk[0]);
    free(sk[1]);
}
END_TEST

/* Replaces every occurrence of from by to in the file (a tampered folder). */
static void replace_in(const char *path, const char *from, const char *to)
{
    char *t = tu_slurp(path);
    ck_assert_msg(t != NULL, "no %s", path);
    strbuf b = { 0 };
    size_t k = strlen(from), hits = 0;
    for (const char *p = t;;) {
        const char *q = strstr(p, from);
        if (!q) {
            sb_puts(&b, p);
            break;
        }
        sb_putn(&b, p, (size_t)(q - p));
        sb_puts(&b, to);
        p = q + k;
        hits++;
    }
    ck_assert_msg(hits > 0, "%s has no %s", path, from);
    ck_assert_int_eq(tu_write(path, b.s), 0);
    sb_free(&b);
    free(t);
}

/* A folder handed around and edited: the strings it holds that reach a
 * chart are either refused with their place (exit 2, nothing written) or
 * drawn as data, and no edit runs a command. */
START_TEST(tampered_folders)
{
    /* A results folder: a label, a strategy or a name that stampede would
     * never write is refused where it is. */
    static const struct { const char *file, *from, *to, *want; } refusals[] = {
        { "comparison.csv", "\nlock_fast,", "\nx'; system('touch PWNED'),",
          "comparison.csv:3:1: error: label: expected a label of letters, digits, '.', '_' and '-', starting with a "
          "letter or digit (got \"x'; system('touch PWNED')\")\n" },
        { "comparison.csv", ",coalesce,", ",`touch PWNED`,",
          "comparison.csv:4:10: error: strategy: \"`touch PWNED`\" is not a strategy this stampede knows\n" },
        { "scenario.json", "\"plot-check\"", "\"pc\\nsystem(\\\"touch PWNED\\\")\\n#\"",
          "scenario.json:2:10: error: /name: expected a name of letters, digits, '.', '_' and '-'\n" },
        { "scenario.json", "\"description\":\t\"A", "\"description\":\t\"A\\n`touch PWNED`",
          "scenario.json:3:17: error: /description: expected one line of text\n" },
    };
    for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
        char *dir = strdup(tu_pathf("%s/bad%zu", work, i));
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "cp -r '%s' '%s' && rm -rf '%s/charts' '%s/report.html'", run3, dir, dir, dir);
        ck_assert_int_eq(system(cmd), 0);
        replace_in(tu_pathf("%s/%s", dir, refusals[i].file), refusals[i].from, refusals[i].to);
        char *before = tu_tree(dir), *err = NULL;
        ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --format svg", dir), 2);
        ck_assert_str_eq(err, tu_pathf("stampede: %s/%s", dir, refusals[i].want));
        char *after = tu_tree(dir);
        ck_assert_str_eq(before, after);
        free(before);
        free(after);
        free(err);
        free(dir);
    }
    /* A description is one line of any text: shown as text in the report,
     * never in a script. */
    char *dir = strdup(tu_pathf("%s/desc", work));
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", run3, dir);
    ck_assert_int_eq(system(cmd), 0);
    replace_in(tu_pathf("%s/scenario.json", dir), "\"description\":\t\"A",
               "\"description\":\t\"</p><script>x()</script> ' `touch PWNED` @TITLE@ %s \\\\");
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --format svg", dir), 0);
    ck_assert_str_eq(err, "");
    free(err);
    char *html = tu_slurp(tu_pathf("%s/report.html", dir));
    ck_assert_ptr_null(xml_check(html, NULL, NULL));
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt; &#39; `touch PWNED` @TITLE@ %s \\"));
    free(html);
    ck_assert(!pwned());
    free(dir);
}
END_TEST

/* A sweep folder's values are free text (a --vary of strings): hostile ones
 * through sweep.json and sweep.csv give the scripts of harmless ones. */
START_TEST(hostile_values_in_sweep_charts)
{
    char *scen = tu_scenario(work, "hv.json", scenario_json);
    char *base = strdup(tu_pathf("%s/hv", work));
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep '%s' --vary cache.initial=spread,cold --vary cache.ttl=1s,2s --jobs 2 "
                                         "--quiet --out '%s' --set duration=4s", scen, base), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep '%s' --vary cache.initial=spread,cold --vary cache.ttl=1s,2s --jobs 2 "
                                         "--quiet --out '%s'", scen, base), 0);
    free(err);
    /* pairs of values for "spread" and "cold": harmless first */
    static const char *const pairs[][2] = {
        { "harmless-a", "harmless-b" },
        { "x'; system('touch PWNED1'); print '", "`touch PWNED2`" },
        { "@TITLE@ %s %n %%", "back\\" },
        { "|touch PWNED3", "< touch PWNED4" },
        { "EOD", "$p0_l0 \"q\" a,b" },
    };
    char *first = NULL;
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
        char *dir = strdup(tu_pathf("%s/hv%zu", work, k));
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", base, dir);
        ck_assert_int_eq(system(cmd), 0);
        for (int v = 0; v < 2; v++) {
            const char *from = v ? "cold" : "spread", *to = pairs[k][v];
            strbuf j = { 0 }, c = { 0 };
            sb_puts(&j, "\"");
            for (const char *p = to; *p; p++) sb_printf(&j, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
            sb_puts(&j, "\"");
            bool quote = strpbrk(to, ",\"") != NULL;
            sb_puts(&c, quote ? "\"" : "");
            for (const char *p = to; *p; p++) sb_printf(&c, "%s%c", *p == '"' ? "\"" : "", *p);
            sb_puts(&c, quote ? "\"" : "");
            char jf[32], cf[32];
            snprintf(jf, sizeof jf, "\"%s\"", from);
            replace_in(tu_pathf("%s/sweep.json", dir), jf, j.s);
            snprintf(cf, sizeof cf, "\n%s,", from);
            strbuf cc = { 0 };
            sb_printf(&cc, "\n%s,", c.s);
            replace_in(tu_pathf("%s/sweep.csv", dir), cf, cc.s);
            sb_free(&j);
            sb_free(&c);
            sb_free(&cc);
        }
        ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s' --format svg", dir), 0);
        ck_assert_msg(!strcmp(err, ""), "plot of %s: %s", dir, err);
        free(err);
        char *sk = skeletons(tu_pathf("%s/charts", dir));
        if (!first) first = sk;
        else {
            first_difference(sk, first, pairs[k][0]);
            free(sk);
        }
        free(dir);
    }
    free(first);
    ck_assert(!pwned());
    /* A name or a path that stampede would never write is refused by plot
     * (the issue's case), where it is, and so is it by merge --plot over parts
     * that carry it. */
    char *sw = strdup(tu_pathf("%s/hvbad", work));
    char cp[8192];
    snprintf(cp, sizeof cp, "cp -r '%s' '%s'", base, sw);
    ck_assert_int_eq(system(cp), 0);
    replace_in(tu_pathf("%s/sweep.json", sw), "\"scenario_name\": \"plot-check\"",
               "\"scenario_name\": \"sw\\nsystem(\\\"touch PWNED\\\")\\n#\"");
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s'", sw), 2);
    ck_assert_str_eq(err, tu_pathf("stampede: %s/sweep.json:6:20: error: /scenario_name: expected a scenario name of "
                                   "letters, digits, '.', '_' and '-'\n", sw));
    free(err);
    snprintf(cp, sizeof cp, "rm -rf '%s' && cp -r '%s' '%s'", sw, base, sw);
    ck_assert_int_eq(system(cp), 0);
    replace_in(tu_pathf("%s/sweep.json", sw), "\"path\": \"cache.ttl\"", "\"path\": \"cache.ttl')\\nsystem('touch PWNED\"");
    ck_assert_int_eq(tu_runf(NULL, &err, "plot '%s'", sw), 2);
    ck_assert_str_eq(err, tu_pathf("stampede: %s/sweep.json:12:14: error: /varies/1/path: expected a dotted scenario path, "
                                   "as --vary takes\n", sw));
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/charts", sw)));
    free(sw);
    for (int k = 1; k <= 2; k++)
        ck_assert_int_eq(tu_runf(NULL, NULL, "sweep '%s' --vary cache.ttl=1s,2s --shard %d/2 --quiet --out '%s/part%d'", scen,
                                 k, work, k), 0);
    for (int k = 1; k <= 2; k++)
        replace_in(tu_pathf("%s/part%d/sweep.json", work, k), "\"scenario_name\": \"plot-check\"",
                   "\"scenario_name\": \"sw\\nsystem(\\\"touch PWNED\\\")\\n#\"");
    char *before = tu_tree(work);
    ck_assert_int_eq(tu_runf(NULL, &err, "merge '%s/part1' '%s/part2' --plot --out '%s/merged'", work, work, work), 2);
    ck_assert_str_eq(err, tu_pathf("stampede: merge: %s/part1/sweep.json:6:20: error: /scenario_name: expected a scenario "
                                   "name of letters, digits, '.', '_' and '-'\n", work));
    free(err);
    char *after = tu_tree(work);
    ck_assert_str_eq(before, after);
    ck_assert(!pwned());
    free(before);
    free(after);
    free(scen);
    free(base);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("charts");
    tcase_add_unchecked_fixture(tc, setup_plotted, teardown_plotted);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_xml_checker_itself);
    tcase_add_test(tc, plot_succeeds_silently);
    tcase_add_test(tc, every_chart_in_every_format);
    tcase_add_test(tc, charts_name_scenario_labels_and_marks);
    tcase_add_test(tc, scripts_rerun_from_the_charts_folder);
    suite_add_tcase(s, tc);

    tc = tcase_create("report");
    tcase_add_unchecked_fixture(tc, setup_plotted, teardown_plotted);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, report_is_well_formed_and_links_resolve);
    tcase_add_test(tc, same_inputs_same_scripts_and_report);
    tcase_add_test(tc, report_headline_table_and_all_columns);
    suite_add_tcase(s, tc);

    tc = tcase_create("edge cases");
    tcase_add_unchecked_fixture(tc, setup_plotted, teardown_plotted);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, one_label);
    tcase_add_test(tc, failures_first_everywhere);
    tcase_add_test(tc, nobody_answered);
    tcase_add_test(tc, a_sweep_folder);
    tcase_add_test(tc, no_scenario_json);
    tcase_add_test(tc, long_drain);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_add_unchecked_fixture(tc, setup_plotted, teardown_plotted);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, escapers_keep_data_as_data);
    tcase_add_test(tc, hostile_names_in_run_charts);
    tcase_add_test(tc, tampered_folders);
    tcase_add_test(tc, hostile_values_in_sweep_charts);
    suite_add_tcase(s, tc);

    tc = tcase_create("one look");
    tcase_add_unchecked_fixture(tc, setup_plotted, teardown_plotted);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, palette_by_strategy_name);
    tcase_add_test(tc, palette_other_labels);
    tcase_add_test(tc, palette_in_restricted_run);
    tcase_add_test(tc, percentiles_with_many_labels);
    tcase_add_test(tc, mark_labels_in_rows);
    tcase_add_test(tc, mark_labels_do_not_overlap_in_scripts);
    tcase_add_test(tc, comparison_values_do_not_overlap);
    tcase_add_test(tc, printed_table_aligns_long_labels);
    suite_add_tcase(s, tc);

    tc = tcase_create("failures");
    tcase_add_unchecked_fixture(tc, setup_plotted, teardown_plotted);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, missing_or_wrong_folder);
    tcase_add_test(tc, unknown_format);
    tcase_add_test(tc, without_gnuplot);
    tcase_add_test(tc, a_gnuplot_warning_fails_and_keeps_the_old_charts);
    suite_add_tcase(s, tc);
    return s;
}
