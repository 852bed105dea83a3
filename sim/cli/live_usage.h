/* live_usage.h - the help of `stampede live`, shown by stampede-live and by
 * stampede itself when the live driver is not built. */
#ifndef STAMPEDE_LIVE_USAGE_H
#define STAMPEDE_LIVE_USAGE_H

static const char *const usage_live =
    "usage: stampede live SCENARIO.json --redis URL --postgres CONNINFO [options]\n"
    "\n"
    "Sends the scenario's own requests (the simulator's arrival times, keys and\n"
    "nodes) in real time to a real Redis, the cache, and PostgreSQL, the database,\n"
    "under each strategy, and writes the same results folder as `stampede run`\n"
    "(summary.json says \"mode\": \"live\").  Each DB query is a pg_sleep of a\n"
    "duration drawn from db.latency plus a read of a row, on db.workers\n"
    "connections; the strategies work as production code does them.\n"
    "\n"
    "Never point it at production: it loads the database with sleeping queries,\n"
    "writes keys to Redis and, for a cache_flush fault, runs FLUSHDB.\n"
    "\n"
    "options:\n"
    "  --redis URL          redis://[[user]:password@]host[:port][/db],\n"
    "                       unix://[[user]:password@]/path/to/redis.sock[?db=N], or a socket path\n"
    "  --postgres CONNINFO  a libpq connection string (\"host=/run/pg dbname=x user=y\") or URI\n"
    "  --compare            also simulate the scenario, with the cache latency set to the\n"
    "                       Redis round trips measured, and write agreement.csv and sim/\n"
    "  --strategy L[,L...]  run only these strategy labels (default: all in the file)\n"
    "  --set PATH=VALUE     override a field by dotted path (as for run); repeatable\n"
    "  --seed N             the master seed (overrides the file's)\n"
    "  --out DIR            results folder (default results/<name>-live/)\n"
    "  --trace              also write <label>/requests.csv and <label>/db.csv\n"
    "  --max-drain D        how long work may go on after duration (default 60s, and\n"
    "                       never beyond the scenario's drain); beyond, the run fails\n"
    "  --quiet              no progress on stderr\n"
    "  --force              run beyond the live limits (20,000 requests/s, one hour)\n"
    "  --help               this text\n"
    "\n"
    "What cannot run live is refused (exit status 2): USL overload, the overload\n"
    "controls (db.queue_timeout, db.statement_timeout, clients.cancel,\n"
    "clients.retries.budget), db.workers \"unlimited\", more than 1000 workers or\n"
    "1000000 keys.  A request's latency\n"
    "counts from when it was really sent; how late it left against its schedule\n"
    "is reported apart (summary.json \"live\".\"lag\").\n";

#endif
