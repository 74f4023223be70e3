// A tiny state machine: named actions, each allowed from some states, leading to one state.
// Pure; the lifecycle modules below are tables for it, taken from the status schemas' descriptions.

export interface Transition {
  from: readonly string[];
  to: string;
}

export interface Machine {
  /** The schema whose `status` this machine governs (for messages). */
  entity: string;
  initial: string;
  actions: Readonly<Record<string, Transition>>;
}

export type TransitionResult = { ok: true; status: string } | { ok: false; message: string };

export function transition(machine: Machine, current: string, action: string, id: number | string): TransitionResult {
  const t = machine.actions[action];
  if (!t) return { ok: false, message: `${machine.entity} has no action ${action}` };
  if (!t.from.includes(current)) {
    return { ok: false, message: `${machine.entity} ${id} is ${current}; ${action} needs ${t.from.join(' or ')}` };
  }
  return { ok: true, status: t.to };
}
