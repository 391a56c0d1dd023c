/**
 * E-mail through Email Routing's `send_email` binding: a raw RFC 5322 message wrapped in
 * `EmailMessage` (cloudflare:email). The recipient must be a verified destination address of the
 * account, the sender an address of a zone with Email Routing on.
 */
import { EmailMessage } from "cloudflare:email";
import type { Message } from "./channels";

export function rawEmail(from: string, to: string, m: Message, now: Date): string {
  const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
  const domain = from.split("@")[1] ?? "vigie.invalid";
  return [
    `From: Vigie <${from}>`,
    `To: ${to}`,
    `Subject: =?UTF-8?B?${b64(m.title)}?=`,
    `Date: ${now.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${crypto.randomUUID()}@${domain}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    b64(m.text).replace(/.{76}/g, "$&\r\n"),
    "",
  ].join("\r\n");
}

export async function sendEmail(
  binding: SendEmail,
  from: string,
  to: string,
  m: Message,
): Promise<void> {
  await binding.send(new EmailMessage(from, to, rawEmail(from, to, m, new Date())));
}
