#!/usr/bin/env bash
# Reference solution: three .bicepparam files reading their own vault with
# getSecret(), a JSON parameters file with a Key Vault reference, the old
# file deleted, and the vaults opened to template deployments.
set -euo pipefail
sub=3f1c2a9e-7b44-4d0e-9c1a-52b8e6d0a7f3
for env in dev test prod; do
  case $env in
    dev)  plan=B1   db=Basic ;;
    test) plan=S1   db=S0 ;;
    prod) plan=P1v3 db=S2 ;;
  esac
  cat > main.$env.bicepparam <<BICEP
using './main.bicep'

param environmentName = '$env'
param location = 'westeurope'
param appServicePlanSku = '$plan'
param sqlDatabaseSku = '$db'
param sqlAdminLogin = 'loyaltyadmin'
param sqlAdminPassword = getSecret('$sub', 'rg-fourthcoffee-shared', 'kv-fourthcoffee-$env', 'sql-admin-password')
BICEP
done
cat > main.parameters.prod.json <<JSON
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "environmentName": { "value": "prod" },
    "location": { "value": "westeurope" },
    "appServicePlanSku": { "value": "P1v3" },
    "sqlDatabaseSku": { "value": "S2" },
    "sqlAdminLogin": { "value": "loyaltyadmin" },
    "sqlAdminPassword": {
      "reference": {
        "keyVault": {
          "id": "/subscriptions/$sub/resourceGroups/rg-fourthcoffee-shared/providers/Microsoft.KeyVault/vaults/kv-fourthcoffee-prod"
        },
        "secretName": "sql-admin-password"
      }
    }
  }
}
JSON
rm main.parameters.json
sed -i 's/enabledForTemplateDeployment: false/enabledForTemplateDeployment: true/' shared/keyvault.bicep
