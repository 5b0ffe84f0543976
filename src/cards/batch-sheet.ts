import type { CardBatch } from './card-batch.entity';
import { barcodeSvg } from './card-images';
import type { Card } from './card.entity';

/** Cards on one printed sheet (50 A4 pages); a bigger batch prints as several sheets. */
export const MAX_SHEET_CARDS = 500;
/** Cards drawn between two yields to the event loop (each barcode takes a few milliseconds). */
const CARDS_PER_CHUNK = 10;

/**
 * A printable A4 sheet: a grid of card-sized cells (85.6 × 54 mm, ISO/IEC
 * 7810 ID-1), each with the shop's name, the EAN-13 bars and the number in
 * plain text below them, ten to a page. The shop's name is the only text
 * that is not digits or ids, so it alone is escaped.
 *
 * Produced in small chunks, so the caller can stream them and yield between
 * them: a 5,000-card sheet built in one piece blocked the server for ~9 s
 * (issue 15, finding 10). `cards` is one sheet (at most MAX_SHEET_CARDS),
 * starting at card `offset` of the batch.
 */
export function* batchSheetChunks(batch: CardBatch, cards: Card[], offset: number, shopName: string): Generator<string> {
  const shop = escapeHtml(shopName);
  const range = cards.length === batch.count ? `${cards.length} cards` : `cards ${offset + 1}–${offset + cards.length} of ${batch.count}`;
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${shop}: card batch ${batch.id}</title>
<style>
  @page { size: A4; margin: 10mm 12mm; }
  body { font-family: system-ui, sans-serif; margin: 0; }
  h1 { font-size: 12pt; margin: 0 0 4mm; }
  .grid { display: grid; grid-template-columns: repeat(2, 85.6mm); gap: 4mm 6mm; }
  .card { width: 85.6mm; height: 54mm; box-sizing: border-box; border: 0.2mm dashed #999; padding: 5mm 6mm; display: flex; flex-direction: column; justify-content: center; align-items: center; break-inside: avoid; }
  .shop { font-size: 13pt; font-weight: 700; margin-bottom: 3mm; max-width: 100%; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
  .bars svg { display: block; width: 60mm; height: 22mm; }
  .number { font-family: ui-monospace, monospace; font-size: 12pt; letter-spacing: 0.5mm; margin-top: 2mm; }
  @media print { h1 { display: none; } .card { border-color: #ccc; } }
</style>
</head>
<body>
<h1>Card batch ${batch.id}: ${range}, prefix ${batch.prefix}</h1>
<div class="grid">
`;
  for (let i = 0; i < cards.length; i += CARDS_PER_CHUNK) {
    yield cards
      .slice(i, i + CARDS_PER_CHUNK)
      .map((c) => `<div class="card"><div class="shop">${shop}</div><div class="bars">${bars(c.number)}</div><div class="number">${c.number}</div></div>\n`)
      .join('');
  }
  yield `</div>
</body>
</html>
`;
}

/** The bars stretched to the cell (bars scale freely in height), so the name and number fit on the card. */
function bars(number: string): string {
  return barcodeSvg(number, { digits: false }).replace('<svg ', '<svg preserveAspectRatio="none" ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
