// The part of js-yaml 4 (which ships no types) that yaml.ts uses.
declare module 'js-yaml' {
  interface TypeOptions {
    kind: 'scalar' | 'sequence' | 'mapping';
    resolve?: (data: string) => boolean;
    construct?: (data: string) => unknown;
  }
  class Type {
    constructor(tag: string, options: TypeOptions);
  }
  class Schema {
    extend(types: { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  interface LoadOptions {
    filename?: string;
    schema?: Schema;
  }
  const jsYaml: {
    Type: typeof Type;
    FAILSAFE_SCHEMA: Schema;
    CORE_SCHEMA: Schema;
    types: { null: Type; bool: Type; int: Type; float: Type; str: Type; seq: Type; map: Type };
    load(text: string, options?: LoadOptions): unknown;
  };
  export default jsYaml;
}
