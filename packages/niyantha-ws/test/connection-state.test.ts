// The connection state machine alone: no sockets, no timers. Table tests for every
// (phase, event) pair, and a model-based test (fast-check) of random event sequences.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CONNECTION_PHASES,
  INITIAL_CONNECTION,
  transition,
  type Connection,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionPolicy,
} from '../src/connection-state.js';
import type { ConnectionState } from '../src/types.js';

const POLICY: ConnectionPolicy = { auth: true, reconnect: { maxAttempts: 2, stableAfterMs: 100 } };
const NO_AUTH: ConnectionPolicy = { auth: false, reconnect: { maxAttempts: 2, stableAfterMs: 100 } };
const NO_RECONNECT: ConnectionPolicy = { auth: true, reconnect: false };
const STABLE_AT_ONCE: ConnectionPolicy = { auth: true, reconnect: { maxAttempts: 2, stableAfterMs: 0 } };

const EVENTS: readonly ConnectionEvent[] = [
  { type: 'connect' },
  { type: 'socket-open' },
  { type: 'reauth' },
  { type: 'auth-ok' },
  { type: 'auth-refused', retryable: true },
  { type: 'auth-refused', retryable: false },
  { type: 'drop' },
  { type: 'retry' },
  { type: 'stable' },
  { type: 'close' },
];

const at = (phase: ConnectionState, patch: Partial<Connection> = {}): Connection => ({ ...INITIAL_CONNECTION, phase, ...patch });
const types = (effects: readonly ConnectionEffect[]) => effects.map((e) => (e.type === 'shutdown' ? `shutdown:${e.reason}` : e.type === 'schedule-reconnect' ? `schedule:${e.attempt}` : e.type));
const name = (e: ConnectionEvent) => (e.type === 'auth-refused' ? `auth-refused(${e.retryable ? 'retryable' : 'fatal'})` : e.type);

