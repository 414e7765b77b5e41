// The demo's REST API, as a team's own API client would be: every call carries the user's token.
// The page fetches entities here; rtsync only says *which* to fetch again.

export interface DemoUser {
  key: string;
  id: string;
  name: string;
}

export interface DemoConfig {
  rtsyncUrl: string;
  users: DemoUser[];
}

export interface Project {
  id: string;
  name: string;
  description: string | null;
  status: string;
  dueDate: string | null;
  createdTs: string;
  updatedTs: string;
}

export interface Task {
  id: string;
  name: string;
  projectId: string | null;
  status: string;
  priority: number;
  createdTs: string;
  updatedTs: string;
}

export type EntityCode = 'project' | 'task';

/** An answer of the API that is not 2xx, with its `{"error": "..."}` message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function loadConfig(): Promise<DemoConfig> {
  const response = await fetch('/api/v1/demo/config');
  if (!response.ok) throw new ApiError(response.status, 'The demo API did not answer its configuration');
  return (await response.json()) as DemoConfig;
}

/** Reads the token's `exp` (seconds) without checking it: the server checks, the page only plans. */
function expiresAt(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return (payload.exp ?? 0) * 1000;
  } catch {
    return 0;
  }
}

export class Api {
  private token?: { value: string; expiresAt: number };

  constructor(readonly user: DemoUser) {}

  /** A fresh token from the demo's sign-in stand-in; rtsync's client calls this before every connect. */
  readonly freshToken = async (): Promise<string> => {
    const response = await fetch(`/api/v1/demo/token?user=${encodeURIComponent(this.user.key)}`, { cache: 'no-store' });
    if (!response.ok) throw new ApiError(response.status, 'Could not get a token');
    const { token } = (await response.json()) as { token: string };
    this.token = { value: token, expiresAt: expiresAt(token) };
    return token;
  };

  private async bearer(): Promise<string> {
    if (this.token && this.token.expiresAt - Date.now() > 60_000) return this.token.value;
    return this.freshToken();
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    const response = await fetch(`/api/v1/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await this.bearer()}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined;
    const json = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) throw new ApiError(response.status, json.error ?? `${method} ${path}: ${response.status}`);
    return json as T;
  }

  /** The entity, or null when the API says it does not exist (deleted, or never was). */
  async get<T>(code: EntityCode, id: string): Promise<T | null> {
    try {
      return (await this.call<T>('GET', `${code}/${id}`)) ?? null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  async list<T>(code: EntityCode, filter: Record<string, string> = {}): Promise<T[]> {
    const query = new URLSearchParams(filter).toString();
    return (await this.call<T[]>('GET', query ? `${code}?${query}` : code)) ?? [];
  }

  async create<T>(code: EntityCode, fields: Record<string, unknown>): Promise<T> {
    return (await this.call<T>('POST', code, fields)) as T;
  }

  async update<T>(code: EntityCode, id: string, fields: Record<string, unknown>): Promise<T> {
    return (await this.call<T>('PATCH', `${code}/${id}`, fields)) as T;
  }

  async remove(code: EntityCode, id: string): Promise<void> {
    await this.call('DELETE', `${code}/${id}`);
  }
}
