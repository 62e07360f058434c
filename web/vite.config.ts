import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { samplesPlugin } from './build/samples-plugin.js';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Vite configuration of the playground: `npm run build:web` builds to web/dist, `npm run playground` serves it. */
export default defineConfig({
  root: webRoot,
  base: './',
  plugins: [samplesPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  // The page imports ../src/core directly, which lies outside the Vite root.
  server: { fs: { allow: [repoRoot] } },
});
