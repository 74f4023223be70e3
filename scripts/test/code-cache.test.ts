// scripts/lib/code-cache.mjs: runs a CommonJS file as the main program with a V8 code cache
// next to it, written only after a run that ends with exit code 0, and ignored (then replaced)
// when V8 rejects it or the file's content changed (hashed only when its stat changed).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommonJs } from '../lib/code-cache.mjs';
import { repoRoot } from '../lib/workspace.mjs';

const RUNNER = join(repoRoot, 'scripts/lib/code-cache.mjs');
const PROGRAM = `#!/usr/bin/env node
const { join } = require('node:path');
const os = require('node:os');
const code = Number(process.argv[2] ?? 0);
setImmediate(() => {
  process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), dir: __dirname, file: __filename, main: typeof module.exports, eol: os.EOL, joined: join('a', 'b') }));
  process.exitCode = code;
});
`;

function program(): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  const file = join(dir, 'program.cjs');
  writeFileSync(file, PROGRAM);
  return file;
}
const run = (file: string, ...args: string[]) => spawnSync(process.execPath, [RUNNER, file, ...args], { encoding: 'utf8' });

describe('code-cache.mjs', () => {
  it('runs the file as the main program: its arguments, __filename and require', () => {
    const file = program();
    const r = run(file, '0', 'extra');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ argv: [file, '0', 'extra'], dir: join(file, '..'), file, main: 'object', eol: '\n', joined: join('a', 'b') });
  });

  it('writes the cache after a successful run only, and uses it after', () => {
    const file = program();
    expect(run(file, '3').status).toBe(3);
    expect(existsSync(`${file}.v8cache`)).toBe(false);
    expect(run(file, '0').status).toBe(0);
    const cache = readFileSync(`${file}.v8cache`);
    expect(cache.length).toBeGreaterThan(0);
    const r = run(file, '0');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).argv).toEqual([file, '0']);
    expect(readFileSync(`${file}.v8cache`).equals(cache)).toBe(true); // accepted: not written again
  });

  it('runs correctly on a cache V8 rejects (garbage, or another file) and replaces it', () => {
    const file = program();
    writeFileSync(`${file}.v8cache`, 'not a code cache');
    const r = run(file, '0');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).argv).toEqual([file, '0']);
    expect(statSync(`${file}.v8cache`).size).toBeGreaterThan('not a code cache'.length);

    // The cache is now of other source of the same length (V8 alone would run the cached code).
    writeFileSync(file, PROGRAM.replace("'a', 'b'", "'c', 'd'"));
    const edited = run(file, '0');
    expect(edited.status).toBe(0);
    expect(JSON.parse(edited.stdout).joined).toBe(join('c', 'd'));
    expect(JSON.parse(run(file, '0').stdout).joined).toBe(join('c', 'd')); // with the cache it wrote
  });

  it('trusts an unchanged stat without hashing the file, and checks the content once the stat changed', () => {
    const file = program();
    expect(run(file, '0').status).toBe(0);
    const sha = createHash('sha256').update(PROGRAM.replace(/^#!.*/, '')).digest();
    const cache = readFileSync(`${file}.v8cache`);
    expect(cache.subarray(0, 32).equals(sha)).toBe(true);
    // A wrong digest under the same stat is not noticed: the file is not hashed, the cache is used as is.
    const forged = Buffer.from(cache);
    forged[0] = forged[0]! ^ 0xff;
    writeFileSync(`${file}.v8cache`, forged);
    expect(JSON.parse(run(file, '0').stdout).joined).toBe(join('a', 'b'));
    expect(readFileSync(`${file}.v8cache`).equals(forged)).toBe(true);

    /** Moves the file's mtime ahead (its content unchanged), runs it, returns the cache after the run. */
    const retimedRun = (aheadMs: number): Buffer => {
      const t = new Date(Date.now() + aheadMs);
      utimesSync(file, t, t);
      expect(JSON.parse(run(file, '0').stdout).joined).toBe(join('a', 'b'));
      return readFileSync(`${file}.v8cache`);
    };
    // Another mtime: the content is hashed, the forged digest does not match, the cache is made again.
    const remade = retimedRun(60_000);
    expect(remade.subarray(0, 32).equals(sha)).toBe(true);
    expect(remade.subarray(32, 64).equals(forged.subarray(32, 64))).toBe(false);
    // Another mtime, the same content: the cache is used and its stat brought up to date.
    const restamped = retimedRun(120_000);
    expect(restamped.subarray(0, 32).equals(sha)).toBe(true);
    expect(restamped.subarray(32, 64).equals(remade.subarray(32, 64))).toBe(false);
    const again = run(file, '0');
    expect(JSON.parse(again.stdout).joined).toBe(join('a', 'b'));
    expect(readFileSync(`${file}.v8cache`).equals(restamped)).toBe(true); // accepted: not written again
  });

  it('runCommonJs returns the module.exports of a file (in this process)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
    const file = join(dir, 'lib.cjs');
    writeFileSync(file, "exports.answer = 42; module.exports.path = require('node:path').basename(__filename);");
    expect(runCommonJs(file)).toEqual({ answer: 42, path: 'lib.cjs' });
  });

  it('says how to use it when no file is given', () => {
    const r = spawnSync(process.execPath, [RUNNER], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^usage: node scripts\/lib\/code-cache\.mjs <file\.cjs>/);
  });
});
