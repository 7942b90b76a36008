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
  // A wall-clock limit only catches a hang: on a shared two-core machine under another job's load a
  // test may take many times its idle time and must still pass (no test sets a shorter one).
  testTimeout: 900_000,
  maxWorkers: 2,
};
