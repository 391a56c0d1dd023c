import { describe, expect, it } from "vitest";
import { hashToken, newToken, tokenKind, type TokenKind } from "../../worker/auth/tokens";

const kinds: [TokenKind, string][] = [
  ["agent", "vga_"],
  ["read", "vgr_"],
  ["node", "vgn_"],
];

describe("newToken", () => {
  it.each(kinds)("a %s token is %s + 43 base64url characters (32 bytes)", (kind, prefix) => {
    const token = newToken(kind);
    expect(token.startsWith(prefix)).toBe(true);
    expect(token.slice(prefix.length)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenKind(token)).toBe(kind);
  });

  it("never repeats", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newToken("agent")));
    expect(tokens.size).toBe(1000);
  });
});

describe("hashToken", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    // UTF-8, not UTF-16: sha256 of the bytes c3 a9.
    ["é", "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"],
  ])("sha-256 hex of %j", async (input, hex) => {
    expect(await hashToken(input)).toBe(hex);
  });
});

describe("tokenKind", () => {
  it.each([
    ["vga_x", "agent"],
    ["vgr_x", "read"],
    ["vgn_x", "node"],
    ["vgx_x", null],
    ["VGA_x", null],
    ["", null],
    ["Bearer vga_x", null],
  ])("%j claims %s", (token, kind) => {
    expect(tokenKind(token)).toBe(kind);
  });
});
