import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dashboardQueries, prometheusClient } from "@coffer/contracts/testing";
import { chromium } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { renderDashboardPage } from "./dashboard-page.js";
import { createClient, someLoopbackAddress, verifyByMail } from "./support.js";

const base = inject("gatewayUrl");
const local = inject("local");

/** Wide enough to hold what this file and the rest of the run did. */
const RATE_INTERVAL = "5m";
const DASHBOARDS_DIR = join(import.meta.dirname, "..", "..", "infra", "observability", "grafana", "dashboards");
/** Set COFFER_SCREENSHOTS=1 to redraw the README's dashboard pictures (docs/screenshots). */
const SCREENSHOTS_DIR = join(import.meta.dirname, "..", "..", "docs", "screenshots");

describe.runIf(local)("the dashboards, over a real Prometheus scraping the platform", () => {
  it("when customers log in, upload and share, then every dashboard query returns data", async () => {
    expect(local!.prometheusUrl, "Prometheus is installed (infra/bin/infra install prometheus)").not.toBeNull();
    const prometheus = prometheusClient(local!.prometheusUrl!);

    // What the journey does, in short, so this file needs no other to have run before it.
    const send = createClient(base, { localAddress: someLoopbackAddress() });
    const email = `dashboards-${randomUUID()}@example.com`;
    const password = "a long and careful passphrase";
    expect((await send("POST", "/auth/register", { json: { email, password, displayName: "Dash" } })).status).toBe(201);
    await verifyByMail(send, email, password);
    expect((await send("POST", "/auth/login", { json: { email, password: "not the password" } })).status).toBe(401);
    const login = await send("POST", "/auth/login", { json: { email, password } });
    expect(login.status).toBe(200);
    const token = login.json<{ accessToken: string }>().accessToken;
    const boundary = `----coffer${randomUUID()}`;
    const uploaded = await send("POST", "/files", {
      token,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="chart.txt"\r\nContent-Type: text/plain\r\n\r\n`,
        ),
        Buffer.from("numbers\n"),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(uploaded.status).toBe(201);
    const shared = await send("POST", `/files/${uploaded.json<{ id: string }>().id}/shares`, { token, json: {} });
    expect(shared.status).toBe(201);
    const anonymous = createClient(base, { localAddress: someLoopbackAddress() });
    expect((await anonymous("GET", `${new URL(shared.json<{ url: string }>().url).pathname}/content`)).status).toBe(
      200,
    );
    expect((await anonymous("GET", `/s/${"x".repeat(43)}/content`)).status).toBe(404);

    const empty: string[] = [];
    for (const { dashboard, panel, expr } of dashboardQueries(RATE_INTERVAL)) {
      const returned = await expect
        .poll(async () => (await prometheus.query(expr)).length, { timeout: 10_000, interval: 1000 })
        .toBeGreaterThan(0)
        .then(
          () => true,
          () => false,
        );
      if (!returned) empty.push(`${dashboard} / ${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);

    if (process.env.COFFER_SCREENSHOTS) {
      // A minute and a half of steady traffic, paced, so the pictures show rates rather than dots.
      const upload = async (i: number) => {
        const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="load-${i}.txt"\r\n\r\n`;
        await send("POST", "/files", {
          token,
          headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
          body: Buffer.from(`${part}${"x".repeat(1000 * i)}\r\n--${boundary}--\r\n`),
        });
      };
      for (let i = 0, until = Date.now() + 90_000; Date.now() < until; i++) {
        await Promise.all([
          send("GET", "/files", { token }),
          anonymous("GET", `/s/${"y".repeat(43)}/content`),
          i % 5 === 0 ? upload(i) : undefined,
        ]);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      const to = Math.floor(Date.now() / 1000);
      // From the platform's start: what this run's Prometheus has seen.
      const [started] = await prometheus.query("min(process_start_time_seconds)");
      const from = Math.floor(Number(started!.value[1]));
      const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
        args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--disable-gpu"],
      });
      try {
        for (const name of ["event-pipeline", "file-service"]) {
          const html = await renderDashboardPage(join(DASHBOARDS_DIR, `${name}.json`), prometheus, {
            from,
            to,
            step: Math.max(1, Math.round((to - from) / 300)),
            rateInterval: "1m",
          });
          const page = await browser.newPage({ viewport: { width: 1370, height: 900 } });
          await page.setContent(html);
          await page.locator("main").screenshot({ path: join(SCREENSHOTS_DIR, `dashboard-${name}.png`) });
          await page.close();
        }
      } finally {
        await browser.close();
      }
    }
  });
});
