import { visibleBidi } from "./format";

/**
 * A stranger's text (a log's path, referer, agent, search terms, a node's report…): isolated in
 * `<bdi>` so that its direction cannot reorder the page around it, with its bidi controls shown
 * as visible markers so that it cannot reorder itself either. hono/jsx escapes it.
 */
export function Ext(p: { v: string }) {
  return <bdi>{visibleBidi(p.v)}</bdi>;
}
