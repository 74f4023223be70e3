// Spectral custom function for every `s2sdk-*` rule of .spectral-asyncapi.yaml: an adapter, no
// rules of its own. The conventions are defined and checked once, by checkConventions in
// @s2sdk/ws-protocol (imported from its source: Spectral bundles plain JavaScript, and the
// package's dist may not be built when lint runs); the generator refuses the same findings.
// Given the resolved document (`given: $`), it returns the findings of one rule:
// functionOptions: { rule } — a key of CONVENTION_RULES.
import { CONVENTION_RULES, checkConventions } from '../../packages/ws-protocol/src/conventions.js';

const memo = new WeakMap(); // document → findings: the document is checked once, not once per rule

export default function s2sdkConventions(document, options) {
  const rule = options && options.rule;
  if (!Object.prototype.hasOwnProperty.call(CONVENTION_RULES, rule)) {
    return [{ message: `s2sdkConventions: functionOptions.rule must be one of ${Object.keys(CONVENTION_RULES).join(', ')} (got ${JSON.stringify(rule)}).`, path: [] }];
  }
  if (document === null || typeof document !== 'object') return [];
  let findings = memo.get(document);
  if (!findings) memo.set(document, (findings = checkConventions(document)));
  return findings.filter((f) => f.rule === rule).map((f) => ({ message: f.message, path: f.path }));
}
