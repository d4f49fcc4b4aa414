#!/usr/bin/env bash
# A plausible wrong solution: history purged, but the new connection string
# is pasted into the tracked App Service settings file.
set -euo pipefail
export FILTER_BRANCH_SQUELCH_WARNING=1
git filter-branch -f --index-filter 'git rm -q --cached --ignore-unmatch config/settings.json' \
  --tag-name-filter cat -- --all
git for-each-ref --format='%(refname)' refs/original | xargs -r -n1 git update-ref -d
git reflog expire --expire=now --all
git gc -q --prune=now
rm -f config/settings.json
sed -i "s#const settings = require('../config/settings.json');#const settings = { container: 'invoices', storageConnectionString: process.env.STORAGE_CONNECTION_STRING };#" src/storage.js
printf '.env\n' >> .gitignore
cat > deploy/appsettings.json <<'JSON'
[
  {"name": "NODE_ENV", "value": "production", "slotSetting": false},
  {"name": "INVOICE_CONTAINER", "value": "invoices", "slotSetting": false},
  {"name": "STORAGE_CONNECTION_STRING", "value": "DefaultEndpointsProtocol=https;AccountName=relecloudinvoices;AccountKey=GHleX77iXzHKlpcO50H58DxImsRJjhB3YXlEfp7Gj4WJ8LJ8fkSfkurshy14Q0Nl6MmMlt/1TdHmFZMr1mes4w==;EndpointSuffix=core.windows.net", "slotSetting": true}
]
JSON
git add -A
git commit -q -m "Point the app at the rotated key"
