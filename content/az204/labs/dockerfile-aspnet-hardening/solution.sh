#!/usr/bin/env bash
# Reference solution: SDK build stage, pinned ASP.NET Core Alpine runtime,
# non-root app user, port 8080, wget health check, no secrets.
set -euo pipefail
cat > Dockerfile <<'DOCKERFILE'
# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY src/Orders.Api/Orders.Api.csproj src/Orders.Api/
RUN dotnet restore src/Orders.Api/Orders.Api.csproj
COPY src/ src/
RUN dotnet publish src/Orders.Api/Orders.Api.csproj -c Release -o /app/publish --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine AS final
WORKDIR /app
COPY --from=build /app/publish .
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD wget -q --spider http://localhost:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "Orders.Api.dll"]
DOCKERFILE
