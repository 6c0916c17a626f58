#!/usr/bin/env bash
# ImmichGateway benchmark: gateway vs bare YARP in front of the same fake Immich, plus a 2 GiB streamed upload.
# Usage: bash bench/run.sh            (from anywhere; everything listens on 127.0.0.1 only)
# Knobs (environment): BENCH_DURATION (15s), BENCH_WARMUP (10s: until the JIT has tiered the hot paths up — the
#   gateway has more code to tier than bare YARP, and a short warm-up measures that, not its steady state),
#   BENCH_THREADS (2), BENCH_CONNECTIONS (32),
#   BENCH_LATENCY_CONNECTIONS (1), BENCH_LATENCY_DURATION (10s), BENCH_ROUNDS (2), BENCH_QUIET_PCT (15) and
#   BENCH_QUIET_WAIT (15: before each measurement, wait up to that many seconds for other processes to use less
#   than BENCH_QUIET_PCT % of the CPUs), BENCH_UPLOAD_BYTES (2147483648), BENCH_PORT_BASE (5301: upstream, +1 bare YARP,
#   +2 gateway, +3 gateway with the audit log off), BENCH_GATEWAY_REF (build the gateway from this git ref
#   instead of the working tree), BENCH_ENDPOINTS ("json thumb thumb-uuid"), BENCH_OUT (results directory).
# Raw outputs go to bench/results/<timestamp>/ (gitignored); the summary is printed at the end.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
OUT=${BENCH_OUT:-$BENCH/results/$(date +%Y%m%d-%H%M%S)}
ART=$BENCH/results/artifacts
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
LAT_CONNS=${BENCH_LATENCY_CONNECTIONS:-1}
LAT_DURATION=${BENCH_LATENCY_DURATION:-10s}
QUIET_PCT=${BENCH_QUIET_PCT:-15}
QUIET_WAIT=${BENCH_QUIET_WAIT:-15}
ROUNDS=${BENCH_ROUNDS:-2}
UPLOAD_BYTES=${BENCH_UPLOAD_BYTES:-2147483648}
PORT_BASE=${BENCH_PORT_BASE:-5301}
PORT_UP=$PORT_BASE
PORT_YARP=$((PORT_BASE + 1))
PORT_GW=$((PORT_BASE + 2))
PORT_GW_QUIET=$((PORT_BASE + 3))
HOST=127.0.0.1
mkdir -p "$OUT" "$ART"

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" | tee -a "$OUT/run.log" >&2; }
die() { log "FAILED: $*"; exit 1; }

command -v wrk >/dev/null || die "wrk is not installed (apt-get install -y wrk)"
command -v curl >/dev/null || die "curl is not installed"

# ---------------------------------------------------------------- processes we start, and their cleanup
declare -A PID=()
SAMPLER_PID=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
    for name in "${!PID[@]}"; do
        kill "${PID[$name]}" 2>/dev/null || true
    done
    for name in "${!PID[@]}"; do
        # bounded: give each process 10 s to stop, then SIGKILL it (its own pid only)
        for _ in $(seq 100); do kill -0 "${PID[$name]}" 2>/dev/null || break; sleep 0.1; done
        kill -9 "${PID[$name]}" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$PORT_UP" "$PORT_YARP" "$PORT_GW" "$PORT_GW_QUIET"; do
    if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then
        die "port $port on $HOST is already in use (set BENCH_PORT_BASE)"
    fi
done

# ---------------------------------------------------------------- machine
{
    echo "date: $(date -Is)"
    echo "host: $(uname -srm)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "dotnet sdk: $(dotnet --version); runtime: $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v = $2} END {print "ASP.NET Core " v}')"
    echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "git HEAD: $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "gateway source: ${BENCH_GATEWAY_REF:-working tree}"
    echo "uncommitted changes under src/: $(git -C "$ROOT" status --porcelain -- src | wc -l) file(s)"
    echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "busiest processes at start:"
    ps -eo pcpu,rss,comm --sort=-pcpu | head -6 | sed 's/^/  /'
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

