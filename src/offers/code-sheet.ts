import QRCode from 'qrcode';
import type { OfferCodeBatch } from './offer-code-batch.entity';

/**
 * A printable A4 sheet of single-use coupons: per coupon the offer's name,
 * a QR code of the code (what the till's scanner reads) and the code in
 * plain text for typing, in a 3 × 8 grid of 63.5 × 33.9 mm cells (common
 * label sheets). The offer's name is the only free text, so it alone is
 * escaped; codes are letters and digits.
 *
 * Yields the head, then one chunk per page of codes given, so the caller
 * streams it and other requests are served between chunks.
 */
export async function* codeSheetChunks(batch: OfferCodeBatch, offerName: string, pages: AsyncIterable<{ code: string }[]>): AsyncGenerator<string> {
  const name = escapeHtml(offerName);
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${name}: coupons ${batch.id}</title>
<style>
  @page { size: A4; margin: 13mm 7mm; }
  body { font-family: system-ui, sans-serif; margin: 0; }
  h1 { font-size: 12pt; margin: 0 0 4mm; }
  .grid { display: grid; grid-template-columns: repeat(3, 63.5mm); gap: 0 2.5mm; }
  .coupon { width: 63.5mm; height: 33.9mm; box-sizing: border-box; border: 0.2mm dashed #999; padding: 2mm 3mm; display: flex; align-items: center; gap: 3mm; break-inside: avoid; }
  .coupon svg { width: 27mm; height: 27mm; flex: none; }
  .text { min-width: 0; }
  .offer { font-size: 10pt; font-weight: 700; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; }
  .code { font-family: ui-monospace, monospace; font-size: 9pt; margin-top: 2mm; word-break: break-all; }
  @media print { h1 { display: none; } .coupon { border-color: #ccc; } }
</style>
</head>
<body>
<h1>${name}: ${batch.count} single-use coupons, batch ${batch.id}</h1>
<div class="grid">
`;
  for await (const page of pages) {
    const cells = await Promise.all(page.map(async (c) => `<div class="coupon">${await QRCode.toString(c.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })}<div class="text"><div class="offer">${name}</div><div class="code">${c.code}</div></div></div>\n`));
    yield cells.join('');
  }
  yield `</div>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
