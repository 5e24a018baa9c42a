// The console: sign-in, then the shell (navigation, language, sound, operator) around the screen the route names.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, isMissing } from './api.ts';
import { cognitoLogoutUrl, refreshCognito, saveSession, sessionFrom, startCognitoLogin, type AuthSession } from './auth.ts';
import type { ConsoleConfig } from './config.ts';
import { AppContext, type AppState } from './context.ts';
import { hrefOf, SCREENS, useRoute, type Screen } from './hooks.ts';
import { I18nContext, makeI18n, storeLocale, useI18n, type Locale } from './i18n/index.ts';
import { CamerasScreen } from './screens/cameras.tsx';
import { IncidentsScreen } from './screens/incidents.tsx';
import { PilotScreen } from './screens/pilot.tsx';
import { RulesScreen } from './screens/rules.tsx';
import { SensorsScreen } from './screens/sensors.tsx';
import { SignInScreen } from './screens/sign-in.tsx';
import { ZonesScreen } from './screens/zones.tsx';
import { storeSound, unlockAudio } from './sound.ts';
import { Icon } from './components/icon.tsx';
import type { Role, Zone } from './types.ts';

export interface AppProps {
  readonly config: ConsoleConfig;
  readonly initialSession?: AuthSession;
  readonly initialLocale: Locale;
  readonly initialSound: boolean;
  readonly initialNotice?: string;
}

export function App({ config, initialSession, initialLocale, initialSound, initialNotice }: AppProps) {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [session, setSession] = useState<AuthSession | undefined>(initialSession);
  const [notice, setNotice] = useState<string | undefined>(initialNotice);
  const [sound, setSound] = useState(initialSound);
  const i18n = useMemo(() => makeI18n(locale, config.province.timezone), [locale, config.province.timezone]);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = `${i18n.m.app.title} – ${config.province.name}`;
  }, [locale]);

  const signOut = (message?: string) => {
    saveSession(config, undefined);
    setSession(undefined);
    setNotice(message);
  };
  const api = useMemo(
    () =>
      new Api({
        baseUrl: config.apiUrl,
        token: () => sessionRef.current?.token,
        onUnauthorized: () => {
          const s = sessionRef.current;
          if (!s) return;
          void (async () => {
            const fresh = s.method === 'cognito' ? await refreshCognito(config, s) : undefined;
            if (fresh) {
              saveSession(config, fresh);
              setSession(fresh);
            } else signOut(makeI18n(locale, config.province.timezone).m.signIn.expired);
          })();
        },
      }),
    [config],
  );

  const signInLocal = (role: Role) => {
    unlockAudio(); // the click is the gesture that lets the board beep later
    const token = config.local?.tokens?.[role];
    if (!token) return;
    try {
      const s = sessionFrom('local', token);
      saveSession(config, s);
      setSession(s);
      setNotice(undefined);
    } catch (e) {
      setNotice(i18n.f(i18n.m.signIn.failed, { message: (e as Error).message }));
    }
  };

  return (
    <I18nContext.Provider value={i18n}>
      {!session ? (
        <SignInScreen config={config} notice={notice} onCognito={() => void startCognitoLogin(config)} onLocal={signInLocal} />
      ) : !session.role ? (
        <SignInScreen config={config} notice={i18n.m.signIn.noGroup} onCognito={() => void startCognitoLogin(config)} onLocal={signInLocal} />
      ) : (
        <Shell
          config={config}
          api={api}
          session={session}
          sound={sound}
          onSound={() => {
            unlockAudio();
            storeSound(!sound);
            setSound(!sound);
          }}
          onLocale={() => {
            const next = locale === 'vi' ? 'en' : 'vi';
            storeLocale(next);
            setLocale(next);
          }}
          onSignOut={() => {
            const logout = session.method === 'cognito' ? cognitoLogoutUrl(config) : undefined;
            signOut();
            if (logout) location.assign(logout);
          }}
        />
      )}
    </I18nContext.Provider>
  );
}

