// JSON Schemas (draft 2020-12) of every Niyantha WebSocket message envelope, keyed by type.
// A separate entry point (`@s2sdk/niyantha-ws/schemas`) so that only validating apps load it.
import schemas from './generated/schemas.gen.json' with { type: 'json' };
import type { MessageSchemas } from './validate.js';

export const niyanthaSchemas: MessageSchemas = schemas as MessageSchemas;
export default niyanthaSchemas;
