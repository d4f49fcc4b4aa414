#!/usr/bin/env bash
# A plausible wrong solution: local.settings.json added to .gitignore, but
# never removed from the index, so git keeps tracking it (and the key).
set -euo pipefail
cat > local.settings.json <<'JSON'
{
  "IsEncrypted": false,
  "Values": {
    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
    "AzureWebJobsStorage": "UseDevelopmentStorage=true"
  }
}
JSON
cat > host.json <<'JSON'
{
  "version": "2.0",
  "functionTimeout": "00:10:00",
  "extensions": {
    "queues": {
      "batchSize": 8,
      "newBatchThreshold": 4,
      "maxDequeueCount": 3
    }
  }
}
JSON
printf 'local.settings.json\n' >> .gitignore
git add .gitignore host.json local.settings.json
git commit -q -m "Ignore local settings"
