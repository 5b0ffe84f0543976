import { checkCardCode } from './card-code';

export interface ScannerOptions {
  /** A valid scan: the code passed the local card check. */
  onCard(code: string): void;
  /** A scanner burst that is not a valid card (misread, wrong barcode). */
  onInvalidScan?(code: string, reason: string): void;
  /** Keystrokes that came from a person; hand them to the focused field. */
  onTyped?(text: string): void;
  /** Shortest burst taken as a scan (cards are 13 digits; QR payloads longer). */
  minLength?: number;
  /** Longest gap between keystrokes inside a scan. Wedge scanners send a character every 1–15 ms; people need 80 ms or more. */
  maxGapMs?: number;
  /** Clock in milliseconds; tests and event timestamps (KeyboardEvent.timeStamp) can be passed per key instead. */
  now?: () => number;
}

/**
 * Tells a keyboard-wedge scanner from a person at the keyboard. Feed it every
 * keystroke; a burst of at least `minLength` characters with every gap under
 * `maxGapMs`, ending in Enter, is a scan. Everything else is given back as
 * typed text, so the POS field still receives what the cashier typed.
 */
export class ScannerInput {
  private buffer = '';
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly minLength: number;
  private readonly maxGapMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ScannerOptions) {
    this.minLength = options.minLength ?? 8;
    this.maxGapMs = options.maxGapMs ?? 30;
    this.now = options.now ?? (() => performance.now());
  }

  /** One keystroke: a single character, or 'Enter'. */
  key(key: string, at: number = this.now()): void {
    if (this.buffer !== '' && at - this.lastAt > this.maxGapMs) this.flushTyped();
    if (key === 'Enter') {
      this.clearTimer();
      const burst = this.buffer;
      this.buffer = '';
      if (burst.length >= this.minLength) this.scanned(burst);
      else this.options.onTyped?.(`${burst}\n`);
      return;
    }
    if (key.length !== 1) return;
    this.buffer += key;
    this.lastAt = at;
    this.armTimer();
  }

  /** Stops the pending timer (when the POS screen closes). */
  dispose(): void {
    this.clearTimer();
  }

  private scanned(code: string): void {
    const check = checkCardCode(code);
    if (check.ok) this.options.onCard(code);
    else this.options.onInvalidScan?.(code, check.reason);
  }

  private flushTyped(): void {
    this.clearTimer();
    const text = this.buffer;
    this.buffer = '';
    if (text !== '') this.options.onTyped?.(text);
  }

  // Without it a person's last keystrokes would sit in the buffer until the next key.
  private armTimer(): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.flushTyped(), this.maxGapMs * 2);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
