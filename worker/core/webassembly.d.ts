// WebAssembly's JavaScript API: a global of every runtime the core runs in (Workers, Node,
// browsers) and of none of its platform libraries in particular. Declared here, just these members,
// so that the core still compiles with no DOM, Node or Workers types.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Global {
    value: unknown;
  }
}
