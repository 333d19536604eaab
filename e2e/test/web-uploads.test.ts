import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { expectAccessible, useBrowser } from "./browser.js";
import { apiSession, dropFiles, signInThroughPage, useWebApp, verifiedPerson } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const MiB = 2 ** 20;
const uploadState = (page: Page, name: string) =>
  page.getByRole("region", { name: "Uploads" }).getByRole("listitem").filter({ hasText: name }).getByRole("status");

describe.skipIf(local === null)("the web app's uploads, in Chromium", () => {
  it("when a person picks a whole folder, then its files are uploaded into the same tree of folders", async () => {
    const person = await verifiedPerson(gateway, "web-tree");
    const dir = mkdtempSync(join(tmpdir(), "web-tree-"));
    mkdirSync(join(dir, "photos", "2024"), { recursive: true });
    writeFileSync(join(dir, "photos", "a.txt"), "first\n");
    writeFileSync(join(dir, "photos", "2024", "b.txt"), "second\n");
    writeFileSync(join(dir, "photos", "2024", "c.txt"), "third\n");

    const { page } = await browser.open();
    await page.goto(`${app.url()}/app/`);
    await signInThroughPage(page, person.email, person.password);
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Upload a folder" }).click();
    await (await chooser).setFiles(join(dir, "photos"));
    for (const name of ["a.txt", "b.txt", "c.txt"])
      await expect.poll(() => uploadState(page, name).textContent(), { timeout: 30_000 }).toBe("Uploaded");
    await expectAccessible(page);

    await page.getByRole("link", { name: "photos" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Contents of photos" }).textContent()).toContain("a.txt");
    await page.getByRole("link", { name: "2024" }).click();
    const inner = page.getByRole("list", { name: "Contents of 2024" });
    await expect.poll(() => inner.textContent()).toContain("b.txt");
    expect(await inner.textContent()).toContain("c.txt");
  });

  it("when a person cancels an upload under way, then it stops and nothing is recorded", async () => {
    const person = await verifiedPerson(gateway, "web-cancel");
    const session = await apiSession(gateway, person.email, person.password);
    const path = join(mkdtempSync(join(tmpdir(), "web-cancel-")), "cancelled.bin");
    writeFileSync(path, randomBytes(6 * MiB));

    const { context, page } = await browser.open();
    await page.goto(`${app.url()}/app/`);
    await signInThroughPage(page, person.email, person.password);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 512 * 1024,
    });
    await dropFiles(page, ".drop-zone", [path]);
    await expect
      .poll(() => uploadState(page, "cancelled.bin").textContent(), { timeout: 30_000 })
      .toMatch(/Uploading [1-9]/);
    const terminated = page.waitForResponse(
      (r) => r.request().method() === "DELETE" && r.url().includes("/files/uploads/"),
    );
    await page.getByRole("button", { name: "Cancel the upload of cancelled.bin" }).click();
    expect((await terminated).status(), "the upload abandoned on the server (tus termination)").toBe(204);
    await expect.poll(() => page.getByRole("region", { name: "Uploads" }).count()).toBe(0);
    const found = await session.get<{ files: unknown[] }>("/files?q=cancelled");
    expect(found.files).toEqual([]);
  });
});
