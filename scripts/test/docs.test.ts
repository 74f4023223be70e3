// The docs site: built from the fixture repository (two specs, three public packages,
// guides), served from loopback and opened in headless Chromium. Every operation and
// message type must render with its TypeScript snippet, and no page may request
// anything from a non-loopback host. Screenshots go to test-results/docs/.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newContext, newPage } from './helpers/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM scripts without type declarations
import { buildSite, externalLoads, makeSelfContained } from '../docs/build.mjs';
// @ts-ignore
import { serveStatic } from '../docs/serve.mjs';
// @ts-ignore
import { renderMarkdown } from '../docs/markdown.mjs';
// @ts-ignore
import { asyncapiSnippets, openapiSnippets, tsLiteral } from '../docs/snippets.mjs';
// @ts-ignore
import { dereference } from '../review/load.mjs';
// @ts-ignore
import { operationsOf } from '../review/openapi-diff.mjs';
// @ts-ignore
import { asyncModel } from '../review/asyncapi-diff.mjs';
// @ts-ignore
import { discoverPackages, discoverSpecs } from '../lib/discover.mjs';
// @ts-ignore
import { checkSnippets } from '../docs/check-snippets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const fixtureRoot = join(here, 'fixtures/review/repo');
const shotsDir = join(repoRoot, 'test-results/docs');

interface Visit {
  text: string;
  requests: string[];
  outside: string[];
  cspViolations: string[];
  pageErrors: string[];
  status: number | undefined;
}

