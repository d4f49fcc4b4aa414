#!/usr/bin/env bash
# A plausible wrong solution: the Publish job has no branch condition, so feature branches publish.
set -euo pipefail
feed=https://pkgs.dev.azure.com/vanarsdel/Web/_packaging/web-packages/npm/registry/
printf 'registry=%s\n' "$feed" > .npmrc
sed -i "s#\"registry\": \"https://registry.npmjs.org/\"#\"registry\": \"$feed\"#" package.json
cat > azure-pipelines.yml <<'YAML'
trigger:
  - main
  - feature/*

pool:
  vmImage: ubuntu-latest

jobs:
  - job: Build
    steps:
      - task: npmAuthenticate@0
        inputs:
          workingFile: .npmrc
      - script: npm ci
        displayName: Install packages
      - script: npm test
        displayName: Test

  - job: Publish
    dependsOn: Build
    steps:
      - task: npmAuthenticate@0
        inputs:
          workingFile: .npmrc
      - script: npm ci
        displayName: Install packages
      - script: npm publish
        displayName: Publish to web-packages
YAML
git add .npmrc package.json azure-pipelines.yml
git commit -q -m "Consume and publish through the web-packages feed"
