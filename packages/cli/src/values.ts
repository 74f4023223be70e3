// Parsing of --param k=v, --body/--payload (@file or inline JSON).
import { readFileSync } from 'node:fs';
import { compileCheck, createAjv } from '@s2sdk/sandbox';
import { CliError } from './io.js';

export function readJsonArg(value: string | undefined, flag: string): unknown {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (err) {
      throw new CliError(`${flag}: cannot read ${value.slice(1)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 2);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${flag}: ${value.startsWith('@') ? value.slice(1) : 'the value'} is not valid JSON`, 2);
  }
}

export function coerceParam(raw: string, schema: Record<string, unknown>): unknown {
  const types = ([] as unknown[]).concat(schema.type ?? []);
  if ((types.includes('integer') || types.includes('number')) && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

export function splitParam(p: string): [string, string] {
  const i = p.indexOf('=');
  if (i <= 0) throw new CliError(`--param expects name=value, got "${p}"`, 2);
  return [p.slice(0, i), p.slice(i + 1)];
}

/**
 * Checks a --body / --payload value against its schema from the spec before anything is sent
 * (or connected): a CliError (exit 2) listing every problem with its JSON Pointer.
 */
export function checkAgainstSchema(value: unknown, schema: Record<string, unknown>, what: string, hint: string): void {
  const problems = compileCheck(createAjv(), schema)(value);
  if (!problems.length) return;
  const lines = problems.slice(0, 20).map((p) => `  ${p.path}: ${p.message}`);
  if (problems.length > 20) lines.push(`  … and ${problems.length - 20} more`);
  throw new CliError(`${what} does not match the spec (nothing was sent):\n${lines.join('\n')}\n${hint}`, 2);
}
