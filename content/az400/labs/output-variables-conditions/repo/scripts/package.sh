#!/usr/bin/env bash
# Packages the portal as version $1.
set -euo pipefail
if ! [[ "${1:-}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "##vso[task.logissue type=error]package.sh: '${1:-}' is not a version number"
  exit 1
fi
echo "packaged patient-portal $1"
