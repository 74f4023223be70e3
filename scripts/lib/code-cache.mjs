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
// edited file of the same length. After the digest come the file's size, mtime, ctime and inode
// when the cache was made: while all four are unchanged the file is not hashed again (as git's
// index and make trust a file's stat; hashing a bundle of 11 MB takes 30 ms). Any change to them
// and the SHA-256 decides. (Only a rewrite of the same size within one tick of the kernel's file
// clock would go unseen; the bundles this runs are named by their content and never rewritten.)
// The worst case is the uncached speed.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** Runs `file` (CommonJS) with its code cache; returns its `module.exports`. */
export function runCommonJs(file, cacheFile = `${file}.v8cache`) {
  // Stat before reading: a change after this point shows as another stat on the next run.
  const stamp = stampOf(file);
  // An esbuild bundle keeps the entry's `#!` line, which is not JavaScript inside a function.
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  let digest;
  let cachedData;
  let write = true;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > HEADER) {
      const sameStat = stamp.equals(cache.subarray(DIGEST, HEADER));
      digest = sameStat ? cache.subarray(0, DIGEST) : sha256(source);
      if (sameStat || digest.equals(cache.subarray(0, DIGEST))) {
        cachedData = cache.subarray(HEADER);
        write = !sameStat; // same content under a new stat: written again with the new stat
      }
    }
  } catch {
    // none yet
  }
  // No `import()` in the file: Node 20 loses a script's dynamic-import hook once the script comes
  // from a code cache (and the main-context loader is experimental). esbuild's CommonJS bundles
  // `require` everything they bundle; an `import()` fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING.
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (write || script.cachedDataRejected) {
    const header = Buffer.concat([digest ?? sha256(source), stamp]);
    process.once('exit', (code) => {
      if (code !== 0) return;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]));
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

const DIGEST = 32;
const HEADER = DIGEST + 32;

function sha256(text) {
  return createHash('sha256').update(text).digest();
}

/** The file's size, mtime, ctime (nanoseconds) and inode: 32 bytes. */
function stampOf(file) {
  const st = statSync(file, { bigint: true });
  const stamp = Buffer.alloc(32);
  stamp.writeBigUInt64LE(st.size, 0);
  stamp.writeBigUInt64LE(st.mtimeNs, 8);
  stamp.writeBigUInt64LE(st.ctimeNs, 16);
  stamp.writeBigUInt64LE(st.ino, 24);
  return stamp;
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
