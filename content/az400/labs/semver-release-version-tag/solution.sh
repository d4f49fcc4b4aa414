#!/usr/bin/env bash
# Reference solution: the history since v2.3.1 has a breaking change
# (feat(api)!), so the release is 3.0.0; bump the three files, commit, tag.
set -euo pipefail
git checkout -q main
git log --format='%s%n%b' v2.3.1..main | grep -E '^[a-z]+(\([^)]*\))?!:|^BREAKING CHANGE:'
sed -i '0,/"version": "2.3.1"/s//"version": "3.0.0"/' package.json
# the top-level version and the root package ("") of the lock file
sed -i 's/"version": "2.3.1"/"version": "3.0.0"/g' package-lock.json
sed -i 's#<Version>2.3.1</Version>#<Version>3.0.0</Version>#' clients/dotnet/TreyResearch.Geo.csproj
git add package.json package-lock.json clients/dotnet/TreyResearch.Geo.csproj
git commit -q -m "chore(release): 3.0.0"
git tag -a v3.0.0 -m "Release 3.0.0"
