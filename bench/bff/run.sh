#!/usr/bin/env bash
# /bff benchmark: latency of GET /bff/albums/{id} (first page of a 5,000-asset album) through the gateway, against the
# three Immich calls it replaces, measured one by one against the same fake Immich in the same run.
# Everything listens on 127.0.0.1; every process started here is stopped on exit. Needs: dotnet, wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

DURATION=${DURATION:-10s}
DELAY_MS=${DELAY_MS:-3}
UP=5401; GW=5402
export IMMICH_KEY=bench-immich-key
CLIENT_KEY=igw_bench_bff_client_key_0123456789abcdefghij
HASH=$(printf '%s' "$CLIENT_KEY" | sha256sum | cut -d' ' -f1)
ALBUM=5000bb5e-afab-4dd6-918c-53bf41379a9d
OUT=bench/results/bff; mkdir -p "$OUT"

dotnet build -c Release bench/bff/Upstream -o "$OUT/upstream-bin" >/dev/null
dotnet build -c Release src/ImmichGateway -o "$OUT/gateway-bin" >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

DELAY_MS=$DELAY_MS dotnet "$OUT/upstream-bin/Bench.BffUpstream.dll" --urls "http://127.0.0.1:$UP" & pids+=($!)
source bench/gateway-env.sh
gateway_env "http://127.0.0.1:$UP" "$IMMICH_KEY" "$HASH"
env "${GATEWAY_ENV[@]}" ASPNETCORE_URLS="http://127.0.0.1:$GW" \
  dotnet "$OUT/gateway-bin/ImmichGateway.dll" > "$OUT/gateway.log" 2>&1 & pids+=($!)

for port in $UP $GW; do # up when it answers anything at all
  for _ in $(seq 1 150); do [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/") != 000 ]] && break; sleep 0.2; done
done

measure() { # name, wrk args...: one connection, so the figures are latencies, not throughput
  local name=$1; shift
  wrk -t1 -c1 -d2s "$@" >/dev/null 2>&1 || true   # warm-up
  wrk -t1 -c1 -d"$DURATION" --latency "$@" > "$OUT/$name.txt"
  awk -v n="$name" '/^ +50%/{p50=$2} /^ +99%/{p99=$2} /Requests\/sec/{rps=$2} END{printf "%-28s p50 %-9s p99 %-9s req/s %s\n", n, p50, p99, rps}' "$OUT/$name.txt"
}

echo "Upstream delay per call: ${DELAY_MS} ms; duration ${DURATION} each; $(nproc) cores"
measure bff-album-screen -H "x-api-key: $CLIENT_KEY" "http://127.0.0.1:$GW/bff/albums/$ALBUM"
measure immich-album -H "x-api-key: $IMMICH_KEY" "http://127.0.0.1:$UP/api/albums/$ALBUM"
measure immich-activity-stats -H "x-api-key: $IMMICH_KEY" "http://127.0.0.1:$UP/api/activities/statistics?albumId=$ALBUM"
measure immich-search-page -s bench/bff/search.lua "http://127.0.0.1:$UP/api/search/metadata"
