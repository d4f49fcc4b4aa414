#!/usr/bin/env bash
# A plausible wrong solution: the template works, but its parameters are untyped (strings by default).
set -euo pipefail
mkdir -p templates
cat > templates/build-service.yml <<'YAML'
parameters:
  service: ''
  nodeVersion: '22'
  runIntegrationTests: false

jobs:
  - job: build_${{ parameters.service }}
    displayName: Build ${{ parameters.service }}
    steps:
      - task: NodeTool@0
        inputs:
          versionSpec: ${{ parameters.nodeVersion }}.x
      - script: npm ci
        workingDirectory: services/${{ parameters.service }}
      - script: npm test
        workingDirectory: services/${{ parameters.service }}
      - ${{ if parameters.runIntegrationTests }}:
          - script: npm run test:integration
            workingDirectory: services/${{ parameters.service }}
YAML
cat > azure-pipelines.yml <<'YAML'
parameters:
  - name: integrationTests
    displayName: Run the integration tests
    type: boolean
    default: false

trigger:
  - main

pool:
  vmImage: ubuntu-latest

jobs:
  - template: templates/build-service.yml
    parameters:
      service: orders
      runIntegrationTests: ${{ parameters.integrationTests }}
  - template: templates/build-service.yml
    parameters:
      service: billing
      nodeVersion: '20'
      runIntegrationTests: ${{ parameters.integrationTests }}
  - template: templates/build-service.yml
    parameters:
      service: catalog
      runIntegrationTests: ${{ parameters.integrationTests }}
YAML
git add templates azure-pipelines.yml
git commit -q -m "Build the services with one job template"
