#!/usr/bin/env bash
# Reference solution: asg-web, HTTPS from the internet and RDP from the
# Bastion subnet, both to the application security group; nothing else.
set -euo pipefail
cat > nsg-web.json <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "location": {
      "type": "string",
      "defaultValue": "[resourceGroup().location]"
    }
  },
  "resources": [
    {
      "type": "Microsoft.Network/applicationSecurityGroups",
      "apiVersion": "2024-05-01",
      "name": "asg-web",
      "location": "[parameters('location')]"
    },
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2024-05-01",
      "name": "nsg-web",
      "location": "[parameters('location')]",
      "dependsOn": [
        "[resourceId('Microsoft.Network/applicationSecurityGroups', 'asg-web')]"
      ],
      "properties": {
        "securityRules": [
          {
            "name": "Allow-HTTPS-Inbound",
            "properties": {
              "priority": 100,
              "direction": "Inbound",
              "access": "Allow",
              "protocol": "Tcp",
              "sourceAddressPrefix": "Internet",
              "sourcePortRange": "*",
              "destinationPortRange": "443",
              "destinationApplicationSecurityGroups": [
                {
                  "id": "[resourceId('Microsoft.Network/applicationSecurityGroups', 'asg-web')]"
                }
              ]
            }
          },
          {
            "name": "Allow-RDP-From-Bastion",
            "properties": {
              "priority": 110,
              "direction": "Inbound",
              "access": "Allow",
              "protocol": "Tcp",
              "sourceAddressPrefix": "10.40.255.0/26",
              "sourcePortRange": "*",
              "destinationPortRange": "3389",
              "destinationApplicationSecurityGroups": [
                {
                  "id": "[resourceId('Microsoft.Network/applicationSecurityGroups', 'asg-web')]"
                }
              ]
            }
          }
        ]
      }
    }
  ]
}
JSON
