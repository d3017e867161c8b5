#!/usr/bin/env node
/**
 * `npm run test:slowest [-- N]`: the N (10) slowest tests of the last jest run, each with its duration and the
 * timeout it ran under, from artifacts/jest-results.json (`jest --json`, as `npm run test:ci` writes it) and
 * artifacts/jest-timeouts/ (written by tools/jest/recordTimeouts.js). A test slower than a third of its timeout
 * is flagged: on a busy 2-core CI machine it is the next one to time out.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const RESULTS = path.join(ROOT, 'artifacts', 'jest-results.json');
const TIMEOUTS = path.join(ROOT, 'artifacts', 'jest-timeouts');
const MARGIN = 3;

function readTimeouts() {
  const byFile = new Map();
  for (const name of fs.existsSync(TIMEOUTS) ? fs.readdirSync(TIMEOUTS) : []) {
    const { testPath, timeouts } = JSON.parse(fs.readFileSync(path.join(TIMEOUTS, name), 'utf8'));
    byFile.set(testPath, timeouts);
  }
  return byFile;
}

const seconds = (ms) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);

function main() {
  const count = Number(process.argv[2] ?? 10);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`usage: npm run test:slowest [-- N]  (N a positive whole number, not '${process.argv[2]}')`);
  }
  if (!fs.existsSync(RESULTS)) {
    throw new Error(`${path.relative(ROOT, RESULTS)} is missing: run \`npm run test:ci\` (jest --json) first`);
  }
  const results = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
  const timeouts = readTimeouts();
  const tests = results.testResults.flatMap((file) =>
    file.assertionResults
      .filter((test) => typeof test.duration === 'number')
      .map((test) => ({
        file: path.relative(ROOT, file.name),
        name: test.fullName,
        duration: test.duration,
        timeout: timeouts.get(file.name)?.[test.fullName],
      }))
  );
  tests.sort((a, b) => b.duration - a.duration);

  const wall = (results.testResults.reduce((end, file) => Math.max(end, file.endTime), 0) - results.startTime) / 1000;
  process.stdout.write(`${results.numTotalTests} tests in ${wall.toFixed(0)} s; the ${count} slowest:\n`);
  const isTooClose = (test) => test.timeout !== undefined && test.duration * MARGIN > test.timeout;
  const line = (test) =>
    `${seconds(test.duration).padStart(8)} of ${seconds(test.timeout).padStart(7)}${isTooClose(test) ? '  TOO CLOSE' : ''}` +
    `  ${test.file} › ${test.name}\n`;
  tests.slice(0, count).forEach((test) => process.stdout.write(line(test)));
  const tooClose = tests.filter(isTooClose);
  const unlisted = tooClose.filter((test) => tests.indexOf(test) >= count);
  if (unlisted.length > 0) {
    process.stdout.write(`and, further down, also over 1/${MARGIN} of their timeout:\n`);
    unlisted.forEach((test) => process.stdout.write(line(test)));
  }
  const unknown = tests.filter((test) => test.timeout === undefined).length;
  process.stdout.write(
    (tooClose.length === 0
      ? `every test is under 1/${MARGIN} of its timeout`
      : `${tooClose.length} test(s) over 1/${MARGIN} of their timeout: make them faster`) +
      (unknown > 0 ? ` (${unknown} test(s) without a recorded timeout: run jest with jest.config.js)\n` : '\n')
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
