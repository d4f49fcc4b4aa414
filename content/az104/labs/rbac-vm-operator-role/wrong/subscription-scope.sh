#!/usr/bin/env bash
# A plausible wrong solution: the right actions, but assignable in the whole
# subscription instead of the two production resource groups.
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
  "DataActions": [],
  "NotDataActions": [],
  "AssignableScopes": [
    "/subscriptions/2f6b1c4e-8d3a-4e57-9a61-0c5d7e8f9a10"
  ]
}
JSON
