import { describe, expect, it } from "vitest";
import { perConfiguration, remembered } from "../../worker/core/memo";
import { createPathClassifier, ASSET, DOWNLOAD } from "../../worker/core/classify-path";
import { createRefererClassifier } from "../../worker/core/classify-referer";
import { config } from "./fixtures";

describe("answers remembered across analyses", () => {
  it("a key is answered once and its answer shared, frozen; long keys are answered each time", () => {
    let calls = 0;
    const f = remembered((k: string) => ({ k, n: ++calls }), 3, 8);
    const a = f("a");
    expect(f("a")).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(calls).toBe(1);
    f("a-long-key");
    f("a-long-key");
    expect(calls).toBe(3);
  });

  it("the keys kept add up to at most `maxChars` characters: past that all are dropped, and answers stay right", () => {
    let calls = 0;
    const f = remembered((k: string) => k.toUpperCase() + ++calls, 6);
    expect([f("aa"), f("bb"), f("cc")]).toEqual(["AA1", "BB2", "CC3"]);
    expect(f("aa")).toBe("AA1");
    expect(f("d")).toBe("D4");
    expect(f("aa")).toBe("AA5");
  });

  it("one instance per configuration key, a few kept", () => {
    let made = 0;
    const make = perConfiguration(
      (c: { x: number }) => ({ x: c.x, id: ++made }),
      (c) => String(c.x),
      2,
    );
    const one = make({ x: 1 });
    expect(make({ x: 1 })).toBe(one);
    expect(make({ x: 2 })).not.toBe(one);
    make({ x: 3 });
    expect(make({ x: 1 })).not.toBe(one);
  });

  it("a path's flags follow its own configuration, never another's remembered answer", () => {
    const plain = createPathClassifier(config());
    const noAssets = createPathClassifier(
      config({ assetExtensions: [], replace: ["assetExtensions"] }),
    );
    const downloads = createPathClassifier(config({ downloadPaths: ["/files/"] }));
    expect(plain("/files/a.png") & ASSET).toBe(ASSET);
    expect(noAssets("/files/a.png") & ASSET).toBe(0);
    expect(plain("/files/a.png") & DOWNLOAD).toBe(0);
    expect(downloads("/files/a.png") & DOWNLOAD).toBe(DOWNLOAD);
  });

  it("a referer's class follows its own site hosts", () => {
    const a = createRefererClassifier({ siteHosts: ["a.example"], engines: [] });
    const b = createRefererClassifier({ siteHosts: ["b.example"], engines: [] });
    expect(a("http://a.example/x").kind).toBe("internal");
    expect(b("http://a.example/x").kind).toBe("site");
  });
});
