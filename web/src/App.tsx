import { lazy, Suspense } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { PublicTopbar } from './ui/kit';
import { SetupPage } from './pages/SetupPage';
import { StaffSignIn } from './pages/StaffSignIn';
import { lastPortalMerchant } from './portal/portal-cache';

// Each app is its own chunk: the till never downloads the charts of the back office.
const TerminalApp = lazy(() => import('./terminal/TerminalApp'));
const PortalApp = lazy(() => import('./portal/PortalApp'));
const AdminApp = lazy(() => import('./admin/AdminApp'));
const OperatorApp = lazy(() => import('./operator/OperatorApp'));

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
          <Route path="/admin/*" element={<AdminApp />} />
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
