#!/usr/bin/env bash
# Reference solution: drop config/settings.json from every commit of every
# ref, delete filter-branch's backups and the reflog, then read the
# connection string from the environment and reference Key Vault.
set -euo pipefail
export FILTER_BRANCH_SQUELCH_WARNING=1
git filter-branch -f --index-filter 'git rm -q --cached --ignore-unmatch config/settings.json' \
  --tag-name-filter cat -- --all
git for-each-ref --format='%(refname)' refs/original | xargs -r -n1 git update-ref -d
git reflog expire --expire=now --all
git gc -q --prune=now
rm -f config/settings.json

cat > src/storage.js <<'JS'
const { BlobServiceClient, StorageRetryPolicyType } = require('@azure/storage-blob');

const connectionString = process.env.STORAGE_CONNECTION_STRING;
if (!connectionString) {
  throw new Error('STORAGE_CONNECTION_STRING is not set');
}
const containerName = process.env.INVOICE_CONTAINER || 'invoices';

const service = BlobServiceClient.fromConnectionString(connectionString, {
  retryOptions: { retryPolicyType: StorageRetryPolicyType.EXPONENTIAL, maxTries: 3 },
});

async function uploadInvoice(name, body) {
  const container = service.getContainerClient(containerName);
  await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
}

module.exports = { uploadInvoice };
JS
printf '.env\n' >> .gitignore
cat > deploy/appsettings.json <<'JSON'
[
  {
    "name": "NODE_ENV",
    "value": "production",
    "slotSetting": false
  },
  {
    "name": "INVOICE_CONTAINER",
    "value": "invoices",
    "slotSetting": false
  },
  {
    "name": "STORAGE_CONNECTION_STRING",
    "value": "@Microsoft.KeyVault(SecretUri=https://kv-relecloud-prod.vault.azure.net/secrets/invoice-storage-connection/)",
    "slotSetting": true
  }
]
JSON
git add -A
git commit -q -m "Read the storage connection string from the environment (Key Vault reference)"
