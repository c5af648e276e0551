// Headless Chromium (Debian's package; nothing downloads a browser), driven by puppeteer-core from
// test/runtimes: the scenario bundled as a user's bundler would (ES modules, lazy chunks kept),
// on a page served from its own loopback port, so every call to the mock API is cross-origin and
// goes through CORS; once in the page itself and once in a module worker the page starts.
import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Context, StepResult } from "../../test/runtimes/scenario.ts";
import { buildEntries, RUNTIMES_DIR } from "./runtimes-app.ts";
import { RUN_LIMIT_MS, RuntimeFailure, type Runtime } from "./runtimes.ts";

/** Where Debian's chromium package puts the browser (the second is its wrapper script). */
const CHROMIUM = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"];

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The little of puppeteer-core used here (its types live in test/runtimes, outside the check). */
interface Page {
  on(event: "pageerror", listener: (error: Error) => void): void;
  goto(url: string): Promise<unknown>;
  evaluate<T>(run: () => T): Promise<Awaited<T>>;
}
interface Puppeteer {
  launch(options: {
    executablePath: string;
    ignoreDefaultArgs: boolean;
    args: string[];
    pipe: boolean;
  }): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }>;
}

async function puppeteer(): Promise<Puppeteer> {
  const file = createRequire(path.join(RUNTIMES_DIR, "package.json")).resolve("puppeteer-core");
  return ((await import(pathToFileURL(file).href)) as { default: Puppeteer }).default;
}

/** Serves the top-level files of `dir` on an ephemeral loopback port: the page's origin. */
async function servePage(dir: string) {
  const server = createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    readFile(path.join(dir, name)).then(
      (body) => {
        const type = name.endsWith(".html") ? "text/html" : "text/javascript";
        res.writeHead(200, { "content-type": type }).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const html = (script: string) => `<!doctype html><script type="module" src="${script}"></script>`;

async function inBrowser(binary: string, app: string, script: string): Promise<StepResult[]> {
  await writeFile(path.join(app, "index.html"), html(script));
  const origin = await servePage(app);
  const profile = `--user-data-dir=${path.join(app, "profile")}`;
  const browser = await (
    await puppeteer()
  ).launch({
    executablePath: binary,
    ignoreDefaultArgs: true,
    args: [...FLAGS, profile],
    pipe: true,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${origin.url}/index.html`);
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RuntimeFailure("no results in time")), RUN_LIMIT_MS);
    });
    const read = page.evaluate(() => (window as unknown as { results?: StepResult[] }).results);
    const results = await Promise.race([read, limit]);
    if (!results) throw new RuntimeFailure(`the page set no results: ${errors[0] ?? "no error"}`);
    return results;
  } finally {
    clearTimeout(timer);
    await browser.close();
    origin.close();
  }
}

function chromium(name: string, script: string, entries: string[], page: boolean): Runtime {
  return {
    name,
    page,
    browser: true,
    binary: CHROMIUM,
    versionArgs: ["--version"],
    obtain: "apt-get install -y chromium",
    async run(binary, app, context: Context) {
      await buildEntries(app, entries, { kind: "browser" }, context);
      return inBrowser(binary, app, script);
    },
  };
}

export const BROWSER_RUNTIMES: Runtime[] = [
  chromium("chromium", "page.js", ["page"], true),
  // A module worker has no `document`: the browser guard does not apply there.
  chromium("chromium-worker", "worker-host.js", ["worker-host", "module-worker"], false),
];
