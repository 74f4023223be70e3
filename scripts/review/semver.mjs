// Semver policy: from the impact of a change to the bump a package needs.
//
// Impacts are stated in 1.x terms: `major` (breaking), `minor` (additive),
// `patch` (fixes, docs, internal changes), `none`.
//
// Policy for 0.x versions (every package starts at 0.1.0): npm's caret range
// ^0.y.z only accepts 0.y.*, so the minor component is the breaking one —
//   breaking → minor (0.1.3 → 0.2.0), additive → patch, patch → patch.
// From 1.0.0 on: breaking → major, additive → minor, patch → patch.
// (0.0.x versions are treated like 0.x: a breaking change moves them to 0.1.0.)

export const BUMPS = ['none', 'patch', 'minor', 'major'];

export const rank = (bump) => {
  const i = BUMPS.indexOf(bump);
  if (i === -1) throw new Error(`unknown bump "${bump}"`);
  return i;
};

export const maxBump = (...bumps) => bumps.reduce((a, b) => (rank(b) > rank(a) ? b : a), 'none');

/** @param {'major'|'minor'|'patch'|'none'} impact @param {string} version */
export function bumpFor(impact, version) {
  if (impact === 'none') return 'none';
  const major = Number.parseInt(String(version).split('.')[0] ?? '0', 10) || 0;
  if (major >= 1) return impact;
  if (impact === 'major') return 'minor';
  return 'patch';
}

/** The version a bump leads to (for the report). */
export function nextVersion(version, bump) {
  const [maj, min, pat] = String(version).split('-')[0].split('.').map((n) => Number.parseInt(n, 10) || 0);
  if (bump === 'major') return `${maj + 1}.0.0`;
  if (bump === 'minor') return `${maj}.${min + 1}.0`;
  if (bump === 'patch') return `${maj}.${min}.${pat + 1}`;
  return version;
}
