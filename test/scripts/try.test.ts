/** `npm run try`'s choices made before anything is sent: the site's name and the log's format. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { pickFormat, siteNameFor } from "../../scripts/try";

const dir = mkdtempSync(join(tmpdir(), "vigie-try-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "basjes-2015-10-hackers.combined.log"),
  "utf8",
);
const combined = fixture.split("\n").slice(0, 50);

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("the site's name comes from the file's", () => {
  it.each([
    ["/var/log/nginx/access.log", "nginx-access"],
    ["/var/log/apache2/access.log.1", "apache2-access"],
    ["/var/log/apache2/other_vhosts_access.log.2.gz", "apache2-other-vhosts-access"],
    ["/var/log/apache2/blog.example.org-access.log", "blog-example-org-access"],
    ["/srv/logs/www_access_log-20250101", "www-access"],
    ["semicomplete-2015-05.combined.log", "semicomplete-2015-05-combined"],
    ["/x/.log", "x"],
    ["/---/.log", "my-log"],
  ])("%s → %s", (path, name) => expect(siteNameFor(path)).toBe(name));
});

describe("the format comes from the first lines", () => {
  it("combined (nginx's default too), vhost_combined, common; gzip read through", () => {
    expect(pickFormat(file("c.log", `${combined.join("\n")}\n`), undefined)).toBe("combined");
    const vhost = combined.map((l) => `blog.example.org:443 ${l}`).join("\n");
    expect(pickFormat(file("v.log", `${vhost}\n`), undefined)).toBe("vhost_combined");
    const common = combined.map((l) => l.replace(/ "[^"]*" "[^"]*"$/, "")).join("\n");
    expect(pickFormat(file("m.log", `${common}\n`), undefined)).toBe("common");
    expect(pickFormat(file("c.log.gz", gzipSync(`${combined.join("\n")}\n`)), undefined)).toBe(
      "combined",
    );
  });

  it("refuses what no preset reads, and a file with no whole line", () => {
    expect(() => pickFormat(file("n.txt", "hello\nworld\n"), undefined)).toThrow(
      /none of combined, vhost_combined, common reads the first lines/,
    );
    expect(() => pickFormat(file("e.log", "127.0.0.1 - - [cut"), undefined)).toThrow(
      /no complete line/,
    );
  });

  it("keeps a format given, checked", () => {
    expect(pickFormat(file("g.log", `${combined.join("\n")}\n`), "common")).toBe("common");
    expect(() => pickFormat(file("g2.log", `${combined.join("\n")}\n`), "%Q nonsense")).toThrow(
      /--format/,
    );
  });
});
