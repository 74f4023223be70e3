// AI threads over the WebSocket (asyncapi.yaml, messages/ai.yaml): `ai.thread.send`,
// `ai.thread.send.stream` and `nitha.thread.send.stream` check the thread, store the user
// message and the assistant reply as `AIMessage` records of the thread and keep the thread's
// `message_count` / `last_message_at`; `ai.threads.get` returns the latest 50 messages, oldest
// first. The reply text is generated ("Sandbox reply to: <content>"); streams send it one word
// per chunk (niyantha-ws.ts) and end with the same AIThreadSendResult as `ai.thread.send`.
import type { Engine } from '../engine.js';
import { fail, ok, validationFailed, type Outcome } from '../outcome.js';
import type { Rec } from '../store.js';

type Obj = Record<string, unknown>;

export const MESSAGES = 'AIMessage';
/** ai.threads.get: "the latest 50 messages, oldest first". */
export const THREAD_MESSAGES_SHOWN = 50;

export const replyText = (content: string) => `Sandbox reply to: ${content}`;
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

function send(engine: Engine, thread: Rec, content: string): Outcome {
  const now = engine.now();
  const user_message = engine.store.insert(MESSAGES, { thread_id: thread.id, role: 'user', content, finish_reason: null, created_at: now });
  const reply = replyText(content);
  const message = engine.store.insert(MESSAGES, { thread_id: thread.id, role: 'assistant', content: reply, finish_reason: 'stop', created_at: now });
  const count = engine.store.all(MESSAGES, (m) => m.thread_id === thread.id).length;
  engine.store.update('AIThread', thread.id, { message_count: count, last_message_at: now, updated_at: now });
  const input_tokens = words(content);
  const output_tokens = words(reply);
  return ok({ thread_id: thread.id, user_message, message, usage: { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens } });
}

/** `ai.thread.send` / `ai.thread.send.stream`: a character thread of the account (else not_found / forbidden / validation_failed). */
export function sendToThread(engine: Engine, payload: Obj): Outcome {
  const found = engine.find('AIThread', payload.thread_id);
  if ('error' in found) return found.error;
  if (found.rec.kind === 'nitha') return validationFailed([{ path: '/thread_id', message: 'is a Nitha thread; use nitha.thread.send.stream' }]);
  return send(engine, found.rec, String(payload.content));
}

/** `nitha.thread.send.stream`: an existing Nitha thread, or a new one (scoped to `store_id` when given). */
export function sendToNitha(engine: Engine, payload: Obj): Outcome {
  if (payload.thread_id !== undefined) {
    const found = engine.find('AIThread', payload.thread_id);
    if ('error' in found) return found.error;
    const thread = found.rec;
    if (thread.kind !== 'nitha') return validationFailed([{ path: '/thread_id', message: 'is not a Nitha thread; use ai.thread.send' }]);
    if (payload.store_id !== undefined && payload.store_id !== (thread.store_id ?? undefined)) return validationFailed([{ path: '/store_id', message: `must be absent or the thread's store (${String(thread.store_id ?? 'none')})` }]);
    return send(engine, thread, String(payload.content));
  }
  if (payload.store_id !== undefined) {
    const store = engine.find('Store', payload.store_id);
    if ('error' in store) return store.error;
  }
  const created = engine.create('AIThread', {}, { kind: 'nitha', character_id: null, store_id: payload.store_id ?? null, title: null, message_count: 0, last_message_at: null });
  return send(engine, created.body as Rec, String(payload.content));
}

/**
 * `ai.threads.create`: a character thread "with an AI character of one of the account's stores"
 * (ai.yaml AIThreadCreateRequest): the character must exist and be the account's (the body's
 * reference check, before this), and be `active` (an `inactive` one → conflict); the thread
 * takes the character's `store_id`.
 */
export function createThread(engine: Engine, payload: Obj): Outcome {
  const found = engine.find('AICharacter', payload.character_id);
  if ('error' in found) return found.error;
  const character = found.rec;
  if (character.status !== 'active') return fail(409, 'conflict', `AICharacter ${String(character.id)} is ${String(character.status)}; threads start only with an active character`);
  return engine.create('AIThread', {}, {
    kind: 'character',
    character_id: character.id,
    store_id: character.store_id ?? null,
    title: payload.title ?? null,
    message_count: 0,
    last_message_at: null,
  });
}

/** `ai.threads.get`: the thread with its latest messages. */
export function threadWithMessages(engine: Engine, payload: Obj): Outcome {
  const found = engine.find('AIThread', payload.thread_id);
  if ('error' in found) return found.error;
  const messages = engine.store.all(MESSAGES, (m) => m.thread_id === found.rec.id).slice(0, THREAD_MESSAGES_SHOWN).reverse();
  return ok({ ...found.rec, messages });
}
