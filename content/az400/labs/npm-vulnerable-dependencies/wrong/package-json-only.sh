#!/usr/bin/env bash
# A plausible wrong solution: the ranges in package.json are raised, but the
# lock file (what npm ci installs) is not regenerated.
set -euo pipefail
sed -i 's/"axios": "\^1.6.0"/"axios": "^1.7.4"/; s/"jsonwebtoken": "\^8.5.1"/"jsonwebtoken": "^9.0.2"/' package.json
