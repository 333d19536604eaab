import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, inject, it, vi } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { mailsTo, raiseQuota, waitForLink } from "./support.js";
import { apiSession, dropFiles, signInThroughPage, useWebApp } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });
const MiB = 2 ** 20;
type FileList = { files: { id: string; name: string; sha256: string; version: number; size: number }[] };

/** The percentage the upload list shows for the file, or -1. */
async function uploadedPercent(page: Page, name: string): Promise<number> {
  const text = await page
    .getByRole("listitem")
    .filter({ hasText: name })
    .getByRole("status")
    .textContent()
    .catch(() => "");
  return Number(/Uploading (\d+) %/.exec(text ?? "")?.[1] ?? -1);
}

describe.skipIf(local === null)("the web app: a person's whole journey, in Chromium", () => {
  it("when a person signs up, verifies, uploads 64 MiB by drag and drop across a reload, searches, shares it, trashes and restores it, goes back a version, ends another session and signs out, then every step works and the bytes are theirs", async () => {
    const { context, page } = await browser.open();
    const email = `web-${randomUUID()}@example.com`;
    const password = "a long and careful passphrase";

    // Sign up, and the verification link from the mail.
    await page.goto(`${app.url()}/app/`);
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    await expectAccessible(page);
    await screenshotForReadme(page, "web-sign-in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill("Robin");
    await page.getByLabel("E-mail address").fill(email);
    await page.getByLabel("Password").fill(password);
    await expectAccessible(page);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Check your mail");
    await expectAccessible(page);
    const link = await waitForLink(email, /Verify your e-mail address/, { origin: gateway, path: "/verify-email" });
    await page.goto(link);
    await page.getByLabel("Your Coffer password").fill(password);
    await page.getByRole("button", { name: "Confirm my address" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Your address is confirmed");
    await page.getByRole("link", { name: "Sign in to Coffer" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");

    // Sign in, back to the page that asked for it.
    await page.goto(`${app.url()}/app/usage`);
    await expect.poll(() => page.url()).toContain("/app/sign-in?next=%2Fusage");
    await signInThroughPage(page, email, password);
    await expect.poll(() => heading(page).textContent()).toBe("Usage");
    const session = await apiSession(gateway, email, password);
    await raiseQuota(local!.fileDatabaseUrl, session.id, 1024 * MiB);

    // A folder.
    await nav(page, "Files").click();
    await expect.poll(() => heading(page).textContent()).toBe("Files");
    await page.getByRole("button", { name: "New folder" }).click();
    await page.getByLabel("Folder name").fill("Reports");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("link", { name: "Reports" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Reports");
    await expectAccessible(page);

    // 64 MiB by drag and drop; the page reloads halfway; the upload resumes where the server stopped.
    const content = randomBytes(64 * MiB);
    const sha256 = createHash("sha256").update(content).digest("hex");
    const path = join(tmpdir(), `big-${randomUUID()}.bin`);
    writeFileSync(path, content);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 4 * MiB,
    });
    await dropFiles(page, ".drop-zone", [path]);
    const name = path.split("/").pop()!;
    await expect.poll(() => uploadedPercent(page, name), { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(40);
    await screenshotForReadme(page, "web-upload");

    const offsets: number[] = [];
    page.on("request", (request) => {
      if (request.method() === "PATCH" && request.url().includes("/files/uploads/"))
        offsets.push(Number(request.headers()["upload-offset"]));
    });
    await page.reload();
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const row = page.getByRole("listitem").filter({ hasText: name });
    await expect.poll(() => row.getByRole("status").textContent(), { timeout: 90_000 }).toBe("Uploaded");
    expect(offsets[0], "the first chunk after the reload starts where the server stopped").toBeGreaterThan(0);
    const recorded = await session.get<FileList>(`/files?q=${encodeURIComponent(name)}`);
    expect(recorded.files).toHaveLength(1);
    expect(recorded.files[0]!.sha256).toBe(sha256);
    expect(recorded.files[0]!.size).toBe(64 * MiB);
    await expect.poll(() => page.getByRole("list", { name: "Contents of Reports" }).textContent()).toContain(name);

    // Search by name, from anywhere.
    await nav(page, "Files").click();
    await page.getByLabel("Search files by name").fill(name.slice(0, 12));
    await expect.poll(() => page.getByRole("list", { name: "Search results" }).textContent()).toContain(name);
    await expectAccessible(page);
    await page.getByLabel("Search files by name").fill("");

    // Share it with a password and a recipient; the recipient, in another browser, opens the mailed
    // link, unlocks and downloads the same bytes; the owner's inbox shows it without a reload.
    await page.getByRole("link", { name: "Reports" }).click();
    await page.getByRole("button", { name: `Share ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Share “${name}”` });
    const recipient = `recipient-${randomUUID()}@example.com`;
    const sharePassword = `open sesame ${randomUUID().slice(0, 6)}`;
    await dialog.getByLabel("Password (optional)").fill(sharePassword);
    await dialog.getByLabel("Recipients (optional)").fill(recipient);
    await dialog.getByRole("button", { name: "Create link" }).click();
    await expect.poll(() => dialog.getByLabel("Share link").count()).toBe(1);
    const shareLink = await dialog.getByLabel("Share link").inputValue();
    await dialog.getByRole("button", { name: "Done" }).click();
    await nav(page, "Inbox").click();
    await expect.poll(() => page.getByText("Live: new notifications appear here.").isVisible()).toBe(true);
    await page.evaluate("window.notReloaded = true");
    const mailed = await vi.waitFor(
      async () => {
        const mail = (await mailsTo(recipient)).find((m) => m.text.includes(shareLink));
        if (!mail) throw new Error(`no share mail to ${recipient} yet`);
        return mail;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(mailed.subject).toMatch(/shared .* with you/);
    const visitor = await browser.open();
    await visitor.page.goto(shareLink);
    await visitor.page.getByLabel("Password", { exact: true }).fill(sharePassword);
    await visitor.page.getByRole("button", { name: "Unlock" }).click();
    const [saved] = await Promise.all([
      visitor.page.waitForEvent("download"),
      visitor.page.getByRole("link", { name: "Download" }).click(),
    ]);
    expect(
      createHash("sha256")
        .update(readFileSync(await saved.path()))
        .digest("hex"),
    ).toBe(sha256);
    const opened = page
      .getByRole("list", { name: "Notifications" })
      .getByRole("listitem")
      .filter({ hasText: "Share opened" });
    await expect.poll(() => opened.count(), { timeout: 30_000 }).toBe(1);
    expect(await page.evaluate<boolean>("window.notReloaded === true")).toBe(true);
    await expectAccessible(page);

    // Trash and restore.
    await nav(page, "Files").click();
    await page.getByRole("link", { name: "Reports" }).click();
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    await expect.poll(() => page.getByRole("list", { name: "Contents of Reports" }).textContent()).not.toContain(name);
    await nav(page, "Trash").click();
    await expect.poll(() => page.getByRole("list", { name: "Files in the trash" }).textContent()).toContain(name);
    await expect
      .poll(() => page.getByRole("list", { name: "Files in the trash" }).textContent())
      .toContain("deleted for good on");
    await expectAccessible(page);
    await screenshotForReadme(page, "web-trash");
    await page.getByRole("button", { name: `Restore ${name}` }).click();
    await expect
      .poll(() =>
        page
          .getByRole("status")
          .filter({ hasText: `Restored ${name}.` })
          .isVisible(),
      )
      .toBe(true);
    await nav(page, "Files").click();
    await page.getByRole("link", { name: "Reports" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Contents of Reports" }).textContent()).toContain(name);

    // A second version through the picker, then back to the first; the second downloads as it was.
    const second = Buffer.from("the second version, short\n");
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Upload files" }).click();
    await (await chooser).setFiles({ name, mimeType: "application/octet-stream", buffer: second });
    await expect
      .poll(async () => (await session.get<FileList>(`/files?q=${encodeURIComponent(name)}`)).files[0]?.version, {
        timeout: 30_000,
      })
      .toBe(2);
    await page.getByRole("button", { name: `Versions of ${name}` }).click();
    const versions = page.getByRole("dialog", { name: `Versions of ${name}` });
    await expect.poll(() => versions.getByRole("listitem").count()).toBe(2);
    await expectAccessible(page);
    await screenshotForReadme(page, "web-versions");
    const download = page.waitForEvent("download");
    await versions.getByRole("button", { name: "Download version 2" }).click();
    expect(readFileSync(await (await download).path())).toEqual(second);
    await versions.getByRole("button", { name: "Restore version 1" }).click();
    await expect.poll(() => versions.getByRole("status").textContent()).toBe("Version 1 is current again.");
    const current = (await session.get<FileList>(`/files?q=${encodeURIComponent(name)}`)).files[0]!;
    expect([current.version, current.sha256]).toEqual([3, sha256]);
    await versions.getByRole("button", { name: "Close" }).click();

    // Usage against the quota.
    await nav(page, "Usage").click();
    await expect.poll(() => page.getByRole("meter", { name: "Storage used" }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/of 1 GB used/).isVisible()).toBe(true);
    await expectAccessible(page);
    await screenshotForReadme(page, "web-usage");

    // End the other session (the API's, opened above): its token is refused from then on.
    await nav(page, "Account").click();
    const sessions = page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
    await expect.poll(() => sessions.count()).toBe(2);
    await sessions.filter({ hasNotText: "(this browser)" }).getByRole("button", { name: "End session" }).click();
    await expect.poll(() => sessions.count()).toBe(1);
    await expect
      .poll(
        async () =>
          (await fetch(`${gateway}/usage`, { headers: { authorization: `Bearer ${session.accessToken}` } })).status,
        { timeout: 20_000 },
      )
      .toBe(401);

    // Sign out: the refresh cookie is gone too, so a reload stays signed out.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    // Whoever signs in next at this browser finds none of the uploads.
    await signInThroughPage(page, email, password);
    await expect.poll(() => heading(page).textContent()).toBe("Files");
    expect(await page.getByRole("region", { name: "Uploads" }).count()).toBe(0);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    await page.goto(`${app.url()}/app/`);
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
  });
});
