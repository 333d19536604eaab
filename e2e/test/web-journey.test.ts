import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { waitForLink } from "./support.js";
import { signInThroughPage, useWebApp } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const heading = (page: Page) => page.getByRole("heading", { level: 1 });

describe.skipIf(local === null)("the web app: a person's whole journey, in Chromium", () => {
  it("when a person signs up, follows the mailed link and signs in, then their files open", async () => {
    const { page } = await browser.open();
    const email = `web-${randomUUID()}@example.com`;
    const password = "a long and careful passphrase";

    await page.goto(`${app.url()}/app/`);
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    await expectAccessible(page);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill("Robin");
    await page.getByLabel("E-mail address").fill(email);
    await page.getByLabel("Password").fill(password);
    await expectAccessible(page);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Check your mail");

    const link = await waitForLink(email, /Verify your e-mail address/, { origin: gateway, path: "/verify-email" });
    await page.goto(link);
    await page.getByLabel("Your Coffer password").fill(password);
    await page.getByRole("button", { name: "Confirm my address" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Your address is confirmed");

    await page.goto(`${app.url()}/app/sign-in`);
    await signInThroughPage(page, email, password);
    await expect.poll(() => heading(page).textContent()).toBe("Files");
    await expectAccessible(page);
    await screenshotForReadme(page, "web-files");
  });
});
