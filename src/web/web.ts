import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';

/** Where `npm run build:web` puts the built single-page app. */
export const WEB_DIST = join(projectRoot(__dirname), 'web/dist');

/**
 * The repository folder: the nearest one above with a package.json. This file
 * runs from src/web (tests, tsx) and from dist/src/web (`npm run build`), so
 * a fixed number of `..` would be right for only one of them.
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * Paths the single-page app owns (React Router renders them in the browser).
 * Only these fall back to index.html: an unknown /v1/… stays a JSON 404, and
 * /openapi.json, /docs and /healthz keep their own handlers.
 */
const APP_ROUTES = ['/', '/setup', '/signin', '/operator', '/terminal', '/terminal/*rest', '/portal', '/portal/*rest', '/j/:code', '/f/:token', '/admin', '/admin/*rest'];

/**
 * The app's pages get their own Content-Security-Policy, still strict (no
 * inline or remote scripts) but allowing what the apps use: camera frames
 * (blob:/mediastream:) for the till's scanner, data: images for the card QR
 * and printed sheets, and the service worker and manifest of the portal.
 * No upgrade-insecure-requests: a till on a shop LAN often talks plain HTTP
 * to the back-room PC, and upgrading its asset requests would break the page.
 */
const appCsp: RequestHandler = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    mediaSrc: ["'self'", 'blob:', 'mediastream:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'"],
    manifestSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    frameSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'self'"],
  },
});

const YEAR_SECONDS = 365 * 24 * 60 * 60;

function cacheControlOf(distDir: string, path: string): string {
  if (path.startsWith(join(distDir, 'assets') + sep)) return `public, max-age=${YEAR_SECONDS}, immutable`;
  if (path.endsWith('sw.js') || path.endsWith('.webmanifest') || path.endsWith('index.html')) return 'no-cache';
  return 'public, max-age=3600';
}

/** Encodings the build writes next to a file (web/vite.config.ts), best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * The built files that have precompressed twins, by URL path (/assets/x.js).
 * Read once at start: the build does not change under a running server.
 */
function compressedVariants(distDir: string): Map<string, Set<string>> {
  const variants = new Map<string, Set<string>>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const encoding = ENCODINGS.find((e) => name.endsWith(e.suffix));
      if (!encoding) continue;
      const url = `/${relative(distDir, path.slice(0, -encoding.suffix.length)).split(sep).join('/')}`;
      variants.set(url, (variants.get(url) ?? new Set()).add(encoding.name));
    }
  };
  walk(distDir);
  return variants;
}

/**
 * Sends a built file, precompressed when the browser accepts brotli or gzip
 * and the build made that twin. Files with twins always say
 * `Vary: Accept-Encoding`, so a shared cache keeps the variants apart.
 */
function sendBuilt(req: Request, res: Response, distDir: string, urlPath: string, variants: Map<string, Set<string>>): void {
  const file = join(distDir, urlPath);
  res.setHeader('Cache-Control', cacheControlOf(distDir, file));
  const available = variants.get(urlPath);
  if (!available) return res.sendFile(file);
  res.vary('Accept-Encoding');
  // Our order, not the browser's: Chrome lists "gzip, deflate, br" at equal weight, and brotli is smaller.
  const encoding = ENCODINGS.find((e) => available.has(e.name) && req.acceptsEncodings(e.name) === e.name);
  if (!encoding) return res.sendFile(file);
  // The type of the original file, not of .br/.gz; send keeps a Content-Type already set.
  res.type(extname(file));
  res.setHeader('Content-Encoding', encoding.name);
  res.sendFile(file + encoding.suffix);
}

/**
 * Serves the web apps (cashier terminal, shopper portal, back office) from
 * the API process. Hashed build files are cached for a year; the page, the
 * service worker and the manifest are revalidated so a deploy reaches every
 * till on its next load. Text files go out brotli- or gzip-compressed from
 * the twins the build wrote (see web/vite.config.ts).
 */
export function mountWebApp(app: Express, distDir: string = WEB_DIST): void {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) {
    // Started from a checkout without `npm install` / `npm run build:web`: say so instead of a bare 404.
    app.get(APP_ROUTES, (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The Tally web app is not built yet. Run `npm run build:web` (npm install does it) and restart.');
    });
    return;
  }
  const variants = compressedVariants(distDir);
  app.use((req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && variants.has(req.path)) sendBuilt(req, res, distDir, req.path, variants);
    else next();
  });
  app.use(
    express.static(distDir, {
      index: false,
      fallthrough: true,
      setHeaders: (res: Response, path: string) => res.setHeader('Cache-Control', cacheControlOf(distDir, path)),
    }),
  );
  app.get(APP_ROUTES, appCsp, (req, res) => sendBuilt(req, res, distDir, '/index.html', variants));
}
