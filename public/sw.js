// Quota's service worker: after the first visit the app starts and works with no network.
//
// The page (index.html) is served from the cache at once and refreshed in the background; when
// the refreshed page differs (a new version was deployed), the new files are cached and open tabs
// are told, so the next start runs the new version. File names carry content hashes, so every
// other file is cached forever once fetched.
const CACHE = 'quota-app-v1';
const PAGE = new URL('./', self.location).href;

function assetUrls(html) {
  const urls = new Set();
  const pattern = /(?:href|src)="([^"#?]+)"/g;
  let match;
  while ((match = pattern.exec(html))) {
    const url = new URL(match[1], PAGE);
    if (url.origin === self.location.origin) urls.add(url.href);
  }
  // The module script imports the wasm file by a name derived from the script's.
  for (const url of [...urls]) {
    if (url.endsWith('.js') && !url.endsWith('/sw.js')) urls.add(url.replace(/\.js$/, '_bg.wasm'));
  }
  return [...urls];
}

async function cacheVersion(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const wanted = assetUrls(html);
  await Promise.all(wanted.map(async (url) => {
    if (!(await cache.match(url))) {
      const asset = await fetch(url, { cache: 'no-cache' });
      if (asset.ok) await cache.put(url, asset);
    }
  }));
  await cache.put(PAGE, response.clone());
  // Drop files no version in use refers to any more.
  const keep = new Set([PAGE, ...wanted]);
  for (const request of await cache.keys()) {
    if (!keep.has(request.url) && !request.url.endsWith('.webmanifest') && !request.url.endsWith('.svg')) {
      await cache.delete(request);
    }
  }
  return html;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const response = await fetch(PAGE, { cache: 'no-cache' });
    if (response.ok) await cacheVersion(response);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function refreshPage() {
  try {
    const cache = await caches.open(CACHE);
    const old = await cache.match(PAGE);
    const oldHtml = old ? await old.text() : null;
    const response = await fetch(PAGE, { cache: 'no-cache' });
    if (!response.ok) return;
    const html = await cacheVersion(response);
    if (oldHtml !== null && html !== oldHtml) {
      for (const client of await self.clients.matchAll({ type: 'window' })) {
        client.postMessage({ type: 'quota-update' });
      }
    }
  } catch (_) {
    // Offline: the cached version keeps serving.
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The relay's own endpoints are never cached.
  if (url.pathname.endsWith('/healthz') || url.pathname.endsWith('/sync') || url.pathname.endsWith('/signal')) return;
  if (request.mode === 'navigate') {
    event.respondWith((async () => {
      const cached = await caches.match(PAGE);
      if (cached) {
        event.waitUntil(refreshPage());
        return cached;
      }
      return fetch(request);
    })());
    return;
  }
  event.respondWith((async () => {
    const cached = await caches.match(request);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && url.pathname.match(/-[0-9a-f]{8,}(_bg)?\.(js|wasm|css)$/)) {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  })());
});
