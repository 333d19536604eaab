import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { expectAccessible, useBrowser } from "./browser.js";
import { createPerson, logIn, signInAt, uploadFile } from "./web/people.js";
import { useWebApp } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const MiB = 1024 * 1024;
const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const rowOf = (page: Page, name: string) =>
  page
    .getByRole("list", { name: /^Contents of / })
    .getByRole("listitem")
    .filter({ hasText: name });

/** Presses Tab until the focused element has this accessible label (a person tabbing through the page). */
async function tabTo(page: Page, label: string): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate<string | null>(
      "(e => e?.getAttribute('aria-label') ?? e?.labels?.[0]?.textContent ?? e?.textContent ?? null)(document.activeElement)",
    );
    if (focused === label) return;
  }
  throw new Error(`Tab never reached ${label}`);
}

describe.skipIf(local === null)("downloads, moves and the trash in the web app, in Chromium", () => {
  it("when a person downloads a file, then the browser's own download streams it from a short-lived ticket link, the same bytes, and the ticket is in no log", async () => {
    const person = await createPerson(gateway, "Dora");
    const data = randomBytes(6 * MiB);
    await uploadFile(person, await logIn(person), "Survey data.bin", data);
    const { page } = await browser.open();
    await signInAt(page, app.url(), "/", person);
    await expect.poll(() => rowOf(page, "Survey data.bin").count()).toBe(1);

    const ticketAnswer = page.waitForResponse((response) => response.url().endsWith("/download-ticket"));
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download Survey data.bin" }).click();
    const { url } = (await (await ticketAnswer).json()) as { url: string };
    const ticket = new URL(url).pathname.split("/").at(-1)!;
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const saved = await download;
    // Not a blob the page assembled: the browser fetched the ticket's link itself.
    expect(saved.url()).toBe(url);
    expect(saved.suggestedFilename()).toBe("Survey data.bin");
    expect(readFileSync((await saved.path())!).equals(data)).toBe(true);

    const gatewayLog = join(local!.logDir, "gateway.log");
    await expect.poll(() => readFileSync(gatewayLog, "utf8").includes('"path":"/downloads/[redacted]"')).toBe(true);
    const leaks = readdirSync(local!.logDir).filter((file) =>
      readFileSync(join(local!.logDir, file), "utf8").includes(ticket),
    );
    expect(leaks).toEqual([]);
  });

  it('when a person moves a file with the keyboard alone, then the "Move to…" dialog lists the folders and the file lands in the chosen one', async () => {
    const person = await createPerson(gateway, "Kim");
    const token = await logIn(person);
    for (const name of ["Alpha", "Beta"]) {
      const created = await person.send("POST", "/folders", { token, json: { name } });
      expect(created.status).toBe(201);
    }
    const fileId = await uploadFile(person, token, "report.txt", Buffer.from("quarterly"));
    const { page } = await browser.open();
    await signInAt(page, app.url(), "/", person);
    await expect.poll(() => rowOf(page, "report.txt").count()).toBe(1);

    await tabTo(page, "Move report.txt to…");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Move report.txt" });
    await expect.poll(() => dialog.getByRole("radio").count()).toBe(3);
    expect(await dialog.getByRole("radio", { name: "Files (where it is)" }).isChecked()).toBe(true);
    await expectAccessible(page);
    await tabTo(page, "Files (where it is)");
    await page.keyboard.press("ArrowDown");
    expect(await dialog.getByRole("radio", { name: "Files / Alpha" }).isChecked()).toBe(true);
    await tabTo(page, "Move here");
    await page.keyboard.press("Enter");

    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => rowOf(page, "report.txt").count()).toBe(0);
    const moved = (await person.send("GET", `/files/${fileId}`, { token })).json<{ folderId: string }>();
    const root = (await person.send("GET", "/folders/root", { token })).json<{
      folders: { id: string; name: string }[];
    }>();
    expect(moved.folderId).toBe(root.folders.find((f) => f.name === "Alpha")!.id);
    await page.getByRole("link", { name: "Alpha" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Alpha");
    await expect.poll(() => rowOf(page, "report.txt").count()).toBe(1);
  });

  it("when a file is in the trash, then the trash says when it went in and when it will be deleted for good, as the API does", async () => {
    const person = await createPerson(gateway, "Tess");
    const token = await logIn(person);
    const fileId = await uploadFile(person, token, "old draft.txt", Buffer.from("draft"));
    expect((await person.send("DELETE", `/files/${fileId}`, { token })).status).toBe(204);
    const [item] = (await person.send("GET", "/trash", { token })).json<{
      files: { trashedAt: string; purgeAt: string }[];
    }>().files;
    const { page } = await browser.open();
    await signInAt(page, app.url(), "/trash", person);
    await expect.poll(() => heading(page).textContent()).toBe("Trash");
    const shown = (iso: string) =>
      page.evaluate<string>(
        `new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(${JSON.stringify(iso)}))`,
      );
    const line = page.getByRole("list", { name: "Files in the trash" }).getByRole("listitem");
    await expect
      .poll(() => line.textContent())
      .toContain(`deleted ${await shown(item!.trashedAt)} · deleted for good on ${await shown(item!.purgeAt)}`);
    expect(new Date(item!.purgeAt).getTime() - new Date(item!.trashedAt).getTime()).toBe(30 * 24 * 3600 * 1000);
  });
});
