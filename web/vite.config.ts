import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  // Vite 8 transforms TSX with oxc; Preact's automatic runtime means no `h` imports in components.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP allows `img-src data:` but nothing else inline; keep every asset a real file.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    // `vite --config web/vite.config.ts` during development talks to a locally running server.
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
