import { useAutoSubscribe, useAutoSubscribeSingle, useAutoSubscribeType, useSync } from '@rtsync/client/react';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Api, DemoConfig, DemoUser, Project, Task } from './api';
import type { DemoDatabase } from './db';
import { useDraft } from './drafts';
import type { DemoSync } from './sync';

// ---- routing: #/ is the project list, #/project/<id> one project with its tasks ----

function currentRoute(): string {
  return window.location.hash.replace(/^#/, '') || '/';
}

function useRoute(): string {
  return useSyncExternalStore(
    (notify) => {
      window.addEventListener('hashchange', notify);
      return () => window.removeEventListener('hashchange', notify);
    },
    currentRoute,
  );
}

// ---- reactive RxDB queries ----

function useProjects(db: DemoDatabase): Project[] | null {
  const [projects, setProjects] = useState<Project[] | null>(null);
  useEffect(() => {
    const subscription = db.project.find().$.subscribe((docs) =>
      setProjects(docs.map((doc) => doc.toJSON() as Project).sort((a, b) => a.createdTs.localeCompare(b.createdTs))),
    );
    return () => subscription.unsubscribe();
  }, [db]);
  return projects;
}

function useProject(db: DemoDatabase, id: string): Project | null | undefined {
  const [project, setProject] = useState<Project | null | undefined>(undefined);
  useEffect(() => {
    const subscription = db.project.findOne(id).$.subscribe((doc) => setProject(doc ? (doc.toJSON() as Project) : null));
    return () => subscription.unsubscribe();
  }, [db, id]);
  return project;
}

function useTasks(db: DemoDatabase, projectId: string): Task[] {
  const [tasks, setTasks] = useState<Task[]>([]);
  useEffect(() => {
    const subscription = db.task.find({ selector: { projectId } }).$.subscribe((docs) =>
      setTasks(docs.map((doc) => doc.toJSON() as Task).sort((a, b) => a.createdTs.localeCompare(b.createdTs))),
    );
    return () => subscription.unsubscribe();
  }, [db, projectId]);
  return tasks;
}

// ---- the page ----

export interface AppProps {
  config: DemoConfig;
  user: DemoUser;
  api: Api;
  db: DemoDatabase;
  sync: DemoSync;
}

export function App({ config, user, api, db, sync }: AppProps) {
  const route = useRoute();
  const projectMatch = /^\/project\/([0-9a-f-]{36})$/.exec(route);
  return (
    <div className="app">
      <header>
        <a href="#/" className="brand">
          rtsync demo
        </a>
        <ConnectionStatus />
        <UserSwitch users={config.users} current={user} />
      </header>
      <main>
        {projectMatch ? (
          <ProjectPage key={projectMatch[1]} id={projectMatch[1]} api={api} db={db} sync={sync} />
        ) : (
          <ProjectList api={api} db={db} sync={sync} />
        )}
      </main>
    </div>
  );
}

function ConnectionStatus() {
  const { status } = useSync();
  return (
    <span className={`status status-${status}`} data-testid="connection-status" title="The WebSocket to rtsync">
      {status}
    </span>
  );
}

/** Two windows can be two people: each user has a database (cache and drafts) of their own. */
function UserSwitch({ users, current }: { users: DemoUser[]; current: DemoUser }) {
  return (
    <span className="users">
      {users.map((user) => (
        <button
          key={user.key}
          className={user.key === current.key ? 'current' : ''}
          data-testid={`as-${user.key}`}
          onClick={() => {
            const url = new URL(window.location.href);
            url.searchParams.set('as', user.key);
            window.location.assign(url.toString());
          }}
        >
          {user.key === current.key ? `You are ${user.name}` : `Act as ${user.name}`}
        </button>
      ))}
    </span>
  );
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

function ProjectList({ api, db, sync }: { api: Api; db: DemoDatabase; sync: DemoSync }) {
  const projects = useProjects(db);
  const ids = useMemo(() => (projects ?? []).map((project) => project.id), [projects]);
  // The ids shown, as the design subscribes, and the whole type, so projects others create appear.
  useAutoSubscribe('project', ids);
  useAutoSubscribeType('project');
  useEffect(() => {
    void sync.refreshProjects();
  }, [sync]);

  return (
    <section>
      <h1>Projects</h1>
      {projects === null ? (
        <p>Loading…</p>
      ) : (
        <ul className="projects" data-testid="project-list">
          {projects.map((project) => (
            <li key={project.id}>
              <a href={`#/project/${project.id}`} data-testid="project-link">
                {project.name}
              </a>{' '}
              <span className="muted">{project.status}</span>
            </li>
          ))}
        </ul>
      )}
      <NewProjectForm api={api} db={db} />
    </section>
  );
}

const EMPTY_PROJECT = { name: '', description: '' };

function NewProjectForm({ api, db }: { api: Api; db: DemoDatabase }) {
  const draft = useDraft(db, 'new-project', EMPTY_PROJECT);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="card"
      data-testid="new-project-form"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          const created = await api.create<Project>('project', {
            name: draft.values.name,
            description: draft.values.description || null,
          });
          await db.project.upsert(created);
          await draft.discard();
          setError(null);
        } catch (e) {
          setError((e as Error).message);
        }
      }}
    >
      <h2>New project</h2>
      <input
        placeholder="Name"
        aria-label="New project name"
        value={draft.values.name}
        onChange={(e) => draft.change('name', e.target.value)}
      />
      <input
        placeholder="Description"
        aria-label="New project description"
        value={draft.values.description}
        onChange={(e) => draft.change('description', e.target.value)}
      />
      <button type="submit">Create</button>
      <ErrorLine error={error} />
    </form>
  );
}

