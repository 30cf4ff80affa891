#!/usr/bin/env bash
# Runs the shared peer benchmark with this gateway as the candidate (loopback only).
#   bash apps/gateway/bench/run-peers.sh        (SKIP_PEERS=1 for baseline + floor + candidate)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
PEERS="${PEERS_DIR:-$ROOT/../shared/bench/peers}"
MOCK_PORT=${MOCK_PORT:-18080}
PORT=${CAND_PORT:-18090}
LOG=$(mktemp)
cd "$ROOT"
OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" OPENAI_API_KEY=sk-mock PORT=$PORT \
  "$ROOT/node_modules/node/bin/node" -r ./tools/register.cjs apps/gateway/bench/bench-gateway.ts >"$LOG" 2>&1 &
GW=$!
trap 'kill $GW 2>/dev/null; wait $GW 2>/dev/null' EXIT
for _ in $(seq 1 200); do grep -q '^KEY=' "$LOG" && break; sleep 0.1; done
KEY=$(sed -n 's/^KEY=//p' "$LOG")
[ -n "$KEY" ] || { cat "$LOG"; exit 1; }
PID=$GW
CAND_URL="http://127.0.0.1:$PORT/v1/chat/completions" CAND_HDRS="Authorization: Bearer $KEY" CAND_PID="$PID" MOCK_PORT=$MOCK_PORT \
  bash "$PEERS/run.sh"
