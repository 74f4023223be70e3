// Opt-in frame validation against the generated JSON Schemas (draft 2020-12).
//
// Cost: loading `ajv` (an optional dependency, imported lazily so bundles that never
// validate don't carry it), compiling each message schema the first time a frame of that
// type is seen, and one schema check per frame on the hot path. Off by default.
import { ConfigurationError } from '@s2sdk/core';
import type { FrameValidator } from './client.js';
import type { Envelope } from './types.js';

/** The shape of `schemas.gen.json`: one self-contained envelope schema per message type. */
export interface MessageSchemas {
  messages: Record<string, Record<string, unknown>>;
}

interface AjvLike {
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: { instancePath?: string; message?: string }[] | null };
}
type AjvCtor = new (opts: Record<string, unknown>) => AjvLike;

async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

const defaultExport = <T>(mod: unknown): T => {
  const m = mod as { default?: unknown };
  const d = m?.default as { default?: unknown } | undefined;
  return (typeof d === 'function' ? d : typeof d?.default === 'function' ? d.default : m) as T;
};

/** Loads ajv (2020-12 dialect) and ajv-formats; both are optional peer dependencies. */
export async function loadAjv(): Promise<AjvLike> {
  let Ajv: AjvCtor;
  try {
    Ajv = defaultExport<AjvCtor>(await importOptional('ajv/dist/2020.js'));
  } catch (err) {
    throw new ConfigurationError('validate: true needs the optional dependency `ajv` (npm install ajv ajv-formats)', { cause: err });
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  try {
    const addFormats = defaultExport<(a: AjvLike) => void>(await importOptional('ajv-formats'));
    addFormats(ajv);
  } catch {
    // Without ajv-formats, `format` is not checked (ajv ignores unknown formats with strict: false).
  }
  return ajv;
}

/**
 * A FrameValidator over message schemas keyed by type. Each schema is compiled on first
 * use. Frames of a type without a schema are reported as a problem.
 */
export function frameValidator(schemas: MessageSchemas, ajv: AjvLike): FrameValidator {
  const compiled = new Map<string, ReturnType<AjvLike['compile']>>();
  return (_direction, envelope: Envelope) => {
    let check = compiled.get(envelope.type);
    if (!check) {
      const schema = schemas.messages[envelope.type];
      if (!schema) return [`no schema for message type ${JSON.stringify(envelope.type)}`];
      check = ajv.compile(schema);
      compiled.set(envelope.type, check);
    }
    if (check(envelope)) return undefined;
    return (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  };
}
