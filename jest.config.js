/** Jest: @swc/jest transforms TypeScript; `tsc --noEmit` checks types separately (npm test runs both). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Fault injection (crash, outages, several processes) runs separately: `npm run test:faults`.
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