/** [phase, state patch, event, policy] → [phase, attempt, effect types]; every row not listed changes nothing. */
type Row = [ConnectionState, Partial<Connection>, ConnectionEvent, ConnectionPolicy, ConnectionState, number, string[]];
const E = Object.fromEntries(EVENTS.map((e) => [name(e), e])) as Record<string, ConnectionEvent>;
const ever = { everOpened: true };
const TABLE: Row[] = [
  // idle
  ['idle', {}, E.connect!, POLICY, 'connecting', 0, ['open-socket']],
  ['idle', {}, E.close!, POLICY, 'closed', 0, ['shutdown:closed']],
  // connecting (first connect)
  ['connecting', {}, E['socket-open']!, POLICY, 'authenticating', 0, ['login']],
  ['connecting', {}, E['socket-open']!, NO_AUTH, 'open', 0, ['session-up']],
  ['connecting', {}, E.drop!, POLICY, 'closed', 0, ['detach', 'fail-in-flight', 'shutdown:connect-failed']],
  ['connecting', {}, E['auth-refused(retryable)']!, POLICY, 'closed', 0, ['shutdown:auth-failed']],
  ['connecting', {}, E['auth-refused(fatal)']!, POLICY, 'closed', 0, ['shutdown:auth-failed']],
  ['connecting', {}, E.close!, POLICY, 'closed', 0, ['shutdown:closed']],
  // connecting (reconnect)
  ['connecting', { ...ever, attempt: 1 }, E['socket-open']!, POLICY, 'authenticating', 1, ['login']],
  ['connecting', { ...ever, attempt: 1 }, E['socket-open']!, NO_AUTH, 'open', 1, ['watch-stable', 'session-up']],
  ['connecting', { ...ever, attempt: 1 }, E.drop!, POLICY, 'reconnecting', 2, ['detach', 'fail-in-flight', 'schedule:2']],
  ['connecting', { ...ever, attempt: 2 }, E.drop!, POLICY, 'closed', 2, ['detach', 'fail-in-flight', 'shutdown:reconnect-exhausted']],
  ['connecting', { ...ever, attempt: 1 }, E['auth-refused(retryable)']!, POLICY, 'reconnecting', 2, ['detach', 'fail-in-flight', 'schedule:2']],
  ['connecting', { ...ever, attempt: 1 }, E['auth-refused(fatal)']!, POLICY, 'closed', 1, ['shutdown:auth-failed']],
  // authenticating
  ['authenticating', {}, E['auth-ok']!, POLICY, 'open', 0, ['session-up']],
  ['authenticating', { ...ever, attempt: 1 }, E['auth-ok']!, POLICY, 'open', 1, ['watch-stable', 'session-up']],
  ['authenticating', { ...ever, attempt: 1 }, E['auth-ok']!, STABLE_AT_ONCE, 'open', 0, ['session-up']],
  ['authenticating', { ...ever, attempt: 1 }, E['auth-ok']!, NO_RECONNECT, 'open', 1, ['session-up']],
  ['authenticating', {}, E['auth-refused(retryable)']!, POLICY, 'closed', 0, ['shutdown:auth-failed']],
  ['authenticating', {}, E['auth-refused(fatal)']!, POLICY, 'closed', 0, ['shutdown:auth-failed']],
  ['authenticating', ever, E['auth-refused(retryable)']!, POLICY, 'reconnecting', 1, ['detach', 'fail-in-flight', 'schedule:1']],
  ['authenticating', ever, E['auth-refused(retryable)']!, NO_RECONNECT, 'closed', 0, ['detach', 'fail-in-flight', 'shutdown:connection-lost']],
  ['authenticating', ever, E['auth-refused(fatal)']!, POLICY, 'closed', 0, ['shutdown:auth-failed']],
  ['authenticating', {}, E.drop!, POLICY, 'closed', 0, ['detach', 'fail-in-flight', 'shutdown:connect-failed']],
  ['authenticating', ever, E.drop!, POLICY, 'reconnecting', 1, ['detach', 'fail-in-flight', 'schedule:1']],
  ['authenticating', { ...ever, attempt: 1 }, E.stable!, POLICY, 'authenticating', 0, []],
  ['authenticating', {}, E.close!, POLICY, 'closed', 0, ['shutdown:closed']],
  // open
  ['open', ever, E.reauth!, POLICY, 'authenticating', 0, []],
  ['open', ever, E.drop!, POLICY, 'reconnecting', 1, ['detach', 'fail-in-flight', 'schedule:1']],
  ['open', ever, E.drop!, NO_RECONNECT, 'closed', 0, ['detach', 'fail-in-flight', 'shutdown:connection-lost']],
  ['open', { ...ever, attempt: 2 }, E.drop!, POLICY, 'closed', 2, ['detach', 'fail-in-flight', 'shutdown:reconnect-exhausted']],
  ['open', ever, E['auth-refused(retryable)']!, POLICY, 'reconnecting', 1, ['detach', 'fail-in-flight', 'schedule:1']],
  ['open', ever, E['auth-refused(fatal)']!, POLICY, 'closed', 0, ['shutdown:auth-failed']],
  ['open', { ...ever, attempt: 2 }, E.stable!, POLICY, 'open', 0, []],
  ['open', ever, E.close!, POLICY, 'closed', 0, ['shutdown:closed']],
  // reconnecting
  ['reconnecting', { ...ever, attempt: 1 }, E.retry!, POLICY, 'connecting', 1, ['open-socket']],
  ['reconnecting', { ...ever, attempt: 1 }, E.close!, POLICY, 'closed', 1, ['shutdown:closed']],
];

