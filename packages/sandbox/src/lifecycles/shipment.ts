// Shipment lifecycle (specs/niyantha/schemas/shipments.yaml, ShipmentStatus).
import type { Machine } from './machine.js';

export const shipmentMachine: Machine = {
  entity: 'Shipment',
  initial: 'pending',
  actions: {
    assign: { from: ['pending'], to: 'assigned' },
    accept: { from: ['assigned'], to: 'accepted' },
    reject: { from: ['assigned'], to: 'pending' },
    'pick-up': { from: ['accepted'], to: 'in_transit' },
    complete: { from: ['accepted', 'in_transit'], to: 'completed' },
    cancel: { from: ['pending', 'assigned'], to: 'cancelled' },
  },
};
