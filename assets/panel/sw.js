// The panel's service worker. It keeps one build of the panel (the page,
// its script and style, Go's wasm_exec.js and the module) in a cache named
// after the build, and serves the panel from it, so the panel opens with
// the server down (the account and queued edits are in IndexedDB). A new
// build is installed beside it and waits until the page says to reload,
// so one page never mixes two builds. The server fills in the build.
const BUILD = "__BUILD__";
const CACHE = "dialnexa-panel-" + BUILD;
const SHELL = ["/", "/style.css", "/boot.js", "/wasm_exec.js", "/panel.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((p) => new Request(p, { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("dialnexa-panel-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// The page asks the waiting build to take over when the user chooses to
// reload.
self.addEventListener("message", (event) => {
  if (event.data === "activate") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) {
    return; // the API, the socket, pictures, the mail pages: the network
  }
  event.respondWith((async () => {
    const hit = await (await caches.open(CACHE)).match(url.pathname);
    return hit || fetch(req);
  })());
});
