import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

export default tseslint.config(
  { ignores: ['build/**', 'public/build/**', 'node_modules/**', 'data/**', '.cache/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    // CommonJS files (a worker-thread bootstrap) load modules with require by definition.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The domain stays pure: no database, no Remix, no Node (ARCHITECTURE.md dependency rules).
    files: ['app/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto'], message: 'app/domain is pure: no Node APIs.' },
            { group: ['@remix-run/*', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'], message: 'app/domain is pure: no Remix or database.' },
            { group: ['**/db/**', '**/models/**', '**/services/**', '**/routes/**', '**/*.server'], message: 'app/domain imports nothing of the app.' },
          ],
        },
      ],
    },
  },
)
