#!/usr/bin/env bash
# Deploys a built site folder to an environment: deploy.sh ENVIRONMENT FOLDER
set -euo pipefail
echo "deploying $2 to $1"
