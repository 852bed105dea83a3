# stampede - a discrete-event simulator of cache stampedes.
# Targets: all (default), run, test, bench, clean.  Build output goes to $(BUILD).

BUILD   ?= build
CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifdef CI
WARN    += -Werror
endif
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(SAN) -MMD -MP $(PKG_CFLAGS)
PKGS    := gsl libcjson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

# Debian packages the build, the tests and the charts need.
DEB_PKGS := libgsl-dev libcjson-dev check gnuplot-nox pkg-config

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_OBJ  := $(LIB_SRC:sim/%.c=$(BUILD)/sim/%.o)
TEST_SRC := $(wildcard tests/check_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_COMMON := $(BUILD)/tests/testutil.o
PROG     := $(BUILD)/stampede
SCENARIOS := $(wildcard scenarios/*.json)

.PHONY: all run test check bench clean deps sanitize
.SECONDARY:
.DEFAULT_GOAL := all

all: $(PROG)

# Installs what is missing when run as root; otherwise says what to install.
deps: $(BUILD)/.deps
$(BUILD)/.deps:
	@missing=""; \
	for p in gsl libcjson check; do pkg-config --exists $$p 2>/dev/null || missing=1; done; \
	command -v pkg-config >/dev/null 2>&1 || missing=1; \
	command -v gnuplot >/dev/null 2>&1 || missing=1; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "stampede: installing $(DEB_PKGS)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PKGS)) >$(BUILD)/apt.log 2>&1 \
	      || { cat $(BUILD)/apt.log; echo "stampede: apt-get failed; install: $(DEB_PKGS)"; exit 1; }; \
	  else \
	    echo "stampede: missing packages; install them with:"; \
	    echo "  sudo apt-get install $(DEB_PKGS)"; exit 1; \
	  fi; \
	fi; \
	mkdir -p $(BUILD); touch $@
$(BUILD)/.deps: | $(BUILD)/.dir
$(BUILD)/.dir:
	@mkdir -p $(BUILD)/sim $(BUILD)/tests && touch $@

$(BUILD)/sim/%.o: sim/%.c $(BUILD)/.deps
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libstampede.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(PROG): $(BUILD)/sim/main.o $(BUILD)/libstampede.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/.deps
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Isim -c $< -o $@

$(BUILD)/tests/check_%: $(BUILD)/tests/check_%.o $(TEST_COMMON) $(BUILD)/libstampede.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(CHECK_LIBS) $(PKG_LIBS)

# Every suite runs even when one fails; the summary line counts them.
test check: $(PROG) $(TEST_BIN)
	@pass=0; fail=0; \
	for t in $(TEST_BIN); do \
	  if STAMPEDE=$(abspath $(PROG)) SRCDIR=$(CURDIR) CK_VERBOSITY=normal $$t; then pass=$$((pass+1)); else fail=$$((fail+1)); echo "FAILED: $$t"; fi; \
	done; \
	echo "suites: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# Runs every bundled scenario, then draws its charts.
run: $(PROG)
	@for s in $(SCENARIOS); do \
	  echo "== $$s"; $(PROG) run $$s --quiet || exit 1; \
	done

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(BUILD)/sim/main.d $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.d) $(TEST_COMMON:.o=.d)
