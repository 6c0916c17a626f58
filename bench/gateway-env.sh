# Sourced by every benchmark script that starts the gateway.

# gateway_env UPSTREAM_URL IMMICH_KEY CLIENT_SHA256: sets GATEWAY_ENV to the environment a benchmarked gateway runs
# with: production settings, in front of UPSTREAM_URL, one user "bench" (Immich key IMMICH_KEY) with one client "wrk"
# (its key's SHA-256). The load generator is that one client: its rate limit is set out of reach, so the limiter still
# runs (and costs what it costs) but never answers 429.
gateway_env() {
    GATEWAY_ENV=(
        ASPNETCORE_ENVIRONMENT=Production
        "Immich__BaseUrl=$1"
        "Gateway__Users__bench__ImmichApiKey=$2"
        "Gateway__Users__bench__Clients__wrk__KeySha256=$3"
        Gateway__RateLimit__PermitLimit=1000000000
        Gateway__RateLimit__TokensPerSecond=1000000000
    )
}
