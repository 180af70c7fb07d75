import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';
import { moduleBoundaries } from './scripts/lint/module-map.js';

export default ts.config(
  {
    ignores: ['dist/', 'node_modules/', 'test/fixtures/', 'test-results/', 'playwright-report/', 'dev-dist/'],
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
