// The sign-in screen: the province's managed login, and locally one button per role with the local token.
import type { ConsoleConfig } from '../config.ts';
import { useI18n } from '../i18n/index.ts';
import { ROLES, type Role } from '../types.ts';

export function SignInScreen({ config, notice, busy, onCognito, onLocal }: { config: ConsoleConfig; notice?: string; busy?: boolean; onCognito: () => void; onLocal: (role: Role) => void }) {
  const { m, f } = useI18n();
  const local = ROLES.filter((r) => config.local?.tokens?.[r]);
  return (
    <main id="main" class="sign-in" tabIndex={-1}>
      <div class="sign-in-card">
        <p class="eyebrow">{config.province.name}</p>
        <h1>{m.app.fullTitle}</h1>
        <h2>{m.signIn.title}</h2>
        {notice && (
          <p class="notice notice-warn" role="alert">
            {notice}
          </p>
        )}
        {busy && <p role="status">{m.signIn.inProgress}</p>}
        {config.cognitoDomain && (
          <>
            <p>{m.signIn.intro}</p>
            <button type="button" class="btn btn-primary btn-large" onClick={onCognito} disabled={busy}>
              {m.signIn.cognito}
            </button>
          </>
        )}
        {local.length > 0 && (
          <section aria-labelledby="local-roles" class="local-sign-in">
            <p>{m.signIn.localIntro}</p>
            <h3 id="local-roles" class="visually-hidden">
              {m.signIn.localRoles}
            </h3>
            <div class="button-row">
              {local.map((r) => (
                <button key={r} type="button" class="btn btn-large" data-role={r} onClick={() => onLocal(r)} disabled={busy}>
                  {f(m.signIn.localAs, { role: m.roles[r] })}
                </button>
              ))}
            </div>
          </section>
        )}
        {!config.cognitoDomain && local.length === 0 && <p class="notice notice-error">{m.signIn.noMethod}</p>}
      </div>
    </main>
  );
}
