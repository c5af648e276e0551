// Each version's committed subset is what vendoring its default upstream gives, so the weekly
// drift job is green until Stability changes a document. The default upstreams are URLs; their
// committed copies (PIPELINE's `upstreamCopy`) stand in for them, vendored in-process into a
// temporary folder and compared byte for byte with openapi/.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPELINE } from "../scripts/lib/pipeline.ts";
import { vendorVersion } from "../scripts/lib/vendor.ts";
import { API_VERSIONS } from "../src/index.ts";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), "upstream-copies-"));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe.for(API_VERSIONS)("%s's committed subset", (version) => {
  it("is what vendoring the committed copy of its default upstream writes, byte for byte", async () => {
    const { upstream, upstreamCopy, vendored } = PIPELINE[version];
    expect(upstream).toMatch(/^https:\/\//);
    expect(path.basename(upstreamCopy)).toContain(`-${version}.`);
    const written = path.join(out, `${version}.openapi.json`);
    await vendorVersion(version, { upstream: upstreamCopy, out: written, root: REPO_ROOT });
    const [vendoredNow, committed] = await Promise.all([
      readFile(written, "utf8"),
      readFile(path.join(REPO_ROOT, vendored), "utf8"),
    ]);
    expect(vendoredNow).toBe(committed);
  });
});
