import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the page on 5173 and passes the API through to a running demo jar
// (java -jar demo/target/rtsync-demo.jar); `npm run build` writes dist/, which the jar serves.
export default defineConfig({
  plugins: [react()],
  // @rtsync/client is linked from ../typescript, which has React of its own for its tests: one
  // React (and one React Query) for the page, or hooks break.
  resolve: {
    dedupe: ['react', 'react-dom', '@tanstack/react-query'],
  },
  server: {
    proxy: { '/api': 'http://localhost:4000' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
  },
});
