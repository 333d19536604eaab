import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, inject, it, vi } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { mailsTo, type Mail } from "./support.js";
import { createPerson, expectFitsPhone, logIn, uploadFile, type Person } from "./web/people.js";
import { signInThroughPage, useWebApp } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });
const shareCards = (page: Page) => page.getByRole("list", { name: "Share links" }).getByRole("listitem");
const fact = (page: Page, term: string) => page.locator(`dt:text-is("${term}") + dd`).first().textContent();
const SHARE_LINK = /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{43}/;

/** The mail to `address` this platform sent (another run's platform may mail the same address). */
function ourMail(address: string, subject: RegExp): Promise<Mail> {
  return vi.waitFor(
    async () => {
      const mail = (await mailsTo(address)).find((m) => subject.test(m.subject) && m.text.includes(`${gateway}/`));
      if (!mail) throw new Error(`no mail "${subject}" to ${address} yet`);
      return mail;
    },
    { timeout: 30_000, interval: 200 },
  );
}

async function ownerWithFile(name: string, data: Buffer): Promise<Person & { token: string; fileId: string }> {
  const owner = await createPerson(gateway, "Olive");
  const token = await logIn(owner);
  return { ...owner, token, fileId: await uploadFile(owner, token, name, data) };
}

describe.skipIf(local === null)("sharing in the web app, in Chromium", () => {
  it("when an owner shares a file with a password and a recipient, then the recipient opens the mailed link, unlocks and downloads the same bytes, the owner's inbox shows it without a reload, and revoking ends the link", async () => {
    const data = randomBytes(300 * 1024);
    const owner = await ownerWithFile("Plans.pdf", data);
    const recipient = `recipient-${randomUUID()}@example.com`;
    const password = `open sesame ${randomUUID().slice(0, 6)}`;
    const { page } = await browser.open({ permissions: ["clipboard-read", "clipboard-write"] });
    page.setDefaultTimeout(20_000);
    await page.goto(`${app.url()}/app/`);
    await signInThroughPage(page, owner.email, owner.password);
    await expect.poll(() => heading(page).textContent()).toBe("Files");

    await page.getByRole("button", { name: "Share Plans.pdf" }).click();
    const dialog = page.getByRole("dialog", { name: "Share “Plans.pdf”" });
    await dialog.getByLabel("Password (optional)").fill(password);
    await dialog.getByLabel("Download limit (optional)").fill("3");
    await dialog.getByLabel("Recipients (optional)").fill(recipient);
    await expectAccessible(page);
    await screenshotForReadme(page, "web-share-dialog");
    await dialog.getByRole("button", { name: "Create link" }).click();
    const linkField = dialog.getByLabel("Share link");
    await expect.poll(() => linkField.count()).toBe(1);
    const link = await linkField.inputValue();
    expect(link).toMatch(SHARE_LINK);
    expect(await dialog.getByRole("status").first().textContent()).toMatch(
      /^The link is ready, and mailed to 1 recipient\./,
    );
    await dialog.getByRole("button", { name: "Copy link" }).click();
    await expect.poll(() => dialog.getByText("Copied to the clipboard.").count()).toBe(1);
    expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(link);
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => dialog.count()).toBe(0);

    await nav(page).getByRole("link", { name: "Shares" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Shares");
    const card = shareCards(page).filter({ hasText: "Plans.pdf" });
    await expect.poll(() => card.count()).toBe(1);
    expect(await fact(page, "Downloads")).toBe("0 downloads, 3 left");
    expect(await fact(page, "Password")).toBe("Yes");
    expect(await fact(page, "Mailed to")).toBe(recipient);
    expect(await fact(page, "Expires")).toBeTruthy();
    await expectAccessible(page);
    await screenshotForReadme(page, "web-shares");
    await expectFitsPhone(page);

    // The owner watches the inbox; the page is marked, so a reload would show.
    await nav(page)
      .getByRole("link", { name: /^Inbox/ })
      .click();
    await expect.poll(() => heading(page).textContent()).toBe("Inbox");
    await expect.poll(() => page.getByText("Live: new notifications appear here.").isVisible()).toBe(true);
    await page.evaluate("window.notReloaded = true");
    const opened = page
      .getByRole("list", { name: "Notifications" })
      .getByRole("listitem")
      .filter({ hasText: "Share opened" });
    expect(await opened.count()).toBe(0);

    const mail = await ourMail(recipient, /shared .* with you/);
    expect(SHARE_LINK.exec(mail.text)?.[0]).toBe(link);
    const visitor = await browser.open();
    visitor.page.setDefaultTimeout(20_000);
    await visitor.page.goto(link);
    await visitor.page.getByLabel("Password", { exact: true }).fill(password);
    await visitor.page.getByRole("button", { name: "Unlock" }).click();
    const [saved] = await Promise.all([
      visitor.page.waitForEvent("download"),
      visitor.page.getByRole("link", { name: "Download" }).click(),
    ]);
    expect(saved.suggestedFilename()).toBe("Plans.pdf");
    expect(sha256(await readFile((await saved.path())!))).toBe(sha256(data));

    await expect.poll(() => opened.count(), { timeout: 30_000 }).toBe(1);
    expect(await opened.textContent()).toContain(
      "“Plans.pdf” was downloaded through your share link.".replace(/[“”]/g, '"'),
    );
    expect(await page.evaluate<boolean>("window.notReloaded === true")).toBe(true);
    await expectAccessible(page);

    await nav(page).getByRole("link", { name: "Shares" }).click();
    await expect.poll(() => fact(page, "Downloads")).toBe("1 download, 2 left");
    await card.getByRole("button", { name: "Revoke" }).click();
    await card.getByRole("button", { name: "Revoke the link" }).click();
    await expect.poll(() => card.count()).toBe(0);
    expect(await page.getByText("No live share links.").count()).toBe(1);
    const gone = await visitor.page.goto(link);
    expect(gone?.status()).toBe(410);
  });

  it("when the owner follows the link of the mail saying their share was opened, signed out, then they sign in and land on their shares", async () => {
    const owner = await ownerWithFile("Report.pdf", randomBytes(1000));
    const created = await owner.send("POST", `/files/${owner.fileId}/shares`, { token: owner.token, json: {} });
    expect(created.status).toBe(201);
    expect((await fetch(`${created.json<{ url: string }>().url}/content`)).status).toBe(200);
    const mail = await ourMail(owner.email, /was opened/);
    const mailed = new URL(/https?:\/\/\S+\/app\/shares\b\S*/.exec(mail.text)?.[0] ?? `${gateway}/no-link-in-the-mail`);
    expect(mailed.pathname).toBe("/app/shares");

    const { page } = await browser.open();
    page.setDefaultTimeout(20_000);
    // The mail's path, on the origin that serves the app here (the gateway itself once it serves /app).
    await page.goto(`${app.url()}${mailed.pathname}${mailed.search}`);
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    await signInThroughPage(page, owner.email, owner.password);
    await expect.poll(() => heading(page).textContent()).toBe("Shares");
    expect(new URL(page.url()).pathname).toBe("/app/shares");
    await expect.poll(() => fact(page, "Downloads")).toBe("1 download, no limit");
  });
});
