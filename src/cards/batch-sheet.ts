import type { CardBatch } from './card-batch.entity';
import { barcodeSvg } from './card-images';
import type { Card } from './card.entity';

/** Cards on one printed sheet (50 A4 pages); a bigger batch prints as several sheets. */
export const MAX_SHEET_CARDS = 500;
/** Cards drawn between two yields to the event loop (each barcode takes a few milliseconds). */
const CARDS_PER_CHUNK = 10;

/**
 * A printable A4 sheet: a grid of card-sized cells (85.6 × 54 mm, ISO/IEC
 * 7810 ID-1), each with the EAN-13 barcode and the number in plain text,
 * ten to a page. Only digits and ids are interpolated, so nothing needs escaping.
 *
 * Produced in small chunks, so the caller can stream them and yield between
 * them: a 5,000-card sheet built in one piece blocked the server for ~9 s
 * (issue 15, finding 10). `cards` is one sheet (at most MAX_SHEET_CARDS),
 * starting at card `offset` of the batch.
 */
export function* batchSheetChunks(batch: CardBatch, cards: Card[], offset: number): Generator<string> {
  const range = cards.length === batch.count ? `${cards.length} cards` : `cards ${offset + 1}–${offset + cards.length} of ${batch.count}`;
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Card batch ${batch.id}</title>
<style>
  @page { size: A4; margin: 10mm 12mm; }
  body { font-family: system-ui, sans-serif; margin: 0; }
  h1 { font-size: 12pt; margin: 0 0 4mm; }
  .grid { display: grid; grid-template-columns: repeat(2, 85.6mm); gap: 4mm 6mm; }
  .card { width: 85.6mm; height: 54mm; box-sizing: border-box; border: 0.2mm dashed #999; padding: 6mm; display: flex; flex-direction: column; justify-content: center; align-items: center; break-inside: avoid; }
  .bars svg { width: 60mm; height: auto; }
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
      .map((c) => `<div class="card"><div class="bars">${barcodeSvg(c.number)}</div><div class="number">${c.number}</div></div>\n`)
      .join('');
  }
  yield `</div>
</body>
</html>
`;
}
