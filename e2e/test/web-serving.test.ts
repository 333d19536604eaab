import { describe, expect, inject, it } from "vitest";
import { useBrowser } from "./browser.js";

const gateway = inject("gatewayUrl");
const browser = useBrowser();

/**
 * The web app as the gateway serves it (kong.yml's web route → web/server/serve.mjs over the
 * built web/dist), in Chromium: under its CSP the app runs, its own routes survive a reload, and
 * its files are cached as they should be. Needs `npm run build -w web` first. With GATEWAY_URL it
 * checks a real Kong in front of compose's web container the same way.
 */
describe("the web app, served through the gateway", () => {
  it("when a browser opens / or one of the app's deep links, then the app runs under its CSP with no violation", async () => {
    const { page } = await browser.open();
    const violations: string[] = [];
    await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
    // A string: it runs in the page (this project's types have no DOM).
    await page.addInitScript(
      'document.addEventListener("securitypolicyviolation", (e) => reportViolation(`${e.violatedDirective} ${e.blockedURI}`));',
    );
    // The app's own files (the API's refusals, such as a refresh without a cookie, are the app's business).
    const failed: string[] = [];
    page.on("response", (response) => {
      const { pathname } = new URL(response.url());
      if (response.status() >= 400 && (pathname === "/" || pathname.startsWith("/app")))
        failed.push(`${response.status()} ${response.url()}`);
    });

    for (const path of ["/", "/app/shares", "/app/folders/00000000-0000-4000-8000-000000000000"]) {
      const answer = await page.goto(`${gateway}${path}`);
      expect(answer?.status(), path).toBe(200);
      expect(await answer?.headerValue("content-security-policy"), path).toContain("script-src 'self'");
      expect(await answer?.headerValue("cache-control"), path).toBe("no-cache");
      // The app's own code ran: signed out, every route leads to its sign-in page.
      await expect
        .poll(() => page.getByRole("heading", { level: 1 }).textContent(), { timeout: 15_000 })
        .toBe("Sign in");
    }
    expect(violations).toEqual([]);
    expect(failed).toEqual([]);
  });

  it("when the app's files are fetched, then the hashed assets are immutable, a missing one is a 404 and the API keeps its paths", async () => {
    const index = await fetch(`${gateway}/app/`);
    const html = await index.text();
    const script = /<script type="module" crossorigin src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, "index.html's entry script").toBeDefined();

    const asset = await fetch(`${gateway}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toMatch(/javascript/);

    const missing = await fetch(`${gateway}/app/assets/index-00000000.js`);
    expect({ status: missing.status, body: await missing.json() }).toEqual({
      status: 404,
      body: { code: "NOT_FOUND", message: "No such page or file" },
    });
    // Not the app's: the API's own answer, not index.html.
    const files = await fetch(`${gateway}/files`);
    expect(files.status).toBe(401);
    const nowhere = await fetch(`${gateway}/nowhere`);
    expect(await nowhere.json()).toEqual({ message: "no Route matched with those values" });
  });
});
