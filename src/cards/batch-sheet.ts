import type { CardBatch } from './card-batch.entity';
import { barcodeSvg } from './card-images';
import type { Card } from './card.entity';

/**
 * A printable A4 sheet: a grid of card-sized cells (85.6 × 54 mm, ISO/IEC
 * 7810 ID-1), each with the EAN-13 barcode and the number in plain text,
 * ten to a page. Only digits and ids are interpolated, so nothing needs escaping.
 */
export function batchSheetHtml(batch: CardBatch, cards: Card[]): string {
  const cells = cards
    .map((c) => `<div class="card"><div class="bars">${barcodeSvg(c.number)}</div><div class="number">${c.number}</div></div>`)
    .join('\n');
  return `<!doctype html>
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
<h1>Card batch ${batch.id}: ${cards.length} cards, prefix ${batch.prefix}</h1>
<div class="grid">
${cells}
</div>
</body>
</html>
`;
}
