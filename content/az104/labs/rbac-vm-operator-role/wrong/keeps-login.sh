#!/usr/bin/env bash
# A plausible wrong solution: control plane trimmed, but the data action that
# lets operators sign in to the virtual machines is kept.
set -euo pipefail
cat > roles/vm-operator.json <<'JSON'
{
  "Name": "Fabrikam VM Operator",
  "IsCustom": true,
  "Description": "Can view, start, restart and deallocate virtual machines.",
  "Actions": [
    "Microsoft.Compute/virtualMachines/read",
    "Microsoft.Compute/virtualMachines/instanceView/read",
    "Microsoft.Compute/virtualMachines/start/action",
    "Microsoft.Compute/virtualMachines/restart/action",
    "Microsoft.Compute/virtualMachines/deallocate/action",
    "Microsoft.Resources/subscriptions/resourceGroups/read"
  ],
  "NotActions": [],
  "DataActions": [
    "Microsoft.Compute/virtualMachines/login/action"
  ],
  "NotDataActions": [],
  "AssignableScopes": [
    "/subscriptions/2f6b1c4e-8d3a-4e57-9a61-0c5d7e8f9a10/resourceGroups/rg-lob-prod-web",
    "/subscriptions/2f6b1c4e-8d3a-4e57-9a61-0c5d7e8f9a10/resourceGroups/rg-lob-prod-batch"
  ]
}
JSON
