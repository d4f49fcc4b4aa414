#!/usr/bin/env bash
# A plausible wrong solution: two single-property range indexes instead of
# a composite index; an ORDER BY on two properties needs the composite.
set -euo pipefail
cat > tickets-container.json <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "accountName": {
      "type": "string",
      "defaultValue": "cosmos-wwi-support"
    },
    "databaseName": {
      "type": "string",
      "defaultValue": "support"
    }
  },
  "resources": [
    {
      "type": "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
      "apiVersion": "2024-11-15",
      "name": "[format('{0}/{1}/tickets', parameters('accountName'), parameters('databaseName'))]",
      "properties": {
        "resource": {
          "id": "tickets",
          "partitionKey": {
            "paths": [
              "/customerId"
            ],
            "kind": "Hash",
            "version": 2
          },
          "indexingPolicy": {
            "indexingMode": "consistent",
            "automatic": true,
            "includedPaths": [
              {
                "path": "/*"
              },
              {
                "path": "/priority/?"
              },
              {
                "path": "/createdAt/?"
              }
            ],
            "excludedPaths": [
              {
                "path": "/attachments/*"
              },
              {
                "path": "/\"_etag\"/?"
              }
            ]
          },
          "uniqueKeyPolicy": {
            "uniqueKeys": [
              {
                "paths": [
                  "/ticketNumber"
                ]
              }
            ]
          },
          "defaultTtl": 34560000
        },
        "options": {
          "autoscaleSettings": {
            "maxThroughput": 4000
          }
        }
      }
    }
  ]
}
JSON
