// Prints each test layer's own count from Vitest's JSON reports, then the total.
// A layer that ran no test, or whose report is missing, fails the run: a suite never silently skips.
import fs from 'node:fs';

const layers = process.argv.slice(2);
let passed = 0;
let failed = 0;
let problem = false;
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
}
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(problem || failed > 0 ? 1 : 0);
