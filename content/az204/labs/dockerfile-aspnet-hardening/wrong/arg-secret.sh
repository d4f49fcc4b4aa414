#!/usr/bin/env bash
# A plausible wrong solution: everything right, but the connection string
# moved to a build argument with a default value "so the build still works".
set -euo pipefail
cat > Dockerfile <<'DOCKERFILE'
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY src/ src/
RUN dotnet publish src/Orders.Api/Orders.Api.csproj -c Release -o /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine
ARG ORDERS_DB_PASSWORD=Winter-2026!
WORKDIR /app
COPY --from=build /app/publish .
EXPOSE 8080
USER $APP_UID
HEALTHCHECK CMD wget -q --spider http://localhost:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "Orders.Api.dll"]
DOCKERFILE
