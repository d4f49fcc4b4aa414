#!/usr/bin/env bash
# Reference solution: system-assigned identity, Key Vault references for the
# two secrets, slot settings for the environment and payment URL, HTTPS only,
# TLS 1.2, no FTP, Always On.
set -euo pipefail
cat > azuredeploy.json <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "siteName": {
      "type": "string",
      "defaultValue": "app-relecloud-tickets"
    },
    "planId": {
      "type": "string",
      "metadata": {
        "description": "Resource ID of the Premium v3 Linux App Service plan asp-relecloud-prod."
      }
    },
    "location": {
      "type": "string",
      "defaultValue": "[resourceGroup().location]"
    }
  },
  "resources": [
    {
      "type": "Microsoft.Web/sites",
      "apiVersion": "2023-12-01",
      "name": "[parameters('siteName')]",
      "location": "[parameters('location')]",
      "kind": "app,linux",
      "identity": {
        "type": "SystemAssigned"
      },
      "properties": {
        "serverFarmId": "[parameters('planId')]",
        "httpsOnly": true,
        "siteConfig": {
          "linuxFxVersion": "DOTNETCORE|10.0",
          "alwaysOn": true,
          "minTlsVersion": "1.2",
          "ftpsState": "Disabled",
          "appSettings": [
            {
              "name": "ASPNETCORE_ENVIRONMENT",
              "value": "Production"
            },
            {
              "name": "TicketsDb",
              "value": "@Microsoft.KeyVault(SecretUri=https://kv-relecloud-prod.vault.azure.net/secrets/tickets-db/)"
            },
            {
              "name": "PaymentApi__Key",
              "value": "@Microsoft.KeyVault(VaultName=kv-relecloud-prod;SecretName=payment-api-key)"
            },
            {
              "name": "PaymentApi__BaseUrl",
              "value": "https://api.payments.example/v2"
            }
          ]
        }
      }
    },
    {
      "type": "Microsoft.Web/sites/slots",
      "apiVersion": "2023-12-01",
      "name": "[format('{0}/staging', parameters('siteName'))]",
      "location": "[parameters('location')]",
      "kind": "app,linux",
      "dependsOn": [
        "[resourceId('Microsoft.Web/sites', parameters('siteName'))]"
      ],
      "properties": {
        "serverFarmId": "[parameters('planId')]",
        "siteConfig": {
          "linuxFxVersion": "DOTNETCORE|10.0",
          "appSettings": [
            {
              "name": "ASPNETCORE_ENVIRONMENT",
              "value": "Staging"
            },
            {
              "name": "PaymentApi__BaseUrl",
              "value": "https://sandbox.payments.example/v2"
            }
          ]
        }
      }
    },
    {
      "type": "Microsoft.Web/sites/config",
      "apiVersion": "2023-12-01",
      "name": "[format('{0}/slotConfigNames', parameters('siteName'))]",
      "dependsOn": [
        "[resourceId('Microsoft.Web/sites', parameters('siteName'))]"
      ],
      "properties": {
        "appSettingNames": [
          "ASPNETCORE_ENVIRONMENT",
          "PaymentApi__BaseUrl"
        ]
      }
    }
  ]
}
JSON
