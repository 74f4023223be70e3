// Loads spec documents and dereferences them: local (`#/…`) and relative-file
// (`./schemas/x.yaml#/…`) $refs are replaced by the referenced node. The same
// target always yields the same object, so recursive schemas become real cycles
// (consumers must guard traversal with a visited set). Remote (http) refs are
// never fetched: they stay as `{ $ref }` nodes.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export function readYaml(file) {
  return parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: -1 });
}

function decodePointer(pointer) {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(node, pointer, where) {
  let cur = node;
  for (const part of decodePointer(pointer)) {
    if (cur === null || typeof cur !== 'object' || !(part in cur)) throw new Error(`unresolvable $ref ${where}`);
    cur = cur[part];
  }
  return cur;
}

/**
 * Dereferences a document. `source` is either a file path or `{ doc, file? }` for an
 * in-memory document (relative refs then resolve against `file`, if given).
 */
export function dereference(source) {
  const files = new Map();
  let rootFile;
  if (typeof source === 'string') {
    rootFile = resolve(source);
  } else {
    rootFile = resolve(source.file ?? '<memory>.yaml');
    files.set(rootFile, source.doc);
  }
  const load = (file) => {
    if (!files.has(file)) files.set(file, readYaml(file));
    return files.get(file);
  };
  const byRef = new Map(); // "file#pointer" -> resolved node
  const byNode = new WeakMap(); // raw object -> copy (handles documents that already contain cycles)

  const resolveRef = (file, pointer, stack = new Set()) => {
    const key = `${file}#${pointer}`;
    if (byRef.has(key)) return byRef.get(key);
    if (stack.has(key)) throw new Error(`circular $ref alias ${key}`);
    const raw = getAt(load(file), pointer, `${pointer} in ${file}`);
    if (raw && typeof raw === 'object' && !Array.isArray(raw) && typeof raw.$ref === 'string' && isLocalish(raw.$ref)) {
      stack.add(key);
      const [f, p] = splitRef(raw.$ref, file);
      const v = resolveRef(f, p, stack);
      byRef.set(key, v);
      return v;
    }
    if (raw === null || typeof raw !== 'object') return raw;
    const out = Array.isArray(raw) ? [] : {};
    byRef.set(key, out);
    byNode.set(raw, out);
    fill(out, raw, file);
    return out;
  };

  const walk = (node, file) => {
    if (node === null || typeof node !== 'object') return node;
    if (!Array.isArray(node) && typeof node.$ref === 'string' && isLocalish(node.$ref)) {
      const [f, p] = splitRef(node.$ref, file);
      return resolveRef(f, p);
    }
    if (byNode.has(node)) return byNode.get(node);
    const out = Array.isArray(node) ? [] : {};
    byNode.set(node, out);
    fill(out, node, file);
    return out;
  };

  const fill = (out, raw, file) => {
    if (Array.isArray(raw)) raw.forEach((v, i) => (out[i] = walk(v, file)));
    else for (const [k, v] of Object.entries(raw)) out[k] = walk(v, file);
  };

  return resolveRef(rootFile, '');
}

function isLocalish(ref) {
  return !/^[a-z][a-z0-9+.-]*:/i.test(ref);
}

function splitRef(ref, file) {
  const hash = ref.indexOf('#');
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  return [filePart ? resolve(dirname(file), decodeURIComponent(filePart)) : file, pointer];
}
