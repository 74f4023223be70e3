// End to end: `spec-review` and `check-changesets` run as CLIs in a temporary git
// repository (the fixture repo committed as the base, then changed in the working tree
// or in a second commit).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures/review');
const reviewCli = join(here, '../review/spec-review.mjs');
const checkCli = join(here, '../review/check-changesets.mjs');

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=Spec Review Test', '-c', 'user.email=review@test.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const cli = (cwd: string, script: string, ...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe('spec review CLI on a git repository', () => {
  let repo: string;

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 's2sdk-review-repo-'));
    cpSync(join(fixtures, 'repo'), repo, { recursive: true });
    mkdirSync(join(repo, '.changeset'));
    writeFileSync(join(repo, '.changeset/README.md'), 'Changesets live here.\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
  });

  afterEach(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  function breakTheSpecAndTheClient() {
    // the breaking OpenAPI pair (with its own copy of the shared key schema) replaces the spec
    writeFileSync(join(repo, 'specs/demo/openapi.yaml'), readFileSync(join(fixtures, 'pairs/openapi-breaking.yaml')));
    cpSync(join(fixtures, 'pairs/schemas/key-v2.yaml'), join(repo, 'specs/demo/schemas/key-v2.yaml'));
    // and the WebSocket client's factory gets a required parameter
    const ws = join(repo, 'packages/demo-ws/src/index.ts');
    writeFileSync(ws, readFileSync(ws, 'utf8').replace('connectDemoWs(options: DemoWsOptions)', 'connectDemoWs(options: DemoWsOptions, token: string)').replace('if (!options.url)', 'if (!options.url || !token)'));
  }

  it('writes a markdown report with lint results, classified changes, API diff and the bumps', () => {
    breakTheSpecAndTheClient();
    const r = cli(repo, reviewCli, '--base', 'HEAD');
    expect(r.stderr).not.toMatch(/spec-review:/);
    expect(r.status).toBe(0);
    const md = readFileSync(join(repo, 'reports/spec-review.md'), 'utf8');
    expect(r.stdout).toBe(md);
    // lint of both kinds of spec
    expect(md).toContain('**redocly lint**');
    expect(md).toContain('**spectral lint (spectral:asyncapi)**');
    expect(md).toContain('**@asyncapi/parser**');
    // spec changes
    expect(md).toMatch(/### `specs\/demo\/openapi.yaml` \(openapi\)\n\nPackages: `@fixture\/demo` · impact: \*\*major\*\*/);
    expect(md).toContain('| 🔴 breaking | GET /health | operation `GET /health` (getHealth) removed | `operation-removed` |');
    expect(md).toContain('request field `handleType` is now required');
    // the same schema change reached through several operations is one row with every location
    expect(md).toContain('| 🔴 breaking | POST /keys response 201 (application/json)<br>POST /keys/{id}/expire response 200 (application/json) | response field `username` removed | `response-field-removed` |');
    expect(md).toContain('| 🔴 breaking | GET /keys response 200 (application/json) | response field `items[].username` removed | `response-field-removed` |');
    expect(md).toMatch(/### `specs\/demo\/asyncapi.yaml` \(asyncapi\)\n\nPackages: `@fixture\/demo-ws` · impact: \*\*none\*\*/);
    // public API
    expect(md).toContain('export `connectDemoWs` (function) changed incompatibly');
    // bumps: 0.x packages, breaking → minor
    expect(md).toContain('| `@fixture/demo` | 0.1.0 | major | **minor** → 0.2.0 | none | ❌ add a changeset |');
    expect(md).toContain('| `@fixture/demo-ws` | 0.1.0 | major | **minor** → 0.2.0 | none | ❌ add a changeset |');
    expect(md).toContain('| `@fixture/demo-core` | 0.1.0 | none | **none** | none | ✅ |');
    expect(md).not.toContain('demo-private');
    const json = JSON.parse(readFileSync(join(repo, 'reports/spec-review.json'), 'utf8'));
    expect(json.packages.find((p: { name: string }) => p.name === '@fixture/demo').required).toBe('minor');
  });

  it('check-changesets fails with the changeset to add, and passes once it is there', () => {
    breakTheSpecAndTheClient();
    let r = cli(repo, checkCli, '--base', 'HEAD');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('MISSING @fixture/demo: needs minor, changesets declare none');
    expect(r.stderr).toContain('- @fixture/demo: add a changeset with "@fixture/demo": minor (declared: none)');
    expect(r.stderr).toContain('---\n"@fixture/demo": minor\n"@fixture/demo-ws": minor\n---');

    // a changeset that is too small for one package still fails, for that package only
    writeFileSync(join(repo, '.changeset/small.md'), '---\n"@fixture/demo": minor\n"@fixture/demo-ws": patch\n---\n\nNew API.\n');
    r = cli(repo, checkCli, '--base', 'HEAD');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"@fixture/demo-ws": minor (declared: patch)');
    expect(r.stderr).not.toContain('"@fixture/demo": minor (declared');

    writeFileSync(join(repo, '.changeset/small.md'), '---\n"@fixture/demo": minor\n"@fixture/demo-ws": minor\n---\n\nNew API.\n');
    r = cli(repo, checkCli, '--base', 'HEAD');
    expect(r.stdout).toContain('pending changesets cover every required bump');
    expect(r.status).toBe(0);
  });

  it('counts only the changesets added or modified since the base, not those already on it', () => {
    // a changeset already on the base branch (pending for the base's own changes)
    writeFileSync(join(repo, '.changeset/on-base.md'), '---\n"@fixture/demo": minor\n"@fixture/demo-ws": minor\n---\n\nAn earlier change.\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'earlier change with its changeset');
    git(repo, 'branch', 'base-branch');
    breakTheSpecAndTheClient();
    let r = cli(repo, checkCli, '--base', 'base-branch');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('changesets of this change: none');
    expect(r.stdout).toContain('already on the base (not counted): .changeset/on-base.md');
    expect(r.stdout).toContain('MISSING @fixture/demo: needs minor, changesets declare none');

    // a changeset committed on the branch since the base counts
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(repo, '.changeset/feature.md'), '---\n"@fixture/demo": minor\n---\n\nBreaking spec.\n');
    git(repo, 'add', '.changeset/feature.md');
    git(repo, 'commit', '-q', '-m', 'changeset for the demo');
    r = cli(repo, checkCli, '--base', 'base-branch');
    expect(r.stdout).toContain('changesets of this change: .changeset/feature.md');
    expect(r.stdout).toContain('ok      @fixture/demo: needs minor, changesets declare minor');
    expect(r.stdout).toContain('MISSING @fixture/demo-ws: needs minor, changesets declare none');
    expect(r.status).toBe(1);

    // modifying the base's changeset in the working tree makes it part of this change
    writeFileSync(join(repo, '.changeset/on-base.md'), '---\n"@fixture/demo": minor\n"@fixture/demo-ws": minor\n---\n\nAn earlier change, and the WebSocket token.\n');
    r = cli(repo, checkCli, '--base', 'base-branch');
    expect(r.stdout).toContain('changesets of this change: .changeset/feature.md, .changeset/on-base.md');
    expect(r.status).toBe(0);
    const md = cli(repo, reviewCli, '--base', 'base-branch', '--no-lint').stdout;
    expect(md).toContain('Pending changesets are those added or modified since the base: `.changeset/feature.md`, `.changeset/on-base.md`.');
  });

  it('compares committed history too (--base HEAD~1), with relative $ref files from the base tree', () => {
    // change only the shared schema file the spec references: the base must read the OLD file
    const key = join(repo, 'specs/demo/schemas/key.yaml');
    writeFileSync(key, readFileSync(key, 'utf8').replace('    enum: [active, expired, revoked]', '    enum: [active, expired]'));
    // and mark expireKey retry-safe: the generated client starts retrying it (a behaviour change)
    const spec = join(repo, 'specs/demo/openapi.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('      operationId: expireKey\n', '      operationId: expireKey\n      x-idempotent: true\n'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'narrow the key status');
    const r = cli(repo, reviewCli, '--base', 'HEAD~1', '--no-lint');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('🟢 non-breaking');
    expect(r.stdout).toContain('`items[].status`: enum value(s) "revoked" removed');
    expect(r.stdout).toMatch(/\| 🟠 behaviour \| POST \/keys\/\{id\}\/expire \| x-idempotent \(none\) → true: the client now retries this operation .* \| `retry-safety-added` \|/);
    // additive/narrowing only → patch for a 0.x package; no lint section with --no-lint
    expect(r.stdout).toContain('| `@fixture/demo` | 0.1.0 | minor | **patch** → 0.1.1 |');
    expect(r.stdout).not.toContain('**Lint**');
  });

  it('asks for a patch when only documentation changed, and nothing when nothing changed', () => {
    let r = cli(repo, checkCli, '--base', 'HEAD');
    expect(r.status).toBe(0);
    const spec = join(repo, 'specs/demo/openapi.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('summary: List all API keys', 'summary: List every API key'));
    r = cli(repo, checkCli, '--base', 'HEAD');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('MISSING @fixture/demo: needs patch');
  });

  it('explains an unknown base ref', () => {
    const r = cli(repo, reviewCli, '--base', 'origin/does-not-exist');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown git ref "origin/does-not-exist"');
    expect(existsSync(join(repo, 'reports/spec-review.md'))).toBe(false);
  });
});
