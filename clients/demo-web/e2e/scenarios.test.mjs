// The six scenarios of issue 16, in headless Chromium against the real demo jar: two users in
// two windows (Alice and Bob), each with a browser context of its own. Every wait is for text on
// the page, never for a fixed time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchChromium, restAs, screenshot, startDemo, tabOf, WAIT, windowOf } from './harness.mjs';

let demo;
let browser;
let asAlice;
const contexts = [];

before(async () => {
  demo = await startDemo();
  browser = await launchChromium();
  asAlice = await restAs(demo.url, 'alice');
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await demo?.stop();
});

async function open(user, path = '') {
  const window = await windowOf(browser, demo.url, user, path);
  contexts.push(window.context);
  return window;
}

/** A project of its own for each scenario, made through the REST API. */
async function newProject(name) {
  return asAlice('POST', 'project', { name, description: `Made for the scenario "${name}"` });
}

const heading = (page, name) =>
  page.getByTestId('project-name').filter({ hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });

describe('two people, two windows, one system', () => {
  it('1. Alice edits a project, and Bob\'s open page shows the new name', async () => {
    const project = await newProject('Apollo');
    const alice = await open('alice', `/project/${project.id}`);
    const bob = await open('bob', `/project/${project.id}`);
    await heading(bob.page, 'Apollo').waitFor(WAIT);

    await alice.page.getByLabel('Project name').fill('Apollo 11');
    await alice.page.getByRole('button', { name: 'Save' }).click();

    await heading(bob.page, 'Apollo 11').waitFor(WAIT);
    await screenshot(browser, '1-edit-reaches-the-other-window', [['Alice', alice.page], ['Bob', bob.page]]);
  });

  it('2. Alice creates a task in a project, and Bob\'s open task list shows it', async () => {
    const project = await newProject('Gemini');
    const bob = await open('bob', `/project/${project.id}`);
    const alice = await open('alice', `/project/${project.id}`);
    await heading(bob.page, 'Gemini').waitFor(WAIT);
    assert.equal(await bob.page.getByTestId('task-name').count(), 0);

    await alice.page.getByLabel('New task name').fill('Dock with Agena');
    await alice.page.getByRole('button', { name: 'Add task' }).click();

    await bob.page.getByTestId('task-name').filter({ hasText: 'Dock with Agena' }).waitFor(WAIT);
    await screenshot(browser, '2-new-task-reaches-the-open-list', [['Alice', alice.page], ['Bob', bob.page]]);
  });

  it('3. Bob types into a form without saving and reloads; the draft is still there', async () => {
    const project = await newProject('Mercury');
    const bob = await open('bob', `/project/${project.id}`);
    await heading(bob.page, 'Mercury').waitFor(WAIT);

    await bob.page.getByLabel('Project description').fill('Half a thought about orbits');
    await bob.page.getByTestId('draft-badge').waitFor(WAIT);
    await bob.page.reload();

    await heading(bob.page, 'Mercury').waitFor(WAIT);
    await bob.page.getByTestId('draft-badge').waitFor(WAIT);
    await bob.page.waitForFunction(
      () => document.querySelector('[aria-label="Project description"]')?.value === 'Half a thought about orbits',
      null,
      WAIT,
    );
    // Nothing was saved: the server still has the old description.
    const saved = await asAlice('GET', `project/${project.id}`);
    assert.equal(saved.description, 'Made for the scenario "Mercury"');
    await screenshot(browser, '3-draft-survives-a-reload', [['Bob after the reload', bob.page]]);
  });

  it('4. Bob goes offline, Alice edits, Bob comes back online and sees the edit without a reload', async () => {
    const project = await newProject('Skylab');
    const alice = await open('alice', `/project/${project.id}`);
    const bob = await open('bob', `/project/${project.id}`);
    await heading(bob.page, 'Skylab').waitFor(WAIT);
    await bob.page.evaluate(() => {
      window.notReloaded = true;
    });

    await bob.context.setOffline(true);
    await bob.page.getByTestId('connection-status').filter({ hasNotText: /^connected$/ }).waitFor(WAIT);
    await alice.page.getByLabel('Project name').fill('Skylab 2');
    await alice.page.getByRole('button', { name: 'Save' }).click();
    await heading(alice.page, 'Skylab 2').waitFor(WAIT);
    assert.equal(await heading(bob.page, 'Skylab').count(), 1, 'offline, Bob still sees the old name');
    await bob.context.setOffline(false);

    await heading(bob.page, 'Skylab 2').waitFor(WAIT);
    await bob.page.getByTestId('connection-status').filter({ hasText: /^connected$/ }).waitFor(WAIT);
    assert.equal(await bob.page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
    await screenshot(browser, '4-back-online-catches-up', [['Alice', alice.page], ['Bob', bob.page]]);
  });

  it('5. Two tabs of Bob both follow Alice\'s edit', async () => {
    const project = await newProject('Voyager');
    const alice = await open('alice', `/project/${project.id}`);
    const bob = await open('bob', `/project/${project.id}`);
    const bobSecondTab = await tabOf(bob.context, demo.url, 'bob', `/project/${project.id}`);
    await heading(bob.page, 'Voyager').waitFor(WAIT);
    await heading(bobSecondTab, 'Voyager').waitFor(WAIT);

    await alice.page.getByLabel('Project name').fill('Voyager 2');
    await alice.page.getByRole('button', { name: 'Save' }).click();

    await heading(bob.page, 'Voyager 2').waitFor(WAIT);
    await heading(bobSecondTab, 'Voyager 2').waitFor(WAIT);
    await screenshot(browser, '5-two-tabs-follow', [['Alice', alice.page], ['Bob, tab 1', bob.page], ['Bob, tab 2', bobSecondTab]]);
  });

  it('6. Bob deletes a project that Alice has open, and Alice\'s page says it is gone', async () => {
    const project = await newProject('Pioneer');
    const alice = await open('alice', `/project/${project.id}`);
    const bob = await open('bob', `/project/${project.id}`);
    await heading(alice.page, 'Pioneer').waitFor(WAIT);
    await heading(bob.page, 'Pioneer').waitFor(WAIT);

    await bob.page.getByRole('button', { name: 'Delete project' }).click();

    await alice.page.getByTestId('project-gone').waitFor(WAIT);
    assert.match(await alice.page.getByTestId('project-gone').innerText(), /deleted while you had it open/);
    await screenshot(browser, '6-deleted-while-open', [['Alice', alice.page], ['Bob', bob.page]]);
  });
});
