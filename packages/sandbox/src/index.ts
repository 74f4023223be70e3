export { startSandbox, MAX_BODY_BYTES, type Sandbox, type SandboxOptions } from './server.js';
export { DEFAULT_ACCOUNT_ID, DEFAULT_APP_CREDENTIALS, DEFAULT_PLATFORM_USER, DEFAULT_THEODORE_USER, type CoreOptions } from './core.js';
export { manualClock, systemClock, type Clock } from './clock.js';
export type { Fixture } from './fixture.js';
export { ResourceStore, CursorError, type Page, type Rec, type StoreSnapshot } from './store.js';
export { KeyRegistry, DEFAULT_KEY_TTL_SECONDS, type KeySummary, type StoredKey } from './keys.js';
export { orderMachine, shipmentMachine, storeMachine, transition, MACHINES, type Machine, type TransitionResult } from './lifecycles/index.js';
export { findSpecsDir, loadResolved, SPEC_FILES } from './specs.js';
export { createAjv, compileCheck, type Check, type ErrorDetail, type SchemaCompiler } from './validate.js';
