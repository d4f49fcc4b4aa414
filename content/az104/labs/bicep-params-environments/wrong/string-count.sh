#!/usr/bin/env bash
# A plausible wrong solution: the instance count quoted as in a JSON
# parameter file written by hand; main.bicep declares it as an int.
set -euo pipefail
cat > main.dev.bicepparam <<'BICEP'
using 'main.bicep'

param environmentName = 'dev'
param appServicePlanSku = 'B1'
param instanceCount = 1
param sqlAdminLogin = 'storefrontadmin'
param sqlAdminPassword = readEnvironmentVariable('SQL_ADMIN_PASSWORD')
BICEP
cat > main.prod.bicepparam <<'BICEP'
using 'main.bicep'

param environmentName = 'prod'
param appServicePlanSku = 'P1v3'
param instanceCount = '3'
param sqlAdminLogin = 'storefrontadmin'
param sqlAdminPassword = getSecret('7c1d9e2a-3b4f-4a6c-8d5e-9f0a1b2c3d4e', 'rg-tailspin-shared', 'kv-tailspin-prod', 'sql-admin-password')
param tags = {
  costCenter: 'CC-4410'
}
BICEP
rm -f azuredeploy.parameters.dev.json
