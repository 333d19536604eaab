import { createSign } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { signInThroughPage, useWebApp, verifiedPerson } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });

/** What the page's requests to the API were answered, as "401 GET /trash". */
function answersOf(page: Page): string[] {
  const answers: string[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith("/app"))
      answers.push(`${response.status()} ${response.request().method()} ${url.pathname}`);
  });
  return answers;
}

/**
 * The same access token, signed with the platform's own key, but expired half an hour ago: what
 * the app holds when the tab sat idle past the token's lifetime (15 minutes, at least one).
 */
function expiredCopyOf(token: string): string {
  const [header, payload] = token.split(".");
  const now = Math.floor(Date.now() / 1000);
  const claims = { ...JSON.parse(Buffer.from(payload!, "base64url").toString()), iat: now - 3600, exp: now - 1800 };
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const key = readdirSync(local!.keysDir)
    .filter((f) => f.endsWith(".pem"))
    .sort()
    .at(-1)!;
  const signature = createSign("RSA-SHA256")
    .update(`${header}.${body}`)
    .sign(readFileSync(join(local!.keysDir, key)), "base64url");
  return `${header}.${body}.${signature}`;
}

describe.skipIf(local === null)("the web app's session and outages, in Chromium", () => {
  it("when the access token has expired, then the app renews it through the refresh cookie and the page loads, without a sign-in", async () => {
    const person = await verifiedPerson(gateway, "web-expiry");
    const { page } = await browser.open();
    await page.goto(`${app.url()}/app/sign-in`);
    const firstCall = page.waitForRequest((r) => new URL(r.url()).pathname === "/folders/root");
    await signInThroughPage(page, person.email, person.password);
    const token = (await firstCall).headers().authorization!.replace(/^Bearer /, "");

    const answers = answersOf(page);
    await page.route(
      (url) => url.pathname === "/trash",
      (route) =>
        route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${expiredCopyOf(token)}` } }),
      { times: 1 },
    );
    await nav(page, "Trash").click();
    await expect.poll(() => page.getByText("The trash is empty.").isVisible()).toBe(true);
    expect(answers.filter((a) => / \/(trash|auth\/refresh)$/.test(a))).toEqual([
      "401 GET /trash",
      "200 POST /auth/refresh",
      "200 GET /trash",
    ]);
    expect(new URL(page.url()).pathname).toBe("/app/trash");
    await expect.poll(() => heading(page).textContent()).toBe("Trash");
  });

  it("when the refresh token is used twice (stolen), then the session is revoked and the app sends the person to sign in with a message, and back afterwards", async () => {
    const person = await verifiedPerson(gateway, "web-reuse");
    const { context, page } = await browser.open();
    await page.goto(`${app.url()}/app/sign-in`);
    await signInThroughPage(page, person.email, person.password);
    const stolen = (await context.cookies(`${gateway}/auth/refresh`)).find((c) => c.name === "coffer_refresh")!;
    // The app renews on load: the cookie turns over, and the stolen one is now a used one.
    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe("Files");
    await nav(page, "Usage").click();
    await expect.poll(() => heading(page).textContent()).toBe("Usage");
    const thief = await fetch(`${gateway}/auth/refresh`, {
      method: "POST",
      headers: { cookie: `coffer_refresh=${stolen.value}` },
    });
    expect(thief.status).toBe(401);
    expect(((await thief.json()) as { code: string }).code).toBe("REFRESH_TOKEN_REUSED");

    // The revocation reaches the services as an event: the inbox's live stream ends at once, or the
    // next page the person opens is refused; either way the app sends them to sign in.
    await expect
      .poll(
        async () => {
          if (new URL(page.url()).pathname === "/app/sign-in") return true;
          await nav(page, "Usage")
            .click({ timeout: 2000 })
            .catch(() => undefined);
          await nav(page, "Trash")
            .click({ timeout: 2000 })
            .catch(() => undefined);
          return new URL(page.url()).pathname === "/app/sign-in";
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    await expect.poll(() => page.getByRole("status").textContent()).toMatch(/sign in again/);
    expect(new URL(page.url()).searchParams.get("next")).toMatch(/^\/(usage|trash)$/);
    await expectAccessible(page);
    await screenshotForReadme(page, "web-session-ended");
    const next = new URL(page.url()).searchParams.get("next")!;
    await signInThroughPage(page, person.email, person.password);
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/app${next}`);
  });

  it("when file-service's database drops its connections (503), then the page says Coffer is unavailable, and works again once it is back", async () => {
    const person = await verifiedPerson(gateway, "web-outage");
    const { page } = await browser.open();
    await page.goto(`${app.url()}/app/sign-in`);
    await signInThroughPage(page, person.email, person.password);
    await expect.poll(() => heading(page).textContent()).toBe("Files");

    // The operator's side of an outage: every query of file-service waits on a lock, and its
    // connection is then terminated (what a PostgreSQL restart does to it).
    const database = new URL(local!.fileDatabaseUrl).pathname.slice(1);
    const holder = new pg.Client({ connectionString: local!.fileDatabaseUrl });
    const operator = new pg.Client({ connectionString: local!.fileDatabaseUrl });
    await Promise.all([holder.connect(), operator.connect()]);
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE files IN ACCESS EXCLUSIVE MODE");
      await nav(page, "Trash").click();
      await expect
        .poll(
          async () => {
            await operator.query(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
              [database],
            );
            return page.getByRole("heading", { name: "Coffer is unavailable right now" }).isVisible();
          },
          { timeout: 30_000, interval: 250 },
        )
        .toBe(true);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await Promise.all([holder.end(), operator.end()]);
    }
    expect(await page.getByRole("alert").textContent()).toContain("(503)");
    await expect.poll(() => nav(page, "Files").isVisible()).toBe(true);
    await expectAccessible(page);
    await screenshotForReadme(page, "web-unavailable");

    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => page.getByText("The trash is empty.").isVisible(), { timeout: 20_000 }).toBe(true);
  });
});
