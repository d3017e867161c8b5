// Node, recording each test's timeout (see recordTimeouts.js).
const { TestEnvironment } = require('jest-environment-node');
const { recordTimeouts } = require('./recordTimeouts');

module.exports = recordTimeouts(TestEnvironment);
