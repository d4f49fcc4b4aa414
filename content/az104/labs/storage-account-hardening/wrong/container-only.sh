#!/usr/bin/env bash
# A plausible wrong solution: everything else fixed, but anonymous access is
# closed only on the container, and the account still accepts Shared Key
# requests.
set -euo pipefail
sed -i \
  -e 's/"TLS1_0"/"TLS1_2"/' \
  -e 's/"supportsHttpsTrafficOnly": false/"supportsHttpsTrafficOnly": true/' \
  -e 's/"publicAccess": "Blob"/"publicAccess": "None"/' \
  -e 's/"defaultAction": "Allow"/"defaultAction": "Deny"/' \
  -e "s|\"virtualNetworkRules\": \\[\\]|\"virtualNetworkRules\": [ { \"id\": \"[parameters('appSubnetId')]\", \"action\": \"Allow\" } ]|" \
  -e 's/"Standard_LRS"/"Standard_ZRS"/' \
  azuredeploy.json