describe('connection state machine: table', () => {
  for (const [phase, patch, event, policy, next, attempt, effects] of TABLE) {
    const label = `${phase}${patch.everOpened ? ' (after a session)' : ''}${patch.attempt ? ` attempt ${patch.attempt}` : ''} + ${name(event)}${policy === NO_AUTH ? ' [no auth]' : policy === NO_RECONNECT ? ' [no reconnect]' : policy === STABLE_AT_ONCE ? ' [stableAfterMs 0]' : ''} → ${next} ${JSON.stringify(effects)}`;
    it(label, () => {
      const t = transition(at(phase, patch), event, policy);
      expect(t.state.phase).toBe(next);
      expect(t.state.attempt).toBe(attempt);
      expect(types(t.effects)).toEqual(effects);
    });
  }

  it('every other (phase, event, policy, history) combination changes nothing and has no effect', () => {
    const policies = [POLICY, NO_AUTH, NO_RECONNECT, STABLE_AT_ONCE];
    const histories: Partial<Connection>[] = [{}, ever, { ...ever, attempt: 1 }, { ...ever, attempt: 2 }];
    let unchanged = 0;
    for (const phase of CONNECTION_PHASES)
      for (const patch of histories)
        for (const event of EVENTS)
          for (const policy of policies) {
            const listed = TABLE.some(([p, h, e, pol]) => p === phase && e === event && pol === policy && JSON.stringify(h) === JSON.stringify(patch));
            const from = at(phase, patch);
            const t = transition(from, event, policy);
            if (listed) continue;
            const changed = t.state.phase !== phase || t.effects.length > 0;
            if (!changed) {
              unchanged++;
              expect(t.state.attempt === from.attempt || event.type === 'stable').toBe(true);
              continue;
            }
            // A changing combination not in the table must be a variant of a listed row
            // (same phase and event under another policy or history) — never a new kind of move.
            const variant = TABLE.some(([p, , e]) => p === phase && e === event);
            expect(variant, `${phase} + ${name(event)} is not described by the table`).toBe(true);
          }
    expect(unchanged).toBeGreaterThan(0);
  });

  it('closed is terminal: every event leaves it closed without effects', () => {
    for (const event of EVENTS) {
      const from = at('closed', ever);
      const t = transition(from, event, POLICY);
      expect(t.state).toBe(from);
      expect(t.effects).toEqual([]);
    }
  });

  it('the events that do not apply return the very same state object', () => {
    const from = at('open', ever);
    expect(transition(from, { type: 'retry' }, POLICY).state).toBe(from);
    expect(transition(from, { type: 'socket-open' }, POLICY).state).toBe(from);
    expect(transition(from, { type: 'connect' }, POLICY).state).toBe(from);
    expect(transition(at('open', ever), { type: 'reauth' }, NO_AUTH).effects).toEqual([]);
  });
});

// ---------------------------------------------------------------- model-based

/** The world around the machine, as its effects shape it. */
interface Model {
  policy: ConnectionPolicy;
  sockets: number;
  loggedIn: boolean;
  everOpened: boolean;
  shutdowns: number;
  scheduled: boolean;
  /** Reconnect attempts scheduled since the last session that was marked stable. */
  attemptsSinceStable: number;
}
interface Real {
  state: Connection;
}

class Send implements fc.Command<Model, Real> {
  constructor(readonly event: ConnectionEvent) {}
  check(): boolean {
    return true; // the machine must cope with any event in any state
  }
  run(m: Model, r: Real): void {
    const from = r.state;
    const { state, effects } = transition(from, this.event, m.policy);
    r.state = state;
    if (from.phase === 'closed') {
      expect(state).toBe(from);
      expect(effects).toEqual([]);
      return;
    }
    for (const e of effects) {
      switch (e.type) {
        case 'open-socket':
          expect(m.sockets, 'never two sockets').toBe(0);
          m.sockets = 1;
          m.loggedIn = false;
          m.scheduled = false;
          break;
        case 'login':
          expect(m.sockets).toBe(1);
          break;
        case 'detach':
          m.sockets = 0;
          m.loggedIn = false;
          break;
        case 'schedule-reconnect':
          expect(m.sockets, 'a reconnect waits without a socket').toBe(0);
          expect(e.attempt).toBe(state.attempt);
          m.attemptsSinceStable++;
          m.scheduled = true;
          break;
        case 'session-up':
          expect(m.sockets, 'a session has its socket').toBe(1);
          m.loggedIn = true;
          break;
        case 'watch-stable':
          break;
        case 'fail-in-flight':
          expect(m.sockets, 'in-flight requests fail once their socket is gone').toBe(0);
          break;
        case 'shutdown':
          m.shutdowns++;
          m.sockets = 0;
          break;
      }
    }
    // Invariants.
    expect(m.shutdowns, 'at most one shutdown').toBeLessThanOrEqual(1);
    expect(state.phase === 'closed', 'shutdown iff closed').toBe(m.shutdowns === 1);
    if (state.phase === 'open') {
      expect(m.loggedIn, 'open only after the session came up on this socket').toBe(true);
      if (m.policy.auth && from.phase !== 'open') expect(from.phase, 'auth precedes open').toBe('authenticating');
      expect(state.everOpened).toBe(true);
    }
    if (state.phase === 'reconnecting') expect(m.scheduled).toBe(true);
    if (state.phase === 'connecting' || state.phase === 'authenticating' || state.phase === 'open') expect(m.sockets).toBe(1);
    if (state.phase === 'idle' || state.phase === 'reconnecting') expect(m.sockets).toBe(0);
    if (m.everOpened) expect(state.everOpened, 'everOpened never goes back').toBe(true);
    m.everOpened = state.everOpened;
    const r2 = m.policy.reconnect;
    if (r2 !== false) expect(state.attempt, 'reconnect attempts bounded by the policy').toBeLessThanOrEqual(r2.maxAttempts);
    else expect(state.attempt).toBe(0);
    if (this.event.type === 'stable' && state.attempt === 0) m.attemptsSinceStable = 0;
    if (from.attempt > 0 && state.attempt === 0) m.attemptsSinceStable = 0;
    if (r2 !== false) expect(m.attemptsSinceStable).toBeLessThanOrEqual(r2.maxAttempts);
  }
  toString(): string {
    return name(this.event);
  }
}

