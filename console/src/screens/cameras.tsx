// The camera wall: per camera its latest analysed frame with the counted people's boxes and the region of interest
// drawn over it, the count, the zone and the health. Counts and boxes only: nobody is identified.
import { useRef } from 'preact/hooks';
import { Icon } from '../components/icon.tsx';
import { LoadState } from '../components/load-state.tsx';
import { useApp } from '../context.ts';
import { usePoll } from '../hooks.ts';
import { useI18n } from '../i18n/index.ts';
import type { CameraDetail, CameraItem } from '../types.ts';

/** How often the wall refreshes. */
export const CAMERA_POLL_MS = 5000;

export function CamerasScreen() {
  const { api, zones } = useApp();
  const i18n = useI18n();
  const { m } = i18n;
  // A frame's link changes with every read (it is presigned for 60 s); keep the first link of a frame so the image
  // is not downloaded again until the frame itself changes.
  const links = useRef(new Map<string, string>());
  const wall = usePoll(
    async () => {
      const list = await api.get<{ items: CameraItem[] }>('/cameras');
      const details = await Promise.all(list.items.map((c) => api.get<CameraDetail & { latestFrame: (CameraDetail['latestFrame'] & { key?: string }) | null }>(`/cameras/${encodeURIComponent(c.camera.id)}`)));
      const next = new Map<string, string>();
      const out = details.map((d) => {
        const f = d.latestFrame;
        if (!f) return d;
        const key = f.key ?? f.url;
        const url = links.current.get(key) ?? f.url;
        next.set(key, url);
        return { ...d, latestFrame: { ...f, url } };
      });
      links.current = next;
      return out;
    },
    CAMERA_POLL_MS,
    [],
  );
  const zoneName = (id: string) => {
    const z = zones.get(id);
    return z ? (i18n.locale === 'en' ? (z.nameEn ?? z.name) : z.name) : id;
  };

  return (
    <section class="screen" aria-labelledby="cameras-title">
      <header class="screen-head">
        <h1 id="cameras-title">{m.cameras.title}</h1>
        <p class="screen-sub">
          <Icon name="shield" />{' '}
          {m.cameras.privacy}
          {wall.at ? <span class="muted"> · {i18n.f(m.app.updatedAt, { time: i18n.clock(wall.at) })}</span> : null}
        </p>
      </header>
      <LoadState loading={wall.loading} error={wall.error} hasData={wall.data !== undefined} reload={wall.reload} />
      {wall.data && wall.data.length === 0 && <p class="empty">{m.cameras.empty}</p>}
      <ul class="camera-wall">
        {wall.data?.map((c) => (
          <li key={c.camera.id}>
            <CameraTile camera={c} zone={zoneName(c.camera.zone)} />
          </li>
        ))}
      </ul>
      <p class="legend">
        <span class="legend-roi" aria-hidden="true" /> {m.cameras.legendRoi} <span class="legend-box" aria-hidden="true" /> {m.cameras.legendBox}
      </p>
    </section>
  );
}

function CameraTile({ camera: c, zone }: { camera: CameraDetail; zone: string }) {
  const i18n = useI18n();
  const { m, f } = i18n;
  const frame = c.latestFrame;
  const h = c.health;
  const state = h.offline ? 'offline' : h.activeNow ? 'online' : 'inactive';
  const count = frame?.count ?? h.lastCount;
  return (
    <article class={`camera-tile camera-${state}`} aria-labelledby={`cam-${c.camera.id}`} data-camera={c.camera.id}>
      <header class="camera-head">
        <h2 id={`cam-${c.camera.id}`}>{c.camera.name}</h2>
        <span class={`badge health health-${state}`}>
          {state === 'offline' ? <Icon name="alert" /> : <span aria-hidden="true">{state === 'online' ? '●' : '○'}</span>} {m.cameras[state]}
        </span>
      </header>
      <figure class="frame">
        {frame ? (
          <>
            <img src={frame.url} alt={f(m.cameras.frameAlt, { camera: c.camera.name, count: frame.count })} decoding="async" referrerpolicy="no-referrer" />
            <svg class="overlay" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true" data-boxes={frame.boxes.length}>
              <polygon class="roi" points={c.camera.roi.map(([x, y]) => `${x},${y}`).join(' ')} />
              {frame.boxes.map(([left, top, width, height], n) => (
                <rect key={n} class="box" x={left} y={top} width={width} height={height} />
              ))}
            </svg>
          </>
        ) : (
          <div class="frame-empty">{m.cameras.noFrame}</div>
        )}
      </figure>
      <dl class="camera-facts">
        <div class="camera-count">
          <dt>{m.cameras.count}</dt>
          <dd data-testid="camera-count">{count === null || count === undefined ? m.app.none : i18n.num(count)}</dd>
        </div>
        <div>
          <dt>{m.cameras.zone}</dt>
          <dd>{zone}</dd>
        </div>
        <div>
          <dt>{m.cameras.lastFrame}</dt>
          <dd>{i18n.time(h.lastFrameAt)}</dd>
        </div>
        <div>
          <dt>{m.cameras.lastAnalysed}</dt>
          <dd>{i18n.time(h.lastAnalysedAt)}</dd>
        </div>
      </dl>
      {h.lastCarried && <p class="hint">{m.cameras.carried}</p>}
      {frame?.boxesTruncated && <p class="hint">{m.cameras.truncated}</p>}
      {h.rejectedCount > 0 && <p class="hint">{f(m.cameras.rejected, { n: h.rejectedCount })}</p>}
    </article>
  );
}
