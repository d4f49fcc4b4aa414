#!/usr/bin/env bash
# Applies the environments kept in .github/environments to the repository
# with the GitHub REST API (run by the platform team with an admin token):
#   <name>.json                  body of PUT /repos/{owner}/{repo}/environments/<name>
#   <name>.branch-policies.json  list of bodies of POST .../environments/<name>/deployment-branch-policies
set -euo pipefail
repo=${1:?usage: apply-environments.sh OWNER/REPO}
for f in .github/environments/*.json; do
  case $f in *.branch-policies.json) continue ;; esac
  name=$(basename "$f" .json)
  gh api --method PUT "repos/$repo/environments/$name" --input "$f"
  policies=".github/environments/$name.branch-policies.json"
  if [ -f "$policies" ]; then
    jq -c '.[]' "$policies" | while read -r policy; do
      echo "$policy" | gh api --method POST "repos/$repo/environments/$name/deployment-branch-policies" --input -
    done
  fi
done
