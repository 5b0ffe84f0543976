import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

/**
 * The card QR drawn on the phone from the card number (the QR payload the
 * till reads), so it needs no network once the number is cached. Error
 * correction M and a quiet zone of 4 modules keep it readable on a
 * scratched screen at any brightness.
 */
export function CardQr({ value, label }: { value: string; label: string }) {
  const [svg, setSvg] = useState<string>('');
  useEffect(() => {
    let live = true;
    QRCode.toString(value, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } }).then(
      (s) => live && setSvg(s),
      () => live && setSvg(''),
    );
    return () => {
      live = false;
    };
  }, [value]);
  // The SVG comes from the qrcode library from a digits-only value, never from user HTML.
  return <div role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />;
}
