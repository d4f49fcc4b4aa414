#!/usr/bin/env bash
# A plausible wrong solution: curl installed for the health check, and the
# USER switched back to root for it, which stays the user at run time.
set -euo pipefail
cat > Dockerfile <<'DOCKERFILE'
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY src/ src/
RUN dotnet publish src/Orders.Api/Orders.Api.csproj -c Release -o /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine
WORKDIR /app
COPY --from=build /app/publish .
USER $APP_UID
EXPOSE 8080
USER root
RUN apk add --no-cache curl
HEALTHCHECK CMD curl -f http://localhost:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "Orders.Api.dll"]
DOCKERFILE
