import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by `latch serve` at `/`; its files live under /assets/, never /api/.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: true },
});
