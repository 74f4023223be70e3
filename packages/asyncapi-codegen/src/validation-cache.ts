// A memo of the generator's validation verdict, keyed by document content.
//
// Validating with @asyncapi/parser (its core ruleset as document-checks.ts arranges it: the
// AsyncAPI JSON Schema and the semantic rules) takes about a second on the Niyantha document,
// parsing without it about 0.6 s less; the generator, the mock, the sandbox and every test worker
// load the same document. The verdict depends only on the bundled document, the parser's version
// and the rules (VALIDATION_RULES_ID), so a document that validated with no errors is recorded
// under `node_modules/.cache/s2sdk-asyncapi/` as a file named by the SHA-256 of the three; the
// next load of the same content parses without the ruleset. Any change to the document, another
// parser version or other rules is a new key and is validated again. Documents with errors are
// never recorded. Disabled with S2SDK_ASYNCAPI_CACHE=off; S2SDK_ASYNCAPI_CACHE=<dir> puts it
// elsewhere. Without a writable node_modules above the working directory there is no cache and
// every load validates.
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

/**
 * What the validation consists of, part of every key: bump it whenever the rules the generator
 * validates with change (document-checks.ts), so no verdict of other rules is ever trusted.
 */
export const VALIDATION_RULES_ID = 'generator-ruleset-3';

/** The cache key of a bundled document (undefined when there is no cache). */
export function validationKey(document: unknown): string | undefined {
  home ??= findHome();
  if (!home) return undefined;
  return createHash('sha256').update(home.parserVersion).update('\0').update(VALIDATION_RULES_ID).update('\0').update(JSON.stringify(document)).digest('hex');
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
    writeFileSync(tmp, `validated by @asyncapi/parser ${home.parserVersion} (${VALIDATION_RULES_ID}) with no errors\n`);
    renameSync(tmp, join(home.dir, key)); // atomic: concurrent workers never see a half-written entry
  } catch {
    // not writable: no cache
  }
}

/** Forgets where the cache lives (tests change S2SDK_ASYNCAPI_CACHE and the working directory). */
export function resetValidationCache(): void {
  home = undefined;
}
