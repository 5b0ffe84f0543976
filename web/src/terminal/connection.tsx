import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** How often the till asks the server whether it is there, and how long it waits for the answer. */
const CHECK_EVERY_MS = 5_000;
const ANSWER_WITHIN_MS = 4_000;

/**
 * Whether the till reaches the server: the browser's own offline signal at
 * once, and a small health request every few seconds (a cable pulled behind
 * a router, or a stopped server, does not make the browser go offline).
 */
export function useServerReachable(): boolean {
  const [reachable, setReachable] = useState(true);
  useEffect(() => {
    let stopped = false;
    const check = async () => {
      if (!navigator.onLine) return setReachable(false);
      const controller = new AbortController();
      const timer = window.setTimeout(() => controller.abort(), ANSWER_WITHIN_MS);
      try {
        const res = await fetch('/healthz', { cache: 'no-store', signal: controller.signal });
        if (!stopped) setReachable(res.ok);
      } catch {
        if (!stopped) setReachable(false);
      } finally {
        window.clearTimeout(timer);
      }
    };
    const offline = () => setReachable(false);
    const online = () => void check();
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    const interval = window.setInterval(() => void check(), CHECK_EVERY_MS);
    void check();
    return () => {
      stopped = true;
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      window.clearInterval(interval);
    };
  }, []);
  return reachable;
}

export function ConnectionStatus({ reachable }: { reachable: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="scan-status" data-testid="connection" data-state={reachable ? 'online' : 'offline'} role="status">
      <span className={reachable ? 'dot' : 'dot dot-bad'} aria-hidden="true" />
      {reachable ? t('terminal.online') : t('terminal.offline')}
    </span>
  );
}
