// Types of code-cache.mjs (for the TypeScript tests).
export function runCommonJs(file: string, cacheFile?: string): unknown;
