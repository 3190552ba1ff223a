#!/usr/bin/env bash
# The join benchmark of issue 3, in one command. See ops/bench/README.md.
#
#   ops/bench/join-bench.sh [--quick] [--fsync on|off] [--wait-idle S] [generator flags, e.g. --duration 30]
#
# Builds the jar if it is missing or older than the sources, starts a throwaway Redis and PostgreSQL (in a
# temporary folder, deleted after) and one Linli node with the row-lock baseline mounted, runs the load generator
# (warm-up, (a), (b), (c), invariants) and prints one markdown table. Everything it started is stopped on exit,
# Ctrl-C included.
#
# Environment: LINLI_* variables (e.g. LINLI_DB_POOL_SIZE) reach the node; NODE_JAVA_OPTS and GEN_JAVA_OPTS are
# added to the node's (started by ops/bin/linli, as the product is) and the generator's java command lines
# (e.g. NODE_JAVA_OPTS=-XX:StartFlightRecording=...).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="${LINLI_BENCH_JAR:-$ROOT/ops/target/linli.jar}"
FSYNC=on
WAIT_IDLE=120
GEN_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --fsync) FSYNC="${2:?--fsync takes on or off}"; shift 2 ;;
    --wait-idle) WAIT_IDLE="${2:?--wait-idle takes seconds}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) GEN_ARGS+=("$1"); shift ;;
  esac
done
case "$FSYNC" in
  on) MODE=durable ;;
  off) MODE=throwaway ;;
  *) echo "join-bench: --fsync takes on or off" >&2; exit 2 ;;
esac

log() { echo "[join-bench] $*"; }

# --- build if needed -------------------------------------------------------------------------------------------
if [[ -z "${LINLI_BENCH_JAR:-}" ]]; then
  if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT" -path '*/target' -prune -o \( -name '*.java' -o -name '*.lua' \
      -o -name '*.sql' -o -name '*.yaml' -o -name 'pom.xml' \) -newer "$JAR" -print -quit)" ]]; then
    log "building $JAR"
    # clean: a class or migration deleted from the sources must not stay in target/ and in the jar measured
    (cd "$ROOT" && { mvn -q -B -o clean package -DskipTests || mvn -q -B clean package -DskipTests; })
  fi
fi

# --- everything we start, and how it stops ---------------------------------------------------------------------
WORK="$(mktemp -d /tmp/linli-join-bench.XXXXXX)"
chmod 755 "$WORK"   # PostgreSQL runs as the postgres user when we are root: it must reach its folder
SERVICES_PID=""
NODE_PID=""
GEN_PID=""

stop() {
  local pid="$1" name="$2"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    log "$name did not stop in 20 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop "$GEN_PID" "load generator"
  stop "$NODE_PID" "node"
  stop "$SERVICES_PID" "Redis and PostgreSQL"
  if [[ $status -ne 0 && -f "$WORK/node.log" ]]; then
    log "last lines of the node's log:"
    tail -n 30 "$WORK/node.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a quiet machine ---------------------------------------------------------------------------------------------
# Everything shares a few cores: a build or a test suite running beside the benchmark skews every number. Wait (up
# to --wait-idle seconds) until the machine is at least 80% idle over 3 s; the report shows what "other" processes
# took during each window anyway.
idle_percent() {
  local a b
  read -r -a a < <(head -1 /proc/stat)
  sleep 3
  read -r -a b < <(head -1 /proc/stat)
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(( total == 0 ? 100 : 100 * (b[4] + b[5] - a[4] - a[5]) / total ))
}
waited=0
while true; do
  idle=$(idle_percent)
  [[ $idle -ge 80 ]] && break
  if [[ $waited -ge $WAIT_IDLE ]]; then
    log "WARNING: the machine is only ${idle}% idle; other processes will skew the numbers"
    break
  fi
  [[ $waited -eq 0 ]] && log "the machine is ${idle}% idle; waiting up to ${WAIT_IDLE} s for it to quieten"
  waited=$((waited + 3))
done

# --- machine -----------------------------------------------------------------------------------------------------
log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- Redis and PostgreSQL ----------------------------------------------------------------------------------------
log "starting Redis and PostgreSQL in $WORK ($MODE: fsync $FSYNC)"
java -cp "$JAR" io.linli.ops.bench.BenchServices "$WORK/data" "$MODE" "$WORK/services.env" \
  >"$WORK/services.log" 2>&1 &
SERVICES_PID=$!
for _ in $(seq 1 600); do
  [[ -f "$WORK/services.env" ]] && break
  kill -0 "$SERVICES_PID" 2>/dev/null || { cat "$WORK/services.log" >&2; exit 1; }
  sleep 0.2
done
[[ -f "$WORK/services.env" ]] || { log "Redis and PostgreSQL did not start in 120 s"; exit 1; }
# shellcheck disable=SC1091
source "$WORK/services.env"

# --- the node ----------------------------------------------------------------------------------------------------
LINLI_TOKEN_SECRET="$(head -c 32 /dev/urandom | base64)"
export LINLI_TOKEN_SECRET LINLI_REDIS_URL LINLI_DATABASE_URL
export LINLI_LOG_LEVEL="${LINLI_LOG_LEVEL:-WARN}"
log "starting the node on 127.0.0.1:$BENCH_NODE_PORT (LINLI_DB_POOL_SIZE=${LINLI_DB_POOL_SIZE:-16 (default)})"
# Launched as the product is (ops/bin/linli: its JVM options), with the row-lock baseline mounted.
LINLI_JAR="$JAR" LINLI_JAVA_OPTS="${NODE_JAVA_OPTS:-} -Dlinli.bench.rowLock=true" \
  "$ROOT/ops/bin/linli" serve --port "$BENCH_NODE_PORT" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$BENCH_NODE_PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$NODE_PID" 2>/dev/null || { log "the node exited"; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$BENCH_NODE_PORT/health/ready" >/dev/null || { log "the node is not ready"; exit 1; }

# --- the load generator ------------------------------------------------------------------------------------------
# In the background and waited for, so that Ctrl-C reaches the trap at once.
# shellcheck disable=SC2086
java ${GEN_JAVA_OPTS:-} -cp "$JAR" io.linli.ops.bench.JoinBench --port "$BENCH_NODE_PORT" \
  --redis-url "$LINLI_REDIS_URL" --database-url "$LINLI_DATABASE_URL" --node-pid "$NODE_PID" \
  ${GEN_ARGS[@]+"${GEN_ARGS[@]}"} &
GEN_PID=$!
wait "$GEN_PID"
