import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import { createPerson, expectFitsPhone, grantAdmin, logIn, signInAt } from "./web/people.js";
import { useWebApp } from "./web/web-app.js";

const gateway = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const app = useWebApp(gateway);

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });
const GiB = 2 ** 30;

describe.skipIf(local === null)("the admin page of the web app, in Chromium", () => {
  it("when an admin disables a customer, then the customer cannot sign in until enabled; a quota set there is the customer's; deliveries list the mails", async () => {
    const admin = await createPerson(gateway, "Ada");
    grantAdmin(local!, admin.email);
    const customer = await createPerson(gateway, "Cal");
    const { page } = await browser.open();
    page.setDefaultTimeout(20_000);
    await signInAt(page, app.url(), "/", admin);
    await nav(page).getByRole("link", { name: "Admin" }).click();
    await expect.poll(() => heading(page).textContent()).toBe("Admin");

    const { quotaBytes } = (await customer.send("GET", "/usage", { token: await logIn(customer) })).json<{
      quotaBytes: number;
    }>();
    const quota = Number((quotaBytes / GiB).toFixed(2));
    await page.getByLabel("E-mail address starts with").fill(customer.email);
    await page.getByRole("button", { name: "Find" }).click();
    const card = page.getByRole("list", { name: "Customers" }).getByRole("listitem", { name: customer.email });
    await expect.poll(() => card.count()).toBe(1);
    expect(await page.getByRole("list", { name: "Customers" }).getByRole("listitem").count()).toBe(1);
    expect(await card.locator("dt:text-is('Status') + dd").textContent()).toBe("Active");
    await expectAccessible(page);

    await card.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => card.locator("dt:text-is('Status') + dd").textContent()).toBe("Disabled");
    const login = () =>
      customer.send("POST", "/auth/login", { json: { email: customer.email, password: customer.password } });
    const refused = await login();
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ code: "ACCOUNT_DISABLED" });
    await card.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => card.locator("dt:text-is('Status') + dd").textContent()).toBe("Active");
    expect((await login()).status).toBe(200);

    // The admin sees what the customer has and may have before changing it.
    const storage = () => card.locator("dt:text-is('Storage') + dd").textContent();
    await expect.poll(storage).toBe(`0 B of ${quota} GiB (0 files, 0 B in the trash)`);
    expect(await card.getByLabel("Storage quota (GiB)").inputValue()).toBe(String(quota));
    await card.getByLabel("Storage quota (GiB)").fill("2.5");
    await card.getByRole("button", { name: "Set quota" }).click();
    await expect.poll(() => card.getByRole("status").textContent()).toBe("Quota set to 2.5 GiB.");
    await expect.poll(storage).toBe("0 B of 2.5 GiB (0 files, 0 B in the trash)");
    const usage = await customer.send("GET", "/usage", { token: await logIn(customer) });
    expect(usage.json()).toMatchObject({ quotaBytes: 2.5 * GiB });

    await card.getByRole("button", { name: "Their mails" }).click();
    await expect
      .poll(() => page.getByRole("heading", { name: `Mail deliveries about ${customer.email}` }).count())
      .toBe(1);
    await page.getByLabel("Status").selectOption({ label: "Sent" });
    const rows = page.getByRole("table").getByRole("row");
    await expect.poll(() => rows.filter({ hasText: "verify-email" }).count()).toBe(1);
    expect(await rows.filter({ hasText: "welcome" }).count()).toBe(1);
    // Every row is the customer's, sent.
    expect(await rows.filter({ hasNotText: customer.email }).count()).toBe(1); // the header
    expect(await page.getByRole("table").getByRole("cell", { name: "sent", exact: true }).count()).toBe(
      (await rows.count()) - 1,
    );
    await expectAccessible(page);
    await screenshotForReadme(page, "web-admin");
    await expectFitsPhone(page);
  });

  it("when a customer who is not an admin opens /app/admin, then there is no Admin link and the page says it is for admins", async () => {
    const person = await createPerson(gateway);
    const { page } = await browser.open();
    page.setDefaultTimeout(20_000);
    await signInAt(page, app.url(), "/admin", person);
    await expect.poll(() => heading(page).textContent()).toBe("Admin");
    expect(await page.getByText("Only administrators can open this page.").count()).toBe(1);
    expect(await nav(page).getByRole("link", { name: "Admin" }).count()).toBe(0);
    await expectAccessible(page);
  });
});
