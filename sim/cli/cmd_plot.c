/* cmd_plot.c - the command line of `stampede plot`: options, signals, what
 * was written, the exit status.  The work is report/plot.c's. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

#include "report/gnuplot.h"
#include "report/plot.h"
#include "signals.h"
#include "sweep/sweep_report.h"
#include "usage.h"

static const struct option long_opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

int cmd_plot(int argc, char **argv)
{
    const char *dir = NULL, *fmt = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'h': fputs(usage_plot, stdout); return 0;
        case 1:
            if (dir) return cli_usage_error("plot", "plot: one folder at a time (got %s and %s)", dir, optarg);
            dir = optarg;
            break;
        case ':': return cli_usage_error("plot", "plot: %s needs a value", argv[optind - 1]);
        default: return cli_unknown_option("plot", argv[optind - 1], long_opts);
        }
    }
    if (!dir) return cli_usage_error("plot", "plot: which folder? give a results folder DIR");
    signals_install();
    unsigned formats = PLOT_FORMATS_DEFAULT;
    if (fmt && plot_parse_formats(fmt, &formats)) {
        fprintf(stderr, "stampede: plot: unknown format in \"%s\" (formats: svg, png, pdf)\n", fmt);
        return EXIT_USAGE;
    }
    struct status st = STATUS_INIT;
    plot_done done;
    enum status_code code = plot_folder(dir, formats, sweep_report_html, &done, &st);
    if (code == STATUS_OK) {
        printf("charts: %s/\n", done.charts);
        if (done.report) printf("report: %s\n", done.report);
    } else {
        cli_report(&st);
    }
    plot_done_free(&done);
    status_clear(&st);
    return cli_exit_code(code);
}
