#!/usr/bin/env bash
# A plausible wrong solution: everything else fixed and a virtual network rule
# added, but the default action stays Allow, so the rule changes nothing.
set -euo pipefail
sed -i \
  -e 's/"TLS1_0"/"TLS1_2"/' \
  -e 's/"supportsHttpsTrafficOnly": false/"supportsHttpsTrafficOnly": true/' \
  -e 's/"allowBlobPublicAccess": true/"allowBlobPublicAccess": false/' \
  -e 's/"allowSharedKeyAccess": true/"allowSharedKeyAccess": false/' \
  -e 's/"publicAccess": "Blob"/"publicAccess": "None"/' \
  -e "s|\"virtualNetworkRules\": \\[\\]|\"virtualNetworkRules\": [ { \"id\": \"[parameters('appSubnetId')]\", \"action\": \"Allow\" } ]|" \
  -e 's/"Standard_LRS"/"Standard_ZRS"/' \
  azuredeploy.json
