import type { Machine } from './machine.js';

/** NetworkVehicleRequestStatus (asyncapi/schemas/ws.yaml): pending → approved | rejected; both terminal. */
export const vehicleRequestMachine: Machine = {
  entity: 'NetworkVehicleRequest',
  initial: 'pending',
  actions: {
    approve: { from: ['pending'], to: 'approved' },
    reject: { from: ['pending'], to: 'rejected' },
  },
};
