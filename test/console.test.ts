// The console (console/, served by host/doors/console.ts) in a real browser: Debian's
// Chromium driven by playwright-core, against a kernel on a free port. Without
// /usr/bin/chromium the browser tests skip and say which package to install. Each page's
// screenshot goes to a temporary folder, or to docs/console/ with CAMOS_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { consoleRoute } from '../host/doors/console.ts';
import { fromRoot } from '../host/base/root.ts';
import { startKernel, type RunningKernel } from './helpers/kernel.ts';

const CHROMIUM = '/usr/bin/chromium';
const noBrowser = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the console's browser tests`;
const SHOTS = process.env.CAMOS_SCREENSHOTS ? fromRoot('docs/console') : mkdtempSync(join(tmpdir(), 'camos-console-shots-'));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

let k: RunningKernel;
let browser: BrowserContext | undefined;
let profile: string;
let base: string;

before(async () => {
  k = await startKernel();
  base = `http://${k.address}`;
  if (noBrowser) return;
  profile = mkdtempSync(join(tmpdir(), 'camos-chromium-'));
  // A persistent context is how Playwright takes a --user-data-dir: a fresh one per run.
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 800 } });
});
after(async () => {
  await browser?.close();
  await k.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (!process.env.CAMOS_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
});

/** POST /v1/<syscall> as the given token (the admin's by default). */
async function api(syscall: string, body: object, token = k.adminToken): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}/v1/${syscall}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Tab {
  page: Page;
  /** Script errors and Content-Security-Policy violations seen so far. */
  problems: string[];
}

/** A new tab (its own sessionStorage), signed in with `token`. */
async function signIn(token: string): Promise<Tab> {
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && problems.push(`CSP: ${m.text()}`));
  await page.goto(`${base}/`);
  await page.fill('input[name=token]', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=principal]');
  return { page, problems };
}

async function open(tab: Tab, title: string): Promise<void> {
  await tab.page.click(`header nav a:text-is("${title}")`);
  await tab.page.waitForSelector(`main h1:text-is("${title}")`);
}

async function done(tab: Tab, shot?: string): Promise<void> {
  if (shot) await tab.page.screenshot({ path: join(SHOTS, `${shot}.png`) });
  assert.deepEqual(tab.problems, []);
  await tab.page.close();
}

