// typescript-eslint with type information: the rules that catch what tsc does not (a promise
// nobody awaits, a promise where a callback is expected, a `!` that hides a possible undefined).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // examples/client/schema.d.ts is openapi-typescript's output, checked against the contract by a test.
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.data/', 'bench/.data/', '.tap/', 'examples/client/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // tap runs and awaits its tests and subtests itself.
        { allowForKnownSafePromises: [{ from: 'package', package: '@tapjs/core', name: 'PromiseWithSubtest' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Fastify plugins, hooks and handlers are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Answers of app.inject are parsed JSON (`any`) by design: the assertions are the type check.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // tap's assertions are bound methods of the test.
      '@typescript-eslint/unbound-method': 'off',
      // A test that reads a fixture it made knows it is there; `!` there fails the test loudly if not.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    // Plain scripts run by Node (the Docker health check).
    languageOptions: { globals: { process: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', console: 'readonly' } },
  },
  prettier,
);
