// Lint runners for the spec review: redocly (OpenAPI), spectral + @asyncapi/parser (AsyncAPI).
// Every runner returns { tool, errors, warnings, problems: [{ severity, rule, message, where }] }
// and never throws (a crashed tool is reported as one error problem).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot as workspaceRoot, toPosix } from '../lib/discover.mjs';

const run = promisify(execFile);
const bin = (name) => join(workspaceRoot, 'node_modules', '.bin', name);
const quietEnv = { ...process.env, NO_UPDATE_NOTIFIER: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };

async function tool(file, args, cwd) {
  try {
    const { stdout } = await run(file, args, { cwd, env: quietEnv, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    // Lint tools exit non-zero when they find errors; their report is still on stdout.
    if (err && typeof err === 'object' && 'stdout' in err && err.stdout) return String(err.stdout);
    throw err;
  }
}

function jsonFrom(text, open) {
  const i = text.indexOf(open);
  if (i === -1) throw new Error(`no JSON in output: ${text.slice(0, 200)}`);
  return JSON.parse(text.slice(i));
}

function summarize(toolName, problems) {
  return {
    tool: toolName,
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
    problems,
  };
}

function failed(toolName, err) {
  return summarize(toolName, [{ severity: 'error', rule: 'tool-failed', message: String(err?.message ?? err).split('\n')[0].slice(0, 300), where: '' }]);
}

/** `redocly lint` with the root's redocly.yaml (if any). */
export async function lintOpenApi(root, specAbs) {
  try {
    const out = await tool(bin('redocly'), ['lint', specAbs, '--format=json'], root);
    const report = jsonFrom(out, '{');
    return summarize(
      'redocly lint',
      (report.problems ?? []).map((p) => ({
        severity: p.severity === 'error' ? 'error' : p.severity === 'warn' || p.severity === 'warning' ? 'warning' : 'info',
        rule: p.ruleId,
        message: p.message,
        where: p.location?.[0] ? `${toPosix(relative(root, join(root, p.location[0].source?.ref ?? '')))}${p.location[0].pointer ?? ''}` : '',
      })),
    );
  } catch (err) {
    return failed('redocly lint', err);
  }
}

/** `spectral lint` with `.spectral-asyncapi.yaml` from the root, else the built-in `spectral:asyncapi` ruleset. */
export async function lintAsyncApiSpectral(root, specAbs) {
  const custom = join(root, '.spectral-asyncapi.yaml');
  let tmp;
  let ruleset = custom;
  if (!existsSync(custom)) {
    tmp = mkdtempSync(join(tmpdir(), 's2sdk-spectral-'));
    ruleset = join(tmp, 'ruleset.yaml');
    writeFileSync(ruleset, 'extends: ["spectral:asyncapi"]\n');
  }
  const name = `spectral lint (${existsSync(custom) ? '.spectral-asyncapi.yaml' : 'spectral:asyncapi'})`;
  try {
    const out = await tool(bin('spectral'), ['lint', specAbs, '-r', ruleset, '-f', 'json', '--quiet'], root);
    const trimmed = out.trim();
    const report = trimmed === '' || /^No results/i.test(trimmed) ? [] : jsonFrom(out, '[');
    const sev = ['error', 'warning', 'info', 'hint'];
    return summarize(
      name,
      report.map((p) => ({ severity: sev[p.severity] ?? 'info', rule: p.code, message: p.message, where: `${toPosix(relative(root, p.source ?? specAbs))}#/${(p.path ?? []).join('/')}` })),
    );
  } catch (err) {
    return failed(name, err);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** @asyncapi/parser diagnostics (the same parser the generator and the mock use). */
export async function lintAsyncApiParser(root, specAbs) {
  try {
    const { Parser, fromFile } = await import('@asyncapi/parser');
    const { diagnostics } = await fromFile(new Parser(), specAbs).parse();
    const sev = ['error', 'warning', 'info', 'hint'];
    return summarize(
      '@asyncapi/parser',
      diagnostics.map((d) => ({ severity: sev[d.severity] ?? 'info', rule: String(d.code), message: d.message, where: `#/${(d.path ?? []).join('/')}` })),
    );
  } catch (err) {
    return failed('@asyncapi/parser', err);
  }
}

export async function lintSpec(root, spec) {
  if (spec.kind === 'openapi') return [await lintOpenApi(root, spec.abs)];
  return Promise.all([lintAsyncApiSpectral(root, spec.abs), lintAsyncApiParser(root, spec.abs)]);
}
