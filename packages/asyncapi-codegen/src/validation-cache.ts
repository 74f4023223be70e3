// A memo of the parser's full validation verdict, keyed by document content.
//
// @asyncapi/parser's core ruleset (Spectral: the AsyncAPI JSON Schema and the semantic rules)
// takes seconds on a large document (the Niyantha one: ~5 s idle, 30 s on a loaded machine),
// while parsing without it takes well under a second. Its verdict depends only on the bundled
// document and the parser's version, so a document that validated with no errors is recorded
// under `node_modules/.cache/s2sdk-asyncapi/` as a file named by the SHA-256 of both; the next
// load of the same content (the mock, the sandbox, the generator, every test worker) parses
// without the ruleset. Any change to the document — or another parser version — is a new key and
// is validated in full again. Documents with errors are never recorded. Disabled with
// S2SDK_ASYNCAPI_CACHE=off; S2SDK_ASYNCAPI_CACHE=<dir> puts it elsewhere. Without a writable
// node_modules above the working directory there is no cache and every load validates.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface CacheHome {
  dir: string;
  parserVersion: string;
}

let home: CacheHome | null | undefined;

function findHome(): CacheHome | null {
  const setting = process.env.S2SDK_ASYNCAPI_CACHE;
  if (setting === 'off' || setting === '0') return null;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', '@asyncapi', 'parser', 'package.json');
    if (existsSync(pkg)) {
      try {
        const parserVersion = String((JSON.parse(readFileSync(pkg, 'utf8')) as { version?: unknown }).version);
        return { dir: setting || join(dir, 'node_modules', '.cache', 's2sdk-asyncapi'), parserVersion };
      } catch {
        return null;
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The cache key of a bundled document (undefined when there is no cache). */
export function validationKey(document: unknown): string | undefined {
  home ??= findHome();
  if (!home) return undefined;
  return createHash('sha256').update(home.parserVersion).update('\0').update(JSON.stringify(document)).digest('hex');
}

/** True when a document with this key validated with no errors before. */
export function isKnownValid(key: string | undefined): boolean {
  return key !== undefined && home != null && existsSync(join(home.dir, key));
}

/** Records that the document with this key validated with no errors (best effort: a read-only tree just has no cache). */
export function rememberValid(key: string | undefined): void {
  if (key === undefined || !home) return;
  try {
    mkdirSync(home.dir, { recursive: true });
    const tmp = join(home.dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, `validated by @asyncapi/parser ${home.parserVersion} with no errors\n`);
    renameSync(tmp, join(home.dir, key)); // atomic: concurrent workers never see a half-written entry
  } catch {
    // not writable: no cache
  }
}

/** Forgets where the cache lives (tests change S2SDK_ASYNCAPI_CACHE and the working directory). */
export function resetValidationCache(): void {
  home = undefined;
}

/**
 * The parser's ruleset for a document whose verdict is known: none of the validation rules, only
 * the one the parser itself relies on to resolve circular `$ref`s afterwards (its
 * `asyncapi-internal` rule hands Spectral's document inventory to the custom operations). Tied to
 * @asyncapi/parser's internals, which is why the parser's version is part of every cache key.
 */
export const RESOLVE_ONLY_RULESET = {
  core: false,
  recommended: false,
  rules: {
    's2sdk-resolve-only': {
      description: 'Hands the resolved document inventory to the parser (no validation).',
      given: '$',
      severity: 'hint',
      then: {
        function: (_input: unknown, _options: unknown, context: { document: { __documentInventory?: unknown }; documentInventory: unknown }) => {
          context.document.__documentInventory = context.documentInventory;
        },
      },
    },
  },
} as const;