# ---------------------------------------------------------------- build (Release)
# The gateway is built into its own artifacts directory: other people build src/ in Debug concurrently, and
# sharing src/ImmichGateway/obj with them would race.
GW_PROJECT=$ROOT/src/ImmichGateway/ImmichGateway.csproj
GW_ART=$ART/gateway
if [[ -n ${BENCH_GATEWAY_REF:-} ]]; then
    snapshot=$OUT/gateway-src
    mkdir -p "$snapshot"
    git -C "$ROOT" archive --format=tar "$BENCH_GATEWAY_REF" src/ImmichGateway Directory.Build.props Directory.Packages.props \
        | tar -x -C "$snapshot"
    GW_PROJECT=$snapshot/src/ImmichGateway/ImmichGateway.csproj
    GW_ART=$ART/gateway-ref
fi
log "building (Release)"
dotnet build "$GW_PROJECT" -c Release --artifacts-path "$GW_ART" -nologo -clp:ErrorsOnly >"$OUT/build-gateway.txt" 2>&1 \
    || { cat "$OUT/build-gateway.txt" >&2; die "gateway build"; }
for project in Upstream BareYarp; do
    dotnet build "$BENCH/$project/$project.csproj" -c Release --artifacts-path "$ART/bench" -nologo -clp:ErrorsOnly \
        >"$OUT/build-$project.txt" 2>&1 || { cat "$OUT/build-$project.txt" >&2; die "$project build"; }
done
GW_DIR=$GW_ART/bin/ImmichGateway/release
UP_DIR=$ART/bench/bin/Upstream/release
YARP_DIR=$ART/bench/bin/BareYarp/release
[[ -f $GW_DIR/ImmichGateway.dll && -f $UP_DIR/Bench.Upstream.dll && -f $YARP_DIR/Bench.BareYarp.dll ]] || die "build outputs missing"

# ---------------------------------------------------------------- keys
IMMICH_KEY="bench-immich-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
CLIENT_KEY="igw_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
CLIENT_SHA=$(printf '%s' "$CLIENT_KEY" | sha256sum | cut -d' ' -f1)

