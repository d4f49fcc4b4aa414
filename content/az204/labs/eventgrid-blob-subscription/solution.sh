#!/usr/bin/env bash
# Reference solution: BlobCreated only, subject filters for PDFs in incoming,
# data.api advanced filter for committed blobs, dead-lettering to the
# deadletters container, 10 attempts within 4 hours.
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
