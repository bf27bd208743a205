// The demo page (clients/js/demo) in real headless Chromium, against two real edges, a
// dispatcher and redis-server started by cluster.mjs. Page A is served by edge A, page B by
// edge B; each lists both edges so that it can move to the other one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoPath, repoRoot, sleep, startCluster } from './cluster.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
const chromiumPath = process.env.RT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT_MS = 15_000;

let cluster;
let context;
let userDataDir;
const pageErrors = [];

/** The demo imports the SDK from demo/sdk/, which `npm run build` in clients/js produces. */
function ensureDemoBuilt() {
  if (existsSync(join(demoPath, 'sdk', 'index.js'))) {
    return;
  }
  const sdk = join(repoRoot, 'clients', 'js');
  if (!existsSync(join(sdk, 'node_modules', 'typescript'))) {
    throw new Error('clients/js/demo/sdk/ is missing: run `npm ci && npm run build` in clients/js first');
  }
  const build = spawnSync('npm', ['run', 'build'], { cwd: sdk, encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) {
    throw new Error(`npm run build in clients/js failed:\n${build.stdout}\n${build.stderr}`);
  }
}

async function openDemo(edge, otherEdge, user) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(`${user}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      pageErrors.push(`${user}: console: ${message.text()}`);
    }
  });
  const query = new URLSearchParams({ edges: `${edge.ws},${otherEdge.ws}`, dispatcher: cluster.dispatcher.http });
  await page.goto(`${edge.http}/?${query}`);
  await page.fill('#user-name', user);
  await page.click('#connect');
  await page.waitForSelector('#state[data-state="connected"]');
  assert.equal(await page.textContent('#server'), edge.id);
  await page.fill('#room-name', 'lobby');
  await page.click('#join');
  await waitForText(page, '#events', 'joined room:lobby');
  return page;
}

function waitForText(page, selector, text) {
  return page.waitForFunction(
    ([s, t]) => document.querySelector(s)?.textContent.includes(t),
    [selector, text],
    { timeout: WAIT_MS },
  );
}

/** Texts and offsets of the chat list, in order. */
function chat(page) {
  return page.$$eval('#messages li', (items) => items.map((li) => ({ text: li.querySelector('.text')?.textContent, offset: Number(li.dataset.offset), id: li.dataset.id })));
}

before(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} not found: install it with \`apt-get install -y chromium\` (or set RT_CHROMIUM)`);
  }
  ensureDemoBuilt();
  const { chromium } = await import('playwright-core');
  cluster = await startCluster({ edges: 2 });
  userDataDir = mkdtempSync(join(tmpdir(), 'realtime-e2e-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
});

after(async () => {
  if (pageErrors.length > 0) {
    console.log(`page errors:\n${pageErrors.join('\n')}`);
  }
  await Promise.race([context?.close(), sleep(10_000)]);
  await cluster?.stop();
  if (userDataDir) {
    rmSync(userDataDir, { recursive: true, force: true });
  }
});

describe('demo page on two edges', { timeout: 120_000 }, () => {
  let pageA;
  let pageB;

  it('connects page A to edge A and page B to edge B', async () => {
    [pageA, pageB] = await Promise.all([
      openDemo(cluster.edges[0], cluster.edges[1], 'alice'),
      openDemo(cluster.edges[1], cluster.edges[0], 'bob'),
    ]);
    assert.equal(await pageA.textContent('#server'), 'edge-a');
    assert.equal(await pageB.textContent('#server'), 'edge-b');
  });

  it('shows a room message published from page A (through the dispatcher) in both pages', async () => {
    await pageA.fill('#chat-text', 'hello from alice');
    await pageA.click('#send');
    await Promise.all([waitForText(pageA, '#messages', 'hello from alice'), waitForText(pageB, '#messages', 'hello from alice')]);
    const [a, b] = await Promise.all([chat(pageA), chat(pageB)]);
    assert.deepEqual(a.map((m) => m.text), ['hello from alice']);
    assert.deepEqual(b, a);
  });

  it("shows a user message only in that user's page", async () => {
    await pageB.fill('#notify-to', 'alice');
    await pageB.fill('#notify-text', 'psst alice');
    await pageB.click('#notify-send');
    await waitForText(pageA, '#notifications', 'psst alice');
    // A later message to bob has arrived at page B by the time we look: alice's did not.
    await pageA.fill('#notify-to', 'bob');
    await pageA.fill('#notify-text', 'hi bob');
    await pageA.click('#notify-send');
    await waitForText(pageB, '#notifications', 'hi bob');
    assert.ok(!(await pageB.textContent('#notifications')).includes('psst alice'));
    assert.ok(!(await pageA.textContent('#notifications')).includes('hi bob'));

    mkdirSync(artifacts, { recursive: true });
    await pageA.screenshot({ path: join(artifacts, 'demo.png'), fullPage: true });
    assert.ok(existsSync(join(artifacts, 'demo.png')));
  });

  it('moves page A to edge B when edge A is killed, and recovers what was published meanwhile, once', async () => {
    // Freeze edge B first, so page A has nowhere to go while the messages are published: they can
    // only reach it through recovery from history once edge B is back.
    cluster.edges[1].pause();
    try {
      await cluster.edges[0].kill(); // SIGKILL: no drain, no goodbye
      await pageA.waitForFunction(() => document.querySelector('#state')?.dataset.state !== 'connected', null, { timeout: WAIT_MS });
      for (let n = 1; n <= 3; n++) {
        await cluster.publish({ room: 'lobby' }, 'chat.message', { text: `while away ${n}`, from: 'backend' });
      }
      await cluster.publish({ user: 'alice' }, 'notification', { text: 'missed note', from: 'backend' });
      assert.notEqual(await pageA.$eval('#state', (e) => e.dataset.state), 'connected', 'page A has no edge while the messages are published');
    } finally {
      cluster.edges[1].resume();
    }

    await pageA.waitForFunction(() => document.querySelector('#server')?.textContent === 'edge-b' && document.querySelector('#state')?.dataset.state === 'connected', null, { timeout: WAIT_MS });
    await waitForText(pageA, '#messages', 'while away 3');
    await waitForText(pageA, '#notifications', 'missed note');
    await pageB.fill('#chat-text', 'after the failover');
    await pageB.click('#send');
    await Promise.all([waitForText(pageA, '#messages', 'after the failover'), waitForText(pageB, '#messages', 'after the failover')]);

    const a = await chat(pageA);
    assert.deepEqual(a.map((m) => m.text), ['hello from alice', 'while away 1', 'while away 2', 'while away 3', 'after the failover']);
    assert.deepEqual(a.map((m) => m.offset), [1, 2, 3, 4, 5], 'every offset once, in order');
    assert.equal(new Set(a.map((m) => m.id)).size, a.length);
    assert.deepEqual(await chat(pageB), a);
    const notes = await pageA.$$eval('#notifications li .text', (items) => items.map((i) => i.textContent));
    assert.deepEqual(notes, ['psst alice', 'missed note']);
    await waitForText(pageA, '#events', 'recovered room:lobby');
    await pageA.screenshot({ path: join(artifacts, 'demo-after-failover.png'), fullPage: true });
  });

  it('loaded without page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
