// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const baseConfig = require('./.config/jest.config');
const swcTransform = baseConfig.transform['^.+\\.(t|j)sx?$'];

// Code that runs in Node as well as the browser (core, CLI, simulator, provisioning, test harness) is tested
// in Node, where fetch, http and child processes are real; React components in jsdom with the scaffold's setup.
const nodeRoots = ['core', 'cli', 'simulator', 'testing', 'provisioning', 'dashboards', 'alerting', 'bench'];
const nodeTests = nodeRoots.map((dir) => `<rootDir>/src/${dir}/**/*.test.ts`);

const shared = {
  ...baseConfig,
  transform: {
    ...baseConfig.transform,
    // d3-color and friends ship .mjs; transform them like the rest (see ENVIRONMENT.md)
    '^.+\\.mjs$': swcTransform,
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'browser',
      testPathIgnorePatterns: nodeRoots.map((dir) => `<rootDir>/src/${dir}/.*\\.test\\.ts$`),
    },
    {
      ...shared,
      displayName: 'node',
      testEnvironment: 'node',
      setupFilesAfterEnv: [],
      testMatch: nodeTests,
    },
  ],
};
