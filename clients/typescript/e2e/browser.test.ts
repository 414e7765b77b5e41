/**
 * The package in a real Chromium against the real rtsync jar and a real PostgreSQL: the page
 * (e2e/page) is a small React Query app using the built package; changes are committed by SQL,
 * as the REST API would, and go through the trigger, the change log and the WebSocket.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry, MountOptions } from './page/main.js';
import { PageServer } from './pageServer.js';
import { freePort, RtsyncUnderTest, TestDatabase } from './rtsync.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const WAIT = { timeout: 60_000 };

let database: TestDatabase;
let rtsync: RtsyncUnderTest;
let pages: PageServer;
let browser: Browser;

beforeAll(async () => {
  database = await TestDatabase.create();
  rtsync = new RtsyncUnderTest(database, await freePort());
  await rtsync.start();
  pages = await PageServer.start(join(dirname(fileURLToPath(import.meta.url)), 'page', 'dist'), database);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await rtsync?.stop();
  await database?.close();
});

async function createProject(name: string): Promise<string> {
  const id = randomUUID();
  await database.sql('INSERT INTO app.project (id, name) VALUES ($1, $2)', [id, name]);
  return id;
}

async function rename(id: string, name: string): Promise<void> {
  await database.sql('UPDATE app.project SET name = $2 WHERE id = $1', [id, name]);
}

async function openApp(context: BrowserContext, options: Omit<MountOptions, 'url'>): Promise<Page> {
  const page = await context.newPage();
  await page.goto(pages.origin);
  await page.evaluate((mount) => window.rtsyncTest.mount(mount), { ...options, url: rtsync.url });
  await expect.poll(() => status(page), WAIT).toBe('connected');
  for (const id of options.projectIds) await expect.poll(() => shown(page, id), WAIT).not.toBe('…');
  return page;
}

const status = (page: Page) => page.locator('#status').textContent();
const shown = (page: Page, id: string) => page.locator(`[data-project="${id}"]`).textContent();
const logOf = (page: Page) => page.evaluate(() => window.rtsyncLog) as Promise<LogEntry[]>;
const entriesOf = async (page: Page, type: string) => (await logOf(page)).filter((entry) => entry.type === type);

/** The subscriptions the instance under test holds in the database, per connection. */
async function subscriptionRows(): Promise<Array<{ connection_id: string; entity_id: string }>> {
  const result = await database.sql(
    'SELECT connection_id, entity_id::text FROM app.rxdb_subscription WHERE instance_id = $1 ORDER BY entity_id',
    [rtsync.instanceId],
  );
  return result.rows;
}

