// Types of tool-bundles.mjs (for the TypeScript tests).
export type BundleName = 'asyncapi-cli-light' | 'asyncapi-cli' | 'openapi-typescript';
export const FULL_BUNDLES: BundleName[];
export const defaultCacheDir: (root: string) => string;
export function cachedBundle(root: string, name: BundleName, dir?: string): string | undefined;
export function buildBundle(root: string, name: BundleName, dir?: string, options?: { threads?: number }): Promise<string>;
export function bundle(root: string, name: BundleName, dir?: string): Promise<{ file: string; built: boolean }>;
export function asyncapiGenerator(root: string, dir?: string): Promise<{ args: string[]; stale: BundleName | undefined }>;
export function loadOpenapiTypescript(root: string, dir?: string): { module: unknown; stale: BundleName | undefined };
/** The esbuild plugin behind a recipe's `trustRuleset` (Spectral's `assertValidRuleset` a no-op; an error when that module is not an input). */
export const trustedRuleset: import('esbuild').Plugin;
