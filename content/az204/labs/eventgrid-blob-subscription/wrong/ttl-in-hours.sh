#!/usr/bin/env bash
# A plausible wrong solution: the four hours written as 4; the event time to
# live is in minutes.
set -euo pipefail
cat > invoice-ocr-subscription.json <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "storageAccountName": {
      "type": "string",
      "defaultValue": "stmargiesinvoices"
    },
    "systemTopicName": {
      "type": "string",
      "defaultValue": "evgt-stmargiesinvoices"
    }
  },
  "resources": [
    {
      "type": "Microsoft.EventGrid/systemTopics/eventSubscriptions",
      "apiVersion": "2022-06-15",
      "name": "[format('{0}/invoice-ocr', parameters('systemTopicName'))]",
      "properties": {
        "destination": {
          "endpointType": "StorageQueue",
          "properties": {
            "resourceId": "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
            "queueName": "invoice-ocr",
            "queueMessageTimeToLiveInSeconds": 604800
          }
        },
        "eventDeliverySchema": "EventGridSchema",
        "filter": {
          "includedEventTypes": [
            "Microsoft.Storage.BlobCreated"
          ],
          "subjectBeginsWith": "/blobServices/default/containers/incoming/blobs/",
          "subjectEndsWith": ".pdf",
          "advancedFilters": [
            {
              "operatorType": "StringIn",
              "key": "data.api",
              "values": [
                "PutBlob",
                "PutBlockList",
                "FlushWithClose"
              ]
            }
          ]
        },
        "retryPolicy": {
          "maxDeliveryAttempts": 10,
          "eventTimeToLiveInMinutes": 4
        },
        "deadLetterDestination": {
          "endpointType": "StorageBlob",
          "properties": {
            "resourceId": "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
            "blobContainerName": "deadletters"
          }
        }
      }
    }
  ]
}
JSON
