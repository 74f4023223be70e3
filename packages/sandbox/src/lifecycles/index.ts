import { orderMachine } from './order.js';
import { shipmentMachine } from './shipment.js';
import { storeMachine } from './store.js';
import { vehicleRequestMachine } from './vehicle-request.js';
import type { Machine } from './machine.js';

export { transition, type Machine, type Transition, type TransitionResult } from './machine.js';
export { orderMachine, shipmentMachine, storeMachine, vehicleRequestMachine };

/** Lifecycle per entity (the response schema title of a collection, see resources.ts). */
export const MACHINES: Readonly<Record<string, Machine>> = { Order: orderMachine, Shipment: shipmentMachine, Store: storeMachine, NetworkVehicleRequest: vehicleRequestMachine };
