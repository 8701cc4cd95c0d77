// A test site on 127.0.0.1: serves dist/ under /widget/, pages made per test, and a feedback
// endpoint that records what it receives and answers as the test tells it to.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html; charset=utf-8", ".css": "text/css" };

/**
 * Starts the site. `pages` maps a path to `{ html, headers }` (or `{ body, type }` for other files); `answer(req, body)` may return
 * (or resolve to) `{ status, headers, body }` for the endpoint (default 201), or `{ drop: true }` to cut the connection
 * without an answer, as a failing network does. `dir`, when given, is a folder whose files are served
 * under their paths (`/` is its `index.html`), as a static host serves a built app.
 */
const open = new Set();

/** Closes every site still open: for a test file's `after`, so a failed test cannot keep node running. */
export async function closeAllSites() {
  await Promise.all([...open].map((site) => site.close()));
}

export async function startSite({ pages = {}, answer, dir } = {}) {
  const received = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    try {
      if (url.pathname === "/feedback") {
        if (req.method === "OPTIONS") {
          res.writeHead(204, { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type", "access-control-allow-methods": "POST" });
          return res.end();
        }
        let body = "";
        for await (const chunk of req) body += chunk;
        const reply = (answer && (await answer(req, body))) || { status: 201 };
        if (reply.drop) return req.socket.destroy();
        if (reply.status >= 200 && reply.status < 300) received.push({ body, contentType: req.headers["content-type"] });
        res.writeHead(reply.status, { "access-control-allow-origin": "*", "content-type": "application/json", ...(reply.headers || {}) });
        return res.end(reply.body || "{}");
      }
      if (url.pathname.startsWith("/widget/")) {
        const file = join(root, "dist", url.pathname.slice("/widget/".length).replace(/\.\./g, ""));
        const bytes = await readFile(file);
        res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
        return res.end(bytes);
      }
      const page = pages[url.pathname];
      if (page) {
        res.writeHead(200, { "content-type": page.type || types[".html"], ...(page.headers || {}) });
        return res.end(page.html ?? page.body);
      }
      if (dir) {
        const file = join(dir, (url.pathname.endsWith("/") ? url.pathname + "index.html" : url.pathname).replace(/\.\./g, ""));
        const bytes = await readFile(file).catch(() => null);
        if (bytes) {
          res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
          return res.end(bytes);
        }
      }
      res.writeHead(404);
      res.end("not found");
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  // Closing also drops idle keep-alive connections, so a test's server never keeps node running.
  const site = {
    origin,
    received,
    close: () => new Promise((r) => { open.delete(site); server.close(() => r()); server.closeAllConnections(); }),
  };
  open.add(site);
  return site;
}

/** A page with the real script tag, as an owner would paste it. */
export function pageWith(attrs = 'data-endpoint="/feedback"', { head = "", body = "<h1>Shop</h1><p>Welcome.</p>" } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Test shop</title>${head}</head><body>${body}<script src="/widget/feedback.js" ${attrs} async></script></body></html>`;
}