describe('connection state machine: model-based (fast-check)', () => {
  const policies = fc.record({
    auth: fc.boolean(),
    reconnect: fc.oneof(fc.constant(false as const), fc.record({ maxAttempts: fc.integer({ min: 0, max: 4 }), stableAfterMs: fc.constantFrom(0, 100) })),
  });
  // Weighted towards the events that move a connection forward, so long sessions happen.
  const commands = [
    fc.constant(new Send({ type: 'connect' })),
    fc.constant(new Send({ type: 'socket-open' })),
    fc.constant(new Send({ type: 'socket-open' })),
    fc.constant(new Send({ type: 'auth-ok' })),
    fc.constant(new Send({ type: 'auth-ok' })),
    fc.constant(new Send({ type: 'reauth' })),
    fc.boolean().map((retryable) => new Send({ type: 'auth-refused', retryable })),
    fc.constant(new Send({ type: 'drop' })),
    fc.constant(new Send({ type: 'retry' })),
    fc.constant(new Send({ type: 'retry' })),
    fc.constant(new Send({ type: 'stable' })),
    fc.constant(new Send({ type: 'close' })),
  ];

  it('keeps its invariants over random event sequences', () => {
    fc.assert(
      fc.property(policies, fc.commands(commands, { maxCommands: 80, size: 'max' }), (policy, cmds) => {
        const model: Model = { policy, sockets: 0, loggedIn: false, everOpened: false, shutdowns: 0, scheduled: false, attemptsSinceStable: 0 };
        fc.modelRun(() => ({ model, real: { state: INITIAL_CONNECTION } }), cmds);
      }),
      { numRuns: 500, seed: 0x5eed },
    );
  });

  it('a session that never becomes stable gives up after maxAttempts reconnects', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), (maxAttempts) => {
        const policy: ConnectionPolicy = { auth: true, reconnect: { maxAttempts, stableAfterMs: 100 } };
        let s = INITIAL_CONNECTION;
        const step = (e: ConnectionEvent) => transition(s, e, policy);
        for (const e of [{ type: 'connect' }, { type: 'socket-open' }, { type: 'auth-ok' }] as ConnectionEvent[]) s = step(e).state;
        let schedules = 0;
        for (;;) {
          const t = step({ type: 'drop' });
          s = t.state;
          if (s.phase === 'closed') {
            expect(t.effects.at(-1)).toEqual({ type: 'shutdown', reason: 'reconnect-exhausted', attempts: maxAttempts });
            break;
          }
          schedules++;
          for (const e of [{ type: 'retry' }, { type: 'socket-open' }, { type: 'auth-ok' }] as ConnectionEvent[]) s = step(e).state;
        }
        expect(schedules).toBe(maxAttempts);
      }),
    );
  });
});
