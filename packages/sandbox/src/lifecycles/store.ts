// Store lifecycle (specs/niyantha/schemas/stores.yaml, StoreStatus): the platform verifies a
// store (pending_verification → active); the owner toggles active ⇄ inactive.
import type { Machine } from './machine.js';

export const storeMachine: Machine = {
  entity: 'Store',
  initial: 'pending_verification',
  actions: {
    verify: { from: ['pending_verification'], to: 'active' },
    active: { from: ['active', 'inactive'], to: 'active' },
    inactive: { from: ['active', 'inactive'], to: 'inactive' },
    suspend: { from: ['pending_verification', 'active', 'inactive', 'suspended'], to: 'suspended' },
  },
};
