'use strict';
/**
 * Jest reporter that appends one JSON line {passed, failed, skipped} per jest run to the file named
 * by $TSCTR_TEST_SUMMARY, so .ci/run can print one closing "N passed, N failed" line for the unit
 * and e2e runs together. Does nothing when the variable is unset.
 */
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.TSCTR_TEST_SUMMARY;
    if (!file) return;
    const line = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  }
}

module.exports = SummaryReporter;
