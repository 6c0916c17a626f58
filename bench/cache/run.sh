#!/usr/bin/env bash
# Cached thumbnails: throughput and p99, same run, same machine, everything on 127.0.0.1:
#   ceiling          the same 16 KB from a byte array (bare Kestrel, no auth): the most any endpoint can do
#   gateway-hit      GET /api/assets/{uuid}/thumbnail through the gateway, served from its cache (auth, scopes, rate
#                    limit and the per-user access check included); Redis configured (hits come from memory)
#   gateway-uncached the same through the gateway, uncached (an unknown query parameter): Immich every time
#   nginx            nginx proxy_pass (keepalive) relaying the same thumbnail from the same upstream
# The upstream answers after BENCH_DELAY_MS (3): a realistic Immich reading a thumbnail from disk.
# Usage: bash bench/cache/run.sh     Knobs: BENCH_DURATION (10s), BENCH_WARMUP (10s: until the JIT has tiered the hot
#   paths up), BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_ROUNDS (2), BENCH_DELAY_MS (3), BENCH_PORT_BASE (5401),
#   BENCH_AUDIT (off|on), BENCH_QUIET_WAIT (20), BENCH_QUIET_PCT (15), BENCH_GATEWAY_REF (HEAD; "worktree" builds the working tree).
# Needs wrk, nginx (apt-get install nginx-light) and redis-server. Raw output: bench/results/cache-<timestamp>/.
set -euo pipefail
export LC_ALL=C
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/../.." && pwd)
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
ROUNDS=${BENCH_ROUNDS:-2}
DELAY_MS=${BENCH_DELAY_MS:-3}
PORT_BASE=${BENCH_PORT_BASE:-5401}
AUDIT=${BENCH_AUDIT:-off}
HOST=127.0.0.1
OUT=${BENCH_OUT:-$ROOT/bench/results/cache-$(date -u +%Y%m%dT%H%M%SZ)}
ART=$OUT/artifacts
mkdir -p "$OUT"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in wrk nginx redis-server curl dotnet; do command -v "$tool" >/dev/null || die "$tool is missing"; done

declare -A PID=()
cleanup() { for name in "${!PID[@]}"; do kill "${PID[$name]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

PORT_UP=$PORT_BASE PORT_CEIL=$((PORT_BASE + 1)) PORT_GW=$((PORT_BASE + 2)) PORT_NGINX=$((PORT_BASE + 3)) PORT_REDIS=$((PORT_BASE + 4))
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "gateway: ${BENCH_GATEWAY_REF:-HEAD} = $(git -C "$ROOT" rev-parse --short "${BENCH_GATEWAY_REF:-HEAD}" 2>/dev/null || echo 'working tree')"
    echo "dotnet $(dotnet --version), $(nginx -v 2>&1), $(redis-server --version | cut -d' ' -f3), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
} >"$OUT/machine.txt"

# The gateway is built from a git snapshot (BENCH_GATEWAY_REF, default HEAD; "worktree" for the working tree): others
# edit src/ concurrently, and a half-edited file must neither break nor colour the measurement.
GW_REF=${BENCH_GATEWAY_REF:-HEAD}
GW_PROJECT=$ROOT/src/ImmichGateway/ImmichGateway.csproj
if [[ $GW_REF != worktree ]]; then
    mkdir -p "$OUT/gateway-src"
    git -C "$ROOT" archive --format=tar "$GW_REF" src/ImmichGateway Directory.Build.props Directory.Packages.props | tar -x -C "$OUT/gateway-src"
    GW_PROJECT=$OUT/gateway-src/src/ImmichGateway/ImmichGateway.csproj
fi
log "building (Release), gateway from $GW_REF"
dotnet build "$GW_PROJECT" -c Release --artifacts-path "$ART/gateway" -nologo -clp:ErrorsOnly \
    >"$OUT/build-gateway.txt" 2>&1 || { cat "$OUT/build-gateway.txt" >&2; die "gateway build"; }
dotnet build "$BENCH/CacheBench/CacheBench.csproj" -c Release --artifacts-path "$ART/bench" -nologo -clp:ErrorsOnly \
    >"$OUT/build-bench.txt" 2>&1 || { cat "$OUT/build-bench.txt" >&2; die "bench build"; }
GW_DIR=$ART/gateway/bin/ImmichGateway/release
BENCH_DIR=$ART/bench/bin/CacheBench/release

IMMICH_KEY="bench-immich-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
CLIENT_KEY="igw_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
CLIENT_SHA=$(printf '%s' "$CLIENT_KEY" | sha256sum | cut -d' ' -f1)
ASSET=0b9f7c2e-4d1a-4f6b-9a3c-00000000c0de

