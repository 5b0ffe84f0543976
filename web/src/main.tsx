import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startI18n } from './i18n';
import './styles.css';
import { App, preloadApp } from './App';

// The page's language is fetched as its own chunk (and the page's app alongside), then the app renders in it.
preloadApp(window.location.pathname);
void startI18n().then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
