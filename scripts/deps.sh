#!/usr/bin/env bash
# Local dependencies for tests, benchmarks and the demo: MariaDB (Debian's mariadb-server, run
# directly, not as a system service), Azurite (Blob/Queue/Table emulator) and DuckDB (Node API).
# Every verb is idempotent and quick when the work is already done.
#
#   scripts/deps.sh install                 apt/npm installs, only what is missing
#   scripts/deps.sh up [mariadb|azurite]    install, then start (reuses running servers)
#   scripts/deps.sh down [mariadb|azurite]  stop what runs from this checkout
#   scripts/deps.sh status                  one line per dependency
#   scripts/deps.sh env                     connection settings as shell assignments
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="${SERVERLESS_DEPS_DIR:-$ROOT/.deps}"
MARIADB_PORT="${SERVERLESS_MARIADB_PORT:-13306}"
AZURITE_BLOB_PORT="${SERVERLESS_AZURITE_BLOB_PORT:-10000}"
AZURITE_QUEUE_PORT="${SERVERLESS_AZURITE_QUEUE_PORT:-10001}"
AZURITE_TABLE_PORT="${SERVERLESS_AZURITE_TABLE_PORT:-10002}"
MARIADB_DIR="$DEPS/mariadb"
# Memory and redo-log sizes; tests that start private servers set them smaller so start-up stays quick.
#   SERVERLESS_MARIADB_BUFFER_POOL (default 1G), SERVERLESS_MARIADB_REDO_LOG (default 512M)
#   SERVERLESS_MARIADB_SERVER_ID (default 1; a private server replicating another needs its own)
# A Unix socket path must stay under ~108 bytes, so it lives in /tmp rather than under a deep checkout.
MARIADB_SOCKET="${SERVERLESS_MARIADB_SOCKET:-/tmp/serverless-cdc-mariadb-$MARIADB_PORT.sock}"
AZURITE_DIR="$DEPS/azurite"
TOOLS="$ROOT/tools"

log() { printf '[deps] %s\n' "$*" >&2; }
die() { printf '[deps] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "installing packages needs root: run '$*' as root, then try again"; fi
}

install_mariadb() {
  if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then return; fi
  log "installing Debian's mariadb-server and mariadb-client (once)"
  as_root apt-get update -qq >/dev/null
  # policy-rc.d keeps the package from starting a system service: we start our own server.
  as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq mariadb-server mariadb-client >/dev/null
  command -v mariadb >/dev/null || die "mariadb-client did not install"
}

