import type { CSSProperties } from 'react';

/**
 * The shop's colour on its portal, with the text colour that reads on it:
 * white or black, whichever contrasts more (one of the two always reaches
 * WCAG AA's 4.5:1, whatever colour the owner picks).
 */
export function brandStyle(color: string | null | undefined): CSSProperties {
  if (!color || !/^#[0-9a-f]{6}$/i.test(color)) return {};
  const luminance = relativeLuminance(color);
  const onWhite = 1.05 / (luminance + 0.05);
  const onBlack = (luminance + 0.05) / 0.05;
  // Custom properties, which CSSProperties does not name.
  return { '--brand': color, '--brand-ink': onWhite >= onBlack ? '#ffffff' : '#000000' } as CSSProperties;
}

/** WCAG 2 relative luminance of #rrggbb. */
function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
