#!/usr/bin/env node
// npm run consumer-check [-- --no-build] [--keep] [--root <repo>]
// Installs the packed packages into a fresh project OUTSIDE the workspace and uses them
// like a consumer would:
//   1. builds (unless --no-build) and packs every public package into a temp dir;
//   2. creates <os.tmpdir()>/s2sdk-consumer-*/app and `npm install`s the tarballs there
//      (their registry dependencies such as openapi-fetch come from the npm registry,
//      --prefer-offline), plus `ws` (the WebSocket peer on Node 20) and @types/node;
//   3. imports every entry point of every package from ESM (.mjs) and CJS (.cjs);
//   4. type-checks a TypeScript program (ESM .mts and CJS .cts, NodeNext, strict, with the
//      declaration files checked too) with the workspace's TypeScript;
//   5. runs it against local mocks:
//      - REST: Prism (the workspace's) on each OpenAPI spec whose package declares a factory;
//        the program calls one operation through the packed client's raw openapi-fetch client,
//        authenticated with the package's `s2sdk.mockOptions` (Prism checks that credentials
//        are present): a parameter-free GET (a health check first), else one with example
//        parameters, else e.g. a POST with the spec's request example (see targets.mjs);
//      - WebSocket: the packed @s2sdk/ws-mock (library) on each AsyncAPI spec whose package
//        declares a factory; the program connects with the packed client and sends a request
//        with the example payload from the spec.
// How to construct a client is read from the package.json `s2sdk` field:
//   factory      exported factory name;   rawClient  property holding the openapi-fetch client;
//   mockOptions  TypeScript expression for the factory's options, with `baseUrl` (REST) or `url`
//                (WebSocket) in scope — default `{ baseUrl }` / `{ url }`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { discoverSpecs, specsForPackage } from '../lib/discover.mjs';
import { dereference } from '../review/load.mjs';
import { pickRestOperation, pickWsRequest } from './targets.mjs';
import { buildAll, packTo, publicPackages, repoRoot, toolEnv } from './lib.mjs';
import { startPrism } from './prism.mjs';

