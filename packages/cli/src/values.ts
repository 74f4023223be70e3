// Parsing of --param k=v, --body/--payload (@file or inline JSON).
import { readFileSync } from 'node:fs';
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
