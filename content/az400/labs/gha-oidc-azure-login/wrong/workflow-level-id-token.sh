#!/usr/bin/env bash
# A plausible wrong solution: OIDC works, but id-token: write is granted at
# the workflow level, so the build job can request tokens too.
set -euo pipefail
cat > .github/workflows/deploy.yml <<'YAML'
name: Deploy orders-api
on:
  push:
    branches: [main]
permissions:
  id-token: write
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-dotnet@v4
        with:
          dotnet-version: '8.0.x'
      - run: dotnet publish src/Orders.Api --configuration Release --output publish
      - uses: actions/upload-artifact@v4
        with:
          name: api
          path: publish
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: api
          path: publish
      - uses: azure/login@v2
        with:
          client-id: ${{ secrets.AZURE_CLIENT_ID }}
          tenant-id: ${{ secrets.AZURE_TENANT_ID }}
          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}
      - uses: azure/webapps-deploy@v3
        with:
          app-name: fabrikam-orders-prod
          package: publish
YAML