const { values } = parseArgs({ options: { 'no-build': { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, root: { type: 'string' } } });
// packages and specs come from --root (default: this repository); tools (Prism, TypeScript) from the workspace
const root = values.root ? resolve(values.root) : repoRoot;

const step = (s) => console.log(`\n── ${s}`);
const wsVersion = (name) => JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;

/** npm must not see the workspace's `npm run` environment (npm_config_*, npm_package_*). */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(toolEnv)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

function run(cmd, args, cwd, opts = {}) {
  try {
    return execFileSync(cmd, args, { cwd, env: cleanEnv(opts.env), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeout ?? 300_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = /** @type {any} */ (err);
    throw new Error(`${cmd} ${args.join(' ')} failed (in ${cwd}):\n${String(e.stdout ?? '')}${String(e.stderr ?? e.message)}`.trim());
  }
}

const failures = [];
const cleanups = [];
const work = mkdtempSync(join(tmpdir(), 's2sdk-consumer-'));
try {
  if (!values['no-build']) {
    step('build (npx turbo run build)');
    buildAll(root);
  }
  const pkgs = publicPackages(root);
  const specs = discoverSpecs(root);

  step(`pack ${pkgs.length} public package(s) → ${work}/tarballs`);
  const tarDir = join(work, 'tarballs');
  mkdirSync(tarDir);
  const tarballs = new Map();
  for (const p of pkgs) {
    tarballs.set(p.name, packTo(p, tarDir));
    console.log(`   ${p.name} → ${tarballs.get(p.name).slice(work.length + 1)}`);
  }

  step('fresh project outside the workspace: npm install the tarballs');
  const app = join(work, 'app');
  mkdirSync(app);
  const deps = Object.fromEntries([...tarballs].map(([n, f]) => [n, `file:${f}`]));
  const extra = { ws: wsVersion('ws'), '@types/node': wsVersion('@types/node'), '@types/ws': wsVersion('@types/ws') };
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 's2sdk-consumer-check', private: true, version: '0.0.0', type: 'module', dependencies: { ...deps, ...extra }, overrides: deps }, null, 2),
  );
  writeFileSync(join(app, '.npmrc'), 'audit=false\nfund=false\nupdate-notifier=false\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  for (const p of pkgs) {
    const installed = join(app, 'node_modules', ...p.name.split('/'), 'package.json');
    if (!existsSync(installed)) failures.push(`${p.name} was not installed from its tarball`);
    else if (existsSync(join(app, 'node_modules', ...p.name.split('/'), 'src'))) failures.push(`${p.name}: the installed package contains src/ (tarball not used?)`);
  }
  console.log(`   installed: ${pkgs.map((p) => p.name).join(', ')} (+ ${Object.keys(extra).join(', ')})`);

  // every entry point, both module systems
  const subpaths = pkgs.flatMap((p) => Object.keys(p.pkg.exports ?? { '.': null }).filter((k) => k !== './package.json').map((k) => (k === '.' ? p.name : `${p.name}/${k.slice(2)}`)));
  step('import every entry point from ESM and CJS');
  writeFileSync(
    join(app, 'imports.mjs'),
    `${subpaths.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}\nconst all = { ${subpaths.map((s, i) => `'${s}': m${i}`).join(', ')} };\nfor (const [k, m] of Object.entries(all)) { const n = Object.keys(m).length; if (!n) throw new Error(k + ': no exports'); console.log('   esm ' + k + ': ' + n + ' exports'); }\n`,
  );
  writeFileSync(
    join(app, 'imports.cjs'),
    `const all = { ${subpaths.map((s) => `'${s}': require('${s}')`).join(', ')} };\nfor (const [k, m] of Object.entries(all)) { const n = Object.keys(m).length; if (!n) throw new Error(k + ': no exports'); console.log('   cjs ' + k + ': ' + n + ' exports'); }\n`,
  );
  for (const f of ['imports.mjs', 'imports.cjs']) {
    try {
      process.stdout.write(run(process.execPath, [f], app, { timeout: 60_000 }));
    } catch (err) {
      failures.push(`${f}: ${err.message}`);
    }
  }

  // the TypeScript program
  const rest = [];
  const wsTargets = [];
  for (const p of pkgs) {
    if (!p.factory) continue;
    for (const spec of specsForPackage(p, specs)) {
      const doc = dereference(spec.abs);
      if (spec.kind === 'openapi') {
        const op = pickRestOperation(doc);
        if (op) rest.push({ pkg: p, spec, op });
        else failures.push(`${p.name}: ${spec.path} has no operation the consumer check can call (a GET without required parameters, or an operation whose required parameters and body have examples)`);
      } else {
        const req = pickWsRequest(doc);
        if (req) wsTargets.push({ pkg: p, spec, req });
        else console.log(`   (${p.name}: ${spec.path} has no non-auth request with an example: import and type check only)`);
      }
    }
  }
  const wsMock = pkgs.find((p) => p.name === '@s2sdk/ws-mock' || (p.pkg.bin && Object.keys(p.pkg.bin).some((b) => /ws-mock/.test(b))));
  const lines = [];
  const imports = [];
  subpaths.forEach((s, i) => imports.push(`import * as entry${i} from '${s}';`));
  lines.push(
    `const entries = [${subpaths.map((_, i) => `entry${i}`).join(', ')}];`,
    `console.log(\`typed entries: \${entries.length}\`);`,
    '// replies are described by their field names only (examples may carry key material)',
    "function describe(value: unknown): string { return value && typeof value === 'object' ? `{ ${Object.keys(value).join(', ')} }` : typeof value; }",
  );
  rest.forEach((t, i) => {
    imports.push(`import { ${t.pkg.factory} as restFactory${i} } from '${t.pkg.name}';`);
    const raw = t.pkg.pkg.s2sdk?.rawClient ? `.${t.pkg.pkg.s2sdk.rawClient}` : '';
    const opts = t.pkg.pkg.s2sdk?.mockOptions ?? '{ baseUrl }';
    const method = t.op.method.toUpperCase();
    const init = {};
    if (Object.keys(t.op.params).length) init.params = t.op.params;
    if ('body' in t.op) init.body = t.op.body;
    const args = [JSON.stringify(t.op.path), ...(Object.keys(init).length ? [JSON.stringify(init)] : [])].join(', ');
    lines.push(
      `{`,
      `  const baseUrl = process.env.S2SDK_REST_${i}!;`,
      `  const client = restFactory${i}(${opts});`,
      `  const result = await client${raw}.${method}(${args});`,
      `  if (!result.response.ok) throw new Error(\`${t.pkg.name} ${method} ${t.op.path}: HTTP \${result.response.status}\`);`,
      `  console.log(\`rest ${t.pkg.name} ${method} ${t.op.path} → \${result.response.status} \${describe(result.data)}\`);`,
      `}`,
    );
  });
  if (wsTargets.length && wsMock) imports.push(`import { startMockServer } from '${wsMock.name}';`);
  wsTargets.forEach((t, i) => {
    imports.push(`import { ${t.pkg.factory} as wsFactory${i} } from '${t.pkg.name}';`);
    const opts = t.pkg.pkg.s2sdk?.mockOptions ?? '{ url }';
    lines.push(
      `{`,
      `  const server = await startMockServer({ spec: process.env.S2SDK_WS_SPEC_${i}!, port: 0 });`,
      `  try {`,
      `    const url = server.url;`,
      `    const ws = await wsFactory${i}(${opts});`,
      `    try {`,
      `      const reply = await ws.request(${JSON.stringify(t.req.type)}, ${JSON.stringify(t.req.payload)});`,
      `      console.log(\`ws ${t.pkg.name} ${t.req.type} → \${describe(reply)}\`);`,
      `    } finally {`,
      `      await ws.close();`,
      `    }`,
      `  } finally {`,
      `    await server.close();`,
      `  }`,
      `}`,
    );
  });
  if (wsTargets.length && !wsMock) failures.push('an AsyncAPI package has a factory but no ws-mock package was found to run it against');
  writeFileSync(join(app, 'consumer.mts'), `${imports.join('\n')}\n\n${lines.join('\n')}\n`);
  // CJS consumers: the require condition's declaration files
  writeFileSync(join(app, 'consumer-cjs.cts'), `${subpaths.map((s, i) => `import * as c${i} from '${s}';`).join('\n')}\nexport const count: number = [${subpaths.map((_, i) => `c${i}`).join(', ')}].length;\n`);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out', rootDir: '.', lib: ['ES2022', 'DOM'] },
        files: ['consumer.mts', 'consumer-cjs.cts'],
      },
      null,
      2,
    ),
  );
  step(`type-check consumer.mts / consumer-cjs.cts (workspace TypeScript, NodeNext, strict, skipLibCheck: false) — ${rest.length} REST and ${wsTargets.length} WebSocket smoke call(s)`);
  let compiled = false;
  try {
    run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
    compiled = true;
    console.log('   ok');
  } catch (err) {
    failures.push(`TypeScript: ${err.message}`);
  }

  if (compiled) {
    step('run it against local mocks');
    const env = {};
    for (const [i, t] of rest.entries()) {
      const prism = await startPrism(t.spec.abs, { env: cleanEnv() });
      cleanups.push(prism.stop);
      env[`S2SDK_REST_${i}`] = prism.url;
      console.log(`   Prism on ${t.spec.path}: ${prism.url}`);
    }
    for (const [i, t] of wsTargets.entries()) env[`S2SDK_WS_SPEC_${i}`] = t.spec.abs;
    try {
      process.stdout.write(run(process.execPath, ['out/consumer.mjs'], app, { env, timeout: 120_000 }).replace(/^/gm, '   '));
    } catch (err) {
      failures.push(`consumer program: ${err.message}`);
    }
  }
} catch (err) {
  failures.push(String(err?.message ?? err));
} finally {
  for (const c of cleanups.reverse()) await c();
  if (values.keep) console.log(`\n(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\nconsumer-check: ${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nconsumer-check: the packed packages install, import (ESM + CJS), type-check and work against the mocks');
