// jsdom, as the scaffold configures it, recording each test's timeout (see recordTimeouts.js).
const { TestEnvironment } = require('jest-environment-jsdom');
const { recordTimeouts } = require('./recordTimeouts');

module.exports = recordTimeouts(TestEnvironment);
