# Sourced by bench/profile/run.sh and compare.sh: what both need to start a gateway under the profiler.
# Expects ROOT, OUT, ART and HOST to be set.

source "$ROOT/bench/gateway-env.sh"

# Throw-away keys for the one bench user and its one client (the gateway stores only the client key's SHA-256).
IMMICH_KEY="profile-immich-$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
CLIENT_KEY="igw_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
CLIENT_SHA=$(printf '%s' "$CLIENT_KEY" | sha256sum | cut -d' ' -f1)

# Every process started is stopped on exit.
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

# build_gateway: the gateway in Release, into the profiler's own artifacts.
build_gateway() {
    dotnet build "$ROOT/src/ImmichGateway/ImmichGateway.csproj" -c Release --artifacts-path "$ART/profile" -nologo -clp:ErrorsOnly >"$OUT/build.txt"
}

# start_gateway UPSTREAM_PORT GATEWAY_PORT [VAR=value ...]: the gateway in front of the upstream, as the bench user,
# with a rate limit too high to matter, in the background (its pid in GATEWAY_PID, its log in $OUT/gateway.log).
# Extra VAR=value arguments (perf map, PROFILE_GATEWAY_ENV) go into its environment.
start_gateway() {
    local upstream=$1 port=$2
    shift 2
    gateway_env "http://$HOST:$upstream" "$IMMICH_KEY" "$CLIENT_SHA"
    (cd "$ART/profile/bin/ImmichGateway/release" && exec env "$@" "${GATEWAY_ENV[@]}" \
        "ASPNETCORE_URLS=http://$HOST:$port" dotnet ImmichGateway.dll) \
        >"$OUT/gateway.log" 2>&1 &
    GATEWAY_PID=$!
    pids+=("$GATEWAY_PID")
}
