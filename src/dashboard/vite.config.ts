// The dashboard's build: src/dashboard → dist/dashboard, served by the gateway at /dashboard/ (http/routes/dashboard.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    // Operators may run the gateway where nothing can be downloaded: one bundle, no CDN, no module preload polyfill fetches.
    modulePreload: false,
    sourcemap: true,
    target: 'es2022',
  },
});
