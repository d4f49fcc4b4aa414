#!/usr/bin/env bash
# A plausible wrong solution: the old 30-minute timeout kept, which the
# Consumption plan does not accept (its maximum is 10 minutes).
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
  "functionTimeout": "00:30:00",
  "extensions": {
    "queues": {
      "batchSize": 8,
      "newBatchThreshold": 4,
      "maxDequeueCount": 3
    }
  }
}
JSON
git rm -q --cached local.settings.json
printf 'local.settings.json\n' >> .gitignore
git add .gitignore host.json
git commit -q -m "Use the isolated worker and Azurite locally; stop tracking local settings; queue retries and timeout"
