#!/usr/bin/env bash
# The room benchmark of issue 4, in one command. See ops/bench/ROOM-BENCH.md.
#
#   ops/bench/room-bench.sh [--quick] [--no-socketio] [--one-node] [load generator flags, e.g. --sockets 5000]
#
# Builds the jar if it is missing or older than the sources, starts a throwaway Redis and PostgreSQL, two Linli
# nodes (512 MiB heap each) and a small socket.io 4 server (npm install socket.io@4 into a temporary folder), all on
# 127.0.0.1, then runs the load generator: the same crowd of real WebSockets (10,000 a node by default) against
# one Linli node, socket.io, and both Linli nodes. It prints one markdown table and the issue's targets.
# Everything it started is stopped on exit, Ctrl-C included; the whole run is cut off after 30 minutes.
#
# Environment: NODE_JAVA_OPTS (default -Xms512m -Xmx512m -XX:+AlwaysPreTouch: the heap is all resident from the
# start, so the RSS a node gains with its sockets is what they hold outside the heap; the nodes start through
# ops/bin/linli, so with the parallel collector unless these name another) and GEN_JAVA_OPTS (default
# -Xmx4g) are added to the nodes' and the generator's java command lines; BENCH_TIMEOUT (seconds, default 1800)
# bounds the generator.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="${LINLI_BENCH_JAR:-$ROOT/ops/target/linli.jar}"
GEN_ARGS=()
SOCKETIO=yes
TWO_NODES=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) GEN_ARGS+=(--sockets 1000 --updates 10 --chat-seconds 5); shift ;;
    --no-socketio) SOCKETIO=no; shift ;;
    --one-node) TWO_NODES=no; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) GEN_ARGS+=("$1"); shift ;;
  esac
done

log() { echo "[room-bench] $*"; }

# --- file descriptors: 10,000 sockets a node, and the generator holds both ends' worth -----------------------------
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
log "open files limit: $(ulimit -n)"

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
WORK="$(mktemp -d /tmp/linli-room-bench.XXXXXX)"
chmod 755 "$WORK"   # PostgreSQL runs as the postgres user when we are root: it must reach its folder
SERVICES_PID=""
NODE_A_PID=""
NODE_B_PID=""
SIO_PID=""
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
  stop "$SIO_PID" "socket.io server"
  stop "$NODE_B_PID" "node B"
  stop "$NODE_A_PID" "node A"
  stop "$SERVICES_PID" "Redis and PostgreSQL"
  if [[ $status -ne 0 ]]; then
    for f in node-a node-b socketio; do
      if [[ -s "$WORK/$f.log" ]]; then
        log "last lines of $f.log:"
        tail -n 20 "$WORK/$f.log" >&2 || true
      fi
    done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- Redis and PostgreSQL ----------------------------------------------------------------------------------------
log "starting Redis and PostgreSQL in $WORK"
java -cp "$JAR" io.linli.ops.bench.room.RoomBenchServices "$WORK/data" "$WORK/services.env" \
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

# --- two Linli nodes -----------------------------------------------------------------------------------------------
# Chat limits are lifted so the benchmark measures delivery, not the room's rules: no per-person rate limit to
# speak of, no sampling (every line offered must reach every socket).
LINLI_TOKEN_SECRET="$(head -c 32 /dev/urandom | base64)"
export LINLI_TOKEN_SECRET LINLI_REDIS_URL LINLI_DATABASE_URL
export LINLI_LOG_LEVEL="${LINLI_LOG_LEVEL:-WARN}"
export LINLI_CHAT_RATE_MESSAGES=1000 LINLI_CHAT_RATE_MILLIS=1000 LINLI_CHAT_SAMPLE_ABOVE=1000000

start_node() {
  local name="$1" port="$2"
  # Launched as the README launches a node (ops/bin/linli: the parallel collector unless NODE_JAVA_OPTS names one).
  LINLI_NODE_ID="bench-$name" LINLI_JAR="$JAR" LINLI_JAVA_OPTS="${NODE_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch}" \
    "$ROOT/ops/bin/linli" serve --port "$port" \
    >"$WORK/node-$name.log" 2>&1 &
  echo $!
}

