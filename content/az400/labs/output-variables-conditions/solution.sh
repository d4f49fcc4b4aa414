#!/usr/bin/env bash
# Reference solution: output variables from a named step, mapped into the
# next job with dependencies and into the next stage with stageDependencies.
set -euo pipefail
sed -i 's/variable=appVersion\]/variable=appVersion;isOutput=true]/; s/variable=changed\]/variable=changed;isOutput=true]/' scripts/detect.sh
cat > azure-pipelines.yml <<'YAML'
trigger:
  - main

pool:
  vmImage: ubuntu-latest

stages:
  - stage: Build
    jobs:
      - job: Detect
        steps:
          - bash: ./scripts/detect.sh
            name: detect
            displayName: Read the version and whether it changed

      - job: Package
        dependsOn: Detect
        variables:
          appVersion: $[ dependencies.Detect.outputs['detect.appVersion'] ]
        steps:
          - bash: ./scripts/package.sh "$(appVersion)"
            displayName: Package the portal

  - stage: Deploy
    dependsOn: Build
    condition: and(succeeded(), eq(dependencies.Build.outputs['Detect.detect.changed'], 'true'))
    jobs:
      - job: Ship
        variables:
          appVersion: $[ stageDependencies.Build.Detect.outputs['detect.appVersion'] ]
        steps:
          - bash: ./scripts/deploy.sh "$(appVersion)"
            displayName: Deploy the portal
YAML
git add azure-pipelines.yml scripts/detect.sh
git commit -q -m "Pass the version and the change flag as output variables"
