// Where `s2sdk login` keeps the platform-auth tokens: the OS user config directory
// (XDG_CONFIG_HOME or ~/.config on Linux, %APPDATA% on Windows, ~/Library/Application Support
// on macOS), file mode 0600, directory 0700. The file is never printed.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 's2sdk');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 's2sdk');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 's2sdk');
}

export interface SavedLogin {
  baseUrl: string;
  email: string;
  access_token: string;
  refresh_token?: string;
  created_at?: number;
  expires_in?: number;
  scope?: string;
}

export const tokenFile = (env?: NodeJS.ProcessEnv) => join(configDir(env), 'platform-token.json');

export function saveLogin(file: string, login: SavedLogin): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(login), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function loadLogin(file: string): SavedLogin | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SavedLogin;
  } catch {
    return undefined;
  }
}

export const forgetLogin = (file: string) => rmSync(file, { force: true });
