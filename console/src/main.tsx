// Entry: read config.json (next to index.html), finish a managed login if this is its callback, then render.
import { render } from 'preact';
import { App } from './app.tsx';
import { completeCognitoLogin, loadSession, refreshCognito, saveSession, type AuthSession } from './auth.ts';
import { parseConfig } from './config.ts';
import { fill as fillText } from '../../lambdas/shared/domain/i18n.ts';
import { MESSAGES, storedLocale } from './i18n/index.ts';
import { storedSound } from './sound.ts';
import './styles.css';

async function start(root: HTMLElement) {
  const locale = storedLocale();
  let config;
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    config = parseConfig(await res.json());
  } catch (e) {
    root.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'notice notice-error fatal';
    p.setAttribute('role', 'alert');
    p.textContent = fillText(MESSAGES[locale].signIn.configFailed, { message: (e as Error).message });
    root.append(p);
    return;
  }
  let session: AuthSession | undefined;
  let notice: string | undefined;
  try {
    session = await completeCognitoLogin(config);
    if (session) saveSession(config, session);
  } catch (e) {
    notice = fillText(MESSAGES[locale].signIn.failed, { message: (e as Error).message });
  }
  session ??= loadSession(config);
  if (session && session.expiresAt * 1000 <= Date.now()) {
    session = await refreshCognito(config, session);
    saveSession(config, session);
    if (!session) notice = MESSAGES[locale].signIn.expired;
  }
  root.textContent = '';
  render(<App config={config} initialSession={session} initialLocale={locale} initialSound={storedSound()} initialNotice={notice} />, root);
}

void start(document.getElementById('app')!);
