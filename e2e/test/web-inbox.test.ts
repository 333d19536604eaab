import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, inject, it, vi } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { createPerson, expectFitsPhone, logIn, uploadFile, type Person } from "./web/people.js";
import { signInThroughPage, useWebApp } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const inboxLink = (page: Page) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Inbox/ });
const notifications = (page: Page) => page.getByRole("list", { name: "Notifications" }).getByRole("listitem");

type Inbox = { unread: number; items: { kind: string; read: boolean }[] };

/** The welcome of a new account, once it has reached the inbox, marked read: the inbox starts quiet. */
async function readWelcome(person: Person, token: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const inbox = await person.send("GET", "/notifications?limit=20", { token });
      expect(inbox.json<Inbox>().items.map((i) => i.kind)).toEqual(["welcome"]);
    },
    { timeout: 30_000, interval: 200 },
  );
  expect((await person.send("POST", "/notifications/read-all", { token })).status).toBe(200);
}

describe.skipIf(local === null)("the inbox of the web app, in Chromium", () => {
  it("when a person opens /app/inbox signed out, then they sign in and land there; a file they upload elsewhere appears live with the unread count, and marking it read clears the count", async () => {
    const person = await createPerson(gateway);
    const token = await logIn(person);
    await readWelcome(person, token);
    const { page } = await browser.open();
    page.setDefaultTimeout(20_000);

    await page.goto(`${app.url()}/app/inbox`);
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/inbox");
    await signInThroughPage(page, person.email, person.password);
    await expect.poll(() => heading(page).textContent()).toBe("Inbox");
    expect(new URL(page.url()).pathname).toBe("/app/inbox");
    await expect.poll(() => page.getByText("Live: new notifications appear here.").isVisible()).toBe(true);
    await expect.poll(() => notifications(page).count()).toBe(1);
    expect(await inboxLink(page).textContent()).toBe("Inbox");
    await expectAccessible(page);

    // Another device of the person's uploads a file: the inbox hears of it without a reload.
    await uploadFile(person, token, "Minutes.txt", randomBytes(2000));
    await expect.poll(() => notifications(page).count(), { timeout: 30_000 }).toBe(2);
    const item = notifications(page).first();
    expect(await item.getByRole("heading").textContent()).toMatch(/^Unread: /);
    expect(await item.textContent()).toContain("Minutes.txt");
    await expect.poll(() => inboxLink(page).textContent()).toBe("Inbox1 unread");
    expect(await page.getByRole("status").filter({ hasText: "unread notification" }).textContent()).toMatch(
      /^1 unread notification\./,
    );
    await expectAccessible(page);
    await screenshotForReadme(page, "web-inbox");
    await expectFitsPhone(page);

    await item.getByRole("button", { name: "Mark read" }).click();
    await expect.poll(() => inboxLink(page).textContent()).toBe("Inbox");
    await expect.poll(() => item.getByRole("button", { name: "Mark read" }).count()).toBe(0);
    expect(await item.getByRole("heading").textContent()).not.toMatch(/^Unread: /);
    const inbox = await person.send("GET", "/notifications?limit=20", { token });
    expect(inbox.json<Inbox>()).toMatchObject({
      unread: 0,
      items: [
        { kind: "file-uploaded", read: true },
        { kind: "welcome", read: true },
      ],
    });
  });

  it("when a person turns a category off in the preferences, then the choice is kept and the API says so", async () => {
    const person = await createPerson(gateway);
    const { page } = await browser.open({ viewport: { width: 360, height: 740 } });
    page.setDefaultTimeout(20_000);
    await page.goto(`${app.url()}/app/inbox`);
    await signInThroughPage(page, person.email, person.password);
    await expect.poll(() => heading(page).textContent()).toBe("Inbox");

    const activity = page.getByRole("checkbox", { name: "Activity" });
    await expect.poll(() => activity.isChecked()).toBe(true);
    await activity.uncheck();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved." }).count()).toBe(1);
    await expectAccessible(page);

    await page.reload();
    await expect.poll(() => page.getByRole("checkbox", { name: "Shares" }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: "Activity" }).isChecked()).toBe(false);
    const token = await logIn(person);
    const saved = await person.send("GET", "/notifications/preferences", { token });
    expect(saved.json()).toEqual({ shares: true, activity: false, storage: true, security: true });
  });
});
