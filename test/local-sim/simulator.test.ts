// The simulator against a fake HTTP API on a fast clock: credentials, frames and events with the right headers and sim times; clean stop.
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock, startClock } from '../../local/clock.ts';
import { cameraView, localInstant } from '../../local/simulator/scenario.ts';
import { readGroundTruth } from '../../local/simulator/scene.ts';
import { Simulator } from '../../local/simulator/simulator.ts';
import { sampleConfig } from '../helpers/province.ts';
import { startFakeApi } from './fake-api.ts';

const config = sampleConfig('da-nang');
const devices = [...config.cameras.map((c) => c.id), ...config.sensors.map((s) => s.id)];
/** 22:30 local on the first pilot night: the crowd of cam-dn-001 is there. */
const simStart = () => new Date(localInstant('2026-12-01', 22 * 60 + 30, config.timezone));
const frameSize = { width: 320, height: 180 };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function world(apiOptions: Parameters<typeof startFakeApi>[0] = {}, speed = 300) {
  const api = await startFakeApi(apiOptions);
  const clock = new SimClock(startClock(simStart(), speed));
  const lines: string[] = [];
  const sim = new Simulator({ apiUrl: `${api.url}/`, adminToken: api.adminToken, config, clock, seed: 1, frameSize, log: (l) => lines.push(l) });
  cleanups.push(api.close, () => sim.stop());
  return { api, clock, sim, lines };
}

/** Frame uploads (cameras) or events (sensors) a device has sent. */
const sentBy = (calls: Array<{ method: string; path: string; json?: any }>, id: string) =>
  calls.filter((c) => (c.method === 'PUT' && c.path.startsWith(`/upload/${id}/`)) || (c.path === '/events' && c.json?.events?.[0]?.id?.startsWith(`${id}-`))).length;

