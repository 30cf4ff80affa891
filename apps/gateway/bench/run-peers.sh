#!/usr/bin/env bash
# Runs the shared peer benchmark with this gateway as the candidate (loopback only), once per mode:
#   MODE=standalone  the compiled gateway alone on a Kafka bus (local broker: infra/kafka/kafka.mjs)
#   MODE=distributed the five compiled services on Kafka + Postgres, as docker-compose.yml runs
#                    them (BENCH_DATABASE_URL: the Postgres server; the gateway is measured)
#   MODE=embedded    `npm start`'s startEmbedded (all five services, in-process bus, PGlite)
#   MODE=in-process  the gateway module alone on the in-process bus (quick iterations)
#   bash apps/gateway/bench/run-peers.sh  (MODE="standalone embedded distributed" by default)
# Knobs of run.sh pass through (SKIP_PEERS=1 DUR=6 ROUNDS=1 …). GATEWAY_NODE_FLAGS="--cpu-prof
# --cpu-prof-dir=DIR" profiles the gateway process (standalone and distributed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# ../shared/bench beside the checkout (/work/main → /work/shared; a worktree /work/wt/x → also
# /work/shared), unless PEERS_DIR says otherwise.
PEERS="${PEERS_DIR:-$ROOT/../shared/bench/peers}"
[ -d "$PEERS" ] || PEERS="$ROOT/../../shared/bench/peers"
MOCK_PORT=${MOCK_PORT:-18080}
PORT=${CAND_PORT:-18090}
NODE="$ROOT/node_modules/node/bin/node"
cd "$ROOT"

run_mode() { # mode
  local mode=$1 script log gw key pid flags='' tunables=''
  log=$(mktemp)
  case $mode in
    standalone|distributed)
      if [ -z "${KAFKA_BROKERS:-}" ]; then
        KAFKA_BROKERS=$("$NODE" infra/kafka/kafka.mjs start | grep -oE '[0-9.]+:[0-9]+' | tail -1)
        export KAFKA_BROKERS
      fi
      script=apps/gateway/bench/bench-gateway.ts ;;
    in-process) script=apps/gateway/bench/bench-gateway.ts ;;
    # The launcher is the embedded process: V8's young generation and malloc as `npm start` set them.
    embedded) script=apps/embedded/bench/bench-embedded.ts; flags=--max-semi-space-size=8
      tunables=glibc.malloc.trim_threshold=131072 ;;
    *) echo "unknown MODE $mode" >&2; return 1 ;;
  esac
  # The launcher reports ready once explain allows a request (no upstream call): run.sh owns
  # the mock upstream and starts it afterwards.
  GLIBC_TUNABLES=$tunables MODE=$mode OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" OPENAI_API_KEY=sk-mock PORT=$PORT \
    "$NODE" $flags -r ./tools/register.cjs "$script" >"$log" 2>&1 &
  gw=$!
  echo "[$mode] launcher pid $gw, log $log" >&2
  for _ in $(seq 1 600); do grep -q '^PID=' "$log" && break; kill -0 $gw 2>/dev/null || break; sleep 0.1; done
  key=$(sed -n 's/^KEY=//p' "$log"); pid=$(sed -n 's/^PID=//p' "$log")
  if [ -z "$key" ] || [ -z "$pid" ]; then cat "$log" >&2; kill $gw 2>/dev/null; wait $gw 2>/dev/null; return 1; fi
  echo "## candidate: gateway, MODE=$mode"
  CAND_URL="http://127.0.0.1:$PORT/v1/chat/completions" CAND_HDRS="Authorization: Bearer $key" CAND_PID="$pid" MOCK_PORT=$MOCK_PORT \
    bash "$PEERS/run.sh" || true
  kill -INT $gw 2>/dev/null || true
  wait $gw 2>/dev/null || true
}

for m in ${MODE:-standalone embedded distributed}; do run_mode "$m"; done
