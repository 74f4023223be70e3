#!/usr/bin/env node
// Runs a CommonJS file (generate.mjs's bundle of the AsyncAPI generator) with a V8 code cache
// kept next to it: `node scripts/lib/code-cache.mjs <file.cjs> [args…]` runs the file as the
// main program, its arguments after it. A file of several megabytes is otherwise parsed and
// compiled again by every run (about a fifth of the generator's time on the Niyantha document).
//
// The cache is `<file>.v8cache`, written when a run that had none (or an unusable one) ends with
// exit code 0. It is written after the run, so that it holds the functions the run compiled, not
// only the top level. It starts with the SHA-256 of the source it was made from: V8 itself checks
// only the source's length (and its own version and flags), and would run the cached code of an
// edited file of the same length. The worst case is the uncached speed.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** Runs `file` (CommonJS) with its code cache; returns its `module.exports`. */
export function runCommonJs(file, cacheFile = `${file}.v8cache`) {
  // An esbuild bundle keeps the entry's `#!` line, which is not JavaScript inside a function.
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  const digest = createHash('sha256').update(source).digest();
  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > digest.length && digest.equals(cache.subarray(0, digest.length))) cachedData = cache.subarray(digest.length);
  } catch {
    // none yet
  }
  // No `import()` in the file: Node 20 loses a script's dynamic-import hook once the script comes
  // from a code cache (and the main-context loader is experimental). esbuild's CommonJS bundles
  // `require` everything they bundle; an `import()` fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING.
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', (code) => {
      if (code !== 0) return;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(tmp, cacheFile); // a concurrent run never reads half a file
      } catch {
        // not writable: the next run compiles again
      }
    });
  }
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node scripts/lib/code-cache.mjs <file.cjs> [args…]\n');
    process.exit(1);
  }
  // The program sees itself as the main script: process.argv is [node, <file>, args…].
  process.argv.splice(1, 2, resolve(file));
  runCommonJs(resolve(file));
}
