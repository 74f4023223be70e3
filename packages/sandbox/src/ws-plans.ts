// Maps every WebSocket request type of the AsyncAPI document onto the same resource operations
// as REST. Derived from the document: an operation whose description says
// "Same as REST `POST /api/v1/s2s/accounts/stores`" (or "Same resource as REST …") runs that REST
// route's plan, with `<name>_id` payload members as path parameters and `data` (or the rest of
// the payload) as the body. Other types are planned from their name and reply schema:
// `<…>.create|get|list|fetch|search|update` on the entity named by the reply's `$ref`, and
// `<entity>.<action>` for lifecycle actions (`order.preparing`), `<…>.attach` setting the parent
// field named by the other id (`account.network.vehicle.attach`). Anything else answers its example.
import type { ApiModel, OperationModel } from '@s2sdk/asyncapi-codegen';
import { MACHINES } from './lifecycles/index.js';
import type { PlannedRoute } from './niyantha-rest.js';
import { paramField, type Plan } from './plans.js';

type Obj = Record<string, unknown>;

export interface WsPlan {
  op: OperationModel;
  /** The REST route whose plan runs this type, when the document names one. */
  rest?: PlannedRoute;
  /** Payload member → path parameter of the REST route. */
  paramFields?: Record<string, string>;
  /** Plan for WebSocket-only types. */
  plan?: Plan;
}

const REST_REF = /REST `([A-Z]+) ([^`]+)`/;

function refName(schema: unknown): string | undefined {
  const payload = ((schema as Obj | undefined)?.properties as Obj | undefined)?.payload as Obj | undefined;
  const ref = payload?.$ref;
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

function requestFields(op: OperationModel, model: ApiModel): { required: string[]; props: string[] } {
  let payload = ((op.request.root as Obj).properties as Obj | undefined)?.payload as Obj | undefined;
  const ref = payload?.$ref;
  if (typeof ref === 'string') payload = model.defs[ref.split('/').pop()!] as Obj | undefined;
  return { required: (payload?.required as string[] | undefined) ?? [], props: Object.keys((payload?.properties as Obj | undefined) ?? {}) };
}

export function planWs(model: ApiModel, routes: PlannedRoute[]): Map<string, WsPlan> {
  const out = new Map<string, WsPlan>();
  for (const op of model.operations) {
    const m = REST_REF.exec(`${op.description ?? ''} ${op.summary ?? ''}`);
    const rest = m ? routes.find((r) => r.route.method === m[1] && r.route.template === m[2]) : undefined;
    if (rest) {
      const segs = rest.route.template.split('/');
      const paramFields: Record<string, string> = {};
      segs.forEach((s, i) => {
        const p = /^\{(.+)\}$/.exec(s)?.[1];
        if (p) paramFields[paramField(segs[i - 1] ?? '', p)] = p;
      });
      out.set(op.type, { op, rest, paramFields });
      continue;
    }
    const reply = refName(op.reply.root);
    const entity = reply?.replace(/List$/, '');
    const verb = op.type.split('.').pop()!;
    const { required } = requestFields(op, model);
    const ids = required.filter((f) => f.endsWith('_id'));
    const idField = ids[ids.length - 1];
    const scope = ids.slice(0, -1).map((f) => ({ param: f, field: f }));
    const base = { entity, idParam: idField, idField, schema: entity ? (model.defs[entity] as Obj) : undefined };
    let plan: Plan = { kind: 'example', scope: [] };
    if (entity && verb === 'create') plan = { ...base, kind: 'create', idParam: undefined, scope: [] };
    else if (entity && (verb === 'list' || verb === 'fetch' || verb === 'search') && reply?.endsWith('List')) plan = { ...base, kind: 'list', idParam: undefined, scope: ids.map((f) => ({ param: f, field: f })) };
    else if (entity && verb === 'get' && idField) plan = { ...base, kind: 'get', scope };
    else if (entity && verb === 'update' && idField) plan = { ...base, kind: 'update', scope };
    else if (entity && idField && MACHINES[entity]?.actions[verb]) plan = { ...base, kind: 'action', action: verb, scope };
    // `account.network.vehicle.attach { network_id, vehicle_id }` → the Vehicle's network_id, when the entity has that field.
    else if (entity && idField && verb === 'attach' && scope.length && scope.every((f) => Object.hasOwn((base.schema?.properties as Obj | undefined) ?? {}, f.field))) plan = { ...base, kind: 'attach', scope };
    out.set(op.type, { op, plan });
  }
  return out;
}
