#!/usr/bin/env bash
# Reads the version to release (VERSION) and whether it differs from the
# version in production (RELEASED), and hands both to the pipeline.
set -euo pipefail
version=$(tr -d '[:space:]' < VERSION)
released=$(tr -d '[:space:]' < RELEASED)
changed=false
if [ "$version" != "$released" ]; then changed=true; fi
echo "version $version, in production $released, changed: $changed"
echo "##vso[task.setvariable variable=appVersion]$version"
echo "##vso[task.setvariable variable=changed]$changed"
