/**
 * Jest's --json results give each test's duration but not its timeout, which is what a slow test has to be
 * compared with. This wraps a test environment so that each test file leaves, beside the results, the timeout
 * every test ran under (its own, else the file's jest.setTimeout, else the config's), for `npm run test:slowest`.
 * The handler is jest-circus's: https://jestjs.io/docs/configuration#testenvironment-string
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const OUT_DIR = path.join(__dirname, '..', '..', 'artifacts', 'jest-timeouts');

/** The test's name as jest's JSON writes `fullName`: its describe blocks and its title, space-separated. */
function fullName(test) {
  const names = [];
  for (let block = test; block && block.parent; block = block.parent) {
    names.unshift(block.name);
  }
  return names.join(' ');
}

function recordTimeouts(Environment) {
  return class extends Environment {
    constructor(config, context) {
      super(config, context);
      this.testPath = context.testPath;
      this.timeouts = {};
    }

    async handleTestEvent(event, state) {
      if (super.handleTestEvent) {
        await super.handleTestEvent(event, state);
      }
      if (event.name === 'test_done') {
        this.timeouts[fullName(event.test)] = event.test.timeout || state.testTimeout;
      }
    }

    async teardown() {
      const file = crypto.createHash('sha1').update(this.testPath).digest('hex').slice(0, 16);
      fs.mkdirSync(OUT_DIR, { recursive: true });
      fs.writeFileSync(
        path.join(OUT_DIR, `${file}.json`),
        JSON.stringify({ testPath: this.testPath, timeouts: this.timeouts })
      );
      await super.teardown();
    }
  };
}

module.exports = { recordTimeouts };