function ProjectPage({ id, api, db, sync }: { id: string; api: Api; db: DemoDatabase; sync: DemoSync }) {
  const project = useProject(db, id);
  const tasks = useTasks(db, id);
  const [seen, setSeen] = useState(false);
  const [missing, setMissing] = useState(false);
  const taskIds = useMemo(() => tasks.map((task) => task.id), [tasks]);
  useAutoSubscribeSingle('project', id);
  useAutoSubscribe('task', taskIds);
  useAutoSubscribeType('task');

  useEffect(() => {
    if (project) setSeen(true);
  }, [project]);
  useEffect(() => {
    // Fresh from the API on open: the cache shows at once, the fetch corrects it.
    void sync.refreshProject(id).then((found) => setMissing(!found));
  }, [id, sync]);

  if (project === null && (seen || missing)) {
    return (
      <section>
        <p className="gone" data-testid="project-gone">
          This project was deleted{seen ? ' while you had it open' : ''}.
        </p>
        <a href="#/">Back to the projects</a>
      </section>
    );
  }
  if (!project) return <p>Loading…</p>;
  return (
    <section>
      <a href="#/">← Projects</a>
      <h1 data-testid="project-name">{project.name}</h1>
      <p className="muted" data-testid="project-description">
        {project.description}
      </p>
      <ProjectForm project={project} api={api} db={db} />
      <h2>Tasks</h2>
      <ul className="tasks" data-testid="task-list">
        {tasks.map((task) => (
          <li key={task.id}>
            <span data-testid="task-name">{task.name}</span> <span className="muted">{task.status}</span>
          </li>
        ))}
      </ul>
      <NewTaskForm projectId={id} api={api} db={db} />
    </section>
  );
}

function ProjectForm({ project, api, db }: { project: Project; api: Api; db: DemoDatabase }) {
  const saved = useMemo(
    () => ({ name: project.name, description: project.description ?? '', status: project.status }),
    [project.name, project.description, project.status],
  );
  const draft = useDraft(db, `project:${project.id}`, saved);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="card"
      data-testid="project-form"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          const updated = await api.update<Project>('project', project.id, {
            name: draft.values.name,
            description: draft.values.description || null,
            status: draft.values.status,
          });
          await db.project.upsert(updated);
          await draft.discard();
          setError(null);
        } catch (e) {
          setError((e as Error).message);
        }
      }}
    >
      <h2>Edit {draft.dirty ? <span className="draft-badge" data-testid="draft-badge">unsaved draft</span> : null}</h2>
      <input aria-label="Project name" value={draft.values.name} onChange={(e) => draft.change('name', e.target.value)} />
      <textarea
        aria-label="Project description"
        value={draft.values.description}
        onChange={(e) => draft.change('description', e.target.value)}
      />
      <select aria-label="Project status" value={draft.values.status} onChange={(e) => draft.change('status', e.target.value)}>
        <option value="active">active</option>
        <option value="on_hold">on hold</option>
        <option value="done">done</option>
      </select>
      <button type="submit">Save</button>
      <button type="button" disabled={!draft.dirty} onClick={() => void draft.discard()}>
        Discard draft
      </button>
      <button
        type="button"
        className="danger"
        onClick={async () => {
          try {
            await api.remove('project', project.id);
            await draft.discard();
            await db.project.findOne(project.id).remove();
            window.location.hash = '#/';
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        Delete project
      </button>
      <ErrorLine error={error} />
    </form>
  );
}

const EMPTY_TASK = { name: '' };

function NewTaskForm({ projectId, api, db }: { projectId: string; api: Api; db: DemoDatabase }) {
  const draft = useDraft(db, `new-task:${projectId}`, EMPTY_TASK);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="card"
      data-testid="new-task-form"
      onSubmit={async (event) => {
        event.preventDefault();
        try {
          const created = await api.create<Task>('task', { name: draft.values.name, projectId });
          await db.task.upsert(created);
          await draft.discard();
          setError(null);
        } catch (e) {
          setError((e as Error).message);
        }
      }}
    >
      <input
        placeholder="New task"
        aria-label="New task name"
        value={draft.values.name}
        onChange={(e) => draft.change('name', e.target.value)}
      />
      <button type="submit">Add task</button>
      <ErrorLine error={error} />
    </form>
  );
}
