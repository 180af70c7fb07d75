import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';
import { moduleBoundaries } from './scripts/lint/module-map.js';

export default ts.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test/fixtures/',
      'test-results/',
      'playwright-report/',
      'dev-dist/',
      '.cache/',
      'scratch/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
  {
    // Async mistakes, caught with type information: a promise nobody awaits or handles, a promise where a
    // plain value is expected, an `async` that awaits nothing. The app, its workers and the tests only:
    // type information about triples lint's time, and scripts/ and bench/ are tools run by hand.
    files: ['src/**/*.{ts,svelte}', 'workers/**/*.ts', 'test/**/*.{ts,svelte}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // A request noted by inWriteTransaction's `track` has its rejection handled at once and is awaited
          // before the commit (src/library/write-tx.ts): not awaiting it is the point.
          allowForKnownSafeCalls: [{ from: 'file', name: 'Track', path: 'src/library/write-tx.ts' }],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error',
    },
  },
  {
    // A test's stand-in for an asynchronous interface (an engine, a loader) is written `async` to read like
    // the real one; in tests only the promises nobody awaits are mistakes.
    files: ['test/**/*.{ts,svelte}'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  // Which folder may import which (README.md → Architecture).
  ...moduleBoundaries(import.meta.dirname),
  {
    // Only src/library reads or writes the library's database (src/library/README.md).
    files: ['src/**/*.{ts,js,svelte}', 'workers/**/*.{ts,js}'],
    ignores: ['src/library/**', 'src/vector-index/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='db']",
          message:
            "The library's database is the library's own: use a method of Library (src/library/README.md).",
        },
      ],
    },
  },
);
