/**
 * EAN-13 as the 95 modules a 1D scanner reads ('1' bar, '0' space), drawn on
 * the phone from the card number: many tills have 1D scanners only. Card
 * numbers are EAN-13 (see src/cards/card-number.ts). A few lines of the
 * standard instead of bwip-js, whose encoder would triple the portal's size.
 */
const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const G = ['0100111', '0110011', '0011011', '0100001', '0011101', '0111001', '0000101', '0010001', '0001001', '0010111'];
const R = L.map((code) => [...code].map((bit) => (bit === '1' ? '0' : '1')).join(''));
/** The first digit is not drawn: it picks which left digits use the G set. */
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

/** True for 13 digits whose last is the EAN check digit of the first twelve. */
export function isEan13(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false;
  const sum = [...value.slice(0, 12)].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === Number(value[12]);
}

/** The modules of an EAN-13, or null when the value is not one. */
export function ean13Modules(value: string): string | null {
  if (!isEan13(value)) return null;
  const digits = [...value].map(Number);
  const parity = PARITY[digits[0]];
  const left = digits.slice(1, 7).map((d, i) => (parity[i] === 'L' ? L[d] : G[d])).join('');
  const right = digits.slice(7).map((d) => R[d]).join('');
  return `101${left}01010${right}101`;
}
