#!/usr/bin/env bash
# A plausible wrong solution: zones added, but the regional fault domain
# count kept; a zone-spanning Flexible scale set supports only 1.
set -euo pipefail
cat > vmss-claims-api.json <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "location": {
      "type": "string",
      "defaultValue": "[resourceGroup().location]"
    },
    "adminUsername": {
      "type": "string",
      "defaultValue": "azureops"
    },
    "sshPublicKey": {
      "type": "string",
      "metadata": {
        "description": "OpenSSH public key of the operations team."
      }
    },
    "subnetId": {
      "type": "string"
    }
  },
  "resources": [
    {
      "type": "Microsoft.Compute/virtualMachineScaleSets",
      "apiVersion": "2024-07-01",
      "name": "vmss-claims-api",
      "location": "[parameters('location')]",
      "zones": ["1", "2", "3"],
      "identity": {
        "type": "SystemAssigned"
      },
      "sku": {
        "name": "Standard_D2s_v5",
        "capacity": 3
      },
      "properties": {
        "orchestrationMode": "Flexible",
        "platformFaultDomainCount": 2,
        "virtualMachineProfile": {
        "osProfile": {
          "computerNamePrefix": "claims",
          "adminUsername": "[parameters('adminUsername')]",
          "linuxConfiguration": {
            "disablePasswordAuthentication": true,
            "ssh": {
              "publicKeys": [
                {
                  "path": "[format('/home/{0}/.ssh/authorized_keys', parameters('adminUsername'))]",
                  "keyData": "[parameters('sshPublicKey')]"
                }
              ]
            }
          }
        },
        "securityProfile": {
          "encryptionAtHost": true
        },
          "storageProfile": {
            "imageReference": {
              "publisher": "Canonical",
              "offer": "ubuntu-24_04-lts",
              "sku": "server",
              "version": "latest"
            },
            "osDisk": {
              "createOption": "FromImage",
              "managedDisk": {
                "storageAccountType": "Premium_LRS"
              }
            }
          },
          "networkProfile": {
            "networkApiVersion": "2020-11-01",
            "networkInterfaceConfigurations": [
              {
                "name": "nic-claims",
                "properties": {
                  "primary": true,
                  "ipConfigurations": [
                    {
                      "name": "ipconfig1",
                      "properties": {
                        "subnet": {
                          "id": "[parameters('subnetId')]"
                        }
                      }
                    }
                  ]
                }
              }
            ]
          }
        }
      }
    }
  ]
}
JSON
