#!/usr/bin/env bash
# Deploys version $1 of the portal.
set -euo pipefail
if ! [[ "${1:-}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "##vso[task.logissue type=error]deploy.sh: '${1:-}' is not a version number"
  exit 1
fi
echo "deployed patient-portal $1"
