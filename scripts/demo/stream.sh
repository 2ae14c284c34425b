#!/usr/bin/env bash
# The streaming half of ./run demo, after the sample database is loaded:
#   1. serverless run --until-caught-up   snapshot, then every change up to the binlog's end at that moment
#   2. a live workload (workload.sql) while `serverless run` streams it into the lake; stopped with SIGINT when the
#      workload is done, as Ctrl-C would (exit 130; the next run resumes)
#   3. serverless run --until-caught-up   resumes and applies whatever the stopped run had not committed
#   4. serverless verify                  the source and the lake compared by key-range checksums (exit 0: equal)
# Usage: scripts/demo/stream.sh CLI JOB_SPEC DATABASE   (MariaDB on 127.0.0.1:$SERVERLESS_MARIADB_PORT, default 13306)
set -euo pipefail
cli="$1" job="$2" db="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mysql=(mariadb --no-defaults -h127.0.0.1 -P"${SERVERLESS_MARIADB_PORT:-13306}" -userverless -pserverless)

echo "[demo] 1/4 snapshot and catch-up: serverless run --until-caught-up --job $job"
"$cli" run --until-caught-up --job "$job"

echo "[demo] 2/4 live workload on $db (200 transactions, ~8,000 row changes) while 'serverless run' streams them"
log="$(mktemp)"
"${mysql[@]}" "$db" <"$here/workload.sql" >"$log" 2>&1 &
workload=$!
# A process started in the background by a script inherits SIGINT ignored; env puts the default back, so the stop below
# (and a Ctrl-C on the terminal) reaches the CLI as Ctrl-C would.
env --default-signal=INT "$cli" run --job "$job" &
run=$!
trap 'kill -INT "$run" 2>/dev/null || true; kill "$workload" 2>/dev/null || true; wait "$run" || true; exit 130' INT TERM
if ! wait "$workload"; then
  kill -INT "$run" 2>/dev/null || true
  wait "$run" || true
  echo "[demo] the workload failed:" >&2
  cat "$log" >&2
  exit 1
fi
rm -f "$log"
kill -INT "$run"
rc=0
wait "$run" || rc=$?
trap - INT TERM
if [ "$rc" -ne 130 ] && [ "$rc" -ne 0 ]; then
  echo "[demo] the streaming run ended with exit code $rc" >&2
  exit "$rc"
fi

echo "[demo] 3/4 the rest of the workload: serverless run --until-caught-up (resumes where the stopped run ended)"
"$cli" run --until-caught-up --job "$job"

echo "[demo] 4/4 source and lake compared: serverless verify"
"$cli" verify --job "$job"
