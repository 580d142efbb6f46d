import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The renderer: built into dist/renderer, loaded by Electron from app://homing/ and by the test bridge.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome130',
    // Two pages: the mail window and the composer (a window of its own, with a stricter policy: electron/app-csp.ts).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./renderer/index.html', import.meta.url)),
        compose: fileURLToPath(new URL('./renderer/compose.html', import.meta.url)),
      },
    },
  },
});
