/**
 * A Jest reporter that ends the run with one line when official-example conformance suites were skipped
 * (see test/support/official-examples.ts): which suites, why, and how to run them. Plain JavaScript,
 * because Jest loads reporters without its TypeScript transform.
 */
const MARKER = 'official-example conformance skipped';

class SkippedConformanceReporter {
  onRunComplete(_contexts, results) {
    const suites = [];
    let reason = '';
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' || !test.title.startsWith(MARKER)) continue;
        reason = test.title;
        suites.push(test.ancestorTitles[0] ?? file.testFilePath);
      }
    }
    if (suites.length === 0) return;
    process.stdout.write(`\n${reason}\n  (${suites.length} suite(s) skipped: ${suites.join('; ')})\n`);
  }
}

module.exports = SkippedConformanceReporter;
