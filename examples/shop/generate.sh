#!/bin/sh
# Generates the TypeScript and PHP code of the shop's contracts into examples/shop/gen (git-ignored).
# Needs the built CLI (`npm install` or `npx tsc -p tsconfig.json` at the repository root).
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [ ! -f dist/cli/bin.js ]; then
  echo "generate.sh: dist/cli/bin.js is missing: run \`npx tsc -p tsconfig.json\` in $root first" >&2
  exit 2
fi
exec node dist/cli/bin.js generate --target ts,php --out examples/shop/gen
