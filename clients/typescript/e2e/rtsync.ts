/**
 * The real service for the Chromium tests: the shaded jar that `./mvnw package` builds, run as a
 * child process against a PostgreSQL of its own, so a test can kill it and start it again while
 * the database (and the changes made meanwhile) stays.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const JAR = join(repository, 'bootstrap', 'target', 'rtsync.jar');
export const JWT_SECRET = 'chromium-test-secret-of-at-least-32-bytes';

/** One rtsync process; its output is kept for the failure message. */
export class RtsyncProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly output: string[],
  ) {}

  static async start(name: string, environment: Record<string, string>, readyLine: RegExp = /ready on port (\d+)/): Promise<{ process: RtsyncProcess; match: RegExpMatchArray }> {
    if (!existsSync(JAR)) {
      throw new Error(`${JAR} is missing: build it first with ./mvnw -q package -DskipTests -pl bootstrap -am`);
    }
    const java = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
    const child = spawn(java, ['-jar', JAR], {
      env: { ...process.env, ...environment, DATABASE_URL: environment['DATABASE_URL'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const rtsync = new RtsyncProcess(child, output);
    const match = await new Promise<RegExpMatchArray>((resolveReady, rejectReady) => {
      const timeout = setTimeout(() => {
        child.kill('SIGKILL');
        rejectReady(new Error(`${name} did not start within 120 s:\n${output.join('')}`));
      }, 120_000);
      let seen: RegExpMatchArray | undefined;
      const read = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output.push(text);
        if (process.env['RTSYNC_TEST_VERBOSE']) process.stderr.write(`[${name}] ${text}`);
        const all = output.join('');
        const found = all.match(readyLine);
        if (found && !seen && /ready on port/.test(all)) {
          seen = found;
          clearTimeout(timeout);
          resolveReady(found);
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.on('exit', (code) => {
        clearTimeout(timeout);
        if (!seen) rejectReady(new Error(`${name} exited with ${code} before it was ready:\n${output.join('')}`));
      });
    });
    return { process: rtsync, match };
  }

  /** SIGKILL: nothing of the service's shutdown runs, as when a machine dies. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: the graceful shutdown, as an orchestrator's. */
  async terminate(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill(signal);
    await exited;
  }
}

/** A database for the tests: a fresh one on TEST_DATABASE_URL's server, or an embedded PostgreSQL. */
export class TestDatabase {
  private constructor(
    readonly url: string,
    readonly pool: pg.Pool,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(): Promise<TestDatabase> {
    const configured = process.env['TEST_DATABASE_URL'];
    if (configured) {
      const name = `rtsync_client_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: configured });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(configured);
      url.pathname = `/${name}`;
      const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
      return new TestDatabase(url.toString(), pool, async () => {
        await pool.end();
        const dropper = new pg.Client({ connectionString: configured });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      });
    }
    // No server configured: rtsync's own embedded PostgreSQL, started by an rtsync process that
    // only holds the database, so the instance under test can die without taking it along.
    const directory = mkdtempSync(join(tmpdir(), 'rtsync-client-e2e-'));
    const { process: host, match } = await RtsyncProcess.start(
      'database host',
      {
        RTSYNC_EMBEDDED_DIR: join(directory, 'postgres'),
        RTSYNC_EMBEDDED_PORT: '0',
        JWT_SECRET,
        PUBSUB_PORT: String(await freePort()),
        RTSYNC_MANAGEMENT_PORT: '0',
        RTSYNC_INSTANCE_ID: 'chromium-tests-database-host',
      },
      /Embedded PostgreSQL running on port (\d+)/,
    );
    const url = `postgresql://postgres@localhost:${match[1]}/postgres`;
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    return new TestDatabase(url, pool, async () => {
      await pool.end();
      await host.terminate();
      rmSync(directory, { recursive: true, force: true });
    });
  }

  async close(): Promise<void> {
    await this.cleanup();
  }

  /** Runs SQL as the REST API would, so the trigger logs the change. */
  async sql(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.pool.query(text, values);
  }
}

/** The instance under test, on a port that stays the same across restarts (the browser reconnects to it). */
export class RtsyncUnderTest {
  private current: RtsyncProcess | undefined;

  constructor(
    private readonly database: TestDatabase,
    readonly port: number,
    readonly instanceId = `chromium-${randomUUID().slice(0, 8)}`,
  ) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const { process } = await RtsyncProcess.start('rtsync under test', {
      DATABASE_URL: this.database.url,
      JWT_SECRET,
      PUBSUB_PORT: String(this.port),
      RTSYNC_MANAGEMENT_PORT: '0',
      RTSYNC_INSTANCE_ID: this.instanceId,
      // Tokens in the refresh test live seconds: no grace beyond their exp.
      RTSYNC_JWT_CLOCK_SKEW: '0s',
      RTSYNC_SHUTDOWN_TIMEOUT: '5s',
    });
    this.current = process;
  }

  async kill(): Promise<void> {
    await this.current?.kill();
    this.current = undefined;
  }

  async stop(): Promise<void> {
    await this.current?.terminate();
    this.current = undefined;
  }

  output(): string {
    return this.current?.output.join('') ?? '';
  }
}

/** An HS256 token as the REST API issues it: the user id in `sub`, `exp` in seconds. */
export function mintToken(userId: string, lifetimeSeconds: number): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: userId, iat: now, exp: now + lifetimeSeconds, jti: randomUUID() })}`;
  const signature = createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, rejectPort) => {
    const server = createServer();
    server.unref();
    server.on('error', rejectPort);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
