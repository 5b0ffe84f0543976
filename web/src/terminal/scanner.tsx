import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A wedge scanner types a whole code in a few milliseconds per key; people
 * type 100+ ms apart. The average gap (not each gap) is what counts, so one
 * slow event on a busy till does not lose a scan.
 */
const MAX_AVERAGE_GAP_MS = 50;
/** A pause this long starts a new burst. */
const RESET_AFTER_MS = 1000;
const MIN_LENGTH = 4;

/**
 * Catches a USB keyboard-wedge scanner: a burst of fast keystrokes ending in
 * Enter. A visually hidden input holds focus while the till is idle, so a
 * code typed there (by the scanner, or by the cashier on the keyboard) is
 * looked up on Enter. When focus sits on a button instead, only a fast burst
 * counts, and its Enter is swallowed so it cannot press that button. Typing
 * into real form fields is left alone.
 */
export function WedgeScanner({ onScan, active }: { onScan: (code: string) => void; active: boolean }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const buffer = useRef({ text: '', start: 0, last: 0 });
  const handler = useRef(onScan);
  handler.current = onScan;

  useEffect(() => {
    if (!active) return;
    const isField = (el: EventTarget | null) =>
      (el instanceof HTMLInputElement && el !== input.current) || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
    const onKey = (e: KeyboardEvent) => {
      if (isField(e.target) || e.ctrlKey || e.altKey || e.metaKey) return;
      const b = buffer.current;
      const now = performance.now();
      if (now - b.last > RESET_AFTER_MS) b.text = '';
      if (e.key === 'Enter') {
        const n = b.text.length;
        const averageGap = n > 1 ? (b.last - b.start) / (n - 1) : 0;
        if (n >= MIN_LENGTH && (e.target === input.current || averageGap <= MAX_AVERAGE_GAP_MS)) {
          e.preventDefault();
          handler.current(b.text);
        }
        b.text = '';
        return;
      }
      if (e.key.length === 1) {
        if (b.text === '') b.start = now;
        b.text += e.key;
        b.last = now;
        if (e.target === input.current) e.preventDefault();
      }
    };
    document.addEventListener('keydown', onKey, true);
    // Idle till: keep the scanner input focused so the first key of a burst is not lost.
    const refocus = () => {
      if (document.activeElement === document.body || document.activeElement === null) input.current?.focus({ preventScroll: true });
    };
    input.current?.focus({ preventScroll: true });
    const timer = window.setInterval(refocus, 500);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      window.clearInterval(timer);
    };
  }, [active]);

  return (
    <span className="scan-status" aria-live="polite">
      <input ref={input} className="sr-only" tabIndex={-1} aria-label={t('terminal.scannerInput')} data-testid="wedge" autoComplete="off" />
      <span className={active ? 'dot' : 'dot dot-off'} aria-hidden="true" />
      {active ? t('terminal.scannerReady') : t('terminal.scannerPaused')}
    </span>
  );
}

/** Reads a QR code or a 1D barcode with the device camera (@zxing/browser, loaded only when used). */
export function CameraScanner({ onScan, onClose }: { onScan: (code: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void (async () => {
      try {
        const { BrowserMultiFormatReader } = await import('@zxing/browser');
        const reader = new BrowserMultiFormatReader();
        if (cancelled || !video.current) return;
        // The callback gets its own controls: the first frame can decode before this await returns.
        const controls = await reader.decodeFromVideoDevice(undefined, video.current, (result, _error, own) => {
          if (result) {
            own.stop();
            onScan(result.getText());
          }
        });
        stop = () => controls.stop();
        if (cancelled) stop();
      } catch {
        setProblem(t('terminal.cameraUnavailable'));
      }
    })();
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [onScan, t]);

  return (
    <div className="card camera">
      <video ref={video} muted playsInline aria-label={t('terminal.camera')} />
      {problem && <p className="field-error">{problem}</p>}
      <button type="button" className="btn" onClick={onClose}>
        {t('terminal.closeCamera')}
      </button>
    </div>
  );
}
