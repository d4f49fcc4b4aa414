#!/usr/bin/env bash
# A plausible wrong solution: CreateFile kept in the data.api filter "because
# the scanners create files"; on a Data Lake account it fires BlobCreated for
# the empty file, before the content is flushed.
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
                "CreateFile",
                "FlushWithClose"
              ]
            }
          ]
        },
        "retryPolicy": {
          "maxDeliveryAttempts": 10,
          "eventTimeToLiveInMinutes": 240
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
