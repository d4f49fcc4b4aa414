#!/usr/bin/env bash
# A plausible wrong solution: keep the wildcard and subtract write and delete
# with NotActions. Everything else under virtualMachines/* (run command,
# capture, extensions…) and every future action stays granted.
set -euo pipefail
cat > roles/vm-operator.json <<'JSON'
{
  "Name": "Fabrikam VM Operator",
  "IsCustom": true,
  "Description": "Can view, start, restart and deallocate virtual machines.",
  "Actions": [
    "Microsoft.Compute/virtualMachines/*",
    "Microsoft.Resources/subscriptions/resourceGroups/read"
  ],
  "NotActions": [
    "Microsoft.Compute/virtualMachines/write",
    "Microsoft.Compute/virtualMachines/delete"
  ],
  "DataActions": [],
  "NotDataActions": [],
  "AssignableScopes": [
    "/subscriptions/2f6b1c4e-8d3a-4e57-9a61-0c5d7e8f9a10/resourceGroups/rg-lob-prod-web",
    "/subscriptions/2f6b1c4e-8d3a-4e57-9a61-0c5d7e8f9a10/resourceGroups/rg-lob-prod-batch"
  ]
}
JSON
