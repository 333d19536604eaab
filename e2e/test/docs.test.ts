import { describe, expect, inject, it } from "vitest";
import { createClient, someLoopbackAddress } from "./support.js";

const base = inject("gatewayUrl");

describe.skipIf(inject("local") === null)("the API documentation at /docs", () => {
  it("when /docs is opened, then it offers all three services' OpenAPI documents, each fetched from the running service", async () => {
    const send = createClient(base, { localAddress: someLoopbackAddress() });
    const page = await send("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    const services = {
      "customer-service": ["/auth/login", "/customers/me", "/.well-known/jwks.json"],
      "file-service": ["/files", "/files/{id}/content", "/s/{token}/unlock", "/files/uploads"],
      "notification-service": ["/notifications", "/notifications/stream"],
    };
    for (const [service, paths] of Object.entries(services)) {
      expect(page.body.toString()).toContain(`/docs/${service}.json`);
      const document = await send("GET", `/docs/${service}.json`);
      expect(document.status, service).toBe(200);
      const openapi = document.json<{ openapi: string; paths: Record<string, unknown> }>();
      expect(openapi.openapi).toMatch(/^3\./);
      for (const path of paths) expect(Object.keys(openapi.paths), `${service} documents ${path}`).toContain(path);
    }
    expect((await send("GET", "/docs/assets/swagger-ui-bundle.js")).status).toBe(200);
    expect((await send("GET", "/docs/nothing.json")).status).toBe(404);
  });
});
