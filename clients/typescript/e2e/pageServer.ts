/**
 * What the page needs besides rtsync, as a REST API would give it: the built test page, a token
 * for the page's user (`GET /token?user=…`, minted fresh on every call) and a project by id
 * (`GET /api/project/:id`, read from the database).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { TestDatabase } from './rtsync.js';
import { mintToken } from './rtsync.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export class PageServer {
  /** Tokens minted so far, per user. */
  readonly tokensIssued = new Map<string, number>();
  /** How long the next tokens live. */
  tokenLifetimeSeconds = 3_600;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(root: string, database: TestDatabase): Promise<PageServer> {
    let page: PageServer | undefined;
    const server = createServer(async (request, response) => {
      try {
        const url = new URL(request.url ?? '/', 'http://localhost');
        if (url.pathname === '/token') {
          const user = url.searchParams.get('user') ?? '';
          page!.tokensIssued.set(user, (page!.tokensIssued.get(user) ?? 0) + 1);
          response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
          response.end(mintToken(user, page!.tokenLifetimeSeconds));
          return;
        }
        const project = url.pathname.match(/^\/api\/project\/([0-9a-f-]{36})$/);
        if (project) {
          const result = await database.sql('SELECT id, name FROM app.project WHERE id = $1', [project[1]]);
          response.writeHead(result.rowCount ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify(result.rows[0] ?? null));
          return;
        }
        const path = normalize(url.pathname === '/' ? '/index.html' : url.pathname);
        const body = await readFile(join(root, path));
        response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    page = new PageServer(server, `http://127.0.0.1:${port}`);
    return page;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
