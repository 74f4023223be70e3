#!/usr/bin/env node
// npm run docs → a self-contained static site in site/:
//   site/index.html                       index: every API (guide, references) and package
//   site/<api>/<openapi|asyncapi>/index.html  Redoc reference (inline bundle) with TypeScript
//                                         snippets for every operation / message type
//   site/api/<package folder>/            TypeDoc reference of every public package
//   site/guides/<name>.html               docs/guides/*.md rendered
// Specs and packages are discovered (specs/*/{openapi,asyncapi}.yaml, packages/*/package.json).
// Options: --root <repo> (default: this repo), --out <dir> (default <root>/site), --no-typedoc.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { discoverPackages, discoverSpecs, packagesForSpec, repoRoot, toPosix } from '../lib/discover.mjs';
import { entryPoints } from '../review/api-diff.mjs';
import { dereference } from '../review/load.mjs';
import { isObject } from '../review/schema-diff.mjs';
import { escapeHtml, renderMarkdown } from './markdown.mjs';
import { asyncapiSnippets, messageType, openapiSnippets } from './snippets.mjs';

const run = promisify(execFile);
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);
const toolEnv = { ...process.env, NO_UPDATE_NOTIFIER: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };

async function tool(file, args, cwd) {
  try {
    return await run(file, args, { cwd, env: toolEnv, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = /** @type {any} */ (err);
    throw new Error(`${basename(file)} ${args.join(' ')} failed:\n${String(e.stdout ?? '')}\n${String(e.stderr ?? e.message)}`.trim());
  }
}

// ---------------------------------------------------------------- Redoc pages

/** A tiny inline SVG used instead of Redoc's CDN logo (so viewing the page never leaves the host). */
const LOCAL_LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')}`;

/** CSP for the generated pages: nothing may be fetched from another origin. */
const CSP = "default-src 'self' data: blob:; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'none'; object-src 'none'";

export function makeSelfContained(html) {
  let out = html.replace(/https:\/\/cdn\.redoc\.ly\/[^`'"\s)]+\.svg/g, LOCAL_LOGO);
  out = out.replace(/<head>/i, `<head>\n  <meta http-equiv="Content-Security-Policy" content="${CSP}">`);
  return out;
}

/** External resources a page would load by itself (links to other sites are fine; loads are not). */
export function externalLoads(html) {
  const found = [];
  const patterns = [
    /<script[^>]+src=["'](https?:)?\/\/[^"']+/gi,
    /<link[^>]+href=["'](https?:)?\/\/[^"']+["'][^>]*>/gi,
    /<(img|iframe|source|video|audio)[^>]+src=["'](https?:)?\/\/[^"']+/gi,
    /@import\s+["'](https?:)?\/\//gi,
    /url\(["']?https?:\/\/[^)]+\)/gi,
  ];
  for (const re of patterns) for (const m of html.matchAll(re)) if (!/rel=["'](canonical|alternate)["']/i.test(m[0])) found.push(m[0].slice(0, 160));
  return found;
}

/**
 * Redoc configuration for the reference pages: code-sample tabs are TypeScript (our
 * snippets, shown first), curl and the JSON payload. Redoc only shows `x-codeSamples`
 * whose label matches a configured language.
 */
const DOCS_CONFIG = `openapi:
  codeSamples:
    languages:
      - lang: TypeScript
        label: TypeScript
      - lang: curl
        label: curl
      - lang: payload
        label: Payload
`;

function snippetMarkdown(label, source) {
  return `\n\n**TypeScript — \`${label}\`**\n\n\`\`\`ts\n${source}\n\`\`\`\n`;
}

async function buildRedocPage({ root, spec, pkg, outFile, work }) {
  const bundled = join(work, `${spec.api}-${spec.kind}.bundled.json`);
  await tool(bin('redocly'), ['bundle', spec.abs, '-o', bundled], root);
  const doc = JSON.parse(readFileSync(bundled, 'utf8'));
  const deref = dereference(spec.abs);
  const counts = { snippets: 0, items: 0 };
  if (spec.kind === 'openapi') {
    const snippets = openapiSnippets(deref, pkg);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item ?? {})) {
        if (!isObject(op) || !['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) continue;
        counts.items++;
        const source = snippets.get(`${method.toUpperCase()} ${path}`);
        if (!source) continue;
        // The label must be the configured language's label (see docsConfig), or Redoc hides the sample.
        op['x-codeSamples'] = [...(Array.isArray(op['x-codeSamples']) ? op['x-codeSamples'] : []), { lang: 'TypeScript', label: 'TypeScript', source }];
        counts.snippets++;
      }
    }
  } else {
    const snippets = asyncapiSnippets(deref, pkg);
    const derefBundle = dereference({ doc: JSON.parse(JSON.stringify(doc)), file: bundled });
    // messages: components.messages and inline channel messages
    const holders = [];
    for (const [k, m] of Object.entries(doc.components?.messages ?? {})) holders.push([m, derefBundle.components.messages[k]]);
    for (const [ck, ch] of Object.entries(doc.channels ?? {})) {
      for (const [mk, m] of Object.entries(ch?.messages ?? {})) if (isObject(m) && !m.$ref) holders.push([m, derefBundle.channels[ck].messages[mk]]);
    }
    for (const [raw, resolved] of holders) {
      if (!isObject(raw) || raw.$ref) continue;
      counts.items++;
      const s = snippets.get(messageType(resolved));
      if (!s) continue;
      raw.description = `${raw.description ?? ''}${snippetMarkdown(pkg.name, s.snippet)}`.trim();
      counts.snippets++;
    }
    for (const [, op] of Object.entries(doc.operations ?? {})) {
      if (!isObject(op) || op.$ref) continue;
      const first = (Array.isArray(op.messages) ? op.messages : [])[0];
      const ptr = first?.$ref;
      if (!ptr) continue;
      const target = ptr.split('/').slice(1).reduce((n, p) => n?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], derefBundle);
      const s = target && snippets.get(messageType(target));
      if (s) op.description = `${op.description ?? ''}${snippetMarkdown(pkg.name, s.snippet)}`.trim();
    }
  }
  const input = join(work, `${spec.api}-${spec.kind}.docs.json`);
  writeFileSync(input, JSON.stringify(doc, null, 2));
  mkdirSync(resolve(outFile, '..'), { recursive: true });
  const title = `${doc.info?.title ?? spec.api} — ${spec.kind === 'openapi' ? 'REST' : 'WebSocket'} reference`;
  const config = join(work, 'redocly-docs.yaml');
  writeFileSync(config, DOCS_CONFIG);
  await tool(bin('redocly'), ['build-docs', input, '--output', outFile, '--inlineBundle', '--title', title, '--config', config, '--lint-config', 'off'], root);
  const html = makeSelfContained(readFileSync(outFile, 'utf8'));
  const loads = externalLoads(html);
  if (loads.length) throw new Error(`${toPosix(relative(root, outFile))} would load external resources:\n  ${loads.join('\n  ')}`);
  writeFileSync(outFile, html);
  return { title: doc.info?.title ?? spec.api, version: doc.info?.version, description: doc.info?.description, ...counts };
}

// ---------------------------------------------------------------- TypeDoc

async function buildTypedoc({ root, pkg, outDir }) {
  const entries = entryPoints(pkg.pkg)
    .map((e) => join(pkg.dir, e.file))
    .filter((f) => existsSync(f));
  if (!entries.length) throw new Error(`${pkg.name}: no entry point (src/index.ts) to document`);
  const tsconfig = join(pkg.dir, 'tsconfig.json');
  const args = [
    ...entries.flatMap((e) => ['--entryPoints', e]),
    '--out', outDir,
    '--name', pkg.name,
    '--readme', existsSync(join(pkg.dir, 'README.md')) ? join(pkg.dir, 'README.md') : 'none',
    '--disableSources',
    '--excludePrivate',
    '--excludeInternal',
    '--hideGenerator',
    '--logLevel', 'Error',
  ];
  if (existsSync(tsconfig)) args.push('--tsconfig', tsconfig);
  await tool(bin('typedoc'), args, root);
  for (const f of walk(outDir).filter((f) => f.endsWith('.html'))) {
    const loads = externalLoads(readFileSync(f, 'utf8'));
    if (loads.length) throw new Error(`${toPosix(relative(root, f))} would load external resources:\n  ${loads.join('\n  ')}`);
  }
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}

// ---------------------------------------------------------------- index and guides

const STYLE = `
  :root { color-scheme: light; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --accent:#0a58ca; --bg:#fff; --code:#f6f8fa; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 24px; }
  header { padding-top: 32px; }
  h1 { font-size: 2rem; margin: 0 0 4px; }
  h2 { margin-top: 40px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
  a { color: var(--accent); }
  .muted { color: var(--muted); }
  .card { border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 16px 0; }
  .card h3 { margin: 0 0 6px; }
  .links { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 8px 0 0; padding: 0; list-style: none; }
  .tag { display: inline-block; font-size: 12px; border: 1px solid var(--line); border-radius: 999px; padding: 0 8px; margin-left: 6px; color: var(--muted); vertical-align: middle; }
  pre { background: var(--code); padding: 12px 14px; border-radius: 8px; overflow-x: auto; }
  code { font: 13.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  :not(pre) > code { background: var(--code); padding: 1px 5px; border-radius: 4px; }
  table { border-collapse: collapse; } th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; }
  details.guide { margin-top: 10px; } details.guide > summary { cursor: pointer; color: var(--accent); }
  footer { margin: 48px auto 32px; color: var(--muted); font-size: 14px; }
`;

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="${CSP}">
  <title>${escapeHtml(title)}</title>
  <style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function readGuides(root) {
  const dir = join(root, 'docs', 'guides');
  if (!existsSync(dir)) return new Map();
  const out = new Map();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.md')).sort()) {
    const md = readFileSync(join(dir, f), 'utf8');
    const { html, title } = renderMarkdown(md);
    // inline on the index, under the API's own heading: without the guide's title
    const inline = renderMarkdown(md.replace(/^\s*#\s+.*\n/, ''), { headingOffset: 2 }).html;
    out.set(f.replace(/\.md$/, ''), { name: f.replace(/\.md$/, ''), html, inline, title: title ?? f.replace(/\.md$/, ''), file: `docs/guides/${f}` });
  }
  return out;
}

/**
 * @param {{ root?: string, out?: string, typedoc?: boolean, log?: (s: string) => void }} [opts]
 */
export async function buildSite({ root = repoRoot, out, typedoc = true, log = console.log } = {}) {
  root = resolve(root);
  out = resolve(out ?? join(root, 'site'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 's2sdk-docs-'));
  try {
    const specs = discoverSpecs(root);
    const packages = discoverPackages(root);
    const guides = readGuides(root);
    const used = new Set();
    const built = [];
    for (const spec of specs) {
      const linked = packagesForSpec(spec, packages);
      const pkg = linked.find((p) => p.factory) ?? linked[0];
      if (linked.length && !pkg.factory) log(`docs: ${pkg.name} has no "s2sdk.factory" in package.json — ${spec.path} is rendered without TypeScript snippets`);
      const rel = `${spec.api}/${spec.kind}/index.html`;
      const info = await buildRedocPage({ root, spec, pkg, outFile: join(out, rel), work });
      log(`docs: ${rel} (${spec.path}; ${info.snippets}/${info.items} ${spec.kind === 'openapi' ? 'operations' : 'messages'} with a snippet)`);
      built.push({ spec, pkg, linked, rel, ...info });
    }
    if (typedoc) {
      for (const p of packages) {
        await buildTypedoc({ root, pkg: p, outDir: join(out, 'api', p.dirName) });
        log(`docs: api/${p.dirName}/ (TypeDoc for ${p.name})`);
      }
    }
    // guides, one page each
    mkdirSync(join(out, 'guides'), { recursive: true });
    for (const g of guides.values()) {
      writeFileSync(join(out, 'guides', `${g.name}.html`), page(g.title, `<header><p><a href="../index.html">← All APIs</a></p></header>\n<main>\n${g.html}\n</main>`));
    }

    const guideBlock = (name, prefix = '') => {
      const g = guides.get(name);
      if (!g) return '';
      used.add(name);
      return `<details class="guide" open><summary>Guide: ${escapeHtml(g.title)}</summary>\n${g.inline}\n<p><a href="${prefix}guides/${g.name}.html">Open the guide on its own page</a></p></details>`;
    };
    const cards = [];
    for (const b of built) {
      const kindLabel = b.spec.kind === 'openapi' ? 'REST · OpenAPI' : 'WebSocket · AsyncAPI';
      const links = [`<li><a href="${b.rel}">${b.spec.kind === 'openapi' ? 'REST' : 'WebSocket'} reference</a></li>`];
      for (const p of b.linked) if (typedoc) links.push(`<li><a href="api/${p.dirName}/index.html">${escapeHtml(p.name)} API (TypeDoc)</a></li>`);
      const guideName = b.linked.map((p) => p.dirName).find((d) => guides.has(d)) ?? (guides.has(b.spec.api) && b.spec.kind === 'openapi' ? b.spec.api : undefined);
      cards.push(`<section class="card" id="${escapeHtml(`${b.spec.api}-${b.spec.kind}`)}">
  <h3>${escapeHtml(b.title)} <span class="tag">${kindLabel}</span>${b.version ? ` <span class="tag">v${escapeHtml(b.version)}</span>` : ''}</h3>
  <p class="muted">${b.linked.length ? b.linked.map((p) => `<code>${escapeHtml(p.name)}</code>`).join(', ') + ' · ' : ''}<code>${escapeHtml(b.spec.path)}</code></p>
  <ul class="links">${links.join('')}</ul>
  ${guideName ? guideBlock(guideName) : ''}
</section>`);
    }
    const linkedNames = new Set(built.flatMap((b) => b.linked.map((p) => p.name)));
    const others = packages.filter((p) => !linkedNames.has(p.name));
    const otherCards = others.map(
      (p) => `<section class="card" id="pkg-${escapeHtml(p.dirName)}">
  <h3><code>${escapeHtml(p.name)}</code> <span class="tag">v${escapeHtml(p.version)}</span></h3>
  <p class="muted">${escapeHtml(p.pkg.description ?? '')}</p>
  <ul class="links">${typedoc ? `<li><a href="api/${p.dirName}/index.html">API (TypeDoc)</a></li>` : ''}</ul>
  ${guideBlock(p.dirName)}
</section>`,
    );
    const extraGuides = [...guides.values()].filter((g) => !used.has(g.name));
    const body = `<header>
  <h1>s2sdk documentation</h1>
  <p class="muted">Spec-first TypeScript SDKs. Every reference below is generated from <code>specs/</code>; every operation and message shows a TypeScript snippet with our client.</p>
</header>
<main>
  <h2>APIs</h2>
  ${cards.join('\n') || '<p class="muted">No specs found.</p>'}
  ${otherCards.length ? `<h2>Packages</h2>\n${otherCards.join('\n')}` : ''}
  ${extraGuides.length ? `<h2>Guides</h2>\n<ul>${extraGuides.map((g) => `<li><a href="guides/${g.name}.html">${escapeHtml(g.title)}</a></li>`).join('')}</ul>` : ''}
</main>
<footer>Generated by <code>npm run docs</code> (scripts/docs/build.mjs).</footer>`;
    writeFileSync(join(out, 'index.html'), page('s2sdk documentation', body));
    log(`docs: index.html (${built.length} reference(s), ${packages.length} package(s), ${guides.size} guide(s)) → ${toPosix(relative(process.cwd(), out)) || '.'}`);
    return { out, references: built.map((b) => ({ path: b.rel, spec: b.spec.path, kind: b.spec.kind, snippets: b.snippets, items: b.items, title: b.title })), packages: packages.map((p) => p.dirName), guides: [...guides.keys()] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { root: { type: 'string' }, out: { type: 'string' }, 'no-typedoc': { type: 'boolean', default: false } } });
  try {
    await buildSite({ root: values.root, out: values.out, typedoc: !values['no-typedoc'] });
  } catch (err) {
    console.error(`docs: ${err?.message ?? err}`);
    process.exit(1);
  }
}