/** Resolves when `condition` holds, polling; fails after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('Simulator', () => {
  it('issues a credential per device, then sends frames and events with their own credentials and simulated times', async () => {
    // Prepare
    const { api, clock, sim } = await world();
    const timersBefore = activeTimers();

    // Act: at least 3 simulated minutes (0.6 s at 300x), and until every device has sent 3 times (a loaded CI is slower)
    await sim.start();
    const until = clock.now().getTime() + 3 * 60_000;
    await sim.runUntil(until);
    await waitFor(() => devices.every((id) => sentBy(api.calls, id) >= 3), 20_000);
    await sim.stop();
    const stats = sim.stats();
    const stoppedAt = clock.now().getTime();

    // Assert: credentials
    const issued = api.calls.filter((c) => c.path === '/devices');
    expect(issued.map((c) => c.json.id).sort()).toEqual([...devices].sort());
    expect(issued.every((c) => c.authorization === 'Bearer admin-jwt' && c.contentType === 'application/json')).toBe(true);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(until);

    // Assert: frames — each camera asks with its own credential, every 10 simulated seconds, and uploads what it announced
    for (const camera of config.cameras) {
      const asks = api.calls.filter((c) => c.path === `/cameras/${camera.id}/frames`);
      expect(asks.length).toBeGreaterThanOrEqual(3);
      expect(asks.every((c) => c.authorization === `Device ${api.credentials.get(camera.id)}`)).toBe(true);
      const times = asks.map((c) => Date.parse(c.json.takenAt));
      expect(asks.every((c) => c.json.contentType === 'image/jpeg' && Number.isInteger(c.json.contentLength))).toBe(true);
      expect(times.every((t, i) => t >= simStart().getTime() && t <= stoppedAt && (i === 0 || (t > times[i - 1]! && (t - times[i - 1]!) % 10_000 === 0)))).toBe(true);
    }
    const uploads = api.calls.filter((c) => c.method === 'PUT');
    expect(uploads.length).toBe(stats.framesSent);
    for (const put of uploads) {
      const n = Number(/\/upload\/[^/]+\/(\d+)/.exec(put.path)![1]);
      const ticket = api.tickets[n]!;
      expect(put.contentType).toBe('image/jpeg');
      expect(put.body.length).toBe(ticket.contentLength);
      // The frame shows the scenario at its simulated instant.
      const expected = cameraView(config, ticket.cameraId, Date.parse(ticket.takenAt), { seed: 1, frameAspect: 320 / 180 }).people;
      expect(readGroundTruth(put.body)).toEqual(expected);
    }
    const crowdFrames = uploads.filter((p) => p.path.includes('cam-dn-001')).map((p) => readGroundTruth(p.body)!.length);
    expect(Math.max(...crowdFrames)).toBeGreaterThanOrEqual(15);

    // Assert: events — one reading per sensor per simulated minute, id <sensor>-<epoch seconds>
    const events = api.calls.filter((c) => c.path === '/events');
    expect(events.length).toBe(stats.eventsSent);
    for (const sensor of config.sensors) {
      const mine = events.filter((c) => c.json.events[0].id.startsWith(`${sensor.id}-`));
      expect(mine.length).toBeGreaterThanOrEqual(3);
      expect(mine.every((c) => c.authorization === `Device ${api.credentials.get(sensor.id)}`)).toBe(true);
      for (const [i, c] of mine.entries()) {
        const [event] = c.json.events;
        expect(Object.keys(event).sort()).toEqual(['id', 'ts', 'value']);
        expect(event.id).toBe(`${sensor.id}-${Date.parse(event.ts) / 1000}`);
        expect(event.value).toBeGreaterThan(20);
        // A minute apart, or whole minutes when a starved timer skipped ticks (counted in ticksSkipped).
        const gap = i > 0 ? Date.parse(event.ts) - Date.parse(mine[i - 1]!.json.events[0].ts) : 60_000;
        expect(gap > 0 && gap % 60_000 === 0).toBe(true);
      }
    }
    expect(stats).toMatchObject({ devices: 5, credentialsIssued: 5, framesFailed: 0, eventsRejected: 0, errors: {} });
    expect(stats.framesSent).toBeGreaterThanOrEqual(6); // 3 per camera at least
    expect(stats.renderMs).toBeGreaterThan(0);

    // Assert: nothing left running
    const count = api.calls.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(api.calls.length).toBe(count);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });

  it('counts and logs each kind of request error once, and keeps going', async () => {
    // Prepare
    const { api, clock, sim, lines } = await world({ framesStatus: 403, eventsStatus: 503 });

    // Act
    await sim.start();
    await sim.runUntil(clock.now().getTime() + 5 * 60_000);
    await sim.stop();
    const stats = sim.stats();

    // Assert
    expect(stats.framesFailed).toBeGreaterThan(3);
    expect(stats.eventsRejected).toBeGreaterThan(3);
    expect(stats.framesSent + stats.eventsSent).toBe(0);
    expect(stats.errors).toEqual({ 'POST /cameras/{id}/frames: HTTP 403': stats.framesFailed, 'POST /events: HTTP 503': stats.eventsRejected });
    const errorLines = lines.filter((l) => l.includes('HTTP'));
    expect(errorLines).toHaveLength(2);
    expect(errorLines.find((l) => l.includes('HTTP 503'))).toContain('stream unavailable (fake)');
    expect(errorLines.find((l) => l.includes('HTTP 403'))).toContain('frames refused by the fake');
    expect(api.calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });

  it('never has two ticks of a device in flight: a slow upload makes it skip ticks, counted', async () => {
    // Prepare: an upload takes 150 ms while a camera ticks every 10 simulated seconds = 17 ms at 600x
    const { api, clock, sim } = await world({ uploadDelayMs: 150 }, 600);

    // Act
    await sim.start();
    await sim.runUntil(clock.now().getTime() + 5 * 60_000);
    await sim.stop();

    // Assert
    expect(sim.stats().ticksSkipped).toBeGreaterThan(10);
    expect([...api.maxConcurrentUploads.values()]).toEqual([1, 1]);
    expect(sim.stats().framesSent).toBeGreaterThan(0);
  });

  it('refuses to start when credentials cannot be issued, naming the devices, and sends nothing', async () => {
    // Prepare
    const { api, sim } = await world({ devicesStatus: 403 });

    // Act
    const started = sim.start();

    // Assert
    await expect(started).rejects.toThrow(/cam-dn-001: HTTP 403 .*devices refused by the fake/);
    await new Promise((r) => setTimeout(r, 100));
    expect(api.calls.every((c) => c.path === '/devices')).toBe(true);
    expect(api.calls).toHaveLength(devices.length); // 4xx: not retried
  });

  it('runUntil resolves when stopped early', async () => {
    // Prepare
    const { sim } = await world();
    await sim.start();

    // Act
    const waiting = sim.runUntil(simStart().getTime() + 24 * 3_600_000);
    setTimeout(() => void sim.stop(), 50);

    // Assert
    await expect(waiting).resolves.toBeUndefined();
  });
});
