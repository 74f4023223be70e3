// The docs of THIS repository (discovered specs and packages, whatever they are today):
// every spec-linked package says how to create its client, every snippet type-checks
// against the package sources, and every reference page is built with a snippet per
// operation / message, is self-contained and renders in Chromium from loopback only.
// (TypeDoc is left to `npm run docs`; the fixture suite checks it.)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium, newContext } from './helpers/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore -- plain ESM scripts without type declarations
import { buildSite } from '../docs/build.mjs';
// @ts-ignore
import { serveStatic } from '../docs/serve.mjs';
// @ts-ignore
import { checkSnippets } from '../docs/check-snippets.mjs';
// @ts-ignore
import { discoverPackages, discoverSpecs, packagesForSpec } from '../lib/discover.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const shotsDir = join(repoRoot, 'test-results/docs');

interface Spec {
  api: string;
  kind: string;
  path: string;
}
interface Pkg {
  name: string;
  factory?: string;
}

describe('docs of this repository', () => {
  const specs: Spec[] = discoverSpecs(repoRoot);
  const packages: Pkg[] = discoverPackages(repoRoot);
  let out: string;
  let site: { references: { path: string; spec: string; snippets: number; items: number; title: string }[] };
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 's2sdk-docs-repo-'));
    site = await buildSite({ root: repoRoot, out, typedoc: false, log: () => {} });
    server = await serveStatic(out);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('has specs, and every package generated from one declares its client factory (package.json s2sdk.factory)', () => {
    expect(specs.length).toBeGreaterThan(0);
    const missing = specs.flatMap((s) => packagesForSpec(s, packages).filter((p: Pkg) => !p.factory).map((p: Pkg) => `${p.name} (${s.path})`));
    expect(missing, 'add "factory" (and "factoryOptions"/"rawClient" where needed) to these packages\' "s2sdk" field').toEqual([]);
  });

  it('shows a TypeScript snippet for every operation and every message type', () => {
    expect(site.references.map((r) => r.spec).sort()).toEqual(specs.map((s) => s.path).sort());
    for (const r of site.references) {
      expect(r.items, r.spec).toBeGreaterThan(0);
      expect(`${r.spec}: ${r.snippets}/${r.items}`).toBe(`${r.spec}: ${r.items}/${r.items}`);
    }
  });

  it('has snippets that type-check against the packages', () => {
    const { checked, errors } = checkSnippets(repoRoot);
    expect(errors.map((e: { spec: string; key: string; message: string }) => `${e.spec} ${e.key}: ${e.message}`)).toEqual([]);
    expect(checked).toBe(site.references.reduce((n, r) => n + r.items, 0));
  });

  it('renders every reference page from loopback only', async () => {
    mkdirSync(shotsDir, { recursive: true });
    for (const r of site.references) {
      const context = await newContext(browser, { viewport: { width: 1280, height: 1000 } });
      const page = await context.newPage();
      const outside: string[] = [];
      const errors: string[] = [];
      await page.addInitScript(() => {
        (window as unknown as { __csp: string[] }).__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await context.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1') await route.continue();
        else {
          outside.push(url.href);
          await route.abort();
        }
      });
      page.on('pageerror', (err) => errors.push(String(err)));
      const res = await page.goto(`${server.url}/${r.path}`, { waitUntil: 'networkidle' });
      await page.waitForFunction(() => !document.body.innerText.includes('Loading...'));
      const text = await page.evaluate(() => document.body.innerText);
      const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
      await page.screenshot({ path: join(shotsDir, `repo-${r.path.split('/').slice(0, 2).join('-')}.png`) });
      await context.close();
      expect(res?.status(), r.path).toBe(200);
      expect(outside, r.path).toEqual([]);
      expect(csp, r.path).toEqual([]);
      expect(errors, r.path).toEqual([]);
      expect(text, r.path).toContain(r.title);
    }
  });
});
