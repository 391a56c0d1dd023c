/**
 * Bearer tokens. Pure Web Crypto, so the same code runs in workerd (the worker checks tokens) and in
 * Node 20 (scripts/site.ts mints them). D1 stores only `hashToken(token)`: a token is shown once.
 */

export type TokenKind = "agent" | "read" | "node";

const PREFIX: Record<TokenKind, string> = { agent: "vga_", read: "vgr_", node: "vgn_" };

/** 32 random bytes: 43 base64url characters after the prefix. */
const TOKEN_BYTES = 32;

/** A new random token: a kind prefix ("vga_", "vgr_", "vgn_") + 32 random bytes in base64url. */
export function newToken(kind: TokenKind): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return PREFIX[kind] + base64url(bytes);
}

/** sha-256 hex of the token (what D1 stores; tokens themselves are never stored). */
export async function hashToken(token: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)),
  );
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** The kind a token's prefix claims, or null. The claim is only a routing hint: the hash decides. */
export function tokenKind(token: string): TokenKind | null {
  for (const kind of Object.keys(PREFIX) as TokenKind[]) {
    if (token.startsWith(PREFIX[kind])) return kind;
  }
  return null;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
