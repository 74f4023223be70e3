// The memo of the parser's full validation (src/validation-cache.ts): a document validates in full
// once per content, its verdict is trusted afterwards, and nothing invalid is ever recorded.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsyncApiCodegenError, loadApiModel } from '../src/index';
import { resetValidationCache, validationKey } from '../src/validation-cache';
import { bundleDocument } from '../src/bundle';
import { fixture } from './helpers';

const minimalPath = fixture('valid', 'minimal.yaml');
const minimal = readFileSync(minimalPath, 'utf8');
// Breaks only the AsyncAPI JSON Schema (info.version is required), which the core ruleset checks:
// parsed without the ruleset the document is still usable, so it shows whether validation ran.
const schemaInvalid = minimal.replace('info: { title: Minimal, version: 0.0.1 }', 'info: { title: Minimal }');

let dir: string;
const saved = process.env.S2SDK_ASYNCAPI_CACHE;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 's2sdk-asyncapi-cache-'));
  process.env.S2SDK_ASYNCAPI_CACHE = dir;
  resetValidationCache();
});
afterEach(() => {
  if (saved === undefined) delete process.env.S2SDK_ASYNCAPI_CACHE;
  else process.env.S2SDK_ASYNCAPI_CACHE = saved;
  resetValidationCache();
  rmSync(dir, { recursive: true, force: true });
});

const entries = () => readdirSync(dir).filter((f) => !f.endsWith('.tmp'));
const load = (text: string) => loadApiModel({ document: text, source: minimalPath });
async function keyOf(text: string): Promise<string> {
  const bundled = bundleDocument(minimalPath, text);
  const key = validationKey(bundled.document);
  if (!key) throw new Error('no cache key');
  return key;
}

describe('validation cache', () => {
  it('records a document that validated with no errors, once per content', async () => {
    await load(minimal);
    expect(entries()).toEqual([await keyOf(minimal)]);
    await load(minimal);
    expect(entries()).toHaveLength(1);
    const changed = minimal.replace('version: 0.0.1', 'version: 0.0.2');
    await load(changed);
    expect(entries().sort()).toEqual([await keyOf(minimal), await keyOf(changed)].sort());
  });

  it('a recorded document gives the same model as a full validation (circular $refs included)', async () => {
    const full = fixture('valid', 'full.yaml');
    const cold = await loadApiModel(full);
    expect(entries()).toHaveLength(1);
    const warm = await loadApiModel(full);
    expect(JSON.stringify(warm)).toBe(JSON.stringify(cold));
  });

  it('never records a document with errors', async () => {
    await expect(load(schemaInvalid)).rejects.toBeInstanceOf(AsyncApiCodegenError);
    expect(entries()).toEqual([]);
  });

  it('trusts a recorded verdict: the same content is parsed without the ruleset', async () => {
    // A forged entry for a document the ruleset rejects: loading it now succeeds, which proves
    // the full validation was skipped for recorded content (and only for that content).
    writeFileSync(join(dir, await keyOf(schemaInvalid)), 'forged\n');
    const model = await load(schemaInvalid);
    expect(model.operations.map((o) => o.request.type)).toEqual(['ping']);
    await expect(load(schemaInvalid.replace('title: Minimal', 'title: Other'))).rejects.toBeInstanceOf(AsyncApiCodegenError);
  });

  it('validates in full when a recorded document does not even parse cleanly without the ruleset', async () => {
    const broken = minimal.replace("location: '$message.payload#/requestId'", "location: '$message.payload#/nowhere'");
    writeFileSync(join(dir, await keyOf(broken)), 'forged\n');
    await expect(load(broken)).rejects.toBeInstanceOf(AsyncApiCodegenError);
  });

  it('is off with S2SDK_ASYNCAPI_CACHE=off', async () => {
    process.env.S2SDK_ASYNCAPI_CACHE = 'off';
    resetValidationCache();
    expect(validationKey({})).toBeUndefined();
    await load(minimal);
    expect(entries()).toEqual([]);
  });
});
