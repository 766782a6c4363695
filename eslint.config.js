// Lint rules for the whole repository: the recommended sets plus the house rules of STYLE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The layers of STYLE.md §1 and §3: rules are pure, use cases sit between the surfaces (HTTP, CLI) and the store,
  // the store knows nothing of HTTP or use cases, and only the composition root chooses a storage engine.
  layerRule('src/domain/**/*.ts', 'domain rules take plain data and return decisions; I/O belongs at the edges', [
    '^node:',
    '(^|/)(store|http|dispatch|webhooks|simulator|cli|runtime|app)/',
  ]),
  layerRule('src/app/**/*.ts', 'use cases gather facts through ports and apply domain rules; parsing and rendering belong to http and cli', [
    '^fastify$',
    '^@fastify/',
    '^commander$',
    '(^|/)(http|cli|simulator)/',
    '(^|/)store/(sqlite|postgres)/',
  ]),
  layerRule('src/store/**/*.ts', 'the store persists what it is given: it knows nothing of HTTP or the use cases, and its ports live in store/, not with the workers that use them', [
    '(^|/)(http|app|dispatch|webhooks)/',
  ]),
  // Later than the store's rule, so it replaces it for these files: it repeats that rule's patterns.
  layerRule('src/store/sql/**/*.ts', 'shared store code runs on every engine: it reads capability flags and never imports an engine folder', [
    '(^|/)(http|app|dispatch|webhooks)/',
    '(^|/)(sqlite|postgres)/',
  ]),
  layerRule('src/runtime/**/*.ts', 'runtime pieces (work loop, group commit, the queue port) are shared by the store and the workers, so they import neither', [
    '(^|/)(store|http|dispatch|webhooks|cli|app)/',
  ]),
  layerRule('src/{http,dispatch,webhooks,cli}/**/*.ts', 'code outside the store depends on its ports, never on an engine folder', [
    '(^|/)store/(sqlite|postgres)/',
  ]),
);

function layerRule(files, message, regexes) {
  return {
    files: [files],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: regexes.map((regex) => ({ regex, message })) }] },
  };
}
