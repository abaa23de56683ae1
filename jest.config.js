/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/hubspot-app'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@hubspot/ui-extensions|@remote-ui|tinyspy)/)'],
  // The extensions' shared package, an npm workspace inside the HubSpot project (hubspot-app/src/app/package.json).
  moduleNameMapper: {
    '^@sf-bridge/client$': '<rootDir>/hubspot-app/src/app/packages/bridge-client/src/index.ts',
  },
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
