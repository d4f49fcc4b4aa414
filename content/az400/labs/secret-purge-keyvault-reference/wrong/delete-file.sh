#!/usr/bin/env bash
# A plausible wrong solution: delete the file in a new commit. The key stays
# in every earlier commit, the tag and the feature branch.
set -euo pipefail
git rm -q config/settings.json
sed -i "s#const settings = require('../config/settings.json');#const settings = { container: 'invoices', storageConnectionString: process.env.STORAGE_CONNECTION_STRING };#" src/storage.js
printf '.env\n' >> .gitignore
cat > deploy/appsettings.json <<'JSON'
[
  {"name": "NODE_ENV", "value": "production", "slotSetting": false},
  {"name": "INVOICE_CONTAINER", "value": "invoices", "slotSetting": false},
  {"name": "STORAGE_CONNECTION_STRING", "value": "@Microsoft.KeyVault(VaultName=kv-relecloud-prod;SecretName=invoice-storage-connection)", "slotSetting": true}
]
JSON
git add -A
git commit -q -m "Remove the leaked settings file"
