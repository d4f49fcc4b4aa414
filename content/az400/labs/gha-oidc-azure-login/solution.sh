#!/usr/bin/env bash
# Reference solution: OIDC login with the identity's IDs, the production
# environment, and per-job least-privilege permissions.
set -euo pipefail
cat > .github/workflows/deploy.yml <<'YAML'
name: Deploy orders-api

on:
  push:
    branches: [main]

permissions: {}

jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
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
    permissions:
      id-token: write   # request the OIDC token azure/login exchanges
      contents: read
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: api
          path: publish
      - uses: azure/login@v2
        with:
          client-id: ${{ vars.AZURE_CLIENT_ID }}
          tenant-id: ${{ vars.AZURE_TENANT_ID }}
          subscription-id: ${{ vars.AZURE_SUBSCRIPTION_ID }}
      - uses: azure/webapps-deploy@v3
        with:
          app-name: fabrikam-orders-prod
          package: publish
YAML
