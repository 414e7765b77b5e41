// Runs the real demo jar (rtsync, the REST API, the page, an embedded PostgreSQL of its own) and
// Debian's chromium through playwright-core, for the browser tests. Maven passes DEMO_JAR,
// DEMO_JAVA, DEMO_SCREENSHOTS and DEMO_WORK_DIR; run by hand, the defaults below fit a checkout.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '..', '..', '..');
export const jar = process.env.DEMO_JAR ?? join(repository, 'demo', 'target', 'rtsync-demo.jar');
const java = process.env.DEMO_JAVA ?? (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
export const screenshots = process.env.DEMO_SCREENSHOTS ?? join(repository, 'demo', 'target', 'screenshots');
const workDir = process.env.DEMO_WORK_DIR ?? join(repository, 'demo', 'target', 'browser-tests');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Generous: a shared 2-core machine may be busy. Tests wait for text, never for a fixed time. */
export const WAIT = { timeout: 45_000 };

/** Starts the demo on free ports with a fresh database; resolves once it printed the URL to open. */
export async function startDemo() {
  if (!existsSync(jar)) throw new Error(`No demo jar at ${jar}: build it with ./mvnw -pl demo -am package -DskipTests`);
  mkdirSync(workDir, { recursive: true });
  const dataDir = mkdtempSync(join(workDir, 'postgres-'));
  const child = spawn(java, ['-jar', jar], {
    env: {
      ...process.env,
      DEMO_HOST: '127.0.0.1',
      DEMO_PORT: '0',
      PUBSUB_PORT: '0',
      RTSYNC_MANAGEMENT_PORT: '0',
      DEMO_EMBEDDED_PORT: '0',
      DEMO_DATA_DIR: dataDir,
      DEMO_DATABASE_URL: '',
      JWT_SECRET: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('exit', stop);
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`The demo did not start within 180 s:\n${output}`)), 180_000);
    const read = (chunk) => {
      output += chunk;
      const match = /open (http:\/\/localhost:\d+\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', read);
    child.stderr.setEncoding('utf8').on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    logs: () => output,
    async stop() {
      stop();
      await new Promise((done) => (child.exitCode !== null ? done() : child.on('exit', done)));
    },
  };
}

export async function launchChromium() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No chromium at ${chromiumPath}: install it with apt-get install -y chromium, or set CHROMIUM`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
}

/** The REST API as a test sets things up: a user's token, then JSON calls. */
export async function restAs(baseUrl, user) {
  const { token } = await (await fetch(`${baseUrl}api/v1/demo/token?user=${user}`)).json();
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}api/v1/${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
}

/** A window of one user: its own browser context, so its own IndexedDB, as a second person would have. */
export async function windowOf(browser, baseUrl, user, path = '') {
  const context = await browser.newContext({ viewport: { width: 760, height: 720 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}?as=${user}#${path}`);
  await page.getByTestId('connection-status').filter({ hasText: /^connected$/ }).waitFor(WAIT);
  return { context, page };
}

/** Another tab in the same window (same context, so the same IndexedDB). */
export async function tabOf(context, baseUrl, user, path = '') {
  const page = await context.newPage();
  await page.goto(`${baseUrl}?as=${user}#${path}`);
  await page.getByTestId('connection-status').filter({ hasText: /^connected$/ }).waitFor(WAIT);
  return page;
}

/** Saves each page's screenshot, and one image of them side by side (the README's). */
export async function screenshot(browser, name, pages) {
  mkdirSync(screenshots, { recursive: true });
  const images = [];
  for (const [label, page] of pages) {
    const file = join(screenshots, `${name}-${label}.png`);
    const png = await page.screenshot({ path: file });
    images.push({ label, data: png.toString('base64') });
  }
  const sheet = await browser.newPage({ viewport: { width: 760 * images.length + 40, height: 780 } });
  await sheet.setContent(
    `<body style="margin:0;padding:10px;background:#c9ced6;display:flex;gap:20px;font-family:sans-serif">${images
      .map(
        (image) =>
          `<figure style="margin:0"><figcaption style="padding:4px 0">${image.label}</figcaption><img src="data:image/png;base64,${image.data}" style="display:block;border:1px solid #888"></figure>`,
      )
      .join('')}</body>`,
  );
  await sheet.screenshot({ path: join(screenshots, `${name}.png`) });
  await sheet.close();
}
