import { mkdirSync } from "node:fs";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, onTestFinished } from "vitest";
import { someLoopbackAddress } from "./support.js";

/** Debian's Chromium (make install): Playwright's own browser download cannot reach its servers here. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where a failed test leaves its trace (`npx playwright show-trace <zip>`) and last screenshot. */
export const ARTIFACTS_DIR = join(import.meta.dirname, "..", "artifacts");
/** Set COFFER_SCREENSHOTS=1 to refresh the README's pictures (docs/screenshots) from the tests. */
const SCREENSHOTS_DIR = join(import.meta.dirname, "..", "..", "docs", "screenshots");

const LAUNCH_ARGS = [
  // Chromium refuses to start as root with its sandbox; CI runs as root.
  ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
  "--disable-gpu",
  // The machine's network is closed: these spare Chromium's calls home, refused by the dozen.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Pages opened with `javaScriptEnabled: false`: axe-core cannot run in them. */
const scriptless = new WeakSet<Page>();

/**
 * One Chromium for the test file; `open()` gives each test a fresh context (cookies, storage) and
 * page. A failed test leaves a trace and a screenshot in e2e/artifacts.
 */
export function useBrowser() {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    async open(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
      if (!browser) throw new Error("useBrowser() must be called at the top of the test file");
      // Each context is a person on a machine of their own: its requests leave from an address of
      // its own, so the gateway's per-address limits count them apart, as they would two people.
      const proxy = await startLoopbackProxy();
      const context = await browser.newContext({
        acceptDownloads: true,
        locale: "en-GB",
        proxy: { server: proxy.url, bypass: "<-loopback>" },
        ...options,
      });
      context.on("close", () => proxy.close());
      await context.tracing.start({ screenshots: true, snapshots: true });
      const page = await context.newPage();
      if (options.javaScriptEnabled === false) scriptless.add(page);
      const testName = (expect.getState().currentTestName ?? "test").replace(/[^A-Za-z0-9]+/g, "-").slice(0, 100);
      onTestFinished(async ({ task }) => {
        if (task.result?.state === "fail") {
          mkdirSync(ARTIFACTS_DIR, { recursive: true });
          await page
            .screenshot({ path: join(ARTIFACTS_DIR, `${testName}.png`), fullPage: true })
            .catch(() => undefined);
          await context.tracing.stop({ path: join(ARTIFACTS_DIR, `${testName}.trace.zip`) });
          console.error(`browser trace: ${join(ARTIFACTS_DIR, `${testName}.trace.zip`)}`);
        }
        await context.close();
      });
      return { context, page };
    },
  };
}

/**
 * An HTTP proxy on loopback that sends every request on from one random 127.x.y.z address (Linux
 * routes all of 127/8 to the loopback interface).
 */
async function startLoopbackProxy(): Promise<{ url: string; close: () => void }> {
  const localAddress = someLoopbackAddress();
  const agent = new Agent({ keepAlive: true });
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? "/");
    const forwarded = request(target, { method: req.method, headers: req.headers, agent, localAddress }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on("error", () => res.destroy());
    res.on("close", () => {
      if (!res.writableFinished) forwarded.destroy();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.close();
      server.closeAllConnections();
      agent.destroy();
    },
  };
}

/** No serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  let checked = page;
  let copy: BrowserContext | undefined;
  if (scriptless.has(page)) {
    // axe-core runs inside the page, and never finishes with JavaScript off: check the same HTML,
    // at the same size, in a page that runs it.
    copy = await page.context().browser()!.newContext({ viewport: page.viewportSize() });
    checked = await copy.newPage();
    await checked.setContent(await page.content());
  }
  const { violations } = await new AxeBuilder({ page: checked }).analyze().finally(() => copy?.close());
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `accessibility of ${page.url()}`,
  ).toEqual([]);
}

/** A picture of the page for the README, when COFFER_SCREENSHOTS=1. */
export async function screenshotForReadme(page: Page, name: string): Promise<void> {
  if (process.env.COFFER_SCREENSHOTS !== "1") return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}
