import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The console is served at /console (embedded mode, and the policy registry in the distributed mode). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/governance', '/gateway', '/api', '/approvals', '/budgets', '/audit'].map((p) => [
        p,
        'http://127.0.0.1:8080',
      ]),
    ),
  },
});
