#!/usr/bin/env bash
# A plausible wrong solution: everything right but mode All, the portal's
# default, which also reports child resources that cannot be tagged.
set -euo pipefail
cat > policies/require-costcenter-tag.json <<'JSON'
{
  "properties": {
    "displayName": "Require a tag on resources",
    "description": "Reports or refuses resources that do not carry the tag named by the tagName parameter.",
    "mode": "All",
    "metadata": {
      "version": "1.0.0",
      "category": "Tags"
    },
    "parameters": {
      "tagName": {
        "type": "String",
        "metadata": {
          "displayName": "Tag name",
          "description": "Name of the tag every resource must have, such as costCenter."
        }
      },
      "effect": {
        "type": "String",
        "metadata": {
          "displayName": "Effect",
          "description": "Audit reports, Deny refuses, Disabled turns the policy off."
        },
        "allowedValues": [
          "Audit",
          "Deny",
          "Disabled"
        ],
        "defaultValue": "Audit"
      }
    },
    "policyRule": {
      "if": {
        "field": "[concat('tags[', parameters('tagName'), ']')]",
        "exists": "false"
      },
      "then": {
        "effect": "[parameters('effect')]"
      }
    }
  }
}
JSON
cat > policies/assign-costcenter-tag.json <<'JSON'
{
  "properties": {
    "displayName": "Require costCenter on Contoso production resources",
    "description": "Refuses new or updated resources without a costCenter tag.",
    "policyDefinitionId": "/providers/Microsoft.Management/managementGroups/mg-contoso/providers/Microsoft.Authorization/policyDefinitions/require-tag",
    "enforcementMode": "Default",
    "notScopes": [
      "/subscriptions/0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d/resourceGroups/rg-sandbox"
    ],
    "nonComplianceMessages": [
      {
        "message": "Add a costCenter tag with your cost center code (for example CC-1234) to every resource."
      }
    ],
    "parameters": {
      "tagName": {
        "value": "costCenter"
      },
      "effect": {
        "value": "Deny"
      }
    }
  }
}
JSON
