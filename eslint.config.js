import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layer order of src/: each layer imports only from the layers before it (tf and data are peers,
 * both above core). An import from a later layer, static or dynamic, fails the lint.
 */
const LAYERS = {
  core: [],
  tf: ['core'],
  data: ['core'],
  models: ['core', 'tf'],
  train: ['core', 'tf', 'data', 'models'],
  experiments: ['core', 'tf', 'data', 'models', 'train'],
  cli: ['core', 'tf', 'data', 'models', 'train', 'experiments'],
};

function layerRules(layer, allowed) {
  const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  const regex = `^(\\.\\./)+(${forbidden.join('|')})(/|$)`;
  const message = `src/${layer} may import only from ${allowed.length ? allowed.join(', ') : 'itself'} (layer order: core -> tf, data -> models -> train -> experiments -> cli)`;
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex, message }] }],
      'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=/${regex.replace(/\//g, '\\/')}/]`, message }],
    },
  };
}

export default tseslint.config(
  // assembly/ is AssemblyScript (WebAssembly types and decorators), compiled by scripts/build-wasm.ts.
  { ignores: ['dist/', 'node_modules/', 'web/dist/', 'coverage/', 'assembly/', '.gpu-bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      complexity: ['warn', 20],
    },
  },
  ...Object.entries(LAYERS).map(([layer, allowed]) => layerRules(layer, allowed)),
);
