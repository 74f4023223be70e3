// connectNiyanthaWs(): the client bound to the operation map generated from
// specs/niyantha/asyncapi.yaml.
import { ConfigurationError } from '@s2sdk/core';
import { createNiyanthaWsClient, niyanthaUploadProtocol, type NiyanthaWsClient, type NiyanthaWsOptions } from './niyantha-client.js';
import { frameValidator, loadAjv, type MessageSchemas } from './validate.js';
import type { FrameValidator } from './client.js';
import { operationTable, type Operations } from './generated/operations.gen.js';

/** Request type → `{ request, reply, replyType, error, errorType, chunk, streaming, auth }` of the Niyantha WebSocket API. */
export type NiyanthaOperations = Operations;
/** A stored file (reply of `file.stream.complete`). */
export type NiyanthaFile = Operations['file.stream.complete']['reply'];
/** The connected Niyantha client. */
export type NiyanthaWs = NiyanthaWsClient<Operations, NiyanthaFile>;

export { operationTable as niyanthaOperationTable };

// A subpath of this package, imported by name and only when `validate: true`, so the
// ~600 KB of schemas stay out of every bundle that does not validate.
const SCHEMAS_MODULE = '@s2sdk/niyantha-ws/schemas';

async function loadNiyanthaSchemas(): Promise<MessageSchemas> {
  const specifier = SCHEMAS_MODULE;
  let mod: { niyanthaSchemas?: MessageSchemas; default?: MessageSchemas };
  try {
    mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as typeof mod;
  } catch (err) {
    throw new ConfigurationError(`validate: true could not load ${SCHEMAS_MODULE}; pass validate: frameValidator(schemas, await loadAjv()) instead`, { cause: err });
  }
  const schemas = mod.niyanthaSchemas ?? mod.default;
  if (!schemas?.messages) throw new TypeError(`${SCHEMAS_MODULE} has no message schemas`);
  return schemas;
}

/** A FrameValidator over the generated Niyantha message schemas (needs the optional dependency `ajv`). */
export async function niyanthaValidator(): Promise<FrameValidator> {
  const [schemas, ajv] = await Promise.all([loadNiyanthaSchemas(), loadAjv()]);
  return frameValidator(schemas, ajv);
}

/** Creates a Niyantha client without connecting (call `connect()`; requests made before wait in the queue). */
export function createNiyanthaWs(options: NiyanthaWsOptions & { validate?: false | FrameValidator }): NiyanthaWs {
  const validator = typeof options.validate === 'function' ? options.validate : undefined;
  return createNiyanthaWsClient<Operations, NiyanthaFile>(options, operationTable, niyanthaUploadProtocol<NiyanthaFile>(), validator);
}

/**
 * Connects to the Niyantha WebSocket API and authenticates with the S2S key. Resolves once
 * `auth.success` arrived; rejects with WsAuthenticationError (fatal), ConnectError or
 * ClientClosedError, after which nothing is left open.
 */
export async function connectNiyanthaWs(options: NiyanthaWsOptions): Promise<NiyanthaWs> {
  const validator = options.validate === true ? await niyanthaValidator() : typeof options.validate === 'function' ? options.validate : undefined;
  const client = createNiyanthaWs({ ...options, validate: validator ?? false });
  await client.connect();
  return client;
}
