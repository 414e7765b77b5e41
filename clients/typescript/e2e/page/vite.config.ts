import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// The page uses the package as an app would, through its built output (npm run build).
export default defineConfig({
  root: here,
  logLevel: 'warn',
  resolve: {
    alias: [
      { find: /^@rtsync\/client\/react$/, replacement: resolve(here, '../../dist/react/index.js') },
      { find: /^@rtsync\/client$/, replacement: resolve(here, '../../dist/index.js') },
    ],
  },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      // React Query marks its modules "use client" for server components; a plain page has none.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
});
