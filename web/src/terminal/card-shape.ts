/**
 * Whether typed or scanned text is a member's card rather than what the field
 * asks for. Cards are 13 digits (EAN-13, also the QR payload), sometimes with
 * spaces or dashes as printed, or with the `]E0` prefix some scanners add;
 * pairing codes have 8 characters, amounts are short and keys start with
 * `tly_`, so nine digits or more can only be a card.
 */
export function looksLikeCard(text: string): boolean {
  return /^\d{9,}$/.test(cardDigits(text));
}

/** The digits a scanner sent, without the symbology prefix and separators. */
export function cardDigits(text: string): string {
  return text.trim().replace(/^\]E0/, '').replace(/[\s-]/g, '');
}
