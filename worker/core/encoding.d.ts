// The WHATWG Encoding API's UTF-8 coders: a global of every runtime the core runs in (Workers, Node,
// browsers) and of none of its platform libraries in particular. Declared here, just these members,
// so that the core still compiles with no DOM, Node or Workers types.
declare class TextDecoder {
  constructor(label?: "utf-8", options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
