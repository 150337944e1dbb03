import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { API_CSP, HTML_CSP, securityHeaders } from "./headers";

const app = new Hono()
  .use(securityHeaders)
  .get("/page", (c) => c.html("<!doctype html><p>hi</p>"))
  .get("/json", (c) => c.json({ ok: true }))
  .get("/stream", (c) =>
    c.body("data: 1\n\n", 200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" }),
  )
  // Response.redirect() has immutable headers, like responses passed through from fetch().
  .get("/immutable", () => Response.redirect("https://baton.test/elsewhere", 302));

describe("securityHeaders", () => {
  it("gives HTML the SPA's CSP, exactly as specified", async () => {
    const res = await app.request("/page");
    expect(res.headers.get("Content-Security-Policy")).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    expect(HTML_CSP).toBe(res.headers.get("Content-Security-Policy"));
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });

  it("gives data responses a lock-everything CSP and no-store", async () => {
    const res = await app.request("/json");
    expect(res.headers.get("Content-Security-Policy")).toBe(API_CSP);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
  });

  it("keeps a caching policy the route chose", async () => {
    const res = await app.request("/stream");
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(await res.text()).toBe("data: 1\n\n");
  });

  it("copes with immutable headers", async () => {
    const res = await app.request("/immutable");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://baton.test/elsewhere");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });
});
