#!/usr/bin/env bash
# A plausible wrong solution: everything right, but a lightweight tag.
set -euo pipefail
git checkout -q main
sed -i '0,/"version": "2.3.1"/s//"version": "3.0.0"/' package.json
# the top-level version and the root package ("") of the lock file
sed -i 's/"version": "2.3.1"/"version": "3.0.0"/g' package-lock.json
sed -i 's#<Version>2.3.1</Version>#<Version>3.0.0</Version>#' clients/dotnet/TreyResearch.Geo.csproj
git add package.json package-lock.json clients/dotnet/TreyResearch.Geo.csproj
git commit -q -m "chore(release): 3.0.0"
git tag v3.0.0
