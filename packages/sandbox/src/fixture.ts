// Fixture files (`--seed FILE`, JSON or YAML) and their validation. A bad fixture is a
// ConfigurationError naming the problem; the running state is never touched by a bad file.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigurationError } from '@s2sdk/core';
import type { PlatformUser } from './platform-auth.js';
import type { TheodoreUser } from './theodore.js';

export interface Fixture {
  /** The account every S2S key of the sandbox belongs to by default (default 42). */
  accountId?: number;
  /** Bearer tokens accepted by key management besides platform-auth access tokens. */
  sessionTokens?: string[];
  /** API keys that exist from the start (their secret is given here, so tests can use them). */
  apiKeys?: { name: string; username: string; secret: string; ttl_seconds?: number }[];
  /** Records per entity (`Store`, `Order`, `StoreProduct`, …; see the README for the names). */
  resources?: Record<string, Record<string, unknown>[]>;
  /** One-per-account records (`AccountProfile`, `DriverProfile`, `Wallet`). */
  singletons?: Record<string, Record<string, unknown>>;
  platformUsers?: PlatformUser[];
  theodoreUsers?: TheodoreUser[];
  /** The interactive-login password of the account (updateAccountPassword; default `old-Passw0rd!`). Kept only hashed. */
  accountPassword?: string;
  /** Platform-auth application credentials (HTTP Basic client id / secret). */
  appCredentials?: { clientId: string; clientSecret: string }[];
}

const KNOWN = new Set(['accountId', 'sessionTokens', 'apiKeys', 'resources', 'singletons', 'platformUsers', 'theodoreUsers', 'appCredentials', 'accountPassword']);

export function checkFixture(value: unknown, source: string, entities: Set<string>): Fixture {
  const bad = (msg: string) => new ConfigurationError(`sandbox fixture ${source}: ${msg}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('must be an object');
  const f = value as Record<string, unknown>;
  for (const k of Object.keys(f)) if (!KNOWN.has(k)) throw bad(`unknown member "${k}" (known: ${[...KNOWN].join(', ')})`);
  if (f.accountId !== undefined && !(Number.isInteger(f.accountId) && (f.accountId as number) > 0)) throw bad('accountId must be a positive integer');
  if (f.accountPassword !== undefined && !(typeof f.accountPassword === 'string' && f.accountPassword.length >= 8 && f.accountPassword.length <= 128)) throw bad('accountPassword must be a string of 8–128 characters');
  const arrays = ['sessionTokens', 'apiKeys', 'platformUsers', 'theodoreUsers', 'appCredentials'];
  for (const k of arrays) if (f[k] !== undefined && !Array.isArray(f[k])) throw bad(`${k} must be a list`);
  for (const [i, t] of ((f.sessionTokens as unknown[]) ?? []).entries()) if (typeof t !== 'string' || !t) throw bad(`sessionTokens[${i}] must be a non-empty string`);
  for (const [i, k] of ((f.apiKeys as Record<string, unknown>[]) ?? []).entries()) {
    for (const m of ['name', 'username', 'secret']) if (typeof k?.[m] !== 'string' || !k[m]) throw bad(`apiKeys[${i}].${m} must be a non-empty string`);
  }
  const resources = f.resources as Record<string, unknown> | undefined;
  if (resources !== undefined) {
    if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) throw bad('resources must map entity names to lists of records');
    for (const [entity, rows] of Object.entries(resources)) {
      if (!entities.has(entity)) throw bad(`resources.${entity} is not an entity of the Niyantha specs (known: ${[...entities].sort().join(', ')})`);
      if (!Array.isArray(rows)) throw bad(`resources.${entity} must be a list`);
      const ids = new Set<number>();
      for (const [i, r] of rows.entries()) {
        if (typeof r !== 'object' || r === null || Array.isArray(r)) throw bad(`resources.${entity}[${i}] must be an object`);
        const id = (r as Record<string, unknown>).id;
        if (id !== undefined && !(Number.isInteger(id) && (id as number) > 0)) throw bad(`resources.${entity}[${i}].id must be a positive integer`);
        if (typeof id === 'number') {
          if (ids.has(id)) throw bad(`resources.${entity} has id ${id} twice`);
          ids.add(id);
        }
      }
    }
  }
  return f as Fixture;
}

export function readFixture(file: string, entities: Set<string>): Fixture {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigurationError(`sandbox fixture ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new ConfigurationError(`sandbox fixture ${file}: not valid JSON/YAML (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  return checkFixture(value, file, entities);
}
