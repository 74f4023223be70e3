// Types of cli-bundle.mjs (for the TypeScript tests).
export function asyncapiCodegenCliBundle(root: string, cacheDir?: string): Promise<{ file: string; built: boolean }>;
