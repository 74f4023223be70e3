// connectNiyanthaWs(): the client bound to the operation map generated from
// specs/niyantha/asyncapi.yaml.
import { ConfigurationError, type Secret } from '@s2sdk/core';
import { createNiyanthaWsClient, niyanthaUploadProtocol, type NiyanthaWsClient, type NiyanthaWsOptions } from './niyantha-client.js';
import { frameValidator, loadAjv, type MessageSchemas } from './validate.js';
import type { FrameValidator } from './client.js';
import { operationTable, type ApiKey, type Operations } from './generated/operations.gen.js';

/** A newly created key (`account.keys.create` reply): `secret` is a {@link Secret}, `secret.reveal()` gives the value. */
export type NiyanthaCreatedApiKey = Omit<ApiKey, 'secret'> & { secret: Secret };

/**
 * Request type → `{ request, reply, replyType, error, errorType, chunk, streaming, auth }` of the
 * Niyantha WebSocket API: the generated map, with the `account.keys.create` reply's `secret`
 * wrapped in a `Secret` (as the client delivers it) so it never shows in logs, inspect or JSON.
 */
export type NiyanthaOperations = {
  [K in keyof Operations]: K extends 'account.keys.create' ? Omit<Operations[K], 'reply'> & { reply: NiyanthaCreatedApiKey } : Operations[K];
};
/** A stored file (reply of `file.stream.complete`). */
export type NiyanthaFile = Operations['file.stream.complete']['reply'];
/** The connected Niyantha client. */
export type NiyanthaWs = NiyanthaWsClient<NiyanthaOperations, NiyanthaFile>;

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
  return createNiyanthaWsClient<NiyanthaOperations, NiyanthaFile>(options, operationTable, niyanthaUploadProtocol<NiyanthaFile>(), validator);
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
