import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Express, type RequestHandler, type Response } from 'express';
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
const APP_ROUTES = ['/', '/setup', '/signin', '/operator', '/terminal', '/terminal/*rest', '/portal', '/portal/*rest', '/admin', '/admin/*rest'];

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

/**
 * Serves the web apps (cashier terminal, shopper portal, back office) from
 * the API process. Hashed build files are cached for a year; the page, the
 * service worker and the manifest are revalidated so a deploy reaches every
 * till on its next load.
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
  app.use(
    express.static(distDir, {
      index: false,
      fallthrough: true,
      setHeaders: (res: Response, path: string) => {
        if (path.includes(`${join(distDir, 'assets')}`)) res.setHeader('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
        else if (path.endsWith('sw.js') || path.endsWith('.webmanifest')) res.setHeader('Cache-Control', 'no-cache');
        else res.setHeader('Cache-Control', 'public, max-age=3600');
      },
    }),
  );
  app.get(APP_ROUTES, appCsp, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
