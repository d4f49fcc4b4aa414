#!/usr/bin/env bash
# A plausible wrong solution: the stage condition uses stageDependencies; a stage condition reads other stages through dependencies.
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
    condition: and(succeeded(), eq(stageDependencies.Build.Detect.outputs['detect.changed'], 'true'))
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
