#!/usr/bin/env bash
# A plausible wrong solution: everything wired, but the alert still counts all requests.
set -euo pipefail
cat > monitoring/alerts.json <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "appInsightsName": {
      "type": "string",
      "defaultValue": "appi-patient-portal-prod",
      "metadata": { "description": "The patient portal's Application Insights resource." }
    }
  },
  "variables": {
    "actionGroupName": "ag-patient-portal-oncall"
  },
  "resources": [
    {
      "type": "Microsoft.Insights/actionGroups",
      "apiVersion": "2023-01-01",
      "name": "[variables('actionGroupName')]",
      "location": "Global",
      "properties": {
        "groupShortName": "pp-oncall",
        "enabled": true,
        "emailReceivers": [
          {
            "name": "Patient portal on-call",
            "emailAddress": "oncall-portal@lamnahealthcare.example",
            "useCommonAlertSchema": true
          }
        ]
      }
    },
    {
      "type": "Microsoft.Insights/metricAlerts",
      "apiVersion": "2018-03-01",
      "name": "patient-portal-failures",
      "location": "global",
      "dependsOn": [
        "[resourceId('Microsoft.Insights/actionGroups', variables('actionGroupName'))]"
      ],
      "properties": {
        "description": "More than 25 failed requests to the patient portal in 15 minutes.",
        "severity": 1,
        "enabled": true,
        "scopes": [
          "[resourceId('Microsoft.Insights/components', parameters('appInsightsName'))]"
        ],
        "evaluationFrequency": "PT5M",
        "windowSize": "PT15M",
        "criteria": {
          "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          "allOf": [
            {
              "name": "FailedRequests",
              "metricName": "requests/count",
              "metricNamespace": "microsoft.insights/components",
              "operator": "GreaterThan",
              "threshold": 25,
              "timeAggregation": "Count",
              "criterionType": "StaticThresholdCriterion"
            }
          ]
        },
        "autoMitigate": true,
        "actions": [
          {
            "actionGroupId": "[resourceId('Microsoft.Insights/actionGroups', variables('actionGroupName'))]"
          }
        ]
      }
    }
  ]
}
JSON
