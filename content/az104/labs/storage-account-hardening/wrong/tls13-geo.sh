#!/usr/bin/env bash
# A plausible wrong solution: everything fixed, but "newer is safer" (a TLS 1.3
# minimum, which Azure Storage does not accept) and geo-zone-redundancy, which
# copies the data to the paired region.
set -euo pipefail
sed -i \
  -e 's/"TLS1_0"/"TLS1_3"/' \
  -e 's/"supportsHttpsTrafficOnly": false/"supportsHttpsTrafficOnly": true/' \
  -e 's/"allowBlobPublicAccess": true/"allowBlobPublicAccess": false/' \
  -e 's/"allowSharedKeyAccess": true/"allowSharedKeyAccess": false/' \
  -e 's/"publicAccess": "Blob"/"publicAccess": "None"/' \
  -e 's/"defaultAction": "Allow"/"defaultAction": "Deny"/' \
  -e "s|\"virtualNetworkRules\": \\[\\]|\"virtualNetworkRules\": [ { \"id\": \"[parameters('appSubnetId')]\", \"action\": \"Allow\" } ]|" \
  -e 's/"Standard_LRS"/"Standard_GZRS"/' \
  azuredeploy.json
