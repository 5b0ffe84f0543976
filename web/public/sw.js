/* global self, caches, fetch, URL, Response */
/*
 * Tally service worker: makes the shopper portal open and show the card
 * with no network. Hashed build files (/assets/) are cached on first use
 * and served from the cache (they never change); pages fall back to the
 * cached app shell when offline. API calls (/v1/) are never cached: the
 * portal keeps its own small offline copy of the card in localStorage.
 */
const CACHE = 'tally-v1';
const SHELL = '/index.html';
const STATIC = ['/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png', '/icons/icon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // The server answers every app route with the same index.html.
      const shell = await fetch('/portal', { cache: 'no-store' });
      if (shell.ok) await cache.put(SHELL, shell.clone());
      await cache.addAll(STATIC);
      const html = shell.ok ? await shell.text() : '';
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      await cache.addAll(assets);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

// The page tells us which lazily loaded chunks it already uses, so they are cached before the first offline visit.
self.addEventListener('message', (event) => {
  const urls = event.data && event.data.type === 'cache' && Array.isArray(event.data.urls) ? event.data.urls : [];
  const same = urls.filter((u) => typeof u === 'string' && new URL(u, self.location.origin).origin === self.location.origin && new URL(u, self.location.origin).pathname.startsWith('/assets/'));
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(same.map((u) => cache.match(u).then((hit) => hit || cache.add(u).catch(() => undefined))))));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/v1/')) return;

  if (url.pathname.startsWith('/assets/') || STATIC.includes(url.pathname)) {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        const hit = await cache.match(request);
        if (hit) return hit;
        const res = await fetch(request);
        if (res.ok) await cache.put(request, res.clone());
        return res;
      }),
    );
    return;
  }

  if (request.mode === 'navigate' && url.pathname.startsWith('/portal')) {
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        try {
          const res = await fetch(request);
          if (res.ok) await cache.put(SHELL, res.clone());
          return res;
        } catch {
          return (await cache.match(SHELL)) || Response.error();
        }
      })(),
    );
  }
});