install_node_tools() {
  command -v node >/dev/null || die "Node.js is needed for Azurite and DuckDB: install nodejs (20+) and npm"
  if [ -f "$TOOLS/node_modules/.package-lock.json" ] && [ "$TOOLS/node_modules/.package-lock.json" -nt "$TOOLS/package-lock.json" ]; then return; fi
  log "installing Azurite and @duckdb/node-api from tools/package-lock.json (once)"
  # `npm install` rather than `npm ci`: the lockfile pins every version, but npm ci rejects it for
  # lacking DuckDB's optional bindings for other platforms, which a Linux install never records.
  (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
}

install() { install_mariadb; install_node_tools; }

mariadbd_bin() { command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd; }

mariadb_running() { [ -f "$MARIADB_DIR/mariadbd.pid" ] && kill -0 "$(cat "$MARIADB_DIR/mariadbd.pid")" 2>/dev/null; }

mariadb_sql() { mariadb --no-defaults --protocol=socket --socket="$MARIADB_SOCKET" -uroot "$@"; }

up_mariadb() {
  install_mariadb
  if mariadb_running; then return; fi
  if port_open "$MARIADB_PORT"; then die "port $MARIADB_PORT is taken by another program: stop it or set SERVERLESS_MARIADB_PORT"; fi
  mkdir -p "$MARIADB_DIR/binlog" "$MARIADB_DIR/tmp"
  if [ ! -d "$MARIADB_DIR/data/mysql" ]; then
    log "initialising MariaDB data directory in $MARIADB_DIR/data"
    rm -rf "$MARIADB_DIR/data"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$MARIADB_DIR/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$MARIADB_DIR/install.log" 2>&1 \
      || { cat "$MARIADB_DIR/install.log" >&2; die "mariadb-install-db failed (log above)"; }
  fi
  log "starting MariaDB on 127.0.0.1:$MARIADB_PORT (ROW binlog, FULL row image and metadata)"
  # --user is needed only when running as root; mariadbd refuses root otherwise.
  nohup "$(mariadbd_bin)" --no-defaults --user="$(id -un)" \
    --datadir="$MARIADB_DIR/data" --tmpdir="$MARIADB_DIR/tmp" \
    --port="$MARIADB_PORT" --bind-address=127.0.0.1 --socket="$MARIADB_SOCKET" \
    --pid-file="$MARIADB_DIR/mariadbd.pid" --log-error="$MARIADB_DIR/error.log" \
    --server-id="${SERVERLESS_MARIADB_SERVER_ID:-1}" --log-bin="$MARIADB_DIR/binlog/mariadb-bin" --log-slave-updates \
    --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL \
    --binlog-checksum=CRC32 --max-allowed-packet=1G --max-connections=500 \
    --innodb-buffer-pool-size="${SERVERLESS_MARIADB_BUFFER_POOL:-1G}" --innodb-log-file-size="${SERVERLESS_MARIADB_REDO_LOG:-512M}" --innodb-flush-log-at-trx-commit=2 \
    --sync-binlog=0 --skip-name-resolve --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_unicode_ci --expire-logs-days=2 \
    >"$MARIADB_DIR/stdout.log" 2>&1 9>&- &
  for _ in $(seq 1 300); do
    if mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" -uroot ping >/dev/null 2>&1; then break; fi
    if ! kill -0 $! 2>/dev/null; then tail -20 "$MARIADB_DIR/error.log" >&2 || true; die "mariadbd exited during start-up (log above)"; fi
    sleep 0.1
  done
  mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" -uroot ping >/dev/null 2>&1 || die "MariaDB did not answer within 30 s; see $MARIADB_DIR/error.log"
  # Users: 'serverless' for tests and the demo (all privileges), 'cdc_repl' with only what capture needs.
  mariadb_sql <<'SQL'
CREATE USER IF NOT EXISTS 'serverless'@'%' IDENTIFIED BY 'serverless';
GRANT ALL PRIVILEGES ON *.* TO 'serverless'@'%' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'cdc_repl'@'%' IDENTIFIED BY 'cdc_repl';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, REPLICATION CLIENT ON *.* TO 'cdc_repl'@'%';
FLUSH PRIVILEGES;
SQL
}

down_mariadb() {
  if ! mariadb_running; then return; fi
  local pid; pid="$(cat "$MARIADB_DIR/mariadbd.pid")"
  log "stopping MariaDB (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$MARIADB_DIR/mariadbd.pid"
}

azurite_running() { [ -f "$AZURITE_DIR/azurite.pid" ] && kill -0 "$(cat "$AZURITE_DIR/azurite.pid")" 2>/dev/null; }

up_azurite() {
  install_node_tools
  if azurite_running; then return; fi
  if port_open "$AZURITE_BLOB_PORT"; then die "port $AZURITE_BLOB_PORT is taken by another program: stop it or set SERVERLESS_AZURITE_BLOB_PORT"; fi
  mkdir -p "$AZURITE_DIR/data"
  log "starting Azurite on 127.0.0.1:$AZURITE_BLOB_PORT (blob), :$AZURITE_QUEUE_PORT (queue), :$AZURITE_TABLE_PORT (table)"
  nohup node "$TOOLS/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck --loose \
    --location "$AZURITE_DIR/data" \
    --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" \
    --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" \
    >"$AZURITE_DIR/azurite.log" 2>&1 9>&- &
  echo $! >"$AZURITE_DIR/azurite.pid"
  for _ in $(seq 1 300); do
    if port_open "$AZURITE_BLOB_PORT" && port_open "$AZURITE_TABLE_PORT"; then return; fi
    if ! kill -0 "$(cat "$AZURITE_DIR/azurite.pid")" 2>/dev/null; then cat "$AZURITE_DIR/azurite.log" >&2; die "Azurite exited during start-up (log above)"; fi
    sleep 0.1
  done
  die "Azurite did not open its ports within 30 s; see $AZURITE_DIR/azurite.log"
}

down_azurite() {
  if ! azurite_running; then return; fi
  local pid; pid="$(cat "$AZURITE_DIR/azurite.pid")"
  log "stopping Azurite (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$AZURITE_DIR/azurite.pid"
}

status() {
  if mariadb_running; then echo "mariadb  running  127.0.0.1:$MARIADB_PORT  pid $(cat "$MARIADB_DIR/mariadbd.pid")"; else echo "mariadb  stopped"; fi
  if azurite_running; then echo "azurite  running  127.0.0.1:$AZURITE_BLOB_PORT/$AZURITE_QUEUE_PORT/$AZURITE_TABLE_PORT  pid $(cat "$AZURITE_DIR/azurite.pid")"; else echo "azurite  stopped"; fi
  if [ -d "$TOOLS/node_modules/@duckdb/node-api" ]; then echo "duckdb   installed  tools/node_modules/@duckdb/node-api"; else echo "duckdb   missing"; fi
}

env_vars() {
  cat <<ENV
SERVERLESS_MARIADB_HOST=127.0.0.1
SERVERLESS_MARIADB_PORT=$MARIADB_PORT
SERVERLESS_MARIADB_SOCKET=$MARIADB_SOCKET
SERVERLESS_AZURITE_BLOB_PORT=$AZURITE_BLOB_PORT
SERVERLESS_AZURITE_TABLE_PORT=$AZURITE_TABLE_PORT
ENV
}

with_lock() { mkdir -p "$DEPS"; exec 9>"$DEPS/deps.lock"; flock 9; "$@"; }

verb="${1:-status}"; what="${2:-all}"
case "$verb" in
  install) with_lock install ;;
  up)
    case "$what" in
      all) with_lock up_mariadb; with_lock up_azurite ;;
      mariadb) with_lock up_mariadb ;;
      azurite) with_lock up_azurite ;;
      duckdb) with_lock install_node_tools ;;
      *) die "unknown dependency '$what': use mariadb, azurite, duckdb or nothing for all" ;;
    esac ;;
  down)
    case "$what" in
      all) with_lock down_mariadb; with_lock down_azurite ;;
      mariadb) with_lock down_mariadb ;;
      azurite) with_lock down_azurite ;;
      *) die "unknown dependency '$what': use mariadb, azurite or nothing for all" ;;
    esac ;;
  status) status ;;
  running) case "$what" in mariadb) mariadb_running ;; azurite) azurite_running ;; *) die "running needs mariadb or azurite" ;; esac ;;
  env) env_vars ;;
  *) die "unknown verb '$verb': use install, up, down, status or env" ;;
esac
