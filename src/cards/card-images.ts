import bwipjs from 'bwip-js';
import QRCode from 'qrcode';

/**
 * Card images. The QR carries only the 13 digits (see card-number.ts); error
 * correction M survives a scratched phone screen. Barcodes are EAN-13 with the
 * digits printed under the bars.
 */
export async function qrPng(number: string): Promise<Buffer> {
  return QRCode.toBuffer(number, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}

export async function qrSvg(number: string): Promise<string> {
  return withLabel(await QRCode.toString(number, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }), `Member card ${number}`);
}

export async function barcodePng(number: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: 'ean13', text: number, scale: 3, height: 20, includetext: true, paddingwidth: 10, paddingheight: 5, backgroundcolor: 'FFFFFF' });
}

/**
 * `digits: false` draws the bars only, for a printed card that sets the number
 * in its own type below them. The digits, when drawn, sit in the standard EAN-13
 * groups between the guard bars: centred as one line they ran across the bars.
 */
export function barcodeSvg(number: string, { digits = true } = {}): string {
  return withLabel(bwipjs.toSVG({ bcid: 'ean13', text: number, scale: 2, height: 20, includetext: digits }), `Member card ${number}`);
}

/**
 * The generated SVGs draw the digits as paths; a title and aria-label carry
 * the number as text for screen readers, search and tests.
 */
function withLabel(svg: string, label: string): string {
  return svg.replace(/<svg\b([^>]*)>/, `<svg$1 role="img" aria-label="${label}"><title>${label}</title>`);
}
