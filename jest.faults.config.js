/** `npm run test:faults`: the fault-injection suite (kill -9, database and SMTP outages, several processes). */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
};
