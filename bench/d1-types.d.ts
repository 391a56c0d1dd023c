// worker/ code names D1's types as globals (from @cloudflare/workers-types). The bench's Node program
// runs some of that code on a D1 served by workerd (workerd/remote-d1.ts) and takes only these
// names: the package's global file would also replace Node's own WebAssembly and fetch types.
type D1Database = import("@cloudflare/workers-types/index.ts").D1Database;
type D1PreparedStatement = import("@cloudflare/workers-types/index.ts").D1PreparedStatement;
type D1Result<T = unknown> = import("@cloudflare/workers-types/index.ts").D1Result<T>;
type D1Meta = import("@cloudflare/workers-types/index.ts").D1Meta;
