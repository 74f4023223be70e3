// Finds the spec documents on disk and loads OpenAPI documents with every `$ref` resolved
// (local `#/…` pointers and relative files such as `./schemas/stores.yaml#/Store`).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigurationError } from '@s2sdk/core';

/** The documents the sandbox serves, relative to the specs directory. */
export const SPEC_FILES = {
  niyanthaRest: 'niyantha/openapi.yaml',
  niyanthaWs: 'niyantha/asyncapi.yaml',
  theodore: 'vayana-theodore/openapi.yaml',
  platformAuth: 'platform-auth/openapi.yaml',
} as const;

function moduleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return typeof __dirname === 'string' ? __dirname : undefined;
  }
}

/**
 * The directory holding `niyantha/openapi.yaml` & co: `explicit` when given, else the copy inside
 * the installed package (`<pkg>/specs`), else the repository's `specs/`.
 */
export function findSpecsDir(explicit?: string): string {
  const candidates = explicit ? [resolve(explicit)] : [];
  const here = moduleDir();
  if (!explicit && here) candidates.push(resolve(here, '..', 'specs'), resolve(here, '..', '..', '..', 'specs'));
  for (const dir of candidates) if (existsSync(join(dir, SPEC_FILES.niyanthaRest))) return dir;
  throw new ConfigurationError(`sandbox: no specs directory with ${SPEC_FILES.niyanthaRest} (looked in ${candidates.join(', ') || 'nothing'}); pass specsDir`);
}

type Json = unknown;

function pointer(doc: Json, fragment: string, where: string): Json {
  let node = doc;
  for (const raw of fragment.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in (node as object))) throw new ConfigurationError(`sandbox: unresolvable $ref ${where}`);
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

/**
 * Reads a YAML document and replaces every `$ref` by the value it points to (siblings of the
 * `$ref` are kept). Shared sub-trees stay shared objects; a cycle is an error (the specs have none).
 */
export function loadResolved(file: string): Record<string, unknown> {
  const cache = new Map<string, Json>();
  const read = (path: string): Json => {
    if (!cache.has(path)) cache.set(path, parse(readFileSync(path, 'utf8')));
    return cache.get(path);
  };
  const done = new Map<string, Json>();
  const visit = (node: Json, file: string, stack: string[]): Json => {
    if (Array.isArray(node)) return node.map((n) => visit(n, file, stack));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, Json>;
    if (typeof obj.$ref === 'string') {
      const [target, fragment = ''] = obj.$ref.split('#');
      const targetFile = target ? resolve(dirname(file), target) : file;
      const key = `${targetFile}#${fragment}`;
      if (stack.includes(key)) throw new ConfigurationError(`sandbox: circular $ref ${key}`);
      let value = done.get(key);
      if (value === undefined) {
        value = visit(pointer(read(targetFile), fragment, key), targetFile, [...stack, key]);
        done.set(key, value);
      }
      const { $ref: _ref, ...siblings } = obj;
      return Object.keys(siblings).length && value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as object), ...siblings } : value;
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = visit(v, file, stack);
    return out;
  };
  return visit(read(file), file, []) as Record<string, unknown>;
}
