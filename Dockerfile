# syntax=docker/dockerfile:1
# ImmichGateway: build with the .NET SDK, run on Ubuntu Chiseled (glibc, no shell, no package manager, non-root).
#   docker build -t immich-gateway .
# The publish output is portable IL plus the native libraries the NuGet packages ship, so the build stage runs on
# the build machine's own platform. The runtime is linux/amd64: libvips (thumbnail conversion) comes from
# NetVips.Native.linux-x64 only. Packaging tests check that every native library in the output needs nothing beyond
# glibc, libstdc++ and OpenSSL, which the chiseled image carries, and that this platform matches the natives.

ARG DOTNET_VERSION=10.0

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore first, from the project files alone, so the restore layer is reused until a package changes. Every
# package version is pinned in Directory.Packages.props (central package management), and every package, transitive
# ones included, with its content hash in packages.lock.json: in locked mode a lock file that does not match the
# project, or a package whose bytes differ, fails the build instead of restoring something else.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ImmichGateway/ImmichGateway.csproj src/ImmichGateway/packages.lock.json src/ImmichGateway/
RUN dotnet restore --locked-mode src/ImmichGateway/ImmichGateway.csproj
COPY src/ImmichGateway/ src/ImmichGateway/
RUN dotnet publish src/ImmichGateway/ImmichGateway.csproj --no-restore -c Release -o /app /p:UseAppHost=false

FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's non-root "app" user (uid 1654); ASP.NET Core listens on 8080, a port that needs no privilege.
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# No HEALTHCHECK: Kubernetes probes /health/live and /health/ready, docker compose runs "health-probe".
# Exec form: dotnet is PID 1 and gets SIGTERM itself; it stops accepting, drains in-flight requests for up to
# ASPNETCORE_SHUTDOWNTIMEOUTSECONDS (Gateway:Health:ShutdownDelay first) and exits.
ENTRYPOINT ["dotnet", "ImmichGateway.dll"]
