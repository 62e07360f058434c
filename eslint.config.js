import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assembly/ is AssemblyScript (WebAssembly types and decorators), compiled by scripts/build-wasm.ts.
  { ignores: ['dist/', 'node_modules/', 'web/dist/', 'coverage/', 'assembly/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      complexity: ['warn', 20],
    },
  },
);
