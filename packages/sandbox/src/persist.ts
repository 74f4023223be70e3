// --state FILE: the whole sandbox state as one JSON file, rewritten atomically (temp file in the
// same directory + rename) after every change, read back at startup.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ConfigurationError } from '@s2sdk/core';

export const STATE_VERSION = 1;

export function writeAtomic(file: string, data: unknown): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export function readState(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigurationError(`sandbox state ${file}: not valid JSON; fix or delete it`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || (value as { version?: unknown }).version !== STATE_VERSION) {
    throw new ConfigurationError(`sandbox state ${file}: not a version ${STATE_VERSION} sandbox state file`);
  }
  return value as Record<string, unknown>;
}
