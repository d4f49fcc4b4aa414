#!/usr/bin/env bash
set -euo pipefail
echo "check-health $*"
