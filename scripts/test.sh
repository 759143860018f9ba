#!/usr/bin/env bash
# The one test command (`npm test`): prepares the machine, checks lint and types, builds, then runs the
# three layers (unit, engine, browser), each with its own count, and ends with the total.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-env.sh || exit 1
npm run --silent lint || { echo "lint failed"; exit 1; }
npm run --silent typecheck || { echo "typecheck failed"; exit 1; }
npm run --silent build >/dev/null || { npm run build; echo "build failed"; exit 1; }

rm -rf .test-results && mkdir -p .test-results
status=0
for layer in unit engine browser; do
  echo
  echo "==== $layer tests ===="
  # The browser layer installs the packed npm package into an empty folder: always, in the full run.
  DOCKBASE_REUSE_INSTALL= npm run --silent "test:$layer" -- --reporter=default --reporter=json --outputFile.json=".test-results/$layer.json" || status=1
done
echo
node scripts/test-summary.mjs unit engine browser || status=1
exit $status
