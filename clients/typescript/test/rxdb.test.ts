import { describe, expect, it } from 'vitest';
import { refreshAll, refreshEntity, syncRxCollections, type RxCollectionLike, type RxDocumentLike } from '../src/rxdb.js';
import { harness, PROJECT_1, PROJECT_2, PROJECT_3 } from './fakes.js';

interface Project {
  id: string;
  name: string;
  updatedTs: string;
}

/** An in-memory stand-in for an RxDB collection, with the few methods the helper uses. */
class MemoryCollection implements RxCollectionLike<Project> {
  readonly documents = new Map<string, Project>();

  private document(project: Project): RxDocumentLike<Project> {
    return {
      toJSON: () => ({ ...project }),
      remove: async () => this.documents.delete(project.id),
    };
  }

  async upsert(project: Project): Promise<unknown> {
    this.documents.set(project.id, { ...project });
    return undefined;
  }

  findOne(id: string) {
    return { exec: async () => (this.documents.has(id) ? this.document(this.documents.get(id)!) : null) };
  }

  find() {
    return { exec: async () => [...this.documents.values()].map((project) => this.document(project)) };
  }
}

const project = (id: string, name: string, updatedTs = '2026-01-01T00:00:00Z'): Project => ({ id, name, updatedTs });

/** A REST API stand-in: what it holds, and which ids were fetched. */
function api(holds: Project[]) {
  const rows = new Map(holds.map((row) => [row.id, row]));
  const fetched: string[] = [];
  return {
    rows,
    fetched,
    fetchOne: async (id: string) => {
      fetched.push(id);
      return rows.get(id) ?? null;
    },
    fetchAll: async () => [...rows.values()],
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the RxDB helper: invalidate, fetch, upsert or remove', () => {
  it('upserts what the API answers and removes what it no longer has', async () => {
    const collection = new MemoryCollection();
    await collection.upsert(project(PROJECT_2, 'Gemini'));
    const rest = api([project(PROJECT_1, 'Apollo 11')]);

    await refreshEntity({ collection, fetchOne: rest.fetchOne }, PROJECT_1);
    await refreshEntity({ collection, fetchOne: rest.fetchOne }, PROJECT_2);

    expect([...collection.documents.values()]).toEqual([project(PROJECT_1, 'Apollo 11')]);
  });

  it('removes a deleted entity without asking the API', async () => {
    const collection = new MemoryCollection();
    await collection.upsert(project(PROJECT_1, 'Apollo'));
    const rest = api([project(PROJECT_1, 'Apollo')]);

    await refreshEntity({ collection, fetchOne: rest.fetchOne }, PROJECT_1, true);

    expect(collection.documents.size).toBe(0);
    expect(rest.fetched).toEqual([]);
  });

  it('keeps a newer stored copy over an older answer', async () => {
    const collection = new MemoryCollection();
    await collection.upsert(project(PROJECT_1, 'Apollo 12', '2026-01-02T00:00:00Z'));
    const rest = api([project(PROJECT_1, 'Apollo 11', '2026-01-01T00:00:00Z')]);

    await refreshEntity(
      { collection, fetchOne: rest.fetchOne, isOlder: (incoming, stored) => incoming.updatedTs < stored.updatedTs },
      PROJECT_1,
    );

    expect(collection.documents.get(PROJECT_1)?.name).toBe('Apollo 12');
  });

  it('replaces a whole list: new entities in, vanished ones out', async () => {
    const collection = new MemoryCollection();
    await collection.upsert(project(PROJECT_1, 'Apollo'));
    await collection.upsert(project(PROJECT_2, 'Gemini'));
    const rest = api([project(PROJECT_1, 'Apollo 11'), project(PROJECT_3, 'Mercury')]);

    await refreshAll({ collection, fetchOne: rest.fetchOne, fetchAll: rest.fetchAll });

    expect([...collection.documents.keys()].sort()).toEqual([PROJECT_1, PROJECT_3]);
    expect(collection.documents.get(PROJECT_1)?.name).toBe('Apollo 11');
  });

  it('keeps an entity that arrived while the list was being fetched', async () => {
    const collection = new MemoryCollection();
    await collection.upsert(project(PROJECT_1, 'Apollo'));
    const rest = api([project(PROJECT_1, 'Apollo')]);

    await refreshAll({
      collection,
      fetchOne: rest.fetchOne,
      fetchAll: async () => {
        const answer = await rest.fetchAll();
        await collection.upsert(project(PROJECT_2, 'Gemini')); // a CREATE's upsert, newer than the answer
        return answer;
      },
    });

    expect([...collection.documents.keys()].sort()).toEqual([PROJECT_1, PROJECT_2]);
  });

  it('follows the client: a change is fetched, a DELETE removed, and a reconnect refetches the typed list', async () => {
    const h = harness();
    const collection = new MemoryCollection();
    await collection.upsert(project(PROJECT_2, 'Gemini'));
    const rest = api([project(PROJECT_1, 'Apollo')]);
    const stop = syncRxCollections(h.client, { project: { collection, fetchOne: rest.fetchOne, fetchAll: rest.fetchAll } });
    h.client.subscribeType('project');
    h.client.start();
    await h.clock.advance(0);

    h.server.last.deliver({
      type: 'INVALIDATE',
      payload: {
        entityCode: 'project',
        changes: [
          { entityId: PROJECT_1, action: 'CREATE', version: 1 },
          { entityId: PROJECT_2, action: 'DELETE', version: 2 },
        ],
        timestamp: '2026-01-01T00:00:00.000Z',
      },
    });
    await h.clock.advance(0);
    await settle();
    expect([...collection.documents.values()]).toEqual([project(PROJECT_1, 'Apollo')]);
    expect(rest.fetched).toEqual([PROJECT_1]);

    // Created while the socket was down: only the list fetch after the reconnect finds it.
    rest.rows.set(PROJECT_3, project(PROJECT_3, 'Mercury'));
    h.server.last.closeFromServer(1006);
    await h.clock.advance(1_000);
    await settle();
    expect([...collection.documents.keys()].sort()).toEqual([PROJECT_1, PROJECT_3]);

    stop();
    h.server.last.deliver({
      type: 'INVALIDATE',
      payload: { entityCode: 'project', changes: [{ entityId: PROJECT_3, action: 'DELETE', version: 3 }], timestamp: 'x' },
    });
    await h.clock.advance(0);
    await settle();
    expect(collection.documents.has(PROJECT_3)).toBe(true);
  });
});
