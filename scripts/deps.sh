#!/bin/sh
# deps.sh - the one place stampede's build, tests and extra programs get
# their Debian packages.  Usage: scripts/deps.sh GROUP...
#
#   build  the library and the program: GSL, cJSON, Check, gnuplot, pkg-config
#   test   the extra test passes: valgrind, clang with libFuzzer (FUZZ_CC),
#          headless Chromium with its driver and Selenium (Debian's python3)
#   mpi    stampede-mpi: Open MPI (MPICC, mpirun)
#   live   stampede-live and make live: hiredis, libpq, Redis and PostgreSQL
#
# For each group, what is missing is checked first.  When something is
# missing: as root, the group's packages are installed with apt-get (its log
# in $DEPS_LOG_DIR/apt-GROUP.log, shown on failure); otherwise the line to
# install them is printed and the script fails.  Exit status 0 when every
# group is complete, 1 otherwise, 2 on a group it does not know.
set -u

LOG_DIR=${DEPS_LOG_DIR:-build}
FUZZ_CC=${FUZZ_CC:-clang}
MPICC=${MPICC:-mpicc}

has() { command -v "$1" >/dev/null 2>&1; }
pkgs_of() {
    case $1 in
    build) echo "libgsl-dev libcjson-dev check gnuplot-nox pkg-config" ;;
    test)  echo "valgrind clang libclang-rt-dev chromium chromium-driver python3-selenium" ;;
    mpi)   echo "libopenmpi-dev openmpi-bin" ;;
    live)  echo "libhiredis-dev libpq-dev redis-server postgresql" ;;
    *)     return 1 ;;
    esac
}
what_of() {
    case $1 in
    build) echo "missing packages" ;;
    test)  echo "the test passes need more tools" ;;
    mpi)   echo "Open MPI is missing" ;;
    live)  echo "stampede live needs more packages" ;;
    esac
}
# 0 when the group is complete.
complete() {
    case $1 in
    build)
        has pkg-config || return 1
        for p in gsl libcjson check; do pkg-config --exists "$p" 2>/dev/null || return 1; done
        has gnuplot ;;
    test)
        has valgrind && has "$FUZZ_CC" || return 1
        has chromium && { has chromedriver || [ -x /usr/lib/chromium/chromedriver ]; } || return 1
        /usr/bin/python3 -c 'import selenium' >/dev/null 2>&1 || return 1
        ls "$("$FUZZ_CC" -print-resource-dir 2>/dev/null)"/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ;;
    mpi)
        has "$MPICC" && has mpirun ;;
    live)
        pkg-config --exists hiredis libpq 2>/dev/null && has redis-server || return 1
        { ls /usr/lib/postgresql/*/bin/initdb || has initdb; } >/dev/null 2>&1 ;;
    esac
}

[ $# -gt 0 ] || { echo "usage: scripts/deps.sh build|test|mpi|live..." >&2; exit 2; }
status=0
for g in "$@"; do
    pkgs=$(pkgs_of "$g") || { echo "stampede: deps.sh: unknown group \"$g\" (build, test, mpi, live)" >&2; exit 2; }
    complete "$g" && continue
    if [ "$(id -u)" = 0 ]; then
        echo "stampede: installing $pkgs"
        mkdir -p "$LOG_DIR"
        log=$LOG_DIR/apt-$g.log
        # $pkgs is a list of words on purpose.
        # shellcheck disable=SC2086
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs; } >"$log" 2>&1; then
            cat "$log"
            echo "stampede: apt-get failed; install: $pkgs"
            status=1
        fi
    else
        echo "stampede: $(what_of "$g"); install them with:"
        echo "  sudo apt-get install $pkgs"
        status=1
    fi
done
exit $status
