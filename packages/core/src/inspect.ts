/** `util.inspect` hook, without importing node:util (the core also runs in browsers). */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;
