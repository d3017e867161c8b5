// Builds the CLI package once per jest run (cli/build.mjs), so every test that runs `aisre` as a process runs
// what ships: the esbuild bundle, not TypeScript through tsx (which costs about 9x the CPU at each start).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = function buildCli() {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'cli', 'build.mjs')], { stdio: 'inherit' });
};
