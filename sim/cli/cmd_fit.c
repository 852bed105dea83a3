/* cmd_fit.c - the command line of `stampede fit`: options (getopt_long), the
 * progress line on a terminal, signals, the summary and the exit status.
 * The work is fit.c's and fit_report.c's; nothing is written unless the fit
 * succeeded, and then the report folder whole before the scenario. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/stop.h"
#include "fit/fit.h"
#include "fit/fit_report.h"
#include "report/plot.h"
#include "report/report.h"
#include "scenario/load.h"
#include "signals.h"
#include "usage.h"



/* ---------------------------------------------------------------- progress */

typedef struct prog {
    double last;
    int shown;
} prog;

static void show_progress(void *ctx, const fit_progress *p)
{
    prog *g = ctx;
    double w = cli_wall_now();
    if (w - g->last < 0.2) return;
    g->last = w;
    char lines[64] = "";
    if (p->lines) report_fmt_count(lines, sizeof lines, (double)p->lines);
    if (!strcmp(p->stage, "reading")) {
        if (p->done >= 0)
            fprintf(stderr, "\r\033[Kstampede: fit: reading %s: %3.0f%% (%s lines)", p->file, 100 * p->done, lines);
        else fprintf(stderr, "\r\033[Kstampede: fit: reading %s: %s lines", p->file, lines);
    } else if (!strcmp(p->stage, "popularity")) {
        fprintf(stderr, "\r\033[Kstampede: fit: key popularity, simulated logs: %3.0f%%", 100 * p->done);
    } else {
        fprintf(stderr, "\r\033[Kstampede: fit: latency families");
    }
    g->shown = 1;
}

static void clear_progress(prog *g)
{
    if (g->shown) fputs("\r\033[K", stderr);
    g->shown = 0;
}

/* ---------------------------------------------------------------- the summary */

static void fmt_n(char *b, size_t n, double v) { report_fmt_count(b, n, v); }

static void fmt_rate(char *b, size_t n, double v) { fit_fmt_rate(b, n, v); }

static void fmt_sec(char *b, size_t n, double v) { report_fmt_seconds(b, n, v); }

static void print_rate(FILE *o, const fit_result *r)
{
    const rate_fit *f = &r->rate;
    char a[64], b[64], c[64];
    if (f->nseg == 1) {
        fmt_rate(a, sizeof a, f->seg[0].rate);
        fmt_rate(b, sizeof b, f->seg[0].lo);
        fmt_rate(c, sizeof c, f->seg[0].hi);
        fprintf(o, "arrivals: a constant rate of %s (95%%: %s to %s); no change found (binary segmentation on Poisson "
                   "counts, penalty 3 ln G = %.1f)\n",
                a, b, c, f->penalty);
    } else {
        fprintf(o, "arrivals: a schedule of %zu rates, split where the rate changes (binary segmentation on Poisson "
                   "counts, penalty 3 ln G = %.1f):\n",
                f->nseg, f->penalty);
        for (size_t i = 0; i < f->nseg; i++) {
            const rate_segment *s = &f->seg[i];
            fmt_rate(a, sizeof a, s->rate);
            fmt_rate(b, sizeof b, s->lo);
            fmt_rate(c, sizeof c, s->hi);
            fprintf(o, "    from %10.6g s  %12s  (95%%: %s to %s)", s->start, a, b, c);
            if (i) fprintf(o, "; the change is within %.6g to %.6g s", s->start_lo, s->start_hi);
            fputc('\n', o);
        }
    }
    fmt_sec(a, sizeof a, f->bin);
    if (!f->tested) {
        fprintf(o, "  dispersion: too few requests to test whether counts are Poisson\n");
    } else if (f->poisson) {
        fprintf(o, "  counts per %s bin: dispersion %.3g against the fitted rates (Poisson: 1; p = %.2g): "
                   "consistent with Poisson arrivals (variance/mean over the whole log %.3g)\n",
                a, f->disp, f->disp_p, f->disp_raw);
    } else {
        fprintf(o, "  counts per %s bin: dispersion %.3g against the fitted rates (Poisson: 1; p = %.2g): NOT Poisson, "
                   "requests come in %s; the simulator's Poisson arrivals will be %s than the log (variance/mean over "
                   "the whole log %.3g)\n",
                a, f->disp, f->disp_p, f->disp > 1 ? "bursts" : "a more regular stream than Poisson",
                f->disp > 1 ? "smoother" : "burstier", f->disp_raw);
    }
}

