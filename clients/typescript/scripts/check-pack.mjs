// Packs the package as npm would publish it, installs the tarball into an empty app, and checks
// that an app can import both entry points and type-check against their declarations.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const packageDir = resolve(import.meta.dirname, '..');
const outDir = process.argv[2] ? resolve(process.argv[2]) : mkdtempSync(join(tmpdir(), 'rtsync-pack-'));
mkdirSync(outDir, { recursive: true });
const npm = (args, cwd) => execFileSync('npm', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', outDir], packageDir));
const tarball = join(outDir, packed.filename);
const files = packed.files.map((file) => file.path);
for (const required of ['dist/index.js', 'dist/index.d.ts', 'dist/react/index.js', 'dist/react/index.d.ts', 'package.json']) {
  if (!files.includes(required)) throw new Error(`${packed.filename} lacks ${required}`);
}
if (files.some((file) => file.includes('.test.') || file.startsWith('e2e/') || file.startsWith('test/'))) {
  throw new Error(`${packed.filename} carries test files: ${files.join(', ')}`);
}

const app = mkdtempSync(join(tmpdir(), 'rtsync-app-'));
try {
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const own = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const peers = ['react', '@types/react', '@tanstack/react-query'].map((name) => `${name}@${own.devDependencies[name]}`);
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...peers], app);
  writeFileSync(
    join(app, 'main.ts'),
    [
      "import { RtsyncClient, isRetryableError, type InvalidateEvent } from '@rtsync/client';",
      "import { SyncProvider, useAutoSubscribe, defaultQueryKeys } from '@rtsync/client/react';",
      "const client: RtsyncClient = new RtsyncClient({ url: 'ws://localhost:4001', getToken: () => 'token' });",
      "client.on('invalidate', (event: InvalidateEvent) => event.entities.length);",
      'export const used = [SyncProvider, useAutoSubscribe, defaultQueryKeys, isRetryableError(\'UNAVAILABLE\')];',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [] },
      files: ['main.ts'],
    }),
  );
  execFileSync(process.execPath, [join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { cwd: app, stdio: 'inherit' });
  execFileSync(
    process.execPath,
    ['--input-type=module', '-e', "const core = await import('@rtsync/client'); const react = await import('@rtsync/client/react'); if (typeof core.RtsyncClient !== 'function' || typeof react.SyncProvider !== 'function') process.exit(1);"],
    { cwd: app, stdio: 'inherit' },
  );
  console.log(`${packed.filename}: ${files.length} files; an app installs it, imports both entry points and type-checks against them`);
} finally {
  rmSync(app, { recursive: true, force: true });
}
