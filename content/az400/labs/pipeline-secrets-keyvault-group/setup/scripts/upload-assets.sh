#!/usr/bin/env bash
# Uploads the static assets of the web app to the assets container.
# Usage: upload-assets.sh [CONNECTION_STRING] SOURCE_DIR
# Without CONNECTION_STRING the connection string is read from ASSETS_STORAGE_CONNECTION.
set -euo pipefail
if [ $# -eq 2 ]; then conn=$1; shift; else conn="${ASSETS_STORAGE_CONNECTION:?set ASSETS_STORAGE_CONNECTION}"; fi
AZURE_STORAGE_CONNECTION_STRING="$conn" az storage blob upload-batch --destination assets --source "$1" --overwrite
