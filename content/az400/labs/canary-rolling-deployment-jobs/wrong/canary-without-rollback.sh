#!/usr/bin/env bash
# A plausible wrong solution: the canary has increments but no health watch and no rollback.
set -euo pipefail
cat > azure-pipelines.yml <<'YAML'
trigger:
  - main

stages:
  - stage: Build
    jobs:
      - job: Build
        pool:
          vmImage: ubuntu-latest
        steps:
          - script: ./scripts/build.sh
          - publish: out
            artifact: drop

  - stage: Production
    jobs:
      # The booking API runs in the ski-api namespace of the AKS cluster.
      - deployment: Api
        pool:
          vmImage: ubuntu-latest
        environment: alpineski-prod.ski-api
        strategy:
          canary:
            increments: [10, 50]
            deploy:
              steps:
                - task: KubernetesManifest@1
                  inputs:
                    action: $(strategy.action)
                    strategy: $(strategy.name)
                    percentage: $(strategy.increment)
                    manifests: $(Pipeline.Workspace)/drop/manifests/api.yml

      # The public web site runs on the VMs of the environment tagged "web".
      - deployment: Web
        environment:
          name: alpineski-prod
          resourceType: VirtualMachine
          tags: web
        strategy:
          rolling:
            maxParallel: 25%
            deploy:
              steps:
                - script: ./scripts/install-web.sh $(Pipeline.Workspace)/drop/web
            on:
              failure:
                steps:
                  - script: ./scripts/restore-web.sh
YAML
git add azure-pipelines.yml
git commit -q -m "Release the API as a canary and the web site in rolling batches"
