#!/usr/bin/env bash
# A plausible wrong solution: both parameter files right, but the old JSON
# file with the clear-text password is left behind "just in case".
set -euo pipefail
cat > main.dev.bicepparam <<'BICEP'
using './main.bicep'

param environmentName = 'dev'
param appServicePlanSku = 'B1'
param instanceCount = 1
param sqlAdminLogin = 'storefrontadmin'
param sqlAdminPassword = az.readEnvironmentVariable('SQL_ADMIN_PASSWORD')
BICEP
cat > main.prod.bicepparam <<'BICEP'
using './main.bicep'

param environmentName = 'prod'
param appServicePlanSku = 'P1v3'
param instanceCount = 3
param sqlAdminLogin = 'storefrontadmin'
param sqlAdminPassword = az.getSecret('7c1d9e2a-3b4f-4a6c-8d5e-9f0a1b2c3d4e', 'rg-tailspin-shared', 'kv-tailspin-prod', 'sql-admin-password')
param tags = { costCenter: 'CC-4410' }
BICEP