describe('the console files', () => {
  test('index.html is revalidated on every load; hashed assets are immutable; both carry a strict CSP', async () => {
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) assert.ok(csp.includes(d), `${d} in ${csp}`);
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp));
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    const html = await index.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.equal(assets.length, 2);
    for (const path of assets) {
      assert.match(path, /-[A-Z0-9]{8}\.(js|css)$/, 'named by content hash');
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const again = await fetch(`${base}${path}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      assert.equal(again.status, 304);
    }
  });

  test('only the built files are served: other paths under /assets are 404, POST / is the gateway', async () => {
    for (const path of ['/assets/nope.js', '/assets/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) assert.equal((await fetch(`${base}${path}`)).status, 404, path);
    const post = await fetch(`${base}/`, { method: 'POST' });
    assert.equal(post.status, 404);
    assert.equal((await post.json()).status, 'NOT_FOUND');
  });

  test('a kernel whose console was not built says how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'camos-no-console-'));
    const route = consoleRoute(empty);
    const server: Server = createServer((req, res) => route(req, res, new URL(req.url!, 'http://x').pathname) || res.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
      assert.equal(res.status, 404);
      assert.match(await res.text(), /the console is not built: run `npm install`/);
    } finally {
      server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the console in Chromium', { skip: noBrowser }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await api('sys_agent_register', { agentId: 'agent-a', capabilities: ['plan'] });
    await api('sys_agent_register', { agentId: 'agent-b', capabilities: ['write'], quotaRate: 0.001, quotaBurst: 1 });
  });

  test('signing in with the admin token shows every component; the token stays in this tab only', async () => {
    const tab = await signIn(k.adminToken);
    const { page } = tab;
    assert.equal(await page.textContent('[data-testid=principal]'), 'admin');
    await page.waitForSelector('[data-testid=kernel-status]:text-is("ok")');
    for (const c of ['kernel', 'drivers', 'audit', 'scheduler', 'policy']) await page.waitForSelector(`section[aria-label="component ${c}"]`);
    await page.waitForSelector('.chart canvas', { timeout: 15_000 });
    const storage = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.getItem('camos.token') }));
    assert.deepEqual(storage, { cookie: '', local: 0, session: k.adminToken });
    assert.deepEqual((await browser!.cookies()).length, 0);
    await done(tab, 'overview');
  });

  test('a wrong token is refused with the kernel\'s word and nothing is kept', async () => {
    const page = await browser!.newPage();
    await page.goto(`${base}/`);
    await page.fill('input[name=token]', 'not-a-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('.error:has-text("UNAUTHENTICATED")');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.close();
  });

  test('the Drivers page lists the example drivers with their grants and limits', async () => {
    const tab = await signIn(k.adminToken);
    await open(tab, 'Drivers');
    for (const d of ['ratelimit', 'router', 'validator']) await tab.page.waitForSelector(`[data-testid=drivers] tr[data-driver="${d}"]`);
    assert.match((await tab.page.textContent('tr[data-driver="validator"]')) ?? '', /context-read/);
    await done(tab, 'drivers');
  });

  test('a context key written through the API appears with its versions and a JSON diff', async () => {
    await api('sys_context_write', { namespace: 'team', key: 'plan', data: b64('{"owner":"ops","steps":["draft"]}'), contentType: 'application/json', versionDescription: 'first plan' });
    await api('sys_context_write', { namespace: 'team', key: 'plan', data: b64('{"steps":["draft","review"],"owner":"ops"}'), contentType: 'application/json', versionDescription: 'add review' });
    const tab = await signIn(k.adminToken);
    const { page } = tab;
    await open(tab, 'Context');
    await page.click('[data-testid=namespaces] a:text-is("team")');
    await page.click('[data-testid=keys] a:text-is("plan")');
    await page.waitForSelector('[data-testid=versions] tbody tr:nth-child(2)');
    const rows = await page.$$eval('[data-testid=versions] tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).slice(0, 5).map((td) => td.textContent)));
    assert.deepEqual(rows.map((r) => [r[0], r[2], r[4]]), [['2', 'admin', 'add review'], ['1', 'admin', 'first plan']]);
    await page.waitForSelector('[data-testid=diff] .added');
    const lines = (kind: string) => page.$$eval(`[data-testid=diff] .${kind}`, (els) => els.map((e) => e.textContent!.replace(/\s+/g, ' ').trim()));
    const [added, removed] = [await lines('added'), await lines('removed')];
    assert.deepEqual({ added, removed }, { added: ['+ "draft",', '+ "review"'], removed: ['- "draft"'] }, 'key order is no change; the new step is');
    await done(tab, 'context');
  });

  test('a throttled agent: the throttle on the Agents page, its explanation from Ask', async () => {
    const { json } = await api('sys_token_create', { agentId: 'agent-b' });
    const first = await api('sys_commit_task', { task: { id: 'b-first', target: 'agent-b' } }, json.token);
    assert.equal(first.status, 200, first.json.message);
    const second = await api('sys_commit_task', { task: { id: 'b-second', target: 'agent-b' } }, json.token);
    assert.equal(second.status, 429);
    const tab = await signIn(k.adminToken);
    const { page } = tab;
    await open(tab, 'Agents');
    await page.waitForSelector('[data-testid=throttles] td:text-is("agent-b")');
    assert.match((await page.textContent('[data-testid=agents] tr[data-agent="agent-b"]')) ?? '', /0 \/ 1/, 'its bucket is empty');
    await page.click('[data-testid=throttles] a:has-text("explain")');
    await page.waitForSelector('aside[aria-label=explanation] .timeline .kind:text-is("throttled")');
    assert.match((await page.textContent('aside[aria-label=explanation] .explanation-text')) ?? '', /token bucket held 0 of 1 tokens/);
    await done(tab, 'agents');

    const ask = await signIn(k.adminToken);
    await open(ask, 'Audit');
    await ask.page.fill('input[aria-label=question]', 'Why did agent-b get throttled today?');
    await ask.page.click('section.ask button[type=submit]');
    await ask.page.waitForSelector('[data-testid=answer] .timeline a');
    assert.match((await ask.page.textContent('[data-testid=answer] .answer')) ?? '', /agent-b/);
    await ask.page.click('[data-testid=answer] .timeline a');
    await ask.page.waitForSelector('aside[aria-label=explanation] .timeline .kind:text-is("throttled")');
    await done(ask, 'audit');
  });

  test('the Tasks page shows a task with its five-dimension breakdown and timeline, and rolls it back once confirmed', async () => {
    await api('sys_commit_task', { task: { id: 'plan-1', target: 'agent-a', priorityDimensions: { urgency: 0.9, importance: 0.6, efficiency: 0.4, energy: 0.2, trust: 0.8 } } });
    const tab = await signIn(k.adminToken);
    const { page } = tab;
    await open(tab, 'Tasks');
    await page.waitForSelector('[data-testid=tasks] a:text-is("plan-1")');
    const row = page.locator('[data-testid=tasks] tr', { has: page.locator('a:text-is("plan-1")') });
    assert.match((await row.textContent()) ?? '', /urgency 0\.\d+ · importance 0\.\d+ · efficiency 0\.\d+ · energy 0\.\d+ · trust 0\.\d+/);
    await row.locator('a').click();
    await page.waitForSelector('aside[aria-label="task plan-1"] .timeline .kind:text-is("queued")');
    await page.screenshot({ path: join(SHOTS, 'tasks.png') });
    await page.click('aside button:text-is("Roll back")');
    await page.click('aside button:text-is("Yes, roll back")');
    await page.waitForSelector('aside p:has-text("rollback: cancelled")');
    const { json } = await api('sys_task_status', { taskId: 'plan-1' });
    assert.equal(json.state, 'cancelled');
    await done(tab);
  });

  test("an agent's token cannot see another agent's namespace on the Context page", async () => {
    const a = (await api('sys_token_create', { agentId: 'agent-a' })).json.token;
    const b = (await api('sys_token_create', { agentId: 'agent-b' })).json.token;
    assert.equal((await api('sys_context_write', { namespace: 'agent-a', key: 'private', data: b64('a only') }, a)).status, 200);
    assert.equal((await api('sys_context_write', { namespace: 'agent-b', key: 'mine', data: b64('b') }, b)).status, 200);
    const tab = await signIn(b);
    const { page } = tab;
    assert.equal(await page.textContent('[data-testid=principal]'), 'agent-b');
    await open(tab, 'Context');
    await page.waitForSelector('[data-testid=namespaces] a');
    assert.deepEqual(await page.$$eval('[data-testid=namespaces] a', (as) => as.map((x) => x.textContent)), ['agent-b']);
    await page.fill('input[aria-label="open namespace"]', 'agent-a');
    await page.press('input[aria-label="open namespace"]', 'Enter');
    await page.waitForSelector('.error:has-text("PERMISSION_DENIED")');
    assert.equal(await page.locator('text=private').count(), 0);
    await done(tab);
  });

  test("an agent's overview shows the kernel's status without the details it needs a health_detail grant for", async () => {
    const tab = await signIn((await api('sys_token_create', { agentId: 'agent-b' })).json.token);
    await tab.page.waitForSelector('[data-testid=kernel-status]');
    await tab.page.waitForSelector('[data-testid=health-summary-only]');
    assert.equal(await tab.page.locator('.cards').count(), 0);
    await done(tab);
  });

  test('a policy test shows the decision and the determining policy', async () => {
    const tab = await signIn(k.adminToken);
    const { page } = tab;
    await open(tab, 'Policy');
    await page.waitForSelector('pre.cedar:has-text("own-namespace")');
    await page.fill('input[name=resource]', 'agent-b.notes');
    await page.click('section[aria-label="test a request"] button[type=submit]');
    await page.waitForSelector('[data-testid=decision].allowed');
    assert.deepEqual(await page.$$eval('[data-testid=decision] code.policy-id', (cs) => cs.map((c) => c.textContent)), ['own-namespace']);
    await done(tab, 'policy');
  });
});
