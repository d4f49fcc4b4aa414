#!/usr/bin/env bash
# A plausible wrong solution: a pinned SDK image, non-root, right port and
# health check, but still one stage: the SDK and the sources ship.
set -euo pipefail
cat > Dockerfile <<'DOCKERFILE'
FROM mcr.microsoft.com/dotnet/sdk:10.0
WORKDIR /app
COPY . .
RUN dotnet publish src/Orders.Api/Orders.Api.csproj -c Release -o /app/out
EXPOSE 8080
USER $APP_UID
HEALTHCHECK CMD curl -f http://localhost:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "/app/out/Orders.Api.dll"]
DOCKERFILE