static void print_keys(FILE *o, const fit_result *r)
{
    const popularity_fit *p = &r->pop;
    char a[64], b[64], c[64], d[64], e[64];
    fmt_n(a, sizeof a, (double)p->n);
    fmt_n(b, sizeof b, (double)p->seen);
    fmt_n(c, sizeof c, (double)p->requests);
    fmt_n(e, sizeof e, round(p->chao1));
    if (p->uniform) {
        fprintf(o, "keys: count %s: with equal popularity, %s requests see the %s distinct keys of the log on "
                   "average (Chao1, a lower bound: %s)\n",
                a, c, b, e);
    } else if (p->zipf_keys_ok) {
        fmt_n(d, sizeof d, round(p->zipf_n_lo));
        char hi[64];
        if (p->zipf_n_hi >= 4294967295.0) snprintf(hi, sizeof hi, "unbounded");
        else fmt_n(hi, sizeof hi, round(p->zipf_n_hi));
        fprintf(o, "keys: count %s (95%%: %s to %s): Zipf(%.4g) over that many keys sees the %s distinct keys of the "
                   "log in %s requests on average (Chao1, a lower bound under skewed popularity: %s)\n",
                a, d, hi, p->s, b, c, e);
    } else {
        fprintf(o, "keys: count %s, Chao1's estimate (seen %s plus unseen from the keys seen once and twice): no key "
                   "count lets Zipf(%.4g) see the %s keys of the log, whose rare keys are more than Zipf's\n",
                a, b, p->s, b);
    }
    int dec = fit_decimals(0.5 * (p->s_hi - p->s_lo));
    fprintf(o, "  zipf: s = %.*f (95%%: %.*f to %.*f); the maximum-likelihood s of the counts ranked by observed "
               "frequency is %.*f, biased %s by the ranking, corrected by a parametric bootstrap (%d simulated logs "
               "per round, %d rounds)\n",
            dec, p->s, dec, p->s_lo, dec, p->s_hi, dec, p->s_ranked, p->s_ranked >= p->s ? "up" : "down", p->boot,
            p->rounds);
    char pv[64];
    fit_fmt_p(pv, sizeof pv, p->ks_p, p->boot);
    if (FIT_REJECTED(p->ks_p, p->boot))
        fprintf(o, "  zipf fit: REJECTED: the log's cumulative share of requests over ranks departs from Zipf's by "
                   "up to %.3g, more than in any of %d logs simulated from the fit (KS over ranks; %s)\n",
                p->ks, p->boot, pv);
    else
        fprintf(o, "  zipf fit: consistent with Zipf (KS over ranks %.3g; %s against %d logs simulated from the "
                   "fit)\n",
                p->ks, pv, p->boot);
    if (!strcmp(p->uni_test, "none"))
        fprintf(o, "  uniform: too few requests per key to test equal popularity: %s\n",
                p->uniform ? "chosen, as the simpler model" : "not chosen");
    else
        fprintf(o, "  uniform: %s (%s chi-square %.4g, df %.0f, p = %.2g)%s\n",
                p->uniform ? "not rejected, so chosen as the simpler model" : "rejected",
                !strcmp(p->uni_test, "pearson") ? "counts per key, Pearson" : "keys seen 1, 2, ... times,",
                p->uni_chi2, p->uni_df, p->uni_p, p->uniform ? "" : ": keys.popularity is zipf");
}

static void fmt_param(char *buf, size_t n, const lat_candidate *c, int which)
{
    double v = which == 1 ? c->p1 : c->p2;
    if (fit_lat_param_is_duration(c->family, which)) report_fmt_seconds(buf, n, v);
    else snprintf(buf, n, "%.4g", v);
}

