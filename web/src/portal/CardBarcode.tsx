import { ean13Modules } from './ean13';

/** Quiet zone on each side, in modules (the standard asks 11 on the left, 7 on the right; 11 on both is safe). */
const QUIET = 11;
const HEIGHT = 60;

/**
 * The card number as an EAN-13 barcode for 1D scanners, black on white with
 * its quiet zones; nothing is drawn for a number that is not an EAN-13 (the
 * QR still is). The digits are printed once, as text under it, by the caller.
 */
export function CardBarcode({ value, label }: { value: string; label: string }) {
  const modules = ean13Modules(value);
  if (!modules) return null;
  const bars: { x: number; width: number }[] = [];
  for (let i = 0; i < modules.length; i++) {
    if (modules[i] !== '1') continue;
    const last = bars[bars.length - 1];
    if (last && last.x + last.width === QUIET + i) last.width++;
    else bars.push({ x: QUIET + i, width: 1 });
  }
  return (
    <svg className="barcode" role="img" aria-label={label} viewBox={`0 0 ${modules.length + 2 * QUIET} ${HEIGHT}`} preserveAspectRatio="none" shapeRendering="crispEdges">
      <rect width="100%" height="100%" fill="#ffffff" />
      {bars.map((b) => (
        <rect key={b.x} x={b.x} y={0} width={b.width} height={HEIGHT} fill="#000000" />
      ))}
    </svg>
  );
}
