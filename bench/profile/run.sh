#!/usr/bin/env bash
# Where does the gateway's CPU go? Samples the gateway (Linux perf, with the runtime's perf map) while wrk loads one
# endpoint, then prints the share of CPU samples per pipeline component (bench/profile/breakdown.py).
# Usage: bash bench/profile/run.sh [json|thumb|thumb-uuid]     Knobs: PROFILE_SECONDS (10), PROFILE_PORT_BASE (5901),
#   PROFILE_GATEWAY_ENV (extra environment for the gateway, e.g. "Logging__LogLevel__ImmichGateway.Audit=Warning").
# Needs perf (apt-get install -y linux-perf), wrk, python3. Diagnosis only: sampling slows the process down, so the
# req/s it prints are not benchmark figures (bench/run.sh is).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$ROOT/bench/results/profile-$(date +%Y%m%d-%H%M%S)
ART=$ROOT/bench/results/artifacts
SECONDS_TO_SAMPLE=${PROFILE_SECONDS:-10}
PORT_UP=${PROFILE_PORT_BASE:-5901}
PORT_GW=$((PORT_UP + 1))
HOST=127.0.0.1
declare -A PATH_OF=([json]=/api/albums/bench-album [thumb]=/api/assets/bench-asset/thumbnail
    [thumb-uuid]=/api/assets/0b9f7c2e-4d1a-4f6b-9a3c-000000000001/thumbnail)
ENDPOINT=${1:-json}
[[ -n ${PATH_OF[$ENDPOINT]:-} ]] || { echo "unknown endpoint $ENDPOINT (json, thumb, thumb-uuid)" >&2; exit 2; }
for tool in perf wrk python3; do command -v $tool >/dev/null || { echo "$tool is not installed" >&2; exit 1; }; done
mkdir -p "$OUT"

source "$ROOT/bench/profile/common.sh"
build_gateway
dotnet build "$ROOT/bench/Upstream/Upstream.csproj" -c Release --artifacts-path "$ART/bench" -nologo -clp:ErrorsOnly >>"$OUT/build.txt"
(cd "$ART/bench/bin/Upstream/release" && exec dotnet Bench.Upstream.dll --urls "http://$HOST:$PORT_UP" "--Upstream:ApiKey=$IMMICH_KEY") \
    >"$OUT/upstream.log" 2>&1 & pids+=($!)
# Perf map: JIT-compiled code gets names; no ReadyToRun, so framework code is JIT-compiled (and named) too;
# no W^X double mapping, which perf cannot attribute.
start_gateway "$PORT_UP" "$PORT_GW" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 ${PROFILE_GATEWAY_ENV:-}
for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://$HOST:$PORT_GW/api/server/ping" || true) != 000 ]] && break
    sleep 0.1
done
URL="http://$HOST:$PORT_GW${PATH_OF[$ENDPOINT]}"
wrk -t2 -c32 -d15s -H "x-api-key: $CLIENT_KEY" "$URL" >/dev/null   # until the JIT has tiered the hot paths up
wrk -t2 -c32 -d$((SECONDS_TO_SAMPLE + 2))s -H "x-api-key: $CLIENT_KEY" "$URL" >"$OUT/wrk.txt" & load=$!
sleep 1
perf record -e cpu-clock -F 2999 -g -p "$GATEWAY_PID" -o "$OUT/perf.data" -- sleep "$SECONDS_TO_SAMPLE" 2>"$OUT/perf-record.log"
wait $load
perf script -i "$OUT/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$OUT/perf.txt"
echo "$ENDPOINT through the gateway, $(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk.txt") req/s while sampled; raw data in $OUT"
python3 "$ROOT/bench/profile/breakdown.py" "$OUT/perf.txt"
