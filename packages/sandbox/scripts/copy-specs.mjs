// Copies the repository's specs/ into the package (packages/sandbox/specs, git-ignored) so the
// published package carries the documents it serves; in the repository the sandbox reads ../../specs.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(pkg, 'specs'), { recursive: true, force: true });
cpSync(join(pkg, '..', '..', 'specs'), join(pkg, 'specs'), { recursive: true });
