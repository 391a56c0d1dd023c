/**
 * Where notifications go. The webhook gets `{ "text", "title", "priority" }` as JSON: Slack's
 * incoming webhooks read `text`; ntfy reads it through message templating
 * (`https://ntfy.sh/TOPIC?tpl=1&t={{.title}}&m={{.text}}`). E-mail goes through an injected sender
 * (in the worker: the `send_email` binding, see email.ts), so the drain never needs the binding.
 */

export type Channel = "webhook" | "email";

export interface Message {
  title: string;
  text: string;
  priority: number;
}

/** Sends one message on one channel; throws with a short reason when the send failed. */
export type Sender = (channel: Channel, message: Message) => Promise<void>;

export async function postWebhook(fetcher: typeof fetch, url: string, m: Message): Promise<void> {
  let res: Response;
  try {
    res = await fetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: m.text, title: m.title, priority: m.priority }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new Error(`webhook: ${e instanceof Error ? e.message : String(e)}`);
  }
  const body = await res.text().catch(() => "");
  if (!res.ok) throw new Error(`webhook answered ${res.status}: ${body.slice(0, 200)}`);
}
