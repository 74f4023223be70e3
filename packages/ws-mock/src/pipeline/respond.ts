// Stage 5 — respond: the answer frames of a request, from the document's examples (or values
// generated from the schemas), encoded once at start: a reply is the template's text with the
// request's id spliced in, not a clone re-serialised per frame.
import type { ApiModel, MessageModel, OperationModel } from '@s2sdk/asyncapi-codegen';
import { clone, errorFrame, fillIdentity, templatesFor, type Envelope, type Validators } from '../messages';
import type { ErrorSpec, Identity, ReplyHandler } from '../types';

/** A template encoded around its `requestId`: `head + JSON.stringify(requestId) + tail`. */
interface Prepared {
  readonly envelope: Envelope;
  readonly head: string;
  readonly tail: string;
}

const MARK = '\u0000ws-mock-request-id\u0000';
const MARK_JSON = JSON.stringify(MARK);

function prepare(envelope: Envelope): Prepared {
  const withMark = clone(envelope);
  withMark.requestId = MARK;
  const text = JSON.stringify(withMark);
  const at = text.indexOf(MARK_JSON);
  return { envelope, head: text.slice(0, at), tail: text.slice(at + MARK_JSON.length) };
}

/** The frames the mock sends per message type (every message but plain requests). */
export class Templates {
  readonly #byType = new Map<string, Prepared[]>();

  constructor(model: ApiModel) {
    for (const m of model.messages) if (m.role !== 'request' || m.event) this.#byType.set(m.type, templatesFor(m).map(prepare));
  }

  /** Message types with templates. */
  types(): IterableIterator<string> {
    return this.#byType.keys();
  }

  /** The `index`-th template of `type` (cycling), undefined when it has none. Do not modify it. */
  of(type: string, index = 0): Envelope | undefined {
    return this.#prepared(type, index)?.envelope;
  }

  /** All templates of `type`. */
  all(type: string): Envelope[] {
    return (this.#byType.get(type) ?? []).map((p) => p.envelope);
  }

  /** The `index`-th template of `type` answering `requestId`, encoded. */
  render(type: string, requestId: string, index = 0): string {
    const p = this.#prepared(type, index);
    if (!p) throw new Error(`@s2sdk/ws-mock: no template for ${JSON.stringify(type)}`);
    return p.head + JSON.stringify(requestId) + p.tail;
  }

  /** An error frame of `type` (its template's payload with `code`/`message`/`details` replaced), encoded. */
  error(type: string, requestId: string, spec: ErrorSpec): string {
    return JSON.stringify(errorFrame(this.of(type), type, requestId, spec));
  }

  #prepared(type: string, index: number): Prepared | undefined {
    const list = this.#byType.get(type);
    return list && list.length ? list[index % list.length] : undefined;
  }
}

/** Every problem of the templates against their schemas (the `strict` start check). */
export function templateProblems(templates: Templates, messages: ReadonlyMap<string, MessageModel>, validators: Validators): string[] {
  const problems: string[] = [];
  for (const type of templates.types()) {
    const msg = messages.get(type)!;
    templates.all(type).forEach((frame, i) => {
      const withId = { ...frame, requestId: typeof frame.requestId === 'string' ? frame.requestId : 'r-1' };
      const issues = validators.check(type, msg.role === 'event' && frame.requestId === undefined ? frame : withId);
      const origin = msg.examples.length ? `example ${i + 1}` : 'the value generated from its schema (add an example)';
      for (const issue of issues) problems.push(`message "${msg.id}" (${type}): ${origin} is invalid at ${issue.path}: ${issue.message}`);
    });
  }
  return problems;
}

/** The encoded answer of `op` from its templates: `chunkCount` chunks (streaming operations), then the reply. */
export function replyFrames(templates: Templates, op: OperationModel, requestId: string, chunkCount: number): string[] {
  if (!op.chunk) return [templates.render(op.reply.type, requestId)];
  const frames: string[] = [];
  for (let i = 0; i < chunkCount; i++) frames.push(templates.render(op.chunk.type, requestId, i));
  frames.push(templates.render(op.reply.type, requestId));
  return frames;
}

/** The answer with a custom reply payload: the chunks, then the reply template with `payload` as its payload. */
export function customReplyFrames(templates: Templates, op: OperationModel, requestId: string, chunkCount: number, payload: unknown): string[] {
  const frames = op.chunk ? replyFrames(templates, op, requestId, chunkCount).slice(0, -1) : [];
  frames.push(JSON.stringify({ ...templates.of(op.reply.type)!, requestId, payload }));
  return frames;
}

/** Calls the custom reply handler of `op` (it may return a promise). */
export function callReplyHandler(handler: ReplyHandler, request: Envelope, identity: Identity | undefined): unknown {
  return handler({ type: request.type, requestId: request.requestId, payload: request.payload }, { identity });
}

/** The encoded answer of a successful login: the reply's identity fields filled from `identity` (and the chunks of a streaming login). */
export function loginReplyFrames(templates: Templates, op: OperationModel, requestId: string, chunkCount: number, identity: Identity): string[] {
  const frames = op.chunk ? replyFrames(templates, op, requestId, chunkCount).slice(0, -1) : [];
  const template = templates.of(op.reply.type)!;
  const payload = fillIdentity(template.payload, identity, op.reply.schema, op.identityFields);
  frames.push(JSON.stringify({ ...template, requestId, payload }));
  return frames;
}