static void print_latency(FILE *o, const fit_result *r)
{
    const latency_fit *L = &r->lat_fit;
    const lat_candidate *b = &L->c[L->best];
    char p1[64], lo1[64], hi1[64], p2[64], lo2[64], hi2[64], nn[64];
    fmt_param(p1, sizeof p1, b, 1);
    lat_candidate t = *b;
    t.p1 = b->p1_lo;
    fmt_param(lo1, sizeof lo1, &t, 1);
    t.p1 = b->p1_hi;
    fmt_param(hi1, sizeof hi1, &t, 1);
    fmt_n(nn, sizeof nn, (double)r->lat_read);
    fprintf(o, "db.latency: %s %s %s (95%%: %s to %s)", fit_lat_family_name(b->family), fit_lat_param_name(b->family, 1), p1,
            lo1, hi1);
    if (b->k == 2) {
        fmt_param(p2, sizeof p2, b, 2);
        snprintf(lo2, sizeof lo2, "%.4g", b->p2_lo);
        snprintf(hi2, sizeof hi2, "%.4g", b->p2_hi);
        fprintf(o, ", %s %s (95%%: %s to %s)", fit_lat_param_name(b->family, 2), p2, lo2, hi2);
    }
    fprintf(o, ": the lowest AIC of five families over %s latencies%s\n", nn,
            r->nlat < r->lat_read ? " (fitted on a uniform sample of 10,000,000)" : "");
    fprintf(o, "    %-12s %-34s %14s %10s %8s\n", "family", "parameters", "AIC", "dAIC", "KS");
    for (int f = 0; f < LAT_NFAMILIES; f++) {
        const lat_candidate *c = &L->c[f];
        if (!c->ok) {
            fprintf(o, "    %-12s %-34s\n", fit_lat_family_name(c->family), "(no finite maximum)");
            continue;
        }
        char par[256];
        fmt_param(p1, sizeof p1, c, 1);
        if (c->k == 2) {
            fmt_param(p2, sizeof p2, c, 2);
            snprintf(par, sizeof par, "%s %s, %s %s", fit_lat_param_name(c->family, 1), p1, fit_lat_param_name(c->family, 2),
                     p2);
        } else {
            snprintf(par, sizeof par, "%s %s", fit_lat_param_name(c->family, 1), p1);
        }
        fprintf(o, "    %-12s %-34s %14.1f %10.1f %8.4f%s\n", fit_lat_family_name(c->family), par, c->aic, c->daic, c->ks,
                f == L->best ? "  <- chosen" : "");
    }
    if (isfinite(L->ks_p)) {
        char pv[64];
        fit_fmt_p(pv, sizeof pv, L->ks_p, L->boot);
        fprintf(o, "  %s fit: %s (KS %.4g; %s against %d samples drawn from the fit and refitted)\n",
                fit_lat_family_name(b->family),
                FIT_REJECTED(L->ks_p, L->boot) ? "REJECTED: none of the five families describes these latencies well"
                                               : "consistent",
                b->ks, pv, L->boot);
    }
}

static void print_summary(FILE *o, const fit_result *r, const char *access)
{
    char a[64], b[64], c[64];
    fmt_n(a, sizeof a, (double)r->requests);
    fmt_n(b, sizeof b, (double)r->pop.seen);
    fmt_rate(c, sizeof c, (double)r->requests / r->rate.span);
    fprintf(o, "%s: %s requests over %.6g s (%s on average), %s distinct keys", access, a, r->rate.span, c, b);
    if (r->nodes) fprintf(o, ", %llu nodes", (unsigned long long)r->nodes);
    fputc('\n', o);
    print_rate(o, r);
    print_keys(o, r);
    if (r->have_lat) print_latency(o, r);
}

/* ---------------------------------------------------------------- the command */

