import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, type LiveServer, snap, startServer, TILL } from './browser';

/**
 * The till's camera scanner reads a real QR code: Chromium's fake camera
 * plays a video file (Y4M) showing the member's card QR, and @zxing/browser
 * in the page must decode it.
 */
const suite = browserAvailable() ? describe : describe.skip;
jest.setTimeout(120_000);

const WIDTH = 640;
const HEIGHT = 480;

/** One grey-scale frame (4:2:0, neutral chroma) with the QR centred, as a Y4M file Chromium can loop. */
async function qrVideo(text: string): Promise<string> {
  const png = PNG.sync.read(await QRCode.toBuffer(text, { margin: 4, scale: 8, errorCorrectionLevel: 'M' }));
  const y = Buffer.alloc(WIDTH * HEIGHT, 255);
  const left = Math.floor((WIDTH - png.width) / 2);
  const top = Math.floor((HEIGHT - png.height) / 2);
  for (let row = 0; row < png.height; row++) {
    for (let col = 0; col < png.width; col++) {
      y[(top + row) * WIDTH + left + col] = png.data[(row * png.width + col) * 4];
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const file = join(mkdtempSync(join(tmpdir(), 'tally-cam-')), 'card.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, chroma]));
  return file;
}

suite('camera scanning at the till', () => {
  let live: LiveServer;
  let browser: Browser | undefined;

  beforeAll(async () => {
    live = await startServer();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it('finds the member from the card QR seen by the camera', async () => {
    const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
      const res = await fetch(`${live.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const setup = await live.rt.services.auth.ensureSetupToken();
    const session = await post<{ accessToken: string }>('/v1/setup', {
      token: setup!.token,
      merchant: { name: 'Corner Shop', currency: 'RUB', timeZone: 'Europe/Moscow', locale: 'ru' },
      owner: { email: 'owner@corner.test', name: 'Owner', password: 'a long enough password' },
    });
    const store = await post<{ id: string }>('/v1/stores', { code: 'C1', name: 'Corner' }, session.accessToken);
    const { apiKey } = await post<{ apiKey: string }>('/v1/terminals', { storeId: store.id, name: 'Till' }, session.accessToken);
    const { card } = await post<{ card: { number: string } }>('/v1/members', { firstName: 'Мария', phone: '+79161234567' }, session.accessToken);

    browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${await qrVideo(card.number)}`]);
    const context = await browser.newContext({ viewport: TILL });
    await context.grantPermissions(['camera'], { origin: live.baseUrl });
    const page = await context.newPage();
    await page.goto(`${live.baseUrl}/terminal?lang=ru`);
    await page.getByLabel('Код подключения или ключ кассы').fill(apiKey);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('button', { name: 'Сканировать камерой' }).click();
    await page.getByTestId('member-panel').getByText('Мария').waitFor({ timeout: 30_000 });
    await snap(page, 'terminal-camera-desktop-ru');
  });
});