start() { # start NAME DIR COMMAND...
    local name=$1 dir=$2
    shift 2
    (cd "$dir" && exec "$@") >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" &
    PID[$name]=$!
}
wait_http() { # wait_http NAME URL: up to 30 s for any HTTP answer
    for _ in $(seq 300); do
        kill -0 "${PID[$1]}" 2>/dev/null || { cat "$OUT/$1.stderr" >&2; die "$1 exited"; }
        [[ $(curl -s -o /dev/null -m 1 -w '%{http_code}' "$2" || true) != 000 ]] && return 0
        sleep 0.1
    done
    die "$1 did not answer within 30 s"
}

sed -e "s|@OUT@|$OUT|g" -e "s|@PORT_NGINX@|$PORT_NGINX|g" -e "s|@PORT_UP@|$PORT_UP|g" -e "s|@IMMICH_KEY@|$IMMICH_KEY|g" \
    "$BENCH/nginx.conf" >"$OUT/nginx.conf"
mkdir -p "$OUT/nginx"
log "starting redis :$PORT_REDIS, upstream :$PORT_UP (${DELAY_MS} ms), ceiling :$PORT_CEIL, gateway :$PORT_GW (audit $AUDIT), nginx :$PORT_NGINX"
start redis "$OUT" redis-server --port "$PORT_REDIS" --bind "$HOST" --save "" --appendonly no
start upstream "$BENCH_DIR" dotnet Bench.Cache.dll upstream --urls "http://$HOST:$PORT_UP" "--Bench:DelayMs=$DELAY_MS" "--Bench:ApiKey=$IMMICH_KEY"
start ceiling "$BENCH_DIR" dotnet Bench.Cache.dll ceiling --urls "http://$HOST:$PORT_CEIL"
source "$ROOT/bench/gateway-env.sh"
gateway_env "http://$HOST:$PORT_UP" "$IMMICH_KEY" "$CLIENT_SHA"
GW_ENV=("${GATEWAY_ENV[@]}" "ASPNETCORE_URLS=http://$HOST:$PORT_GW" "ConnectionStrings__Redis=$HOST:$PORT_REDIS")
[[ $AUDIT == off ]] && GW_ENV+=("Logging__LogLevel__ImmichGateway.Audit=Warning")
start gateway "$GW_DIR" env "${GW_ENV[@]}" dotnet ImmichGateway.dll
start nginx "$OUT" nginx -p "$OUT/nginx" -c "$OUT/nginx.conf" -g "daemon off;"
wait_http upstream "http://$HOST:$PORT_UP/"
wait_http ceiling "http://$HOST:$PORT_CEIL/thumb"
wait_http gateway "http://$HOST:$PORT_GW/health/live"
wait_http nginx "http://$HOST:$PORT_NGINX/"

declare -A URL_OF=(
    [ceiling]="http://$HOST:$PORT_CEIL/thumb"
    [gateway-hit]="http://$HOST:$PORT_GW/api/assets/$ASSET/thumbnail"
    [gateway-uncached]="http://$HOST:$PORT_GW/api/assets/$ASSET/thumbnail?uncached=1"
    [nginx]="http://$HOST:$PORT_NGINX/api/assets/$ASSET/thumbnail"
)
TARGETS=(ceiling gateway-hit gateway-uncached nginx)

# sanity: every target answers 200 with the same 16 KB; the gateway's second answer is a hit
: >"$OUT/sanity.txt"
for target in "${TARGETS[@]}"; do
    for _ in 1 2; do
        curl -sS -o "$OUT/body-$target.bin" -D "$OUT/headers-$target.txt" -m 5 -H "x-api-key: $CLIENT_KEY" "${URL_OF[$target]}"
    done
    status=$(head -1 "$OUT/headers-$target.txt" | cut -d' ' -f2)
    { echo "== $target: $status, $(stat -c %s "$OUT/body-$target.bin") bytes"; grep -iE '^(content-type|etag|cache-control|x-cache)' "$OUT/headers-$target.txt"; } >>"$OUT/sanity.txt"
    [[ $status == 200 ]] || die "sanity: $target answered $status (see $OUT/sanity.txt)"
    cmp -s "$OUT/body-$target.bin" "$OUT/body-ceiling.bin" || die "sanity: $target sent other bytes than the ceiling"
done
grep -qi '^x-cache: hit' "$OUT/headers-gateway-hit.txt" || die "sanity: the gateway's second answer was not a cache hit"
grep -qi "^x-cache: hit" "$OUT/headers-gateway-uncached.txt" && die "sanity: the uncached path was answered from the cache"