static const struct option long_opts[] = {
    { "latencies", required_argument, NULL, 'l' }, { "out", required_argument, NULL, 'o' },
    { "report", required_argument, NULL, 'r' },    { "format", required_argument, NULL, 'f' },
    { "name", required_argument, NULL, 'n' },      { "seed", required_argument, NULL, 's' },
    { "quiet", no_argument, NULL, 'q' },           { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* The file's name without its folder, for the scenario's description. */
static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

int cmd_fit(int argc, char **argv)
{
    const char *lat = NULL, *out = NULL, *report = NULL, *fmt = NULL, *name = NULL, *seed_s = NULL;
    int quiet = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'l': lat = optarg; break;
        case 'o': out = optarg; break;
        case 'r': report = optarg; break;
        case 'f': fmt = optarg; break;
        case 'n': name = optarg; break;
        case 's': seed_s = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_fit, stdout); return 0;
        case ':': return cli_usage_error("fit", "fit: %s needs a value", argv[optind - 1]);
        default: return cli_usage_error("fit", "fit: unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc) return cli_usage_error("fit", "fit: which access log? give ACCESS.csv");
    if (optind + 1 < argc)
        return cli_usage_error("fit", "fit: one access log at a time (got %s and %s)", argv[optind], argv[optind + 1]);
    const char *access = argv[optind];
    unsigned formats = PLOT_FORMATS_DEFAULT;
    if (fmt && plot_parse_formats(fmt, &formats))
        return cli_usage_error("fit", "fit: unknown format in \"%s\" (formats: svg, png, pdf)", fmt);
    if (fmt && !report) return cli_usage_error("fit", "fit: --format is for the charts of --report DIR");
    uint64_t seed = 1;
    if (seed_s) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(seed_s, &end, 10);
        if (!*seed_s || *end || errno || seed_s[0] == '-')
            return cli_usage_error("fit", "fit: --seed needs an integer >= 0 (got \"%s\")", seed_s);
        seed = v;
    }
    char namebuf[256];
    if (name) {
        fit_name_from_path(name, namebuf, sizeof namebuf);
        if (strcmp(namebuf, name) || strchr(name, '.'))
            return cli_usage_error("fit", "fit: --name \"%s\" cannot name a results folder (use letters, digits, "
                                          "'_' and '-', starting with a letter or digit)",
                                   name);
    } else {
        fit_name_from_path(out ? out : access, namebuf, sizeof namebuf);
    }
    if (out && (same_file(out, access) || (lat && same_file(out, lat))))
        return cli_usage_error("fit", "fit: --out %s would overwrite a log", out);
    struct stat st;
    if (out && stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_usage_error("fit", "fit: --out %s is a folder; give the scenario's file name", out);

    char err[8192] = "";
    fit_report rp = { 0 };
    if (report) {
        int rc = fit_report_open(&rp, report, err, sizeof err);
        if (rc) {
            fprintf(stderr, "stampede: fit: %s\n", err);
            fit_report_close(&rp);
            return rc == -2 ? 2 : 1;
        }
    }

    signals_install();

    prog pg = { 0 };
    fit_opts o = { .access = access, .latencies = lat, .seed = seed, .stop = &stop_flag };
    if (!quiet && isatty(2)) {
        o.progress = show_progress;
        o.progress_ctx = &pg;
    }
    fit_result r;
    int status = fit_run(&o, &r, err, sizeof err);
    clear_progress(&pg);
    char *json = NULL;
    if (!status) {
        json = fit_scenario_json(&r, namebuf, base_name(access), lat ? base_name(lat) : NULL);
        if (!json) {
            snprintf(err, sizeof err, "out of memory");
            status = FIT_FAILED;
        }
    }
    if (!status) {   /* what we write must load: a failure here is a bug */
        diag d = { 0 };
        char file[300];
        snprintf(file, sizeof file, "%s.json", namebuf);
        scenario *sc = scenario_load_text(file, json, strlen(json), NULL, 0, &d);
        if (!sc) {
            snprintf(err, sizeof err, "the fitted scenario does not load (a bug in stampede): %s",
                     d.n ? d.msgs[0] : "?");
            status = FIT_FAILED;
        }
        scenario_free(sc);
        diag_free(&d);
    }
    if (!status && report && fit_report_build(&rp, &r, json, base_name(access), lat ? base_name(lat) : NULL, formats,
                                              err, sizeof err))
        status = FIT_FAILED;
    if (!status && stop_flag) {
        snprintf(err, sizeof err, "interrupted");
        status = FIT_FAILED;
    }
    if (!status && report && fit_report_commit(&rp, err, sizeof err)) status = FIT_FAILED;
    if (!status && out && outdir_write_file(out, json, err, sizeof err)) status = FIT_FAILED;
    if (status) {
        if (!strcmp(err, "interrupted")) fprintf(stderr, "stampede: fit: interrupted; nothing was written\n");
        else fprintf(stderr, "stampede: %s%s\n", status == FIT_BAD_INPUT ? "" : "fit: ", err);
    } else {
        FILE *so = out ? stdout : stderr;
        print_summary(so, &r, access);
        fprintf(so, "placeholders (the logs cannot tell them; edit them before trusting a run): %s\n",
                fit_placeholders(&r));
        if (out) fprintf(so, "scenario: %s\n", out);
        if (report) fprintf(so, "report: %s/report.html\n", rp.out.dir);
        if (!out) fputs(json, stdout);
        fflush(stdout);
        if (ferror(stdout)) status = FIT_FAILED;
    }
    free(json);
    fit_report_close(&rp);
    fit_result_free(&r);
    return status;
}
