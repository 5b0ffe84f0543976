import { randomInt } from 'node:crypto';

/**
 * Member numbers are 8 digits: 7 random digits (first one non-zero, so the
 * number never loses a leading zero in a spreadsheet) and a Luhn check digit,
 * so a number read out at the till and typed with one wrong digit is refused
 * instead of finding somebody else.
 */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Double every second digit counting from the right of the final number (the check digit is position 0).
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidMemberNumber(value: string): boolean {
  return /^\d{8}$/.test(value) && luhnCheckDigit(value.slice(0, 7)) === Number(value[7]);
}

export function generateMemberNumber(pick: (n: number) => number = randomInt): string {
  let body = String(1 + pick(9));
  while (body.length < 7) body += String(pick(10));
  return body + String(luhnCheckDigit(body));
}