wait_ready() {
  local url="$1" pid="$2" name="$3"
  for _ in $(seq 1 600); do
    curl -fsS "$url" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { log "$name exited"; exit 1; }
    sleep 0.2
  done
  log "$name is not ready after 120 s"; exit 1
}

log "starting node A on 127.0.0.1:$BENCH_PORT_A"
NODE_A_PID=$(start_node a "$BENCH_PORT_A")
wait_ready "http://127.0.0.1:$BENCH_PORT_A/health/ready" "$NODE_A_PID" "node A"
GEN_ARGS=(--port-a "$BENCH_PORT_A" --pid-a "$NODE_A_PID" "${GEN_ARGS[@]+"${GEN_ARGS[@]}"}")
if [[ $TWO_NODES == yes ]]; then
  log "starting node B on 127.0.0.1:$BENCH_PORT_B"
  NODE_B_PID=$(start_node b "$BENCH_PORT_B")
  wait_ready "http://127.0.0.1:$BENCH_PORT_B/health/ready" "$NODE_B_PID" "node B"
  GEN_ARGS+=(--port-b "$BENCH_PORT_B" --pid-b "$NODE_B_PID")
fi

# --- socket.io 4 -------------------------------------------------------------------------------------------------
if [[ $SOCKETIO == yes ]]; then
  mkdir -p "$WORK/sio"
  log "installing socket.io@4 from the npm registry into $WORK/sio"
  (cd "$WORK/sio" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error socket.io@4 >/dev/null)
  cat >"$WORK/sio/server.js" <<'JS'
// The comparison server: one room (the default namespace), the same broadcasts as Linli's room.
//   POST /progress?n=N  emits deal.progress (Linli's fields) to every socket
//   chat.send {text}    is emitted to every socket as chat.message (Linli's fields)
//   GET /mem            runs V8's GC, answers {rss, heapUsed}
const http = require('http');
const { Server } = require('socket.io');
const port = Number(process.argv[2]);
let seq = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url.startsWith('/progress')) {
    const n = Number(new URL(req.url, 'http://localhost').searchParams.get('n'));
    io.emit('deal.progress', { seq: ++seq, type: 'deal.progress', key: 'deal:d1', version: n, dealId: 'd1',
      joinedBuyers: n, joinedUnits: n, committedBuyers: n, committedUnits: n, remaining: 1000000 - n,
      status: 'OPEN' });
    res.end('ok');
  } else if (req.url === '/mem') {
    global.gc();
    const m = process.memoryUsage();
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed }));
  } else if (req.url === '/health') {
    res.end('ok');
  } else {
    res.statusCode = 404;
    res.end();
  }
});
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false,
  maxHttpBufferSize: 4096 });
io.on('connection', (socket) => {
  const from = { id: socket.id, nickname: 'guest', role: 'viewer' };
  socket.on('chat.send', (m) => {
    if (!m || typeof m.text !== 'string' || !m.text.trim()) return;
    io.emit('chat.message', { seq: ++seq, type: 'chat.message', id: String(seq), from,
      text: m.text.trim().slice(0, 200), at: new Date().toISOString() });
  });
});
server.listen(port, '127.0.0.1');
JS
  log "starting socket.io $(cd "$WORK/sio" && node -p 'require("socket.io/package.json").version') on 127.0.0.1:$BENCH_PORT_SIO"
  (cd "$WORK/sio" && exec node --expose-gc server.js "$BENCH_PORT_SIO") >"$WORK/socketio.log" 2>&1 &
  SIO_PID=$!
  wait_ready "http://127.0.0.1:$BENCH_PORT_SIO/health" "$SIO_PID" "socket.io server"
  GEN_ARGS+=(--port-sio "$BENCH_PORT_SIO" --pid-sio "$SIO_PID")
fi

# --- the load generator ------------------------------------------------------------------------------------------
# In the background and waited for, so that Ctrl-C reaches the trap at once.
# shellcheck disable=SC2086
timeout "${BENCH_TIMEOUT:-1800}" java ${GEN_JAVA_OPTS:--Xmx4g} -cp "$JAR" io.linli.ops.bench.room.RoomBench \
  "${GEN_ARGS[@]}" &
GEN_PID=$!
wait "$GEN_PID"
