#!/usr/bin/env bash
# A plausible wrong solution: the file deleted from git and from disk, so
# local runs have no settings.
set -euo pipefail
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
git rm -q local.settings.json
printf 'local.settings.json\n' >> .gitignore
git add .gitignore host.json
git commit -q -m "Remove local settings"
