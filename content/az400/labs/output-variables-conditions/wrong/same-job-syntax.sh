#!/usr/bin/env bash
# A plausible wrong solution: outputs are right, but the other jobs read them with the
# same-job macro $(detect.appVersion), which exists only in the job that set it.
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
        steps:
          - bash: ./scripts/package.sh "$(detect.appVersion)"
            displayName: Package the portal

  - stage: Deploy
    dependsOn: Build
    condition: and(succeeded(), eq(dependencies.Build.outputs['Detect.detect.changed'], 'true'))
    jobs:
      - job: Ship
        steps:
          - bash: ./scripts/deploy.sh "$(detect.appVersion)"
            displayName: Deploy the portal
YAML
git add azure-pipelines.yml scripts/detect.sh
git commit -q -m "Pass the version and the change flag as output variables"
