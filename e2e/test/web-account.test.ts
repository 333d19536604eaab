import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { createPerson, expectFitsPhone, signInAt } from "./web/people.js";
import { useWebApp } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const sessions = (page: Page) => page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
const status = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text });

describe.skipIf(local === null)("the account page of the web app, in Chromium", () => {
  it("when a person ends their session in another browser, then that browser is sent to sign-in on its own; name, language and password change", async () => {
    const person = await createPerson(gateway, "Sam");
    const other = await browser.open();
    other.page.setDefaultTimeout(20_000);
    await signInAt(other.page, app.url(), "/", person);
    const { page } = await browser.open();
    page.setDefaultTimeout(20_000);
    await signInAt(page, app.url(), "/account", person);
    await expect.poll(() => heading(page).textContent()).toBe("Account");

    await expect.poll(() => sessions(page).count()).toBe(2);
    expect(await sessions(page).filter({ hasText: "(this browser)" }).count()).toBe(1);
    expect(await sessions(page).first().getByRole("heading").textContent()).toMatch(/^Chrome on Linux/);
    await expectAccessible(page);
    await screenshotForReadme(page, "web-account");
    await expectFitsPhone(page);

    const otherSession = sessions(page).filter({ hasNotText: "(this browser)" });
    await otherSession.getByRole("button", { name: "End session" }).click();
    await expect.poll(() => sessions(page).count()).toBe(1);
    // The other browser does nothing: its live inbox hears the session end, and it must sign in again.
    await expect.poll(() => heading(other.page).textContent(), { timeout: 30_000 }).toBe("Sign in");
    expect(await status(other.page, "sign in again").count()).toBe(1);

    await page.getByLabel("Display name").fill("Sam Rivers");
    await page.getByLabel("Language of e-mails").selectOption({ label: "Français" });
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => page.getByRole("banner").getByText("Sam Rivers").count()).toBe(1);
    const me = await person.send("POST", "/auth/login", { json: { email: person.email, password: person.password } });
    const token = me.json<{ accessToken: string }>().accessToken;
    expect((await person.send("GET", "/customers/me", { token })).json()).toMatchObject({
      displayName: "Sam Rivers",
      locale: "fr",
    });

    await page.getByLabel("Current password").fill("not my password at all");
    await page.getByLabel("New password").fill("an even longer passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("The password is wrong.");
    await page.getByLabel("Current password").fill(person.password);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => status(page, "Password changed").count()).toBe(1);
    const login = (password: string) => person.send("POST", "/auth/login", { json: { email: person.email, password } });
    expect((await login(person.password)).status).toBe(401);
    expect((await login("an even longer passphrase")).status).toBe(200);
    // This browser's session is the one kept.
    await page.reload();
    await expect.poll(() => heading(page).textContent()).toBe("Account");
  });

  it("when a person deletes their account with their password, then they are signed out with a message and cannot sign in again", async () => {
    const person = await createPerson(gateway);
    const { page } = await browser.open({ viewport: { width: 360, height: 740 } });
    page.setDefaultTimeout(20_000);
    await signInAt(page, app.url(), "/account", person);
    await expect.poll(() => heading(page).textContent()).toBe("Account");
    await expectAccessible(page);

    await page.getByLabel("Your password, to confirm").fill(person.password);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    expect(await status(page, "Your account was deleted").count()).toBe(1);
    const login = await person.send("POST", "/auth/login", {
      json: { email: person.email, password: person.password },
    });
    expect(login.status).toBe(401);
  });
});
