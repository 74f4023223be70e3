// Types of read-yaml.mjs (for the TypeScript tests).
export function readYamlFile(file: string): unknown;
