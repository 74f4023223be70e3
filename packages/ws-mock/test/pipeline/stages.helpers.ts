// A pipeline without sockets: the notes fixture's model, a fake connection recording what it is sent.
import { loadApiModel, type ApiModel, type OperationModel } from '@s2sdk/asyncapi-codegen';
import { Validators } from '../../src/messages';
import { readCredentials, resolveCredentialPaths } from '../../src/credentials';
import { authFailureTypeOf, type Revocation } from '../../src/pipeline/authenticate';
import { FaultResolver } from '../../src/pipeline/fault';
import { createPipeline, type Connection, type PipelineConfig } from '../../src/pipeline/pipeline';
import { FrameLog } from '../../src/pipeline/record';
import { Templates } from '../../src/pipeline/respond';
import type { FaultConfig, Identity } from '../../src/types';
import { NOTES } from '../helpers';

let cached: Promise<ApiModel> | undefined;
export const notesModel = () => (cached ??= loadApiModel(NOTES));

export interface FakeConnection extends Connection {
  sent: string[];
  /** The sent frames, parsed (non-JSON frames as strings). */
  frames(): Array<Record<string, any> | string>;
  closedWith: { code: number; reason: string } | undefined;
  terminated: boolean;
}

export function fakeConnection(id = 1): FakeConnection {
  const conn: FakeConnection = {
    id,
    authenticated: false,
    identity: undefined as Identity | undefined,
    receivedCount: 0,
    log: new FrameLog(100, 1 << 20),
    sent: [],
    closedWith: undefined,
    terminated: false,
    isOpen: () => !conn.closedWith && !conn.terminated,
    sendText(text) {
      if (conn.isOpen()) conn.sent.push(text);
    },
    close(code, reason) {
      conn.closedWith ??= { code, reason };
    },
    terminate() {
      conn.terminated = true;
    },
    frames: () =>
      conn.sent.map((t) => {
        try {
          return JSON.parse(t) as Record<string, any>;
        } catch {
          return t;
        }
      }),
  };
  return conn;
}

export interface TestPipeline {
  config: PipelineConfig;
  handle(conn: Connection, frame: unknown): void | Promise<void>;
  events: Array<[string, ...unknown[]]>;
  timers: Array<{ ms: number; fn: () => void }>;
  setFaults(faults: FaultConfig): void;
  revoked: Map<string, Revocation>;
}

/** The notes fixture's pipeline (keys pk_test/sk_test, account 7); `overrides` replace config fields. */
export async function testPipeline(overrides: Partial<PipelineConfig> = {}): Promise<TestPipeline> {
  const model = await notesModel();
  const operations = new Map<string, OperationModel>(model.operations.map((o) => [o.type, o]));
  const authOp = operations.get(model.authType!);
  const paths = resolveCredentialPaths(authOp);
  const events: TestPipeline['events'] = [];
  const timers: TestPipeline['timers'] = [];
  const revoked = new Map<string, Revocation>();
  let faults = new FaultResolver({});
  const errorType = model.errorType ?? 'error';
  const config: PipelineConfig = {
    model,
    validators: new Validators(model),
    templates: new Templates(model),
    operations,
    authOp,
    requireAuth: true,
    errorType,
    authFailureType: authFailureTypeOf(authOp, errorType, model.errorType),
    chunkCount: 2,
    replies: undefined,
    keys: [{ key: 'pk_test', secret: 'sk_test', accountId: '7' }],
    authCheck: undefined,
    credentialsOf: (frame) => readCredentials(frame, paths),
    knownSecrets: ['sk_test'],
    revoked,
    log: new FrameLog(100, 1 << 20),
    faults: () => faults,
    random: () => 0.5,
    later: (ms, fn) => timers.push({ ms, fn }),
    emit: (event, ...args) => events.push([event, ...args]),
    report: (err) => {
      throw err;
    },
    ...overrides,
  };
  const pipeline = createPipeline(config);
  return {
    config,
    events,
    timers,
    revoked,
    setFaults: (f) => (faults = new FaultResolver(f)),
    handle: (conn, frame) => pipeline.handle(conn, Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false),
  };
}

export const login = (requestId = 'l-1', token = 'pk_test', secret = 'sk_test') => ({ type: 'auth.login', requestId, payload: { authType: 's2s', token, metadata: { secret } } });
