// Order lifecycle (specs/niyantha/schemas/orders.yaml, OrderStatus). REST decline = WS order.reject.
import type { Machine } from './machine.js';

export const orderMachine: Machine = {
  entity: 'Order',
  initial: 'placed',
  actions: {
    accept: { from: ['placed'], to: 'accepted' },
    reject: { from: ['placed'], to: 'rejected' },
    decline: { from: ['placed'], to: 'rejected' },
    cancel: { from: ['placed', 'accepted'], to: 'cancelled' },
    preparing: { from: ['accepted'], to: 'preparing' },
    prepared: { from: ['preparing'], to: 'prepared' },
    picked: { from: ['prepared'], to: 'picked' },
    delivered: { from: ['picked'], to: 'delivered' },
    'mark-paid-and-delivered': { from: ['accepted', 'preparing', 'prepared', 'picked'], to: 'delivered' },
  },
};
