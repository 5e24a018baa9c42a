// A tiny stand-in for the province HTTP API on 127.0.0.1: issues credentials, frame upload URLs and takes events, recording every call.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake API received. */
export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** The parsed JSON body, when it is JSON. */
  readonly json?: any;
  readonly at: number;
}

/** A frame URL the fake handed out. */
export interface IssuedTicket {
  readonly cameraId: string;
  readonly takenAt: string;
  readonly contentLength: number;
}

export interface FakeApiOptions {
  readonly adminToken?: string;
  /** Answer POST /devices with this status instead of 201. */
  readonly devicesStatus?: number;
  /** Answer POST /cameras/{id}/frames with this status instead of 200. */
  readonly framesStatus?: number;
  /** Answer POST /events with this status instead of 200. */
  readonly eventsStatus?: number;
  /** Wall milliseconds each upload takes. */
  readonly uploadDelayMs?: number;
}

/** Starts the fake API; `close()` ends it. */
export async function startFakeApi(o: FakeApiOptions = {}) {
  const adminToken = o.adminToken ?? 'admin-jwt';
  const calls: RecordedCall[] = [];
  const credentials = new Map<string, string>();
  const tickets: IssuedTicket[] = [];
  const uploading = new Map<string, number>();
  const maxConcurrentUploads = new Map<string, number>();
  let base = '';

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const deviceOf = (auth: string | undefined) => [...credentials].find(([, c]) => auth === `Device ${c}`)?.[0];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
    const path = req.url ?? '/';
    const call: RecordedCall = { method: req.method!, path, authorization: req.headers.authorization, contentType: req.headers['content-type'], body, json, at: Date.now() };
    calls.push(call);
    const auth = req.headers.authorization;

    if (req.method === 'POST' && path === '/devices') {
      if (o.devicesStatus) return reply(res, o.devicesStatus, { error: 'nope', message: 'devices refused by the fake' });
      if (auth !== `Bearer ${adminToken}`) return reply(res, 401, { message: 'Unauthorized' });
      const id = (json as { id?: string }).id!;
      const credential = `${id}.${randomBytes(32).toString('base64url')}`;
      credentials.set(id, credential);
      return reply(res, 201, { id, credential, status: 'active' });
    }
    const frames = /^\/cameras\/([^/]+)\/frames$/.exec(path);
    if (req.method === 'POST' && frames) {
      const cameraId = decodeURIComponent(frames[1]!);
      if (o.framesStatus) return reply(res, o.framesStatus, { error: 'forbidden', message: 'frames refused by the fake' });
      if (deviceOf(auth) !== cameraId) return reply(res, 403, { error: 'forbidden' });
      const b = json as { contentType: string; contentLength: number; takenAt: string };
      tickets.push({ cameraId, takenAt: b.takenAt, contentLength: b.contentLength });
      const n = tickets.length - 1;
      return reply(res, 200, {
        url: `${base}/upload/${cameraId}/${n}?X-Amz-Signature=abc`,
        key: `frames/${cameraId}/${n}.jpg`,
        method: 'PUT',
        headers: { 'content-type': b.contentType, 'content-length': String(b.contentLength) },
      });
    }
    const upload = /^\/upload\/([^/]+)\/(\d+)/.exec(path);
    if (req.method === 'PUT' && upload) {
      const cameraId = upload[1]!;
      const now = (uploading.get(cameraId) ?? 0) + 1;
      uploading.set(cameraId, now);
      maxConcurrentUploads.set(cameraId, Math.max(maxConcurrentUploads.get(cameraId) ?? 0, now));
      if (o.uploadDelayMs) await new Promise((r) => setTimeout(r, o.uploadDelayMs));
      uploading.set(cameraId, uploading.get(cameraId)! - 1);
      res.writeHead(200);
      return res.end();
    }
    if (req.method === 'POST' && path === '/events') {
      if (o.eventsStatus) return reply(res, o.eventsStatus, { error: 'unavailable', message: 'stream unavailable (fake)' });
      if (!deviceOf(auth)) return reply(res, 401, { message: 'Unauthorized' });
      const events = (json as { events: Array<{ id: string }> }).events;
      return reply(res, 200, { accepted: events.length, rejected: [], acceptedIds: events.map((e) => e.id) });
    }
    return reply(res, 404, { message: `no route ${req.method} ${path}` });
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    adminToken,
    calls,
    credentials,
    tickets,
    maxConcurrentUploads,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
