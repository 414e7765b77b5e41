// Where rtsync meets the page's store: the client's invalidations become fetches through the
// REST API, and RxDB's reactive queries show the result. Components only say what they show.
import { RtsyncClient } from '@rtsync/client';
import { refreshAll, refreshEntity, syncRxCollections, type RxEntitySource } from '@rtsync/client/rxdb';
import type { Api, Project, Task } from './api';
import type { DemoDatabase } from './db';

/** A slow answer never overwrites a newer copy: the API stamps every write with updatedTs. */
const isOlder = (incoming: { updatedTs: string }, stored: { updatedTs: string }) => incoming.updatedTs < stored.updatedTs;

export class DemoSync {
  readonly client: RtsyncClient;
  private readonly projects: RxEntitySource<Project> & { fetchAll(): Promise<Project[]> };
  private readonly tasks: RxEntitySource<Task> & { fetchAll(): Promise<Task[]> };

  constructor(
    rtsyncUrl: string,
    private readonly api: Api,
    private readonly db: DemoDatabase,
  ) {
    // getToken is asked before every connect: a token is never reused after it was refused.
    this.client = new RtsyncClient({ url: rtsyncUrl, getToken: api.freshToken });
    this.projects = {
      collection: db.project,
      fetchOne: (id) => api.get<Project>('project', id),
      fetchAll: () => api.list<Project>('project'),
      isOlder,
    };
    this.tasks = {
      collection: db.task,
      fetchOne: (id) => api.get<Task>('task', id),
      // The demo keeps every task it may show; an app with many would scope this to what is open.
      fetchAll: () => api.list<Task>('task'),
      isOlder,
    };
    syncRxCollections(this.client, { project: this.projects, task: this.tasks });
  }

  /** The project list from the API into RxDB (on opening the list page). */
  refreshProjects(): Promise<Project[]> {
    return refreshAll(this.projects);
  }

  /**
   * One project and its tasks from the API into RxDB, dropping cached tasks of the project that
   * the API no longer has (deleted while no page watched them); resolves whether the project exists.
   */
  async refreshProject(id: string): Promise<boolean> {
    const project = await refreshEntity(this.projects, id);
    const cachedBefore = await this.db.task.find({ selector: { projectId: id } }).exec();
    const tasks = await this.api.list<Task>('task', { projectId: id });
    const current = new Set(tasks.map((task) => task.id));
    // Only tasks cached before the fetch can be stale: one a change brought in meanwhile is newer.
    for (const stale of cachedBefore.filter((doc) => !current.has(doc.id))) await stale.remove();
    for (const task of tasks) await this.tasks.collection.upsert(task);
    return project !== null;
  }
}