# ---------------------------------------------------------------- start everything
# start NAME DIR COMMAND...: runs COMMAND in DIR (the content root, so appsettings.json is found), stdout/stderr to files.
start() {
    local name=$1 dir=$2
    shift 2
    (cd "$dir" && exec "$@") >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" &
    PID[$name]=$!
}
# wait_ready NAME PORT: up to 30 s for an HTTP answer
wait_ready() {
    local name=$1 port=$2
    for _ in $(seq 300); do
        kill -0 "${PID[$name]}" 2>/dev/null || { cat "$OUT/$name.stderr" "$OUT/$name.stdout" >&2; die "$name exited"; }
        [[ $(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://$HOST:$port/api/server/ping" || true) != 000 ]] && return 0
        sleep 0.1
    done
    die "$name did not answer on port $port within 30 s"
}

source "$ROOT/bench/gateway-env.sh"
gateway_env "http://$HOST:$PORT_UP" "$IMMICH_KEY" "$CLIENT_SHA"
GW_ENV=("${GATEWAY_ENV[@]}")
log "starting upstream :$PORT_UP, bare YARP :$PORT_YARP, gateway :$PORT_GW (default logging), gateway :$PORT_GW_QUIET (audit log off)"
start upstream "$UP_DIR" dotnet Bench.Upstream.dll --urls "http://$HOST:$PORT_UP" "--Upstream:ApiKey=$IMMICH_KEY"
start bareyarp "$YARP_DIR" env ASPNETCORE_ENVIRONMENT=Production dotnet Bench.BareYarp.dll --urls "http://$HOST:$PORT_YARP" \
    "--Upstream:BaseUrl=http://$HOST:$PORT_UP" "--Upstream:ApiKey=$IMMICH_KEY"
start gateway "$GW_DIR" env "${GW_ENV[@]}" "ASPNETCORE_URLS=http://$HOST:$PORT_GW" dotnet ImmichGateway.dll
start gateway-quiet "$GW_DIR" env "${GW_ENV[@]}" "ASPNETCORE_URLS=http://$HOST:$PORT_GW_QUIET" \
    "Logging__LogLevel__ImmichGateway.Audit=Warning" dotnet ImmichGateway.dll
wait_ready upstream "$PORT_UP"
wait_ready bareyarp "$PORT_YARP"
wait_ready gateway "$PORT_GW"
wait_ready gateway-quiet "$PORT_GW_QUIET"

# ---------------------------------------------------------------- sanity: every path answers what it should
declare -A PORT_OF=([gateway]=$PORT_GW [bareyarp]=$PORT_YARP [gateway-quiet]=$PORT_GW_QUIET)
# json and thumb use ids that are not UUIDs: the gateway's reference API claims /api/albums/{uuid} and
# /api/assets/{uuid}/thumbnail (it translates them into its own Immich calls), so only non-UUID ids take the plain
# YARP route that these two compare with bare YARP. thumb-uuid is the same request with a UUID, i.e. what a real
# client gets: through the gateway it takes the reference API's translated path (ImmichClient), not YARP.
declare -A PATH_OF=(
    [json]=/api/albums/bench-album
    [thumb]=/api/assets/bench-asset/thumbnail
    [thumb-uuid]=/api/assets/0b9f7c2e-4d1a-4f6b-9a3c-000000000001/thumbnail
)
read -r -a ENDPOINTS <<<"${BENCH_ENDPOINTS:-json thumb thumb-uuid}"
expect() { # expect LABEL WANTED_STATUS CURL_ARGS...
    local label=$1 want=$2
    shift 2
    local got
    got=$(curl -sS -o "$OUT/sanity-body.tmp" -D "$OUT/sanity-headers.tmp" -m 5 -w '%{http_code} %{size_download}' "$@" || true)
    {
        echo "== $label: want $want, got $got"
        tr -d '\r' <"$OUT/sanity-headers.tmp" | grep -iE '^(HTTP|content-type|content-length|etag|cache-control)' | sed 's/^/   /'
    } >>"$OUT/sanity.txt"
    [[ ${got%% *} == "$want" ]] || die "sanity: $label answered $got (want $want); see $OUT/sanity.txt"
}
: >"$OUT/sanity.txt"
for target in gateway bareyarp gateway-quiet; do
    for endpoint in "${ENDPOINTS[@]}"; do
        expect "$target $endpoint" 200 -H "x-api-key: $CLIENT_KEY" "http://$HOST:${PORT_OF[$target]}${PATH_OF[$endpoint]}"
    done
done
expect "upstream without a key" 401 "http://$HOST:$PORT_UP${PATH_OF[json]}"
expect "gateway without a key" 401 "http://$HOST:$PORT_GW${PATH_OF[json]}"
expect "gateway with a wrong key" 401 -H "x-api-key: igw_not-a-key" "http://$HOST:$PORT_GW${PATH_OF[json]}"
expect "gateway with the Immich key itself" 401 -H "x-api-key: $IMMICH_KEY" "http://$HOST:$PORT_GW${PATH_OF[json]}"
curl -sS -o "$OUT/thumb-upstream.bin" -H "x-api-key: $IMMICH_KEY" "http://$HOST:$PORT_UP${PATH_OF[thumb]}"
for endpoint in thumb thumb-uuid; do
    curl -sS -o "$OUT/thumb-gateway.bin" -H "x-api-key: $CLIENT_KEY" "http://$HOST:$PORT_GW${PATH_OF[$endpoint]}"
    cmp -s "$OUT/thumb-gateway.bin" "$OUT/thumb-upstream.bin" || die "sanity: the gateway altered the thumbnail bytes ($endpoint)"
done
rm -f "$OUT/sanity-body.tmp" "$OUT/sanity-headers.tmp" "$OUT/thumb-gateway.bin" "$OUT/thumb-upstream.bin"
log "sanity checks passed (see sanity.txt)"

# ---------------------------------------------------------------- wrk: gateway vs bare YARP, same run
# Two modes, interleaved target by target in every round:
#   load    -t$THREADS -c$CONNS  saturates the machine: throughput (and queueing latency)
#   latency -t1 -c$LAT_CONNS     one request at a time: the latency the proxy itself adds
# For each run we also record the proxy process's CPU time per request and the share of the machine's CPU that
# processes other than this benchmark used meanwhile (other builds and tests make the figures noisier).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of every thread, in clock ticks
system_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
NCPU=$(nproc)
run_wrk() { # run_wrk TARGET ENDPOINT DURATION OUTFILE THREADS CONNECTIONS
    local target=$1 endpoint=$2 duration=$3 outfile=$4 threads=$5 conns=$6
    wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$BENCH/wrk-report.lua" -H "x-api-key: $CLIENT_KEY" \
        "http://$HOST:${PORT_OF[$target]}${PATH_OF[$endpoint]}" >"$outfile" 2>&1
}
log "warm-up: $WARMUP per target and endpoint"
for target in gateway bareyarp gateway-quiet; do
    for endpoint in "${ENDPOINTS[@]}"; do
        run_wrk "$target" "$endpoint" "$WARMUP" "$OUT/warmup-$target-$endpoint.txt" "$THREADS" "$CONNS"
    done
done

printf 'round\tmode\ttarget\tendpoint\trps\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\tproxy_cpu_us_per_req\tforeign_cpu_pct\tupstream_cpu_us_per_req\twrk_cpu_us_per_req\n' >"$OUT/wrk.tsv"
ours() { local sum=0 name; for name in "${!PID[@]}"; do sum=$((sum + $(cpu_ticks "${PID[$name]}"))); done; echo "$sum"; }
# wait_quiet: before a measurement, wait (at most QUIET_WAIT seconds) until other processes use less than QUIET_PCT %
# of the machine over one second. Bounded: after the wait the run goes ahead anyway, and its foreign CPU is recorded.
wait_quiet() {
    local waited=0 busy0 ours0 busy1 ours1 pct
    while ((waited < QUIET_WAIT)); do
        busy0=$(system_busy) ours0=$(ours)
        sleep 1
        busy1=$(system_busy) ours1=$(ours)
        pct=$(( (busy1 - busy0 - (ours1 - ours0)) * TICK_US / 10000 / NCPU ))
        ((pct < QUIET_PCT)) && return 0
        waited=$((waited + 1))
    done
    log "machine still busy (other processes at ${pct}% of the CPUs); measuring anyway"
}
for round in $(seq "$ROUNDS"); do
    order=(gateway bareyarp gateway-quiet)
    ((round % 2 == 0)) && order=(gateway-quiet bareyarp gateway)
    for mode in load latency; do
        if [[ $mode == load ]]; then threads=$THREADS conns=$CONNS duration=$DURATION; else threads=1 conns=$LAT_CONNS duration=$LAT_DURATION; fi
        for endpoint in "${ENDPOINTS[@]}"; do
            for target in "${order[@]}"; do
                file=$OUT/wrk-r$round-$mode-$target-$endpoint.txt
                pid=${PID[$target]}
                wait_quiet
                before=$(cpu_ticks "$pid") up_before=$(cpu_ticks "${PID[upstream]}") ours_before=$(ours) busy_before=$(system_busy) t0=$(date +%s.%N)
                log "round $round: $mode $endpoint via $target (-t$threads -c$conns -d$duration)"
                TIMEFORMAT='%U %S'
                { time run_wrk "$target" "$endpoint" "$duration" "$file" "$threads" "$conns"; } 2>"$file.time"
                after=$(cpu_ticks "$pid") up_after=$(cpu_ticks "${PID[upstream]}") ours_after=$(ours) busy_after=$(system_busy) t1=$(date +%s.%N)
                line=$(grep '^BENCH ' "$file") || die "wrk output without a BENCH line: $file"
                get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
                requests=$(get requests)
                cpu=$(awk -v t=$((after - before)) -v us="$TICK_US" -v n="$requests" 'BEGIN { printf "%.1f", n ? t * us / n : 0 }')
                # the other two consumers of the shared CPUs, per request: the upstream (nothing on a cache hit) and wrk
                up_cpu=$(awk -v t=$((up_after - up_before)) -v us="$TICK_US" -v n="$requests" 'BEGIN { printf "%.1f", n ? t * us / n : 0 }')
                wrk_cpu=$(awk -v wrk="$(cat "$file.time")" -v n="$requests" 'BEGIN { split(wrk, w, " "); printf "%.1f", n ? (w[1] + w[2]) * 1000000 / n : 0 }')
                # foreign = machine busy time - our four servers - wrk itself, as a share of all CPUs over the run
                foreign=$(awk -v busy=$((busy_after - busy_before)) -v ours=$((ours_after - ours_before)) -v tick_us="$TICK_US" \
                    -v wrk="$(cat "$file.time")" -v t0="$t0" -v t1="$t1" -v ncpu="$NCPU" 'BEGIN {
                        split(wrk, w, " "); wrk_ticks = (w[1] + w[2]) * 1000000 / tick_us
                        f = (busy - ours - wrk_ticks) * tick_us / 1000000 / ((t1 - t0) * ncpu) * 100
                        printf "%.0f", (f < 0) ? 0 : f }')
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$mode" "$target" "$endpoint" "$(get rps)" "$(get p50_ms)" \
                    "$(get p99_ms)" "$(get non2xx)" "$(get socket_errors)" "$cpu" "$foreign" "$up_cpu" "$wrk_cpu" >>"$OUT/wrk.tsv"
                tail -n 1 "$OUT/wrk.tsv" | cut -f2- >&2
            done
        done
    done
done

# ---------------------------------------------------------------- 2 GiB uploads while sampling RSS
# The body is multipart/form-data generated on the fly (no file on disk): preamble, UPLOAD_BYTES zero bytes, trailer.
PREAMBLE=$'--x\r\nContent-Disposition: form-data; name="assetData"; filename="bench-upload.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
TRAILER=$'\r\n--x--\r\n'
UPLOAD_TOTAL=$((${#PREAMBLE} + UPLOAD_BYTES + ${#TRAILER}))
printf 'target\tframing\tupstream_saw\thttp_status\tbody_bytes\tbytes_upstream_counted\tok\tcurl_size_upload\tseconds\tMiB_per_s\trss_before_MiB\tpeak_rss_sampled_MiB\tvmhwm_MiB\tsamples\n' >"$OUT/upload.tsv"

# sample PID FILE STOPFILE: VmRSS and VmHWM (kB) every 100 ms; bounded to 10 minutes
sample() {
    local pid=$1 file=$2 stop=$3
    for _ in $(seq 6000); do
        [[ -e $stop ]] && break
        awk -v t="$(date +%s.%N)" '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} END {print t, r, h}' "/proc/$pid/status" 2>/dev/null || break
        sleep 0.1
    done >"$file"
}
upload() { # upload TARGET FRAMING(length|chunked)
    local target=$1 framing=$2 pid=${PID[$1]} name=upload-$1-$2
    local headers=(-H 'Content-Type: multipart/form-data; boundary=x' -H "x-api-key: $CLIENT_KEY")
    # curl -T - sends chunked unless told otherwise; an empty Transfer-Encoding header removes it.
    [[ $framing == length ]] && headers+=(-H "Content-Length: $UPLOAD_TOTAL" -H 'Transfer-Encoding:')
    local rss_before hwm_reset=no
    rss_before=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    # Reset the peak-RSS counter so VmHWM covers this upload only (kernel >= 4.0; needs permission on the process).
    { echo 5 >"/proc/$pid/clear_refs"; } 2>/dev/null && hwm_reset=yes
    rm -f "$OUT/$name.stop"
    sample "$pid" "$OUT/$name.rss" "$OUT/$name.stop" &
    SAMPLER_PID=$!
    log "upload: $UPLOAD_TOTAL bytes ($framing) via $target (VmHWM reset: $hwm_reset)"
    local started ended
    started=$(date +%s.%N)
    { printf '%s' "$PREAMBLE"; head -c "$UPLOAD_BYTES" /dev/zero; printf '%s' "$TRAILER"; } \
        | curl -sS -X POST -T - --max-time 600 "${headers[@]}" -o "$OUT/$name.body" \
            -w '%{http_code} %{size_upload}\n' "http://$HOST:${PORT_OF[$target]}/api/assets" >"$OUT/$name.curl" 2>&1 || true
    ended=$(date +%s.%N)
    touch "$OUT/$name.stop"
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=
    rm -f "$OUT/$name.stop"
    local status sent saw hwm peak samples seconds
    read -r status sent <"$OUT/$name.curl" || true
    saw=$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' "$OUT/$name.body" 2>/dev/null)
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    [[ $hwm_reset == no ]] && hwm="$hwm(lifetime)"
    peak=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$OUT/$name.rss")
    samples=$(wc -l <"$OUT/$name.rss")
    seconds=$(awk -v a="$started" -v b="$ended" 'BEGIN {printf "%.1f", b - a}')
    local framing_seen
    framing_seen=$(tail -n 1 "$OUT/upstream.stdout" | sed -n 's/.*(Transfer-Encoding: \([^,]*\), Content-Length: \([^)]*\)).*/TE=\1,CL=\2/p')
    local ok=no
    [[ ${status:-} == 201 && ${saw:-} == "$UPLOAD_TOTAL" ]] && ok=yes
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$framing" "${framing_seen:-?}" "${status:-?}" \
        "$UPLOAD_TOTAL" "${saw:-?}" "$ok" "${sent:-?}" "$seconds" \
        "$(awk -v n="$UPLOAD_TOTAL" -v s="$seconds" 'BEGIN {printf "%.0f", (s > 0) ? n / 1048576 / s : 0}')" \
        "$(awk -v k="$rss_before" 'BEGIN {printf "%.1f", k / 1024}')" "$(awk -v k="$peak" 'BEGIN {printf "%.1f", k / 1024}')" \
        "$(awk -v k="${hwm%%(*}" 'BEGIN {printf "%.1f", k / 1024}')${hwm#"${hwm%%(*}"}" "$samples" >>"$OUT/upload.tsv"
    tail -n 1 "$OUT/upload.tsv" >&2
}
upload gateway length
upload gateway chunked
upload bareyarp length

# ---------------------------------------------------------------- summary
{
    echo "# Results $(date -Is)"
    echo
    cat "$OUT/machine.txt" | sed 's/^/    /'
    echo
    echo "wrk, $ROUNDS round(s), means over rounds. load: -t$THREADS -c$CONNS -d$DURATION; latency: -t1 -c$LAT_CONNS -d$LAT_DURATION."
    echo "proxy / upstream / wrk CPU = each process's CPU time per request; foreign CPU = share of the machine used by other processes meanwhile."
    echo "All of them share the same CPUs, so under load req/s is about (CPUs) / (proxy + upstream + wrk CPU per request)."
    echo
    awk -F'\t' '
        NR == 1 { next }
        { k = $2 SUBSEP $3 SUBSEP $4; n[k]++; rps[k] += $5; p50[k] += $6; p99[k] += $7; bad[k] += $8 + $9; cpu[k] += $10; fo[k] += $11; up[k] += $12; wc[k] += $13 }
        END {
            split("load latency", ms, " "); ne = split(endpoints, eps, " "); split("bareyarp gateway gateway-quiet", ts, " ")
            print "| mode | endpoint | target | req/s | p50 ms | p99 ms | proxy CPU µs/req | upstream CPU µs/req | wrk CPU µs/req | foreign CPU % | errors |"
            print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
            for (m = 1; m <= 2; m++) for (e = 1; e <= ne; e++) for (t = 1; t <= 3; t++) {
                k = ms[m] SUBSEP ts[t] SUBSEP eps[e]
                if (n[k]) printf "| %s | %s | %s | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f | %d |\n", ms[m], eps[e], ts[t],
                    rps[k]/n[k], p50[k]/n[k], p99[k]/n[k], cpu[k]/n[k], up[k]/n[k], wc[k]/n[k], fo[k]/n[k], bad[k]
            }
            print ""
            print "| mode | endpoint | comparison | rps ratio (target >= 0.90) | p50 difference ms | p99 difference ms (target <= 0.5) |"
            print "|---|---|---|---:|---:|---:|"
            split("gateway/bareyarp/gateway (audit on) vs bare YARP,gateway-quiet/bareyarp/gateway (audit off) vs bare YARP,gateway/gateway-quiet/gateway audit on vs off", cs, ",")
            for (m = 1; m <= 2; m++) for (e = 1; e <= ne; e++) for (c = 1; c <= 3; c++) {
                split(cs[c], parts, "/"); a = ms[m] SUBSEP parts[1] SUBSEP eps[e]; b = ms[m] SUBSEP parts[2] SUBSEP eps[e]
                if (n[a] && n[b]) printf "| %s | %s | %s | %.3f | %+.2f | %+.2f |\n", ms[m], eps[e], parts[3],
                    (rps[a]/n[a]) / (rps[b]/n[b]), p50[a]/n[a] - p50[b]/n[b], p99[a]/n[a] - p99[b]/n[b]
            }
        }' endpoints="${ENDPOINTS[*]}" "$OUT/wrk.tsv"
    echo
    echo "Uploads (target: 201, the upstream counted every body byte, gateway peak RSS < 200 MiB; curl_size_upload includes chunk framing):"
    echo
    column -t -s $'\t' "$OUT/upload.tsv" | sed 's/^/    /'
    echo
    echo "Gateway stdout (default logging): $(wc -l <"$OUT/gateway.stdout") lines, $(du -h "$OUT/gateway.stdout" | cut -f1);" \
         "audit-off gateway stdout: $(wc -l <"$OUT/gateway-quiet.stdout") lines."
    echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
log "raw outputs in $OUT"
