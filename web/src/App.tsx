import { lazy, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { staffSlot, useStored } from './api/sessions';
import { PublicTopbar } from './ui/kit';
import { lastPortalMerchant } from './portal/portal-cache';

// Each app and page is its own chunk: the till never downloads the charts of the back office,
// a shopper's phone only the portal.
const importPortal = () => import('./portal/PortalApp');
const importTerminal = () => import('./terminal/TerminalApp');
const TerminalApp = lazy(importTerminal);
const PortalApp = lazy(importPortal);
const AdminApp = lazy(() => import('./admin/AdminApp'));
const OperatorApp = lazy(() => import('./operator/OperatorApp'));
const FeedbackPage = lazy(() => import('./feedback/FeedbackPage'));

/**
 * Starts fetching the app of this address while the language chunk loads
 * (main.tsx), instead of after it: one round trip less before a phone shows
 * the portal or a till its screen. The lazy route reuses the same module.
 */
export function preloadApp(pathname: string): void {
  if (pathname.startsWith('/portal/') || pathname.startsWith('/j/')) void importPortal();
  else if (pathname.startsWith('/terminal')) void importTerminal();
}
const SetupPage = lazy(() => import('./pages/SetupPage').then((m) => ({ default: m.SetupPage })));
const StaffSignIn = lazy(() => import('./pages/StaffSignIn').then((m) => ({ default: m.StaffSignIn })));

export function App() {
  const { t } = useTranslation();
  return (
    <BrowserRouter>
      <Suspense fallback={<p className="muted" role="status">{t('common.loading')}</p>}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/setup" element={<SetupPage />} />
          <Route path="/signin" element={<StaffSignIn />} />
          <Route path="/terminal/*" element={<TerminalApp />} />
          <Route path="/portal" element={<PortalIndex />} />
          <Route path="/portal/:merchantId/*" element={<PortalApp />} />
          <Route path="/j/:code" element={<ShortAddress />} />
          <Route path="/f/:token" element={<FeedbackPage />} />
          <Route path="/admin/*" element={<AdminEntry />} />
          <Route path="/operator" element={<OperatorApp />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}

function Home() {
  const { t } = useTranslation();
  return (
    <>
      <PublicTopbar />
      <main className="narrow">
        <h1>{t('home.title')}</h1>
        <p>{t('home.intro')}</p>
        <ul className="stack">
          <li>
            <Link to="/terminal">{t('home.terminal')}</Link>
          </li>
          <li>
            <Link to="/admin">{t('home.admin')}</Link>
          </li>
          <li>
            <Link to="/portal">{t('home.portal')}</Link>
          </li>
        </ul>
      </main>
    </>
  );
}

/**
 * Signed out, /admin goes straight to the sign-in page: the back office and
 * its chart library are downloaded only for someone who can use them.
 */
function AdminEntry() {
  const staff = useStored(staffSlot);
  const location = useLocation();
  if (!staff) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname)}`} replace />;
  return <AdminApp />;
}

/** The poster's short address (/j/CODE) opens the shop's join page. */
function ShortAddress() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const [target, setTarget] = useState<string | null>(null);
  const [unknown, setUnknown] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    fetch(`/v1/portal/codes/${encodeURIComponent(code)}`, { signal: controller.signal })
      .then(async (res) => {
        if (!res.ok) return setUnknown(true);
        const shop = (await res.json()) as { id: string };
        setTarget(`/portal/${shop.id}/join`);
      })
      .catch(() => setUnknown(true));
    return () => controller.abort();
  }, [code]);
  if (target) return <Navigate to={target} replace />;
  return (
    <main className="narrow">
      {unknown ? (
        <>
          <h1>{t('portal.unknownShopTitle')}</h1>
          <p>{t('portal.unknownShop')}</p>
        </>
      ) : (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      )}
    </main>
  );
}

/** An installed portal opens at /portal; send the shopper back to their shop. */
function PortalIndex() {
  const { t } = useTranslation();
  const last = lastPortalMerchant();
  if (last) return <Navigate to={`/portal/${last}`} replace />;
  return (
    <main className="narrow">
      <h1>{t('portal.title')}</h1>
      <p>{t('portal.askShop')}</p>
    </main>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <main className="narrow">
      <h1>{t('common.notFound')}</h1>
      <Link to="/">{t('common.home')}</Link>
    </main>
  );
}
