#!/usr/bin/env bash
# Where does the gateway spend more than its baseline, per request? Runs the gateway and a baseline side by side,
# loads both at the same time (wrk -c16 each), samples the whole machine with perf, then charges every sample to its
# process and component and prints microseconds of CPU per request for each, and the difference. Both share the same
# CPUs at the same moment, so the comparison holds on a noisy VM where two runs minutes apart do not (bench/README.md,
# "Fifth session").
# Usage: bash bench/profile/compare.sh [json|thumb|hit]
#   json, thumb  bare YARP vs the gateway, proxying GET /api/albums/bench-album or a 25 KB image (bench/Upstream)
#   hit          the byte-array ceiling vs a cached thumbnail through the gateway (bench/cache/CacheBench)
# Knobs: PROFILE_SECONDS (10), PROFILE_PORT_BASE (5931), PROFILE_GATEWAY_ENV (extra gateway environment),
# PROFILE_BASELINE_ENV (extra baseline environment, e.g. the same runtime settings). Needs perf,
# wrk, curl, python3. Diagnosis only: sampling slows everything down, so the req/s it prints are not benchmark figures.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$ROOT/bench/results/compare-$(date +%Y%m%d-%H%M%S)
ART=$ROOT/bench/results/artifacts
SECONDS_TO_SAMPLE=${PROFILE_SECONDS:-10}
PORT_UP=${PROFILE_PORT_BASE:-5931}
PORT_BASE=$((PORT_UP + 1))
PORT_GW=$((PORT_UP + 2))
HOST=127.0.0.1
MODE=${1:-json}
UUID=0b9f7c2e-4d1a-4f6b-9a3c-000000000001
case $MODE in
    json) BASE_PATH=/api/albums/bench-album; GW_PATH=$BASE_PATH ;;
    thumb) BASE_PATH=/api/assets/bench-asset/thumbnail; GW_PATH=$BASE_PATH ;;
    hit) BASE_PATH=/thumb; GW_PATH=/api/assets/$UUID/thumbnail ;;
    *) echo "unknown mode $MODE (json, thumb, hit)" >&2; exit 2 ;;
esac
for tool in perf wrk curl python3; do command -v $tool >/dev/null || { echo "$tool is not installed" >&2; exit 1; }; done
mkdir -p "$OUT"

source "$ROOT/bench/profile/common.sh"
build_gateway
if [[ $MODE == hit ]]; then
    dotnet build "$ROOT/bench/cache/CacheBench/CacheBench.csproj" -c Release --artifacts-path "$ART/bench" -nologo -clp:ErrorsOnly >>"$OUT/build.txt"
else
    dotnet build "$ROOT/bench/Upstream/Upstream.csproj" -c Release --artifacts-path "$ART/bench" -nologo -clp:ErrorsOnly >>"$OUT/build.txt"
    dotnet build "$ROOT/bench/BareYarp/BareYarp.csproj" -c Release --artifacts-path "$ART/bench" -nologo -clp:ErrorsOnly >>"$OUT/build.txt"
fi

PERF_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0"   # JIT-compiled code gets names in perf's output
if [[ $MODE == hit ]]; then
    (cd "$ART/bench/bin/CacheBench/release" && exec dotnet Bench.Cache.dll upstream --urls "http://$HOST:$PORT_UP" "--Bench:ApiKey=$IMMICH_KEY") \
        >"$OUT/upstream.log" 2>&1 & pids+=($!)
    (cd "$ART/bench/bin/CacheBench/release" && exec env $PERF_ENV ${PROFILE_BASELINE_ENV:-} dotnet Bench.Cache.dll ceiling --urls "http://$HOST:$PORT_BASE") \
        >"$OUT/baseline.log" 2>&1 & pids+=($!)
else
    (cd "$ART/bench/bin/Upstream/release" && exec dotnet Bench.Upstream.dll --urls "http://$HOST:$PORT_UP" "--Upstream:ApiKey=$IMMICH_KEY") \
        >"$OUT/upstream.log" 2>&1 & pids+=($!)
    (cd "$ART/bench/bin/BareYarp/release" && exec env $PERF_ENV ${PROFILE_BASELINE_ENV:-} dotnet Bench.BareYarp.dll --urls "http://$HOST:$PORT_BASE" \
        "--Upstream:BaseUrl=http://$HOST:$PORT_UP" "--Upstream:ApiKey=$IMMICH_KEY") >"$OUT/baseline.log" 2>&1 & pids+=($!)
fi
BASE_PID=$!
start_gateway "$PORT_UP" "$PORT_GW" $PERF_ENV ${PROFILE_GATEWAY_ENV:-}
for port in $PORT_BASE $PORT_GW; do
    for _ in $(seq 300); do
        [[ $(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://$HOST:$port/" || true) != 000 ]] && break
        sleep 0.1
    done
done
BASE_URL="http://$HOST:$PORT_BASE$BASE_PATH"
GW_URL="http://$HOST:$PORT_GW$GW_PATH"
for url in "$BASE_URL" "$GW_URL"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "x-api-key: $CLIENT_KEY" "$url")
    [[ $status == 200 ]] || { echo "$url answered $status, not 200" >&2; exit 1; }
done

load() { # seconds, then the output file prefix (or nothing): both targets at once
    local w=()
    wrk -t1 -c16 -d"$1"s "$BASE_URL" >"${2:-/dev/null}${2:+-baseline.txt}" & w+=($!)
    wrk -t1 -c16 -d"$1"s -H "x-api-key: $CLIENT_KEY" "$GW_URL" >"${2:-/dev/null}${2:+-gateway.txt}" & w+=($!)
    wait "${w[@]}"
}
load 15                                                    # until the JIT has tiered the hot paths up
requests() { awk '/requests in/ {print $1}' "$1"; }
load $((SECONDS_TO_SAMPLE + 4)) "$OUT/wrk" & loading=$!
sleep 2
perf record -e cpu-clock -F 1999 -g -a -o "$OUT/perf.data" -- sleep "$SECONDS_TO_SAMPLE" 2>"$OUT/perf-record.log"
wait $loading
perf script -i "$OUT/perf.data" -F comm,pid,tid,ip,sym,dso 2>/dev/null >"$OUT/perf.txt"
# wrk ran longer than perf sampled: scale its request counts to the sampled window
scale() { python3 -c "print(int($1 * $SECONDS_TO_SAMPLE / ($SECONDS_TO_SAMPLE + 4)))"; }
echo "$MODE: baseline $(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk-baseline.txt") req/s, gateway $(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk-gateway.txt") req/s while sampled; raw data in $OUT"
python3 "$ROOT/bench/profile/breakdown.py" --per-request 1999 "$OUT/perf.txt" \
    "$BASE_PID:$(scale "$(requests "$OUT/wrk-baseline.txt")")" "$GATEWAY_PID:$(scale "$(requests "$OUT/wrk-gateway.txt")")"
