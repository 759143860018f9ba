// Prints each test layer's own count from Vitest's JSON reports, then the total.
// A layer that ran no test, or whose report is missing, fails the run: a suite never silently skips.
// Every failure is named again at the very end, with the first lines of its message: a run's log is often
// read from its tail only (CI keeps the last part), where the reporter's own account has scrolled away.
import fs from 'node:fs';
import path from 'node:path';

const layers = process.argv.slice(2);
let passed = 0;
let failed = 0;
let problem = false;
const failures = [];
const firstLines = (messages) =>
  (messages ?? [])
    .join('\n')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, 6)
    .map((line) => `      ${line.slice(0, 300)}`)
    .join('\n');
for (const layer of layers) {
  const file = `.test-results/${layer}.json`;
  if (!fs.existsSync(file)) {
    console.log(`${layer}: no report (the layer did not run)`);
    problem = true;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  const p = r.numPassedTests;
  // A suite that fails outside any test (setup, import) counts as one failure.
  const f = r.numFailedTests || (r.numFailedTestSuites ?? 0) || (r.success === false ? 1 : 0);
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${layer}: ${p} passed, ${f} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (p === 0 || skipped > 0) {
    console.log(`${layer}: ${p === 0 ? 'ran no test' : 'skipped tests'}: that is a failure here`);
    problem = true;
  }
  passed += p;
  failed += f;
  for (const suite of r.testResults ?? []) {
    const file = path.relative(process.cwd(), suite.name);
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) failures.push(`  ${layer} · ${file} > ${t.fullName}\n${firstLines(t.failureMessages)}`);
    if (failedTests.length === 0 && suite.status === 'failed') {
      failures.push(`  ${layer} · ${file} (outside any test)\n${firstLines([suite.message ?? ''])}`);
    }
  }
}
console.log(`total: ${passed} passed, ${failed} failed`);
if (failures.length > 0) console.log(`\nfailed:\n${failures.join('\n')}`);
process.exit(problem || failed > 0 ? 1 : 0);
