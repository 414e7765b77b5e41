// The page's offline-first store: RxDB on IndexedDB through its free Dexie storage. One database
// per demo user, so two users in one browser never see each other's cache or drafts; the tabs of
// one user share it (RxDB's multi-instance mode), so what one tab fetches the others show.
import { createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { Project, Task } from './api';

/** An edit not saved yet: the form's fields, kept until Save or Discard, across reloads. */
export interface Draft {
  /** What the form edits: `project:<id>`, `new-project`, `new-task:<projectId>`. */
  id: string;
  fields: Record<string, string>;
  updatedAt: number;
}

const projectSchema: RxJsonSchema<Project> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 36 },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    status: { type: 'string' },
    dueDate: { type: ['string', 'null'] },
    createdTs: { type: 'string' },
    updatedTs: { type: 'string' },
  },
  required: ['id', 'name', 'updatedTs'],
};

const taskSchema: RxJsonSchema<Task> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 36 },
    name: { type: 'string' },
    projectId: { type: ['string', 'null'] },
    status: { type: 'string' },
    priority: { type: 'number' },
    createdTs: { type: 'string' },
    updatedTs: { type: 'string' },
  },
  required: ['id', 'name', 'updatedTs'],
};

const draftSchema: RxJsonSchema<Draft> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 200 },
    fields: { type: 'object' },
    updatedAt: { type: 'number' },
  },
  required: ['id', 'fields', 'updatedAt'],
};

export interface DemoCollections {
  project: RxCollection<Project>;
  task: RxCollection<Task>;
  drafts: RxCollection<Draft>;
  [name: string]: RxCollection;
}

export type DemoDatabase = RxDatabase<DemoCollections>;

export async function openDatabase(userKey: string): Promise<DemoDatabase> {
  const db = await createRxDatabase<DemoCollections>({
    name: `rtsync-demo-${userKey}`,
    storage: getRxStorageDexie(),
    multiInstance: true,
  });
  await db.addCollections({
    project: { schema: projectSchema },
    task: { schema: taskSchema },
    drafts: { schema: draftSchema },
  });
  return db;
}
