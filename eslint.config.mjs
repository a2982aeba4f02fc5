import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'certs/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['jest.config.js', 'test/support/skipped-conformance-reporter.js'],
    languageOptions: { globals: { module: 'writable' } },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The auditor page's browser code (JavaScript with // @ts-check): browser globals, no Node.
    files: ['apps/broker-api/src/audit-page/assets/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly',
        document: 'readonly',
        crypto: 'readonly',
        fetch: 'readonly',
        localStorage: 'readonly',
        atob: 'readonly',
        btoa: 'readonly',
        TextEncoder: 'readonly',
        URLSearchParams: 'readonly',
        FormData: 'readonly',
        Intl: 'readonly',
      },
    },
  },
  {
    // Persistence is how the broker talks to PostgreSQL, for any domain: the domains hand it their entities
    // and migrations (see libs/broker-schema), so it must not reach for them itself.
    files: ['libs/persistence/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Another library by alias or by path; only the configuration reader is shared.
              group: [
                '@app/*',
                '!@app/config',
                '!@app/config/*',
                '**/libs/**',
                '../../*/src',
                '../../*/src/**',
              ],
              message: 'libs/persistence knows no domain: let the domain hand its schema to the application.',
            },
          ],
        },
      ],
    },
  },
);
