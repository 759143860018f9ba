#!/usr/bin/env bash
# The one test command (`npm test`): prepares the machine while it checks lint and types and builds, then
# runs the layers (unit beside engine, then image, browser), each with its own count, the backend's tests
# once more on the Node LTS the extension image runs, and ends with the total.
set -uo pipefail
cd "$(dirname "$0")/.."

rm -rf .test-results && mkdir -p .test-results

# Lint, types and the build side by side (each is mostly one process; the machine has two cores or more),
# each to its own log, shown when it fails; and beside them the machine's preparation, which on a fresh
# machine mostly waits on the Debian mirror and the npm registry (the extension image's build reads no
# build output of this folder: .dockerignore).
declare -A check_pid
for check in lint typecheck build; do
  npm run --silent "$check" >".test-results/$check.log" 2>&1 &
  check_pid[$check]=$!
done
env_ok=1
bash scripts/test-env.sh || env_ok=0
checks_ok=$env_ok
for check in lint typecheck build; do
  if ! wait "${check_pid[$check]}"; then
    cat ".test-results/$check.log"
    echo "$check failed"
    checks_ok=0
  fi
done
[ "$checks_ok" = 1 ] || exit 1
status=0
layer_run() {
  # The browser layer installs the packed npm package into an empty folder: always, in the full run.
  DOCKBASE_REUSE_INSTALL= npm run --silent "test:$1" -- --reporter=default --reporter=json --outputFile.json=".test-results/$1.json" "${@:2}"
}
# The unit layer (fakes, jsdom: CPU) runs beside the engine layer (one file at a time, mostly waiting on docker
# and the servers), in one worker so that the engine's containers keep a core: about six minutes less in all.
# Its output follows the engine layer's.
layer_run unit --maxWorkers=1 >.test-results/unit.out 2>&1 &
unit_pid=$!
echo
echo "==== engine tests (the unit tests run beside them; their output follows) ===="
layer_run engine || status=1
wait "$unit_pid" || status=1
echo
echo "==== unit tests ===="
cat .test-results/unit.out
for layer in image browser; do
  echo
  echo "==== $layer tests ===="
  layer_run "$layer" || status=1
done

# The backend on the image's Node (scripts/test-images/node/versions.env; test-env fetched it): the same
# tests, with the SQLite driver that Node uses (node:sqlite), next to the run above on this machine's Node.
# shellcheck source=scripts/test-images/node/versions.env
source scripts/test-images/node/versions.env
NODE_LTS=${DOCKBASE_TEST_STATE:-/var/tmp/dockbase-test-env}/node/node-v$NODE_VERSION/bin/node
echo
echo "==== backend tests on Node $NODE_VERSION (the extension image's Node; this machine runs $(node --version)) ===="
if [ -x "$NODE_LTS" ]; then
  "$NODE_LTS" node_modules/vitest/vitest.mjs run --project unit-backend \
    --reporter=default --reporter=json --outputFile.json=".test-results/backend-node$NODE_VERSION.json" || status=1
else
  echo "no Node $NODE_VERSION at $NODE_LTS: run \`npm run test-env\`"
  status=1
fi

echo
node scripts/test-summary.mjs unit engine image browser "backend-node$NODE_VERSION" || status=1
exit $status
