// Lint: typescript-eslint's recommended rules plus the house's layer rules (style.md, conventions 1–2):
// arrows point down, so a lower layer never imports a higher one.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'test-results/', 'bench/results/', 'views/assets/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: restrict([
      {
        group: ['**/server/**', '../server/*', '../../server/*'],
        message: 'workflows/ is pure: it never imports server/.',
      },
      {
        group: ['**/db/**', 'knex', 'mysql2', 'better-sqlite3', 'express', 'node:fs', 'fs'],
        message: 'workflows/ is pure: no I/O.',
      },
    ]),
  },
  {
    files: ['server/queries/**/*.ts'],
    rules: restrict([
      {
        group: ['../services/*', '../handlers/*', '../routes/*', '../policies/*', '../presenters/*'],
        message: 'queries/ sit below services, policies, presenters and handlers.',
      },
    ]),
  },
  {
    files: ['server/services/**/*.ts', 'server/policies/**/*.ts'],
    rules: restrict([
      {
        group: ['../handlers/*', '../../handlers/*', '../routes/*', '../../routes/*', 'express'],
        message: 'services and policies never depend on HTTP.',
      },
      {
        group: ['../presenters', '../presenters/*', '../../presenters', '../../presenters/*'],
        message: 'services and policies return domain data; presenters (above them) shape it.',
      },
    ]),
  },
  {
    files: ['server/jobs/**/*.ts'],
    rules: restrict([
      {
        group: ['../presenters', '../presenters/*'],
        message: 'jobs sit below presenters: use the services and their domain data.',
      },
    ]),
  },
  {
    files: ['db/migrations/**/*.ts'],
    rules: restrict([{ group: ['../../server/*', '../../workflows/*'], message: 'migrations never import app code.' }]),
  },
  {
    // Tests walk Express internals and hostile JSON: `any` is honest there.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
