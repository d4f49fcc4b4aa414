#!/usr/bin/env bash
# Reference solution. With Git LFS installed, the whole rewrite is:
#
#   git lfs migrate import --everything --include="*.psd"
#
# This script does the same with git alone (so it runs where git-lfs is not
# installed): every commit of every branch and tag gets .gitattributes, and
# each .psd blob is replaced by an LFS pointer whose object is stored under
# .git/lfs/objects, as git lfs migrate does. Then the old history is made
# unreachable and the result is force-pushed.
set -euo pipefail
export FILTER_BRANCH_SQUELCH_WARNING=1
gitdir=$(git rev-parse --absolute-git-dir)
cat > "$gitdir/psd-to-lfs.sh" <<SH
#!/usr/bin/env bash
set -euo pipefail
git ls-files -s -- '*.psd' | while read -r mode sha stage path; do
  size=\$(git cat-file -s "\$sha")
  oid=\$(git cat-file blob "\$sha" | sha256sum | cut -d' ' -f1)
  dir="$gitdir/lfs/objects/\${oid:0:2}/\${oid:2:2}"
  mkdir -p "\$dir"
  git cat-file blob "\$sha" > "\$dir/\$oid"
  pointer=\$(printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %s\n' "\$oid" "\$size" | git hash-object -w --stdin)
  git update-index --cacheinfo "100644,\$pointer,\$path"
done
attrs=\$(printf '*.psd filter=lfs diff=lfs merge=lfs -text\n' | git hash-object -w --stdin)
git update-index --add --cacheinfo "100644,\$attrs,.gitattributes"
SH
git checkout -q main
git filter-branch -f --index-filter "bash '$gitdir/psd-to-lfs.sh'" --tag-name-filter cat -- --branches --tags >/dev/null 2>&1
# Publish the rewritten history; this also moves the refs of origin in this clone.
git push -q --force origin --all
git push -q --force origin --tags
# Drop the backups filter-branch keeps, and the reflog that still names the old commits
# (the push itself logged the old commits of origin's refs: expire last).
git for-each-ref --format='%(refname)' refs/original/ | while read -r ref; do git update-ref -d "$ref"; done
git reflog expire --expire=now --all
git gc -q --prune=now
