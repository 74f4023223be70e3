export { runCli, USAGE } from './main.js';
export { CliError, mask, type Io } from './io.js';
export { configDir, tokenFile, loadLogin, type SavedLogin } from './config.js';