run_wrk() { # run_wrk TARGET DURATION OUTFILE
    wrk -t"$THREADS" -c"$CONNS" -d"$2" --latency -s "$BENCH/report.lua" -H "x-api-key: $CLIENT_KEY" "${URL_OF[$1]}" >"$3" 2>&1
}
log "warm-up: $WARMUP per target"
for target in "${TARGETS[@]}"; do run_wrk "$target" "$WARMUP" "$OUT/warmup-$target.txt"; done

# Other builds and tests may share this machine: before each run, wait (at most BENCH_QUIET_WAIT s, default 20) until
# the machine is less than BENCH_QUIET_PCT % (default 15) busy over a second, then record how busy it was meanwhile.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
ours() { local sum=0 name; for name in "${!PID[@]}"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/${PID[$name]}/stat" 2>/dev/null || echo 0))); done; echo "$sum"; }
wait_quiet() {
    local waited=0 a b
    while ((waited < ${BENCH_QUIET_WAIT:-20})); do
        read -r a total_a < <(busy_ticks); sleep 1; read -r b total_b < <(busy_ticks)
        (((b - a) * 100 < ${BENCH_QUIET_PCT:-15} * (total_b - total_a))) && return 0
        waited=$((waited + 1))
    done
    log "machine still busy; measuring anyway"
}
printf 'round\ttarget\trps\tp50_ms\tp99_ms\terrors\tforeign_cpu_pct\n' >"$OUT/wrk.tsv"
for round in $(seq "$ROUNDS"); do
    order=("${TARGETS[@]}")
    ((round % 2 == 0)) && order=(nginx gateway-uncached gateway-hit ceiling)
    for target in "${order[@]}"; do
        wait_quiet
        log "round $round: $target (-t$THREADS -c$CONNS -d$DURATION)"
        file=$OUT/wrk-r$round-$target.txt
        read -r a total_a < <(busy_ticks)
        ours_a=$(ours)
        TIMEFORMAT='%U %S'
        { time run_wrk "$target" "$DURATION" "$file"; } 2>"$file.time"
        read -r b total_b < <(busy_ticks)
        ours_b=$(ours)
        # foreign = busy ticks of the machine - our servers - wrk, as a share of all CPU time during the run
        load=$(awk -v busy=$((b - a)) -v total=$((total_b - total_a)) -v ours=$((ours_b - ours_a)) -v hz="$(getconf CLK_TCK)" \
            -v wrk="$(cat "$file.time")" 'BEGIN { split(wrk, w, " "); f = (busy - ours - (w[1] + w[2]) * hz) * 100 / total; printf "%.0f", f < 0 ? 0 : f }')
        line=$(grep '^RESULT ' "$file") || die "no RESULT line in $file"
        get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$target" "$(get rps)" "$(get p50_ms)" "$(get p99_ms)" \
            "$(($(get non2xx) + $(get socket_errors)))" "$load" >>"$OUT/wrk.tsv"
    done
done

{
    echo "### Cached thumbnails ($(date -u +%Y-%m-%d), bench/cache/run.sh)"
    echo
    sed 's/^/    /' "$OUT/machine.txt"
    echo
    echo "wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS rounds (means), 16 KB thumbnail, upstream delay ${DELAY_MS} ms, gateway audit log $AUDIT."
    echo "foreign CPU = share of the machine that processes other than this benchmark used during the run."
    echo
    awk -F'\t' '
        NR == 1 { next }
        { n[$2]++; rps[$2] += $3; p50[$2] += $4; p99[$2] += $5; err[$2] += $6; busy[$2] += $7 }
        END {
            print "| target | req/s | p50 ms | p99 ms | errors | foreign CPU % |"
            print "|---|---:|---:|---:|---:|---:|"
            split("ceiling gateway-hit gateway-uncached nginx", ts, " ")
            for (i = 1; i <= 4; i++) { t = ts[i]; if (n[t]) printf "| %s | %.0f | %.2f | %.2f | %d | %.0f |\n", t, rps[t]/n[t], p50[t]/n[t], p99[t]/n[t], err[t], busy[t]/n[t] }
            print ""
            printf "gateway-hit / ceiling: %.2fx (target >= 0.8); gateway-hit / nginx: %.2fx (target > 1); gateway-hit / gateway-uncached: %.2fx\n",
                (rps["gateway-hit"]/n["gateway-hit"]) / (rps["ceiling"]/n["ceiling"]),
                (rps["gateway-hit"]/n["gateway-hit"]) / (rps["nginx"]/n["nginx"]),
                (rps["gateway-hit"]/n["gateway-hit"]) / (rps["gateway-uncached"]/n["gateway-uncached"])
        }' "$OUT/wrk.tsv"
} | tee "$OUT/summary.md"
log "raw results in $OUT"
