import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { queryDatabase } from "./support.js";
import { apiSession, signInThroughPage, useWebApp, verifiedPerson } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const ENTRIES = 10_000;

/** The names of the rows the list has in the page now (the virtualized list renders only those in view). */
const renderedNames = (page: Page, list: string) =>
  page.getByRole("list", { name: list }).getByRole("listitem").locator(".name").allTextContents();

describe.skipIf(local === null)("the web app's files, in Chromium", () => {
  it("when a folder holds 10,000 files, then the list pages through them as it scrolls, renders only a screenful, and sorts by name, size and date", async () => {
    const person = await verifiedPerson(gateway, "web-many");
    const session = await apiSession(gateway, person.email, person.password);
    await session.get("/folders/root");
    const created = await fetch(`${gateway}/folders`, {
      method: "POST",
      headers: { authorization: `Bearer ${session.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Archive" }),
    });
    const folder = (await created.json()) as { id: string };
    // Seeded straight into file-service's table: 10,000 uploads would only test the uploads.
    const seeded = await queryDatabase(
      local!.fileDatabaseUrl,
      `INSERT INTO files (id, customer_id, folder_id, name, current_version, size, content_type, sha256, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2, 'entry-' || lpad(i::text, 5, '0') || '.txt', 1, (i * 7919) % 100000, 'text/plain',
              repeat('0', 64), now() - make_interval(mins => i), now() - make_interval(mins => i)
         FROM generate_series(0, $3 - 1) AS i`,
      [session.id, folder.id, ENTRIES],
    );
    expect(seeded).toBe(ENTRIES);

    const { page } = await browser.open();
    await page.goto(`${app.url()}/app/folders/${folder.id}`);
    await signInThroughPage(page, person.email, person.password);
    await expect.poll(() => heading(page).textContent()).toBe("Archive");
    const list = "Contents of Archive";
    await expect.poll(async () => (await renderedNames(page, list))[0]).toBe("entry-00000.txt");
    await expectAccessible(page);
    await screenshotForReadme(page, "web-files-many");

    // Scrolled to the end by the wheel, as a person would, page after page of 200 is fetched.
    const started = Date.now();
    await page.getByRole("list", { name: list }).hover();
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, 200_000);
          return (await renderedNames(page, list)).includes("entry-09999.txt");
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBe(true);
    const seconds = (Date.now() - started) / 1000;
    expect(seconds, "from the top to the 10,000th entry").toBeLessThan(30);
    expect((await renderedNames(page, list)).length, "rows in the page").toBeLessThan(80);
    expect(await page.getByRole("list", { name: list }).getByRole("listitem").last().getAttribute("aria-setsize")).toBe(
      String(ENTRIES),
    );

    await page.getByRole("button", { name: "Sort by name, ascending" }).click();
    await expect.poll(async () => (await renderedNames(page, list))[0]).toBe("entry-09999.txt");
    await page.getByRole("button", { name: "Sort by size" }).click();
    await expect.poll(async () => (await renderedNames(page, list))[0]).toBe("entry-00000.txt");
    await page.getByRole("button", { name: "Sort by size, ascending" }).click();
    await expect.poll(async () => (await renderedNames(page, list))[0]).toBe("entry-05531.txt");
    await page.getByRole("button", { name: "Sort by modified" }).click();
    await expect.poll(async () => (await renderedNames(page, list))[0]).toBe("entry-09999.txt");
  });

  it("when a person creates folders, drags one onto another, renames and deletes, then the list, the breadcrumbs and the server agree", async () => {
    const person = await verifiedPerson(gateway, "web-folders");
    const { page } = await browser.open();
    await page.goto(`${app.url()}/app/`);
    await signInThroughPage(page, person.email, person.password);
    for (const name of ["Alpha", "Beta"]) {
      await page.getByRole("button", { name: "New folder" }).click();
      await page.getByLabel("Folder name").fill(name);
      await page.getByRole("button", { name: "Create" }).click();
      await expect.poll(() => page.getByRole("link", { name }).isVisible()).toBe(true);
    }
    await page.getByRole("button", { name: "New folder" }).click();
    await page.getByLabel("Folder name").fill("alpha");
    await page.getByRole("button", { name: "Create" }).click();
    await expect
      .poll(() => page.getByRole("dialog").getByRole("alert").textContent())
      .toBe("Something with that name is already there.");
    await page.getByRole("button", { name: "Cancel" }).click();

    const rowOf = (name: string) => page.getByRole("listitem").filter({ has: page.getByRole("link", { name }) });
    await rowOf("Beta").dragTo(rowOf("Alpha"));
    await expect.poll(() => page.getByRole("link", { name: "Beta" }).count()).toBe(0);
    await page.getByRole("link", { name: "Alpha" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Alpha");
    await expect.poll(() => page.getByRole("link", { name: "Beta" }).isVisible()).toBe(true);

    await page.getByRole("link", { name: "Beta" }).click();
    const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
    await expect.poll(() => crumbs.getByRole("listitem").allTextContents()).toEqual(["Files", "Alpha", "Beta"]);
    await expectAccessible(page);
    await crumbs.getByRole("link", { name: "Alpha" }).click();

    await page.getByRole("button", { name: "Rename Beta" }).click();
    await page.getByLabel("New name").fill("Gamma");
    await page.getByRole("button", { name: "Rename", exact: true }).click();
    await expect.poll(() => page.getByRole("link", { name: "Gamma" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Delete Gamma" }).click();
    await expect.poll(() => page.getByRole("link", { name: "Gamma" }).count()).toBe(0);

    const session = await apiSession(gateway, person.email, person.password);
    const root = await session.get<{ folders: { id: string; name: string }[] }>("/folders/root");
    expect(root.folders.map((f) => f.name)).toEqual(["Alpha"]);
    const alpha = await session.get<{ folders: unknown[] }>(`/folders/${root.folders[0]!.id}`);
    expect(alpha.folders).toEqual([]);
  });

  it("when the screen is 360 px wide, then the files, trash and usage fit it and stay accessible", async () => {
    const person = await verifiedPerson(gateway, "web-narrow");
    const { page } = await browser.open({ viewport: { width: 360, height: 740 } });
    await page.goto(`${app.url()}/app/`);
    await signInThroughPage(page, person.email, person.password);
    await page.getByRole("button", { name: "New folder" }).click();
    await page.getByLabel("Folder name").fill("A folder with a rather long name for a small screen");
    await page.getByRole("button", { name: "Create" }).click();
    await expect.poll(() => page.getByRole("button", { name: /^Delete A folder/ }).isVisible()).toBe(true);
    for (const [link, title] of [
      ["Files", "Files"],
      ["Trash", "Trash"],
      ["Usage", "Usage"],
    ] as const) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).click();
      await expect.poll(() => heading(page).textContent()).toBe(title);
      expect(await page.evaluate("document.scrollingElement.scrollWidth"), `${title} at 360 px`).toBeLessThanOrEqual(
        360,
      );
      await expectAccessible(page);
    }
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Files" }).click();
    await screenshotForReadme(page, "web-files-narrow");
  });
});
