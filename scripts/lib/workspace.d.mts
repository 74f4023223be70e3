// Types of workspace.mjs (for the TypeScript repository tests).
export const repoRoot: string;
export function workspacePackages(root?: string): { dir: string; relDir: string; name: string; pkg: any; openapi?: string; asyncapi?: string }[];
export function specDocuments(root?: string): { api: string; kind: 'openapi' | 'asyncapi'; path: string; abs: string }[];
