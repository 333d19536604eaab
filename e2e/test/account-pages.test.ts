import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import mongoose from "mongoose";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { createClient, someLoopbackAddress, submitPageForm, waitForLink } from "./support.js";

const base = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const VERIFY_SUBJECT = /Verify your e-mail address/;
const RESET_SUBJECT = /Reset your Coffer password/;

/** A person registered through the API, with the verification link from their mail. */
async function registeredPerson() {
  const send = createClient(base, { localAddress: someLoopbackAddress() });
  const email = `pages-${randomUUID()}@example.com`;
  const password = "a long and careful passphrase";
  const registered = await send("POST", "/auth/register", { json: { email, password, displayName: "Pat" } });
  expect(registered.status).toBe(201);
  const link = await waitForLink(email, VERIFY_SUBJECT, { origin: base, path: "/verify-email" });
  const login = (withPassword = password) => send("POST", "/auth/login", { json: { email, password: withPassword } });
  return { send, email, password, link, login, id: registered.json<{ id: string }>().id };
}

/** What a mail scanner or a link preview does: a plain GET of the link, whatever it answers. */
async function scannerOpens(link: string): Promise<void> {
  const response = await fetch(link, { headers: { "user-agent": "SafeLinks-Scanner/1.0" } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  await response.text();
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 });

/** The text of what describes the field (aria-describedby): its hint and its error. */
async function descriptionOf(page: Page, label: string): Promise<string> {
  const ids = (await page.getByLabel(label, { exact: true }).getAttribute("aria-describedby")) ?? "";
  const texts = await Promise.all(ids.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(" ");
}

describe.skipIf(local === null)("the account pages, in Chromium, through the gateway", () => {
  let mongo: mongoose.Connection;
  beforeAll(async () => {
    mongo = await mongoose.createConnection(local!.mongoUrl).asPromise();
  });
  afterAll(async () => {
    await mongo?.close();
  });

  describe.each([
    { javaScript: true, screenshots: true },
    // Small screen too: the pages must work on a phone.
    { javaScript: false, screenshots: false, viewport: { width: 360, height: 740 } },
  ])("with JavaScript $javaScript", ({ javaScript, screenshots, viewport }) => {
    const openBrowser = () => browser.open({ javaScriptEnabled: javaScript, ...(viewport && { viewport }) });
    const picture = (page: Page, name: string) => (screenshots ? screenshotForReadme(page, name) : undefined);

    it("when a person opens the mailed verification link and confirms, then the account is verified; opening it changed nothing", async () => {
      const person = await registeredPerson();
      await scannerOpens(person.link);
      const { page } = await openBrowser();
      await page.goto(person.link);
      await expect.poll(() => heading(page).textContent()).toBe("Confirm your e-mail address");
      await expectAccessible(page);
      await picture(page, "verify-email");
      // Neither the scanner nor the browser opening the page verified anything.
      expect((await person.login()).json()).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });

      await page.getByRole("button", { name: "Confirm my address" }).click();
      await expect.poll(() => heading(page).textContent()).toBe("Your address is confirmed");
      expect(new URL(page.url()).pathname).toBe("/verify-email");
      await expectAccessible(page);
      await picture(page, "verify-email-done");
      expect((await person.login()).status).toBe(200);

      // The link works once: opened again, it says so.
      await page.goto(person.link);
      await expect.poll(() => heading(page).textContent()).toBe("This link is used or expired");
    });

    it("when the mailed link has expired, then the page says so and its form sends a new link that works", async () => {
      const person = await registeredPerson();
      // A day passes: the link expires, and a new one may be sent.
      const dayAgo = new Date(Date.now() - 24 * 3600_000);
      await mongo
        .collection<{ _id: string }>("customers")
        .updateOne({ _id: person.id }, { $set: { "verification.expiresAt": dayAgo, "verification.sentAt": dayAgo } });
      const { page } = await openBrowser();
      await page.goto(person.link);
      await expect.poll(() => heading(page).textContent()).toBe("This link is used or expired");
      await expectAccessible(page);
      await picture(page, "verify-email-invalid");

      await page.getByLabel("E-mail address").fill(person.email);
      await page.getByRole("button", { name: "Send a new link" }).click();
      await expect.poll(() => heading(page).textContent()).toBe("Check your e-mail");
      await expectAccessible(page);
      await picture(page, "verify-email-resent");
      const fresh = await waitForLink(person.email, VERIFY_SUBJECT, {
        origin: base,
        path: "/verify-email",
        except: [person.link],
      });

      await page.goto(fresh);
      await page.getByRole("button", { name: "Confirm my address" }).click();
      await expect.poll(() => heading(page).textContent()).toBe("Your address is confirmed");
      expect((await person.login()).status).toBe(200);
    });

    it("when a person forgets the password, then the forgot page, the mailed link and the new password typed twice set it; the old one no longer logs in", async () => {
      const person = await registeredPerson();
      expect((await submitPageForm(person.send, person.link)).status).toBe(200);
      const before = await person.login();
      expect(before.status).toBe(200);
      const { refreshToken } = before.json<{ refreshToken: string }>();

      const { page } = await openBrowser();
      await page.goto(`${base}/forgot-password`);
      await expect.poll(() => heading(page).textContent()).toBe("Forgot your password?");
      await expectAccessible(page);
      await picture(page, "forgot-password");
      await page.getByLabel("E-mail address").fill(person.email);
      await page.getByRole("button", { name: "Send me a reset link" }).click();
      await expect.poll(() => heading(page).textContent()).toBe("Check your e-mail");
      await expect.poll(() => page.locator("main").textContent()).toContain("If the address belongs to an account");
      await expectAccessible(page);
      await picture(page, "forgot-password-sent");

      const link = await waitForLink(person.email, RESET_SUBJECT, { origin: base, path: "/reset-password" });
      await scannerOpens(link);
      await page.goto(link);
      await expect.poll(() => heading(page).textContent()).toBe("Choose a new password");
      expect(await descriptionOf(page, "New password")).toContain("At least 10 characters, at most 128.");
      await expectAccessible(page);
      await picture(page, "reset-password");

      const newPassword = `a brand new passphrase ${randomUUID().slice(0, 8)}`;
      if (javaScript) {
        // Typed twice, differently: the form comes back with the error next to the second field.
        await page.getByLabel("New password", { exact: true }).fill(newPassword);
        await page.getByLabel("The new password again").fill(`${newPassword}!`);
        await page.getByRole("button", { name: "Change my password" }).click();
        await expect
          .poll(() => descriptionOf(page, "The new password again"))
          .toContain("The two passwords are not the same");
        expect(await page.getByLabel("The new password again").getAttribute("aria-invalid")).toBe("true");
        // autofocus, no script: the field in error has the focus.
        expect(
          await page
            .getByLabel("The new password again")
            .evaluate((field) => field.ownerDocument.activeElement === field),
        ).toBe(true);
        await expectAccessible(page);
        await picture(page, "reset-password-error");
        expect((await person.login()).status).toBe(200);
      }
      await page.getByLabel("New password", { exact: true }).fill(newPassword);
      await page.getByLabel("The new password again").fill(newPassword);
      await page.getByRole("button", { name: "Change my password" }).click();
      await expect.poll(() => heading(page).textContent()).toBe("Your password is changed");
      await expect.poll(() => page.locator("main").textContent()).toContain("Every session of your account was ended");
      await expectAccessible(page);
      await picture(page, "reset-password-done");

      expect((await person.login(newPassword)).status).toBe(200);
      expect((await person.login()).json()).toMatchObject({ code: "INVALID_CREDENTIALS" });
      expect((await person.send("POST", "/auth/refresh", { json: { refreshToken } })).status).toBe(401);
      // The link is spent: opened again, it leads to a new request.
      await page.goto(link);
      await expect.poll(() => heading(page).textContent()).toBe("This link is used or expired");
      await page.getByRole("link", { name: "Ask for a new link" }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe("/forgot-password");
    });
  });

  describe("a form posted from another site", () => {
    let evil: Server;
    let evilOrigin: string;
    let tokenForEvil = "";
    beforeAll(async () => {
      // Another site (another port of the same host: "same-site" to the browser, still another origin).
      evil = createServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(
          `<!doctype html><html lang="en"><title>Win a prize</title><main><form method="post" action="${base}/verify-email">` +
            `<input type="hidden" name="token" value="${tokenForEvil}"><button>Claim my prize</button></form></main></html>`,
        );
      });
      await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
      evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => evil?.close(resolve));
    });

    it("when another site's page posts the verification form, then the gateway's answer is a 403 page and nothing changes", async () => {
      const person = await registeredPerson();
      tokenForEvil = new URL(person.link).searchParams.get("token")!;
      const { page } = await browser.open();
      await page.goto(evilOrigin);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/verify-email` && r.request().method() === "POST"),
        page.getByRole("button", { name: "Claim my prize" }).click(),
      ]);
      expect(answer.status()).toBe(403);
      await expect.poll(() => heading(page).textContent()).toBe("This form was sent from another site");
      expect((await person.login()).json()).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });

      // The same form from our own page works.
      await page.goto(person.link);
      await page.getByRole("button", { name: "Confirm my address" }).click();
      await expect.poll(() => heading(page).textContent()).toBe("Your address is confirmed");
      expect((await person.login()).status).toBe(200);
    });
  });
});
