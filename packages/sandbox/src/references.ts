// Referential integrity: which `*_id` members of a request body name a record of which stored
// collection. Derived, not hand-kept: the collections are the entities the plans store
// (plans.ts, ws-plans.ts), a member names the collection whose snake_case name ends it
// (`location_id`, `from_location_id` → Location; `owner_aadhaar_front_file_id` → File;
// `character_id` → AICharacter when exactly one collection ends in `_character`), and the
// spec's x-decisions can name the target where the member's name does not
// ("store_item_id is a CatalogProduct id", openapi.yaml `product-model`).
// The check itself is Engine.references(); REST and WebSocket both reach it via dispatchPlan.

/** `AICharacter` → `ai_character`, `StoreProduct` → `store_product`. */
export const snakeCase = (name: string): string =>
  name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();

/** The collection a `*_id` member names, or undefined when it names none the sandbox stores. */
export type ReferenceTargets = (member: string) => string | undefined;

const DECISION = /`?\b([a-z][a-z0-9_]*_id)\b`? is an? (?:[a-z]+ )?([A-Z][A-Za-z0-9]*) id\b/g;

export function referenceTargets(collections: Iterable<string>, decisions: readonly string[] = []): ReferenceTargets {
  const names = [...collections].map((entity) => ({ entity, snake: snakeCase(entity) }));
  const known = new Set(names.map((n) => n.entity));
  const explicit = new Map<string, string>();
  for (const text of decisions) for (const m of text.matchAll(DECISION)) if (known.has(m[2]!)) explicit.set(m[1]!, m[2]!);
  const cache = new Map<string, string | undefined>();
  return (member) => {
    if (!member.endsWith('_id')) return undefined;
    if (explicit.has(member)) return explicit.get(member);
    if (cache.has(member)) return cache.get(member);
    const stem = member.slice(0, -3);
    // The longest collection name that ends the member (`store_product_id` → StoreProduct, not Store).
    const ending = names.filter((n) => stem === n.snake || stem.endsWith(`_${n.snake}`)).sort((a, b) => b.snake.length - a.snake.length)[0];
    // Else a collection whose name ends with the member's stem, when only one does (`thread_id` → AIThread).
    const wider = names.filter((n) => n.snake.endsWith(`_${stem}`));
    const target = ending?.entity ?? (wider.length === 1 ? wider[0]!.entity : undefined);
    cache.set(member, target);
    return target;
  };
}

export interface Reference {
  /** JSON Pointer of the member in the body. */
  pointer: string;
  entity: string;
  id: number;
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every numeric `*_id` member of `value` (nested objects and arrays included) that names a collection. */
export function referencesIn(value: unknown, targets: ReferenceTargets, pointer = ''): Reference[] {
  const out: Reference[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const entity = typeof x === 'number' ? targets(k) : undefined;
        if (entity) out.push({ pointer: `${at}/${escape(k)}`, entity, id: x as number });
        else walk(x, `${at}/${escape(k)}`);
      }
    }
  };
  walk(value, pointer);
  return out;
}
