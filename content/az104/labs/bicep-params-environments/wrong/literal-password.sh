#!/usr/bin/env bash
# A plausible wrong solution: the production password pasted into the
# parameter file "because the pipeline variable was hard to wire up".
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
param instanceCount = 3
param sqlAdminLogin = 'storefrontadmin'
param sqlAdminPassword = 'Tailspin-Prod-2026!'
param tags = {
  costCenter: 'CC-4410'
}
BICEP
rm -f azuredeploy.parameters.dev.json
