import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * One single-page bundle for the three apps. Hashed files land in
 * dist/assets/ (served with a one-year immutable cache by src/web/);
 * public/ (service worker, manifest, icons) is copied as is, unhashed.
 */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    // `npx vite` in web/ during development proxies the API to a running `npm start`.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