/** Opens a page, records every request (only loopback ones are let through), expands collapsed sections, screenshots it. */
async function visit(browser: Browser, baseUrl: string, path: string, shot: string, drive?: (page: Page, collect: () => Promise<void>) => Promise<void>): Promise<Visit> {
  const context = await newContext(browser, { viewport: { width: 1280, height: 1600 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const outside: string[] = [];
  const pageErrors: string[] = [];
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    requests.push(url.href);
    if (url.hostname === '127.0.0.1') await route.continue();
    else {
      outside.push(url.href);
      await route.abort();
    }
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('websocket', (ws) => outside.push(`websocket ${ws.url()}`));
  const response = await page.goto(`${baseUrl}/${path}`, { waitUntil: 'networkidle' });
  // Redoc collapses tag sections ("+ Show", one open at a time) and message lists ("Expand all"):
  // open each section once and collect the text seen in every state.
  const texts: string[] = [];
  const settle = async () => {
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !document.body.innerText.includes('Loading...'));
    texts.push(await page.evaluate(() => document.body.innerText));
  };
  await settle();
  const expanders = page.getByRole('button', { name: /^(\+ Show|Expand all)$/ });
  const opened = new Set<string>();
  for (let round = 0; round < 200; round++) {
    let next: Awaited<ReturnType<typeof expanders.all>>[number] | undefined;
    let key = '';
    for (const b of await expanders.all()) {
      const k = await b.evaluate((el, i) => `${el.closest('[data-section-id]')?.getAttribute('data-section-id') ?? i}:${el.textContent}`, round);
      if (!opened.has(k)) {
        next = b;
        key = k;
        break;
      }
    }
    if (!next) break;
    opened.add(key);
    await next.click();
    // the clicked button is replaced once the section has re-rendered; a toggle that stays in
    // place is fine (it is in `opened`), and settle() then waits for the page itself
    await next.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    await settle();
  }
  if (drive) await drive(page, settle);
  const text = texts.join('\n');
  const cspViolations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${shot}.png`) });
  await context.close();
  return { text, requests, outside, cspViolations, pageErrors, status: response?.status() };
}

describe('docs site built from the fixture repo', () => {
  let out: string;
  let site: { references: { path: string; spec: string; kind: string; snippets: number; items: number }[]; packages: string[]; guides: string[] };
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 's2sdk-docs-test-'));
    site = await buildSite({ root: fixtureRoot, out, log: () => {} });
    server = await serveStatic(out);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('builds one reference per discovered spec, TypeDoc per public package and every guide', () => {
    const specs = discoverSpecs(fixtureRoot);
    expect(site.references.map((r) => r.spec).sort()).toEqual(specs.map((s: { path: string }) => s.path).sort());
    for (const r of site.references) {
      expect(r.items).toBeGreaterThan(0);
      expect(r.snippets).toBe(r.items);
    }
    // private packages are not documented
    expect(site.packages.sort()).toEqual(discoverPackages(fixtureRoot).map((p: { dirName: string }) => p.dirName).sort());
    expect(site.packages).not.toContain('demo-private');
    expect(site.guides.sort()).toEqual(['demo', 'demo-ws']);
  });

  it('renders every REST operation with its TypeScript snippet, without leaving loopback', async () => {
    const spec = discoverSpecs(fixtureRoot).find((s: { kind: string }) => s.kind === 'openapi');
    const ops = operationsOf(dereference(spec.abs)) as Map<string, { method: string; path: string; op: { summary?: string; operationId: string } }>;
    expect(ops.size).toBe(5);
    // Redoc renders operations lazily: open each one from the side menu and wait for its snippet.
    const v = await visit(browser, server.url, `${spec.api}/openapi/index.html`, 'openapi-reference', async (page, collect) => {
      for (const { method, path, op } of ops.values()) {
        // each tag section lists its operations as links ("POST /keys/{id}/expire"); follow this one's
        const href = await page.evaluate(
          (want) => [...document.querySelectorAll('a[href^="#"]')].find((a) => (a.textContent ?? '').replace(/\s+/g, '').toLowerCase() === want)?.getAttribute('href'),
          `${method}${path}`.toLowerCase(),
        );
        expect(href, `${method.toUpperCase()} ${path} is listed`).toBeTruthy();
        await page.locator(`a[href="${href}"]`).first().click();
        await page.getByText(`client.raw.${method.toUpperCase()}('${path}'`).first().waitFor({ state: 'visible' });
        await collect();
      }
    });
    expect(v.status).toBe(200);
    expect(v.outside).toEqual([]);
    expect(v.cspViolations).toEqual([]);
    expect(v.pageErrors).toEqual([]);
    expect(v.requests.length).toBeGreaterThan(0);
    for (const { method, path, op } of ops.values()) {
      expect(v.text).toContain(op.summary);
      expect(v.text).toContain(`client.raw.${method.toUpperCase()}('${path}'`);
    }
    expect(v.text).toContain("import { createDemoClient } from '@fixture/demo';");
    // the request example became the snippet's body, path params come from their examples
    expect(v.text).toContain("handle: 'user@example.com'");
    expect(v.text).toContain('params: { path: { id: 10 } }');
  });

  it('renders every WebSocket message type with a snippet using the WebSocket client', async () => {
    const spec = discoverSpecs(fixtureRoot).find((s: { kind: string }) => s.kind === 'asyncapi');
    const v = await visit(browser, server.url, `${spec.api}/asyncapi/index.html`, 'asyncapi-reference');
    expect(v.status).toBe(200);
    expect(v.outside).toEqual([]);
    expect(v.cspViolations).toEqual([]);
    expect(v.pageErrors).toEqual([]);
    const model = asyncModel(dereference(spec.abs));
    expect(model.messages.size).toBe(10);
    for (const type of model.messages.keys()) expect(v.text).toContain(type);
    for (const r of model.requests.values()) {
      // the authentication request is sent by the factory itself
      expect(v.text).toContain(r.auth ? `connectDemoWs sends ${r.type}` : r.stream ? `ws.stream('${r.type}'` : `ws.request('${r.type}'`);
    }
    for (const e of model.events.values()) expect(v.text).toContain(`message.type === '${e.type}'`);
    expect(v.text).toContain('const ws = await connectDemoWs(');
  });

  it('has an index linking every reference, package API and guide, and those pages load from loopback only', async () => {
    const v = await visit(browser, server.url, 'index.html', 'index');
    expect(v.outside).toEqual([]);
    expect(v.cspViolations).toEqual([]);
    expect(v.text).toContain('Demo Keys API');
    expect(v.text).toContain('Demo WebSocket API');
    expect(v.text).toContain('REST reference');
    expect(v.text).toContain('WebSocket reference');
    // the guide is rendered from docs/guides/demo.md
    expect(v.text).toContain('Keys expire after 24 hours by default.');
    const page = await newPage(browser);
    await page.goto(`${server.url}/index.html`);
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href).filter((h) => h.startsWith('http://127.0.0.1')));
    await page.context().close();
    expect(hrefs.some((h) => h.includes('/api/demo-core/'))).toBe(true);
    expect(hrefs.some((h) => h.endsWith('/guides/demo.html'))).toBe(true);
    for (const href of new Set(hrefs.map((h) => h.split('#')[0]!))) {
      const res = await fetch(href);
      expect(res.status, href).toBe(200);
    }
    const typedoc = await visit(browser, server.url, 'api/demo/index.html', 'typedoc-demo');
    expect(typedoc.outside).toEqual([]);
    expect(typedoc.text).toContain('createDemoClient');
    expect(typedoc.text).toContain('DemoClientOptions');
    const guide = await visit(browser, server.url, 'guides/demo.html', 'guide-demo');
    expect(guide.outside).toEqual([]);
    expect(guide.text).toContain('Create a client with createDemoClient');
  });
});

describe('docs helpers', () => {
  it('removes the CDN logo and adds a no-outside-requests CSP', () => {
    const html = makeSelfContained('<html><head></head><body><script>const a=`https://cdn.redoc.ly/redoc/logo-mini.svg`</script></body></html>');
    expect(html).not.toContain('cdn.redoc.ly');
    expect(html).toContain('Content-Security-Policy');
    expect(html).toContain("connect-src 'self'");
  });

  it('flags pages that would load outside resources, not links', () => {
    expect(externalLoads('<script src="https://cdn.example.com/x.js"></script>')).toHaveLength(1);
    expect(externalLoads('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">')).toHaveLength(1);
    expect(externalLoads('<style>@import url("https://fonts.googleapis.com/css")</style>')).toHaveLength(1);
    expect(externalLoads('<a href="https://github.com/x">source</a>')).toEqual([]);
  });

  it('renders guide markdown simply and safely', () => {
    const { html, title } = renderMarkdown('# Title\n\nText with `code`, **bold** and a [link](https://example.com).\n\n- one\n- two\n\n```ts\nconst a = 1 < 2;\n```\n\n<script>alert(1)</script>');
    expect(title).toBe('Title');
    expect(html).toContain('<h1 id="title">Title</h1>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://example.com">link</a>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    expect(html).not.toContain('<script>');
  });

  it('builds snippets from the package.json s2sdk fields and the spec examples', () => {
    const doc = {
      openapi: '3.1.0',
      servers: [{ url: 'https://api.test' }],
      paths: {
        '/items/{id}': {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          put: {
            summary: 'Replace an item',
            parameters: [{ name: 'dryRun', in: 'query', schema: { type: 'boolean' }, example: true }],
            requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', examples: ['box'] } } } } } },
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    };
    const pkg = { name: '@x/items', factory: 'createItemsClient', pkg: { s2sdk: { factoryOptions: "{ environment: 'sandbox' }", rawClient: 'raw' } } };
    const snippet = openapiSnippets(doc, pkg).get('PUT /items/{id}');
    expect(snippet).toBe(
      [
        "import { createItemsClient } from '@x/items';",
        '',
        "const client = createItemsClient({ environment: 'sandbox' });",
        '// Replace an item',
        "const { data, error } = await client.raw.PUT('/items/{id}', {",
        "  params: { path: { id: 'string' }, query: { dryRun: true } },",
        "  body: { name: 'box' },",
        '});',
      ].join('\n'),
    );
    // without a factory there is no snippet (the build says which field is missing)
    expect(openapiSnippets(doc, { name: '@x/items', pkg: {} }).size).toBe(0);
    expect(tsLiteral({ 'a-b': "it's", n: [1, 2] })).toBe("{ 'a-b': 'it\\'s', n: [1, 2] }");
    const ws = asyncapiSnippets(dereference(join(fixtureRoot, 'specs/demo/asyncapi.yaml')), { name: '@fixture/demo-ws', factory: 'connectDemoWs', pkg: {} });
    expect(ws.get('keys.list').snippet).toContain("const reply = await ws.request('keys.list', {});");
    expect(ws.get('keys.export').snippet).toContain("const stream = ws.stream('keys.export', { pageSize: 50 });");
    expect(ws.get('error').role).toBe('error');
    expect(ws.get('account.updated').snippet).toContain("ws.on('event', (message) => {");
  });

  it('type-checks every snippet against the package sources, and catches a wrong one', () => {
    const ok = checkSnippets(fixtureRoot);
    expect(ok.errors).toEqual([]);
    expect(ok.checked).toBe(15); // 5 operations + 10 message types
    const root = mkdtempSync(join(tmpdir(), 's2sdk-snippets-bad-'));
    try {
      cpSync(fixtureRoot, root, { recursive: true });
      // a factory option the client does not have, and a request example of the wrong type
      const pj = join(root, 'packages/demo/package.json');
      const pkg = JSON.parse(readFileSync(pj, 'utf8'));
      pkg.s2sdk.factoryOptions = "{ baseURL: 'https://api.demo.invalid/v1' }";
      writeFileSync(pj, JSON.stringify(pkg));
      const spec = join(root, 'specs/demo/asyncapi.yaml');
      writeFileSync(spec, readFileSync(spec, 'utf8').replace('payload: { type: keys.list, requestId: req-1, payload: {} }', 'payload: { type: keys.list, requestId: req-1, payload: { all: true } }'));
      const bad = checkSnippets(root);
      expect(bad.errors.filter((e: { key: string }) => e.key === 'GET /health').map((e: { message: string }) => e.message)).toEqual([
        expect.stringContaining("'baseURL' does not exist in type 'DemoClientOptions'"),
      ]);
      expect(bad.errors.some((e: { key: string; message: string }) => e.key === 'keys.list' && e.message.includes('is not assignable to type'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