interface ShellProps {
  config: ConsoleConfig;
  api: Api;
  session: AuthSession;
  sound: boolean;
  onSound: () => void;
  onLocale: () => void;
  onSignOut: () => void;
}

function Shell({ config, api, session, sound, onSound, onLocale, onSignOut }: ShellProps) {
  const i18n = useI18n();
  const { m, f } = i18n;
  const route = useRoute();
  const [zones, setZones] = useState<ReadonlyMap<string, Zone>>(new Map());
  const [modules, setModules] = useState({ crowd: true, sensors: true });
  const main = useRef<HTMLElement>(null);

  // Zone names and which modules are on (a module that is off has no routes: 404).
  useEffect(() => {
    let alive = true;
    void (async () => {
      const [z, cams, sensors] = await Promise.allSettled([api.get<{ items: Zone[] }>('/zones'), api.get('/cameras'), api.get('/sensors')]);
      if (!alive) return;
      if (z.status === 'fulfilled') setZones(new Map(z.value.items.map((x) => [x.id, x])));
      setModules({ crowd: !(cams.status === 'rejected' && isMissing(cams.reason)), sensors: !(sensors.status === 'rejected' && isMissing(sensors.reason)) });
    })();
    return () => {
      alive = false;
    };
  }, [api]);

  const visible = SCREENS.filter((s) => (s === 'cameras' ? modules.crowd : s === 'sensors' ? modules.sensors : true));
  const screen: Screen = visible.includes(route.screen) ? route.screen : 'incidents';
  const state: AppState = useMemo(() => ({ config, api, session, zones, modules, sound }), [config, api, session, zones, modules, sound]);
  const first = useRef(true);
  useEffect(() => {
    // Moving between screens puts the focus on the new screen (not on the first load).
    if (first.current) first.current = false;
    else if (!route.id) main.current?.focus();
  }, [screen]);

  return (
    <AppContext.Provider value={state}>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        {m.app.skip}
      </a>
      <header class="topbar">
        <div class="brand">
          <span class="brand-title">{m.app.title}</span>
          <span class="brand-province">{config.province.name}</span>
        </div>
        <nav aria-label={m.app.nav} class="nav">
          <ul>
            {visible.map((s) => (
              <li key={s}>
                <a href={hrefOf({ screen: s })} aria-current={s === screen ? 'page' : undefined} data-screen={s}>
                  {m.screens[s]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="tools">
          <span class="tz muted">{f(m.app.timezone, { tz: config.province.timezone })}</span>
          <button type="button" class="btn btn-small btn-dark" aria-pressed={sound} title={m.app.soundLabel} onClick={onSound} data-testid="sound-toggle">
            <Icon name={sound ? 'bell' : 'bellOff'} />
            {sound ? m.app.soundOn : m.app.soundOff}
          </button>
          <button type="button" class="btn btn-small btn-dark" lang={i18n.locale === 'vi' ? 'en' : 'vi'} aria-label={m.lang.switchLabel} onClick={onLocale} data-testid="language-toggle">
            {m.lang.switchTo}
          </button>
          <span class="user" data-testid="signed-in-as">
            {f(m.app.signedInAs, { user: session.username, role: m.roles[session.role!] })}
          </span>
          <button type="button" class="btn btn-small btn-dark" onClick={onSignOut}>
            {m.app.signOut}
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} class="content">
        {screen === 'incidents' && <IncidentsScreen selectedId={route.id} />}
        {screen === 'cameras' && <CamerasScreen />}
        {screen === 'zones' && <ZonesScreen zoneId={route.id} />}
        {screen === 'sensors' && <SensorsScreen sensorId={route.id} />}
        {screen === 'rules' && <RulesScreen ruleId={route.id} />}
        {screen === 'pilot' && <PilotScreen />}
      </main>
    </AppContext.Provider>
  );
}
