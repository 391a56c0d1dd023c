import { ApiError } from "../errors";
import { readBody } from "../ingest/read-body";

/**
 * The largest body an unauthenticated request may send (the login form, a heartbeat): read as a
 * stream and refused (413) past this many bytes, never buffered whole first.
 */
export const SMALL_BODY_BYTES = 4096;

/** The body as text, at most SMALL_BODY_BYTES of it; ApiError too_large beyond. */
export async function readSmallBody(req: Request): Promise<string> {
  return new TextDecoder().decode(await readBody(req, SMALL_BODY_BYTES));
}

/** Whether `e` is the refusal of a body over the limit. */
export const isTooLarge = (e: unknown) => e instanceof ApiError && e.code === "too_large";
