// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const baseConfig = require('./.config/jest.config');
const swcTransform = baseConfig.transform['^.+\\.(t|j)sx?$'];

// Code that runs in Node as well as the browser (core, CLI, simulator, provisioning, test harness) is tested
// in Node, where fetch, http and child processes are real; React components in jsdom with the scaffold's setup.
const nodeRoots = ['core', 'cli', 'simulator', 'provisioning', 'dashboards', 'alerting'];
// and the test harness (test/) and tools (tools/: benches, image tooling) outside src/.
const nodeTests = [
  ...nodeRoots.map((dir) => `<rootDir>/src/${dir}/**/*.test.ts`),
  '<rootDir>/test/**/*.test.ts',
  '<rootDir>/tools/**/*.test.ts',
];

const shared = {
  ...baseConfig,
  moduleNameMapper: {
    ...baseConfig.moduleNameMapper,
    // the scaffold's mock, minus a regex that took seconds per render of an EmptyState (see the file)
    'react-inlinesvg': '<rootDir>/tools/jest/reactInlineSvg.tsx',
  },
  transform: {
    ...baseConfig.transform,
    // d3-color and friends ship .mjs; transform them like the rest (see ENVIRONMENT.md)
    '^.+\\.mjs$': swcTransform,
  },
};

// Both environments also record each test's timeout, for `npm run test:slowest` (tools/slowestTests.js).
module.exports = {
  // A page of Grafana UI takes 1-3 s to render and query in jsdom, a day of simulated samples as long in node, and
  // 3x that on a busy 2-core machine: jest's default 5 s is within reach of ordinary tests. Tests that start
  // engines or Chromium set their own. `npm run test:slowest` shows each test's margin.
  testTimeout: 30_000,
  // `aisre` as a process runs the CLI package's bundle (test/aisre.ts), built once here.
  globalSetup: '<rootDir>/tools/jest/globalSetup.js',
  projects: [
    {
      ...shared,
      displayName: 'browser',
      testEnvironment: '<rootDir>/tools/jest/jsdomEnvironment.js',
      testPathIgnorePatterns: nodeRoots.map((dir) => `<rootDir>/src/${dir}/.*\\.test\\.ts$`),
    },
    {
      ...shared,
      displayName: 'node',
      // Every file under these roots runs here: no `@jest-environment` docblock (it would bypass the recorder).
      testEnvironment: '<rootDir>/tools/jest/nodeEnvironment.js',
      setupFilesAfterEnv: [],
      testMatch: nodeTests,
    },
  ],
};
