/** Jest runs the TypeScript sources directly (ESM, ts-jest); libs resolve to their src/. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: {
    '^@srv6/([a-z-]+)/pure$': '<rootDir>/libs/$1/src/pure.ts',
    '^@srv6/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  testTimeout: 120000,
  // Kernel tests share global state (bpffs, netns names are unique, CPU for traffic): one worker
  // keeps timings and traffic tests honest on a 2-core machine.
  maxWorkers: 1,
};
