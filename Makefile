# stampede - a discrete-event simulator of cache stampedes.
# Targets: all (default), deps, run, test, bench, install, uninstall, man,
# clean; test-only, test-layers, test-install, test-browser, test-live, test-san,
# test-valgrind, fuzz (the passes of test).  Build output goes to $(BUILD).

BUILD   ?= build
CC      ?= cc
# -O3: 5% faster than -O2 on the M/M/1 benchmark, the same numbers (ISO C
# mode: no floating-point contraction).
OPT     ?= -O3
CFLAGS  ?= $(OPT) -g
# Link-time optimisation for the programs (stampede, stampede-mpi,
# stampede-live): the event handlers live in one file per part of the model
# (sources.c, db.c, cache.c, ...) and are inlined into run.c's event loop
# only at link time (make bench (a): 4% fewer instructions per request than
# without). Objects are fat (they hold ordinary code too), so the test
# suites link without it; off under the sanitizers and with LTO= .
LTO     ?= $(if $(SAN),,-flto=auto -ffat-lto-objects)
WARN    := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wconversion
ifdef CI
WARN    += -Werror
endif
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(LTO) $(SAN) -pthread -MMD -MP -Isim $(PKG_CFLAGS)
PKGS    := gsl libcjson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

# sim/<layer>/*.c: the library, one folder per layer (README "Architecture");
# sim/cli/: the command line, the program's and not the library's (main.c,
# mpi_main.c and live_main.c are the three programs' entry points);
# sim/live/: the live driver (stampede-live), linked with hiredis and libpq.
CLI_SRC  := $(filter-out sim/cli/main.c sim/cli/mpi_main.c sim/cli/live_main.c,$(wildcard sim/cli/*.c))
CLI_OBJ  := $(CLI_SRC:sim/%.c=$(BUILD)/sim/%.o)
LIB_SRC  := $(filter-out sim/cli/% sim/live/%,$(wildcard sim/*/*.c))
LIB_OBJ  := $(LIB_SRC:sim/%.c=$(BUILD)/sim/%.o)
TEST_SRC := $(wildcard tests/check_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_COMMON := $(BUILD)/tests/testutil.o $(BUILD)/tests/harness.o
PROG     := $(BUILD)/stampede
SCENARIOS := $(wildcard scenarios/*.json)

.PHONY: FORCE all run test check bench clean deps sanitize mpi sweep test-only test-san test-valgrind fuzz test-deps \
        live live-bin live-deps test-live man install uninstall test-install test-layers test-browser
.SECONDARY:
.DEFAULT_GOAL := all

all: $(PROG)

# Every Debian package comes through scripts/deps.sh, by group (build, test,
# mpi, live): as root it installs what is missing, otherwise it says what to
# install and fails.  `make deps` checks the build's group
# (`make deps DEPS="build test mpi live"` for more); run, test, mpi and the
# live targets check theirs through the stamps below.
DEPS ?= build
DEPS_SH = DEPS_LOG_DIR=$(BUILD) FUZZ_CC=$(FUZZ_CC) MPICC=$(MPICC) scripts/deps.sh
deps: | $(BUILD)/.dir
	@$(DEPS_SH) $(DEPS)
$(BUILD)/.deps:
	@$(DEPS_SH) build
	@mkdir -p $(BUILD); touch $@
$(BUILD)/.deps: | $(BUILD)/.dir
$(BUILD)/.dir:
	@mkdir -p $(BUILD)/sim $(BUILD)/tests && touch $@

BUILD_FLAGS := $(CC) $(ALL_CFLAGS)
# The compiler and flags of the last build: objects are rebuilt when they
# change (make OPT=-O2, SAN=...), not only when sources do.
$(BUILD)/.cflags: FORCE | $(BUILD)/.dir
	@echo '$(BUILD_FLAGS)' | cmp -s - $@ || echo '$(BUILD_FLAGS)' > $@
FORCE:

$(BUILD)/sim/%.o: sim/%.c $(BUILD)/.deps $(BUILD)/.cflags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Strategies see the model through model/model.h only (model_impl.h refuses them).
$(BUILD)/sim/strategies/%.o: ALL_CFLAGS += -DSTAMPEDE_STRATEGY_UNIT

# The chart templates are found from the program's own place
# (sim/report/gnuplot.c): ../share/stampede/plots when installed, ../plots
# from $(BUILD)/, or $$STAMPEDE_PLOTS_DIR; so the same binary works built and
# installed.

# Made anew, also when the list of sources changes (.libobjs), so a source
# that is gone leaves no object behind in it.
$(BUILD)/.libobjs: FORCE | $(BUILD)/.dir
	@echo '$(LIB_OBJ)' | cmp -s - $@ || echo '$(LIB_OBJ)' > $@
$(BUILD)/libstampede.a: $(LIB_OBJ) $(BUILD)/.libobjs
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(PROG): $(BUILD)/sim/cli/main.o $(CLI_OBJ) $(BUILD)/libstampede.a
	$(CC) $(CFLAGS) $(LTO) $(SAN) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/.deps $(BUILD)/.cflags
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/tests/check_%: $(BUILD)/tests/check_%.o $(TEST_COMMON) $(CLI_OBJ) $(BUILD)/libstampede.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)
# One test main (tests/testmain.c) runs each file's suite, tu_suite().
TEST_MAIN := $(BUILD)/tests/testmain.o
$(TEST_BIN): $(TEST_MAIN)

# Suites run TEST_JOBS at a time (tests/suites.sh; the longest first), and
# each pass of make test builds with as many jobs.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
SLOW_SUITES := $(addprefix $(BUILD)/tests/check_,fit strategies robust validation plot controls faults rng tutorial)
TEST_ORDER = $(filter $(SLOW_SUITES),$(TEST_BIN)) $(filter-out $(SLOW_SUITES),$(TEST_BIN))

# make test: every suite (test-only), the layers (test-layers), make install
# into a temporary DESTDIR (test-install), every bundled scenario's report.html
# and a sweep's in headless Chromium (test-browser), the short live check against a
# throwaway Redis and PostgreSQL (test-live), every suite again under ASan and
# UBSan (test-san), each strategy and the invalid corpus under valgrind
# (test-valgrind), then FUZZ_SECONDS of fuzzing the loader (fuzz).  Every pass
# runs even when one fails; the last line names the failed ones.
test check: test-deps
	@fail=""; \
	for pass in test-only test-layers test-install test-browser test-live test-san test-valgrind fuzz; do \
	  t0=$$(date +%s); \
	  $(MAKE) --no-print-directory -j$(TEST_JOBS) $$pass || fail="$$fail $$pass"; \
	  echo "make test: $$pass took $$(( $$(date +%s) - t0 )) s"; \
	done; \
	if [ -n "$$fail" ]; then echo "make test: FAILED:$$fail"; exit 1; fi; \
	echo "make test: every pass passed"

# Every suite runs even when one fails; the summary line counts them (each
# suite's output is in $(BUILD)/tests/logs too).
# As root, the tests first build stampede-mpi (installing Open MPI when
# missing) so the mpirun comparison runs; without it that test is skipped
# (and in the sanitizer pass).  STAMPEDE_SAN tells the suites they run
# sanitized (memory rlimits cannot be used then).
test-only: $(PROG) $(TEST_BIN)
	@if [ -z "$(SAN)" ] && [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory mpi || echo "stampede: no stampede-mpi: the mpirun test is skipped"; fi
	@STAMPEDE=$(abspath $(PROG)) SRCDIR=$(CURDIR) STAMPEDE_SAN=$(if $(SAN),1,0) CK_VERBOSITY=normal \
	  tests/suites.sh $(TEST_JOBS) $(BUILD)/tests/logs $(TEST_ORDER)

# Tools of the extra passes: valgrind, and clang with libFuzzer (gcc brings
# ASan and UBSan): scripts/deps.sh's group test.
FUZZ_CC ?= clang
test-deps: $(BUILD)/.test-deps
$(BUILD)/.test-deps: | $(BUILD)/.dir
	@$(DEPS_SH) test
	@touch $@

# The reports in a real browser: every bundled scenario run and plotted into
# $(BROWSER_DIR), and a small sweep with its charts and report.html, then tests/browser/check_reports.py opens each
# folder's report.html from disk in headless Chromium at 1280 and 800 pixels
# wide and fails when an image does not load, a relative link names no file,
# the page scrolls sideways, or a run report's headline table does not fit at
# 1280 (after checking, on pages made to break each rule, that it catches
# each).  Chromium, its driver and Selenium (Debian's python3) are in
# scripts/deps.sh's test group; the browser check is bounded by
# BROWSER_TIMEOUT seconds.
BROWSER_PYTHON ?= /usr/bin/python3
BROWSER_DIR := $(BUILD)/browser
BROWSER_TIMEOUT ?= 600
test-browser: $(PROG) $(BUILD)/.test-deps
	@rm -rf $(BROWSER_DIR); mkdir -p $(BROWSER_DIR); fail=0; \
	printf '%s\n' $(SCENARIOS) | xargs -P $(TEST_JOBS) -n 1 sh -c 'n=$$(basename "$$1" .json); \
	  { $(PROG) run "$$1" --quiet --out $(BROWSER_DIR)/$$n >/dev/null && $(PROG) plot $(BROWSER_DIR)/$$n >/dev/null; } \
	    || { echo "FAILED: run and plot $$1"; exit 1; }' sh || fail=1; \
	$(PROG) sweep scenarios/hot-key.json --vary xfetch.beta=0.5,4 --vary cache.ttl=10s,30s --replications 2 \
	  --minimize xfetch.peak_db_inflight --quiet --plot --out $(BROWSER_DIR)/sweep >/dev/null \
	  || { echo "FAILED: the sweep"; fail=1; }; \
	timeout -k 10 120 $(BROWSER_PYTHON) tests/browser/check_reports.py --self-test || fail=1; \
	timeout -k 10 $(BROWSER_TIMEOUT) $(BROWSER_PYTHON) tests/browser/check_reports.py --require $(BROWSER_DIR)/* || fail=1; \
	[ $$fail -eq 0 ]

# The whole suite again, built with ASan and UBSan in $(BUILD)/asan; any report
# fails it.  Check's per-test timeouts are tripled there (the code runs ~3x slower).
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
test-san:
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 CK_TIMEOUT_MULTIPLIER=3 \
	  $(MAKE) --no-print-directory BUILD=$(BUILD)/asan SAN="$(SAN_FLAGS)" test-only

# Memcheck on one run of each strategy (with --trace), on the loader's error
# paths (the invalid corpus) and on fit (a log with its report, and a bad
# log): no error, no definite or indirect leak.
STRATEGIES := $(patsubst sim/strategies/strat_%.c,%,$(wildcard sim/strategies/strat_*.c))
VALGRIND := valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet
test-valgrind: $(PROG) test-deps
	@rm -rf $(BUILD)/valgrind; mkdir -p $(BUILD)/valgrind; fail=0; \
	for s in $(STRATEGIES); do \
	  $(VALGRIND) $(PROG) run tests/data/valgrind.json --quiet --trace --set "strategies=[{\"name\": \"$$s\"}]" \
	    --out $(BUILD)/valgrind/$$s >/dev/null || { echo "FAILED: valgrind on strategy $$s"; fail=1; }; \
	done; \
	$(VALGRIND) $(PROG) validate tests/invalid/*.json >/dev/null 2>$(BUILD)/valgrind/corpus.err; \
	[ $$? -eq 2 ] || { grep -v '^stampede: ' $(BUILD)/valgrind/corpus.err; echo "FAILED: valgrind on the invalid corpus"; fail=1; }; \
	$(VALGRIND) $(PROG) fit tests/data/fit/access.csv --latencies tests/data/fit/latencies.csv \
	  --out $(BUILD)/valgrind/fit.json --report $(BUILD)/valgrind/fit >/dev/null || { echo "FAILED: valgrind on fit"; fail=1; }; \
	$(VALGRIND) $(PROG) fit tests/data/fit/unsorted.csv >/dev/null 2>$(BUILD)/valgrind/fit.err; \
	[ $$? -eq 2 ] || { cat $(BUILD)/valgrind/fit.err; echo "FAILED: valgrind on fit's bad log"; fail=1; }; \
	echo "valgrind: $(words $(STRATEGIES)) strategies, $(words $(wildcard tests/invalid/*.json)) invalid files and fit checked"; \
	[ $$fail -eq 0 ]

# libFuzzer, built with clang in $(BUILD)/fuzz, on three targets that share
# FUZZ_SECONDS (half, a fifth, three tenths): the loader and --set
# (tests/fuzz/fuzz_scenario.c; seeds: tests/fuzz/corpus, the bundled scenarios
# and the invalid corpus), the trace reader (fuzz_trace.c; tests/fuzz/trace_corpus)
# and the readers of the folders plot and merge are given (fuzz_folders.c;
# tests/fuzz/folder_corpus).  New inputs go to $(BUILD)/fuzz/corpus-NAME,
# crashes to $(BUILD)/fuzz/crash-*: each one found belongs in a test.
FUZZ_SECONDS ?= 60
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_TARGETS := scenario trace folders
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:sim/%.c=$(FUZZ_DIR)/sim/%.o)
FUZZ_OBJ := $(FUZZ_LIB_OBJ) $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%.o)
FUZZ_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(filter-out -Werror,$(WARN)) -O1 -g -pthread -MMD -MP -Isim $(PKG_CFLAGS) \
              -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
$(FUZZ_DIR)/sim/%.o: sim/%.c $(BUILD)/.deps $(BUILD)/.test-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(FUZZ_DIR)/fuzz_%.o: tests/fuzz/fuzz_%.c $(BUILD)/.deps $(BUILD)/.test-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -pthread -o $@ $^ $(PKG_LIBS)
# One target: NAME SECONDS MAX_LEN DICT SEEDS...
FUZZ_RUN = run_fuzz() { \
	  name=$$1 secs=$$2 len=$$3 dict=$$4; shift 4; \
	  rm -rf seeds-$$name; mkdir -p corpus-$$name seeds-$$name; cp "$$@" seeds-$$name/; \
	  ASAN_OPTIONS=detect_leaks=1 ./fuzz_$$name -max_total_time=$$secs -timeout=10 -rss_limit_mb=2048 -max_len=$$len \
	    $${dict:+-dict=$$dict} -print_final_stats=1 -artifact_prefix=$(abspath $(FUZZ_DIR))/ corpus-$$name seeds-$$name \
	    >fuzz-$$name.log 2>&1; \
	  st=$$?; echo "fuzz $$name ($$secs s):"; \
	  grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' fuzz-$$name.log; \
	  if [ $$st -ne 0 ]; then tail -40 fuzz-$$name.log; echo "FAILED: the fuzzer found a problem in $$name (input: $(FUZZ_DIR)/crash-* or leak-* / timeout-*)"; fi; \
	  return $$st; }
fuzz: $(FUZZ_BINS)
	@cd $(FUZZ_DIR) && rm -rf fuzz-folder-* && $(FUZZ_RUN); fail=0; \
	  run_fuzz scenario $$(( $(FUZZ_SECONDS) / 2 )) 16384 $(CURDIR)/tests/fuzz/scenario.dict \
	    $(CURDIR)/tests/fuzz/corpus/* $(addprefix $(CURDIR)/,$(SCENARIOS)) $(CURDIR)/tests/invalid/*.json || fail=1; \
	  run_fuzz trace $$(( $(FUZZ_SECONDS) / 5 )) 16384 "" $(CURDIR)/tests/fuzz/trace_corpus/* || fail=1; \
	  run_fuzz folders $$(( $(FUZZ_SECONDS) * 3 / 10 )) 65536 $(CURDIR)/tests/fuzz/folders.dict \
	    $(CURDIR)/tests/fuzz/folder_corpus/* || fail=1; \
	  rm -rf fuzz-folder-*; exit $$fail

# Runs every bundled scenario, then draws its charts; then fits a scenario to
# the bundled trace (stampede fit) with its report.
run: $(PROG) $(BUILD)/.deps
	@for s in $(SCENARIOS); do \
	  n=$$(basename $$s .json); \
	  echo "== $$s"; $(PROG) run $$s --quiet --out results/$$n || exit 1; \
	  $(PROG) plot results/$$n || exit 1; \
	done
	@echo "== stampede fit scenarios/traces/shop-90s.csv"; \
	$(PROG) fit scenarios/traces/shop-90s.csv --quiet --out results/fit-shop-90s.json --report results/fit-shop-90s || exit 1
	@echo "charts and report.html are in results/<name>/ for each scenario; the fit of traces/shop-90s.csv in results/fit-shop-90s/"

# The benchmark suite (issue 6): prints a table, writes results/bench/bench.json.
# A measurement, not a test: exits 0 when a target fails (BENCH_ARGS="--only ad").
BENCH := $(BUILD)/bench
$(BUILD)/bench.o: tests/bench/bench.c $(BUILD)/.deps $(BUILD)/.cflags
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BENCH): $(BUILD)/bench.o $(BUILD)/libstampede.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

bench: $(PROG) $(BENCH)
	@mkdir -p results/bench
	$(BENCH) --stampede $(PROG) --json results/bench/bench.json \
	  --git "$$(git describe --always --dirty 2>/dev/null || echo unknown)" $(BENCH_ARGS)

# stampede-mpi: `mpirun -n N stampede-mpi sweep ...` (the same sweep over MPI
# ranks).  Open MPI comes through scripts/deps.sh mpi.
MPICC    ?= mpicc
MPI_PROG := $(BUILD)/stampede-mpi

mpi: $(MPI_PROG)
$(BUILD)/.mpi-deps: | $(BUILD)/.dir
	@$(DEPS_SH) mpi
	@touch $@

$(BUILD)/sim/cli/mpi_main.o: sim/cli/mpi_main.c $(BUILD)/.deps $(BUILD)/.mpi-deps
	@mkdir -p $(@D)
	$(MPICC) $(ALL_CFLAGS) -c $< -o $@

# stampede-mpi shares the command line's usage texts and signal handling.
MPI_CLI_OBJ := $(addprefix $(BUILD)/sim/cli/,usage.o signals.o cli.o sweep_args.o cmd_sweep.o)
$(MPI_PROG): $(BUILD)/sim/cli/mpi_main.o $(MPI_CLI_OBJ) $(BUILD)/libstampede.a
	$(MPICC) $(CFLAGS) $(LTO) $(SAN) -o $@ $^ $(PKG_LIBS)

# The bundled sweep (issue 5): which xfetch beta and cache TTL keep the peak DB
# load of scenarios/hot-key.json lowest while p99 latency stays at the cache's
# own 2.5 ms, 10 replications per point; writes results/hot-key-sweep/ with charts.
SWEEP_OUT ?= results/hot-key-sweep
SWEEP_ARGS ?=
sweep: $(PROG)
	$(PROG) sweep scenarios/hot-key.json --vary strategies.3.beta=0.25:16:x7 --vary cache.ttl=10s,30s,60s \
	  --replications 10 --minimize xfetch.peak_db_inflight --subject-to 'xfetch.p99<=0.0025' \
	  --out $(SWEEP_OUT) --plot $(SWEEP_ARGS)

# stampede live (issue 17): the same scenario against a real Redis and
# PostgreSQL.  A separate program, build/stampede-live, so that `make` and
# `make run` need neither hiredis nor libpq; `stampede live ...` runs it from
# beside the stampede program.  live-deps installs the libraries and both
# servers when missing and root (else prints the line); `make live` runs the
# bundled one-key scenario under every strategy with --compare on a throwaway
# Redis and PostgreSQL (Unix sockets in a temporary folder, stopped on exit,
# failure or interrupt) and prints the agreement table.
LIVE_PKGS     := hiredis libpq
LIVE_SRC      := $(wildcard sim/live/*.c) sim/cli/live_main.c
LIVE_OBJ      := $(LIVE_SRC:sim/%.c=$(BUILD)/sim/%.o)
LIVE_PROG     := $(BUILD)/stampede-live
LIVE_CFLAGS    = $(shell pkg-config --cflags $(LIVE_PKGS) 2>/dev/null)
LIVE_LIBS      = $(shell pkg-config --libs $(LIVE_PKGS) 2>/dev/null)
LIVE_SCENARIO ?= scenarios/live-hot-key.json
LIVE_OUT      ?= results/live-hot-key-live
LIVE_ARGS     ?=
LIVE_STACK    := tests/live/stack.sh

live-deps: $(BUILD)/.live-deps
$(BUILD)/.live-deps: | $(BUILD)/.dir
	@$(DEPS_SH) live
	@touch $@

$(LIVE_OBJ): $(BUILD)/.live-deps
$(LIVE_OBJ): ALL_CFLAGS += $(LIVE_CFLAGS)
# stampede-live shares the command line's run options, usage texts and signals.
LIVE_CLI_OBJ := $(addprefix $(BUILD)/sim/cli/,cli.o run_args.o usage.o signals.o)
$(LIVE_PROG): $(LIVE_OBJ) $(LIVE_CLI_OBJ) $(BUILD)/libstampede.a
	$(CC) $(CFLAGS) $(LTO) $(SAN) -o $@ $^ $(LIVE_LIBS) $(PKG_LIBS)

live-bin: $(PROG) $(LIVE_PROG)

live: $(PROG) $(LIVE_PROG)
	@$(LIVE_STACK) sh -c '$(LIVE_PROG) $(LIVE_SCENARIO) --redis "$$STAMPEDE_LIVE_REDIS" --postgres "$$STAMPEDE_LIVE_PG" --compare --out $(LIVE_OUT) $(LIVE_ARGS)'
	@$(PROG) plot $(LIVE_OUT) >/dev/null && echo "charts and report.html: $(LIVE_OUT)/"

# The short live check (tests/live/check_live.c), on its own throwaway servers.
LIVE_TEST := $(BUILD)/tests/live/check_live
$(BUILD)/tests/live/check_live.o: tests/live/check_live.c $(BUILD)/.deps $(BUILD)/.cflags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests -c $< -o $@
$(LIVE_TEST): $(BUILD)/tests/live/check_live.o $(TEST_COMMON) $(BUILD)/libstampede.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)
# The live driver is also built with ASan and UBSan (in $(BUILD)/asan, as
# test-san builds the rest) and run once on every strategy and the faults.
test-live: $(PROG) $(LIVE_PROG) $(LIVE_TEST)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SAN="$(SAN_FLAGS)" $(BUILD)/asan/stampede-live
	@STAMPEDE=$(abspath $(PROG)) STAMPEDE_LIVE_ASAN=$(abspath $(BUILD)/asan/stampede-live) SRCDIR=$(CURDIR) \
	  CK_VERBOSITY=normal $(LIVE_STACK) $(LIVE_TEST)

# The manual page stampede(1), made from the usage texts --help prints
# (tools/man.c is linked with sim/cli/usage.c).
MAN := $(BUILD)/stampede.1
$(BUILD)/tools/man: tools/man.c $(BUILD)/sim/cli/usage.o $(BUILD)/.cflags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tools/man.c $(BUILD)/sim/cli/usage.o
$(MAN): $(BUILD)/tools/man
	$(BUILD)/tools/man > $@.tmp && mv $@.tmp $@
man: $(MAN)

# make install [PREFIX=/usr/local] [DESTDIR=]: the program (stampede-live and
# stampede-mpi too when they are built), the chart templates in
# $(PREFIX)/share/stampede/plots where the installed program finds them
# beside itself, and stampede(1).  make uninstall removes them.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/stampede
MANDIR  ?= $(PREFIX)/share/man/man1
INSTALL ?= install
install: $(PROG) $(MAN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/plots $(DESTDIR)$(MANDIR)
	$(INSTALL) -m 755 $(PROG) $(DESTDIR)$(BINDIR)/stampede
	@for p in $(LIVE_PROG) $(MPI_PROG); do \
	  if [ -x $$p ]; then echo "$(INSTALL) -m 755 $$p $(DESTDIR)$(BINDIR)/"; $(INSTALL) -m 755 $$p $(DESTDIR)$(BINDIR)/ || exit 1; fi; \
	done
	$(INSTALL) -m 644 $(wildcard plots/*.gp) $(DESTDIR)$(DATADIR)/plots/
	$(INSTALL) -m 644 $(MAN) $(DESTDIR)$(MANDIR)/stampede.1
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stampede $(DESTDIR)$(BINDIR)/stampede-live $(DESTDIR)$(BINDIR)/stampede-mpi \
	  $(DESTDIR)$(MANDIR)/stampede.1
	rm -rf $(DESTDIR)$(DATADIR)

# The layers point one way (tests/layers.sh: includes, links and cycles
# between the folders of sim/ and between modules; header names).  The
# pending exceptions belong to work in progress and are printed on every
# run (none now).
LAYERS_PENDING ?=
test-layers: $(PROG)
	@LAYERS_PENDING="$(LAYERS_PENDING)" CC="$(CC)" tests/layers.sh $(BUILD) $(LIB_OBJ) $(CLI_OBJ) $(BUILD)/sim/cli/main.o

# Installs into a temporary DESTDIR and runs the installed program there: a
# run, and plot on its folder with the installed templates (no source tree
# in reach), and the installed manual page.
test-install: $(PROG) $(MAN)
	@tests/install.sh

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BUILD)/sim/cli/main.d $(BUILD)/sim/cli/mpi_main.d $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.d) $(TEST_COMMON:.o=.d) $(TEST_MAIN:.o=.d)
-include $(BUILD)/bench.d
-include $(LIVE_OBJ:.o=.d) $(BUILD)/tests/live/check_live.d
-include $(FUZZ_OBJ:.o=.d)
