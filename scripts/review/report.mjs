// Markdown rendering of the spec review (for stdout, reports/spec-review.md and the PR step summary).
const ICON = { breaking: '🔴 breaking', behaviour: '🟠 behaviour', 'non-breaking': '🟢 non-breaking', unclassified: '🟡 review', docs: '⚪ docs' };
const ORDER = ['breaking', 'behaviour', 'unclassified', 'non-breaking', 'docs'];

const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function changeTable(changes) {
  if (!changes.length) return '_No changes._\n';
  const sorted = [...changes].sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity));
  // The same change reached through several operations is shown once with every location.
  const grouped = new Map();
  for (const c of sorted) {
    const key = `${c.severity}\0${c.message}`;
    if (!grouped.has(key)) grouped.set(key, { ...c, wheres: [] });
    if (!grouped.get(key).wheres.includes(c.where)) grouped.get(key).wheres.push(c.where);
  }
  const rows = [...grouped.values()].map((c) => `| ${ICON[c.severity]} | ${esc(c.wheres.slice(0, 4).join('<br>'))}${c.wheres.length > 4 ? ` (+${c.wheres.length - 4})` : ''} | ${esc(c.message)} | \`${c.code}\` |`);
  return ['| impact | where | change | rule |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}

function lintSection(lints) {
  if (!lints.length) return '';
  const lines = [];
  for (const l of lints) {
    const status = l.errors ? `❌ ${l.errors} error(s), ${l.warnings} warning(s)` : l.warnings ? `⚠️ ${l.warnings} warning(s)` : '✅ clean';
    lines.push(`- **${l.tool}**: ${status}`);
    const shown = l.problems.filter((p) => p.severity === 'error' || p.severity === 'warning').slice(0, 15);
    for (const p of shown) lines.push(`  - ${p.severity === 'error' ? '❌' : '⚠️'} \`${p.rule}\` ${esc(p.message)}${p.where ? ` — \`${esc(p.where)}\`` : ''}`);
    const rest = l.problems.filter((p) => p.severity === 'error' || p.severity === 'warning').length - shown.length;
    if (rest > 0) lines.push(`  - … and ${rest} more`);
  }
  return lines.join('\n') + '\n';
}

export function renderMarkdown(result) {
  const out = [];
  const short = (s) => (s ? s.slice(0, 10) : '—');
  out.push(`# Spec review`);
  out.push('');
  out.push(`Base \`${result.base}\` (${short(result.baseSha)}) → working tree (HEAD ${short(result.headSha)}).`);
  out.push('');
  out.push('## Packages');
  out.push('');
  out.push('| package | version | impact | needs | pending changesets | | why |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const p of result.packages) {
    const why = p.isNew ? 'new package (initial release)' : [...p.reasons.map((r) => r.text), ...(p.viaDependencies.length ? [`dependency released: ${p.viaDependencies.join(', ')} (changesets bumps this package automatically)`] : [])].join('<br>') || '—';
    out.push(`| \`${p.name}\` | ${p.version} | ${p.impact} | **${p.required}**${p.required !== 'none' ? ` → ${p.next}` : ''} | ${p.declared} | ${p.ok ? '✅' : '❌ add a changeset'} | ${esc(why)} |`);
  }
  out.push('');
  out.push('Impact is in 1.x terms (major = breaking, minor = additive, patch = fixes/docs). While a package is 0.x, breaking → minor and additive → patch (see scripts/review/semver.mjs).');
  out.push('');
  out.push(`Pending changesets are those added or modified since the base: ${(result.changesets ?? []).map((c) => `\`${c.file}\``).join(', ') || 'none'}${result.changesetsOnBase?.length ? ` (already on the base, not counted: ${result.changesetsOnBase.length})` : ''}.`);
  out.push('');
  const missing = result.packages.filter((p) => !p.ok);
  if (missing.length) {
    out.push('**Changesets missing.** Add (`npm run changeset`), or create `.changeset/<name>.md`:');
    out.push('');
    out.push('```md');
    out.push(suggestedChangeset(missing));
    out.push('```');
    out.push('');
  }

  out.push('## Specs');
  out.push('');
  for (const s of result.specs) {
    const counts = ORDER.map((sev) => [sev, s.changes.filter((c) => c.severity === sev).length]).filter(([, n]) => n);
    out.push(`### \`${s.path}\` (${s.kind}${s.status !== 'changed' ? `, ${s.status}` : ''})`);
    out.push('');
    out.push(`Packages: ${s.packages.length ? s.packages.map((n) => `\`${n}\``).join(', ') : '_none_'} · impact: **${s.impact}**${counts.length ? ` · ${counts.map(([k, n]) => `${n} ${k}`).join(', ')}` : ''}`);
    out.push('');
    if (s.lints.length) {
      out.push('**Lint**');
      out.push('');
      out.push(lintSection(s.lints));
    }
    out.push('**Changes**');
    out.push('');
    out.push(changeTable(s.changes));
  }

  out.push('## Public API');
  out.push('');
  for (const p of result.packages) {
    if (!p.api) continue;
    out.push(`### \`${p.name}\``);
    out.push('');
    if (p.api.status === 'new') out.push('_New package._\n');
    else {
      out.push(changeTable(p.api.changes));
      if (p.api.diagnostics.length) {
        out.push('<details><summary>type errors while reading the API (the diff may be incomplete)</summary>');
        out.push('');
        for (const d of p.api.diagnostics) out.push(`- ${esc(d)}`);
        out.push('');
        out.push('</details>');
        out.push('');
      }
    }
  }
  return out.join('\n') + '\n';
}

/** A changeset file that satisfies every missing bump. */
export function suggestedChangeset(missing) {
  return ['---', ...missing.map((p) => `"${p.name}": ${p.required}`), '---', '', 'Describe the change for the CHANGELOG.'].join('\n');
}