describe('@rtsync/client in Chromium against rtsync', () => {
  it("subscribes, and a committed UPDATE invalidates that entity's React Query key", async () => {
    const apollo = await createProject('Apollo');
    const gemini = await createProject('Gemini');
    const context = await browser.newContext();
    const page = await openApp(context, { user: randomUUID(), projectIds: [apollo, gemini] });
    await expect.poll(async () => (await subscriptionRows()).map((row) => row.entity_id).sort(), WAIT).toEqual([apollo, gemini].sort());

    await rename(apollo, 'Apollo 11');

    await expect.poll(() => shown(page, apollo), WAIT).toBe('Apollo 11');
    const invalidated = (await entriesOf(page, 'query-invalidated')).map((entry) => entry.key);
    expect(invalidated).toEqual([['entity-instance', 'project', apollo]]);
    expect(await shown(page, gemini)).toBe('Gemini');
    const changes = await entriesOf(page, 'invalidate');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ reason: 'change', entities: [{ entityCode: 'project', entityId: apollo, action: 'UPDATE' }] });
    await context.close();
  });

  it('two tabs of one user each receive the change', async () => {
    const apollo = await createProject('Apollo');
    const user = randomUUID();
    const context = await browser.newContext();
    const first = await openApp(context, { user, projectIds: [apollo] });
    const second = await openApp(context, { user, projectIds: [apollo] });
    await expect.poll(async () => new Set((await subscriptionRows()).filter((row) => row.entity_id === apollo).map((row) => row.connection_id)).size, WAIT).toBe(2);

    await rename(apollo, 'Apollo 13');

    await expect.poll(() => shown(first, apollo), WAIT).toBe('Apollo 13');
    await expect.poll(() => shown(second, apollo), WAIT).toBe('Apollo 13');
    await context.close();
  });

  it('refreshes a token that expires during the test without a disconnect', async () => {
    const apollo = await createProject('Apollo');
    const user = randomUUID();
    pages.tokenLifetimeSeconds = 6;
    try {
      const context = await browser.newContext();
      const page = await openApp(context, { user, projectIds: [apollo] });
      // Four tokens of 6 s: the first expired long before the last was sent.
      await expect.poll(() => pages.tokensIssued.get(user) ?? 0, WAIT).toBeGreaterThanOrEqual(4);

      expect(await entriesOf(page, 'disconnected')).toEqual([]);
      expect((await entriesOf(page, 'tokenRefreshed')).length).toBeGreaterThanOrEqual(3);
      const report = (await page.evaluate(() => window.rtsyncTest.requestStatus())) as { tokenExpiresIn: number; subscriptions: number };
      expect(report.tokenExpiresIn).toBeGreaterThan(0);
      expect(report.subscriptions).toBe(1);
      await rename(apollo, 'Apollo 8');
      await expect.poll(() => shown(page, apollo), WAIT).toBe('Apollo 8');
      expect(await entriesOf(page, 'disconnected')).toEqual([]);
      await context.close();
    } finally {
      pages.tokenLifetimeSeconds = 3_600;
    }
  });

  it('offline closes at once, and online reconnects at once', async () => {
    const apollo = await createProject('Apollo');
    const context = await browser.newContext();
    // A backoff of minutes: within this test only the online event can bring the connection back.
    const page = await openApp(context, { user: randomUUID(), projectIds: [apollo], backoff: { initialDelayMs: 600_000, maxDelayMs: 600_000 } });

    await context.setOffline(true);
    await expect.poll(() => status(page), WAIT).toBe('disconnected');
    expect((await entriesOf(page, 'disconnected')).at(-1)).toMatchObject({ reason: 'offline', willRetry: true });
    await expect.poll(async () => (await subscriptionRows()).filter((row) => row.entity_id === apollo).length, WAIT).toBe(0);

    await context.setOffline(false);
    await expect.poll(() => status(page), WAIT).toBe('connected');
    expect(await entriesOf(page, 'connected')).toMatchObject([{ reconnect: false }, { reconnect: true }]);
    await expect.poll(async () => (await subscriptionRows()).filter((row) => row.entity_id === apollo).length, WAIT).toBe(1);
    await rename(apollo, 'Apollo 12');
    await expect.poll(() => shown(page, apollo), WAIT).toBe('Apollo 12');
    await context.close();
  });

  it('after the server is killed and restarted: reconnects, subscribes again, and reports what changed meanwhile', async () => {
    const apollo = await createProject('Apollo');
    const gemini = await createProject('Gemini');
    const context = await browser.newContext();
    // Waits of at most 5 s: a slow restart on a busy machine must not push the next attempt 30 s out.
    const page = await openApp(context, { user: randomUUID(), projectIds: [apollo, gemini], backoff: { maxDelayMs: 5_000 } });

    await rtsync.kill();
    await expect.poll(() => status(page), WAIT).not.toBe('connected');
    await rename(gemini, 'Gemini 7'); // committed while no rtsync runs: no INVALIDATE can ever carry it
    await rtsync.start();

    await expect.poll(async () => (await entriesOf(page, 'resync')).length, WAIT).toBe(1);
    expect(await status(page)).toBe('connected');
    const [resync] = await entriesOf(page, 'resync');
    expect(new Set((resync!.entities as Array<{ entityId: string }>).map((entity) => entity.entityId))).toEqual(new Set([apollo, gemini]));
    await expect.poll(() => shown(page, gemini), WAIT).toBe('Gemini 7');
    await expect.poll(async () => (await subscriptionRows()).map((row) => row.entity_id).filter((id) => id === apollo || id === gemini).sort(), WAIT).toEqual([apollo, gemini].sort());
    const disconnect = (await entriesOf(page, 'disconnected'))[0];
    expect(disconnect).toMatchObject({ reason: 'network', willRetry: true });

    // And the new connection delivers changes as before.
    await rename(apollo, 'Apollo 17');
    await expect.poll(() => shown(page, apollo), WAIT).toBe('Apollo 17');
    await context.close();
  });
});
