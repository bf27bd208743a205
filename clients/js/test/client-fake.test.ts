// The client against a scripted socket and a mock clock: close-code policy, reconnect hint,
// liveness, frame splitting, re-subscription with `since`, batching under the edge's size limit,
// presence. "Nothing else happens" is checked by moving the clock far ahead, not by sleeping.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RealtimeClient, type ClientEvents } from '../src/client.js';
import type { ClientOptions, DisconnectedInfo, GapInfo, Message, PresenceInfo } from '../src/types.js';
import { advance, fakeSocketClass, settle, useMockClock, useRealTime } from './fake-socket.js';

type EventName = keyof ClientEvents;
interface Recorded {
  name: EventName;
  info: unknown;
}

function setup(options: Partial<ClientOptions> = {}) {
  const Socket = fakeSocketClass();
  const events: Recorded[] = [];
  const client = new RealtimeClient({ url: 'ws://edge/ws', token: 't0', WebSocket: Socket, minReconnectDelayMs: 10, maxReconnectDelayMs: 20, ...options });
  const names: EventName[] = ['connecting', 'connected', 'disconnected', 'closed', 'message', 'gap', 'recovered', 'error', 'join', 'leave'];
  for (const name of names) {
    client.on(name, (info: unknown) => events.push({ name, info }));
  }
  const of = <T>(name: EventName): T[] => events.filter((e) => e.name === name).map((e) => e.info as T);
  return { Socket, client, events, of, names: () => events.map((e) => e.name), last: () => Socket.instances.at(-1)! };
}

/** Far beyond every delay these tests configure: anything still to happen has happened. */
const LONG_AFTER_MS = 60_000;

describe('RealtimeClient close codes', () => {
  beforeEach(useMockClock);
  afterEach(useRealTime);

  for (const code of [1000, 1003, 1008, 1009, 4009]) {
    it(`does not reconnect after ${code}`, async () => {
      const { Socket, client, names, last } = setup();
      client.connect();
      await settle();
      assert.equal(Socket.instances.length, 1);
      last().welcome();
      last().serverClose(code, 'x');
      await advance(LONG_AFTER_MS);
      assert.equal(Socket.instances.length, 1);
      assert.equal(client.state, 'closed');
      assert.deepEqual(names().slice(-2), ['disconnected', 'closed']);
    });
  }

  it('does not reconnect after 4001 with a fixed token', async () => {
    const { Socket, client, last } = setup();
    client.connect();
    await settle();
    last().serverClose(4001, 'invalid token');
    await advance(LONG_AFTER_MS);
    assert.equal(Socket.instances.length, 1);
    assert.equal(client.state, 'closed');
  });

  it('after 4001 with a token callback tries new tokens, then gives up', async () => {
    let calls = 0;
    const { Socket, client } = setup({ token: () => `t${++calls}`, maxAuthFailures: 3 });
    client.connect();
    await settle();
    for (let i = 0; i < 3; i++) {
      assert.equal(Socket.instances.length, i + 1, `attempt ${i + 1}`);
      Socket.instances[i].serverClose(4001, 'invalid token');
      await advance(20);
    }
    await advance(LONG_AFTER_MS);
    assert.equal(Socket.instances.length, 3);
    assert.equal(calls, 3);
    assert.equal(client.state, 'closed');
    assert.deepEqual(
      Socket.instances.map((s) => (s.protocols as string[])[1]),
      ['bearer.t1', 'bearer.t2', 'bearer.t3'],
    );
  });

  it('after 4002 fetches a new token and reconnects', async () => {
    let calls = 0;
    const { Socket, client } = setup({ token: async () => `tok${++calls}` });
    client.connect();
    await settle();
    Socket.instances[0].welcome();
    Socket.instances[0].serverClose(4002, 'token expired');
    await advance(20);
    assert.equal(Socket.instances.length, 2);
    assert.equal(calls, 2);
    assert.deepEqual(Socket.instances[1].protocols, ['realtime.v1.json', 'bearer.tok2']);
    client.disconnect();
  });

  it('after 4002 with a fixed token stops', async () => {
    const { Socket, client } = setup();
    client.connect();
    await settle();
    Socket.instances[0].serverClose(4002, 'token expired');
    await advance(LONG_AFTER_MS);
    assert.equal(Socket.instances.length, 1);
    assert.equal(client.state, 'closed');
  });

  it('after 1012 reconnects after the hint only, not after a backoff delay', async () => {
    const { Socket, client, of } = setup({ minReconnectDelayMs: 5_000, maxReconnectDelayMs: 5_000, random: () => 0.99, url: ['ws://a/ws', 'ws://b/ws'] });
    client.connect();
    await settle();
    Socket.instances[0].welcome();
    Socket.instances[0].serverSend({ op: 'reconnect', after_ms: 120, reason: 'draining' });
    Socket.instances[0].serverClose(1012, 'server restart');
    await advance(119);
    assert.equal(Socket.instances.length, 1, 'not before the hint');
    await advance(1);
    assert.equal(Socket.instances.length, 2, 'right after the hint');
    assert.equal(Socket.instances[1].url, 'ws://b/ws', 'a draining edge is left for the next one');
    assert.equal(of<DisconnectedInfo>('disconnected')[0].delayMs, 120);
    client.disconnect();
  });

  it('after 1012 without a hint reconnects at once', async () => {
    const { Socket, client } = setup({ minReconnectDelayMs: 5_000, maxReconnectDelayMs: 5_000, random: () => 0.99 });
    client.connect();
    await settle();
    Socket.instances[0].welcome();
    Socket.instances[0].serverClose(1012, 'server restart');
    await advance(0);
    assert.equal(Socket.instances.length, 2, 'an immediate reconnect');
    client.disconnect();
  });

  it('after 1006 backs off with jitter bounded by the max', async () => {
    const { Socket, client, of } = setup({ minReconnectDelayMs: 40, maxReconnectDelayMs: 80 });
    client.connect();
    await settle();
    for (let i = 0; i < 5; i++) {
      assert.equal(Socket.instances.length, i + 1, `attempt ${i + 1}`);
      Socket.instances[i].serverClose(1006, '');
      await advance(80);
    }
    const delays = of<DisconnectedInfo>('disconnected').map((d) => d.delayMs ?? -1);
    assert.equal(delays.length, 5);
    assert.ok(delays.every((d) => d >= 0 && d < 80), delays.join(','));
    client.disconnect();
  });

  it('a disconnect() stops reconnecting', async () => {
    const { Socket, client } = setup();
    client.connect();
    await settle();
    Socket.instances[0].serverClose(1006, '');
    client.disconnect();
    await advance(LONG_AFTER_MS);
    assert.equal(Socket.instances.length, 1);
    assert.equal(client.state, 'closed');
  });
});

describe('RealtimeClient connection', () => {
  beforeEach(useMockClock);
  afterEach(useRealTime);

  it('rotates through the URL list on every new attempt', async () => {
    const { Socket, client } = setup({ url: ['ws://a/ws', 'ws://b/ws', 'ws://c/ws'] });
    client.connect();
    await settle();
    for (let i = 0; i < 3; i++) {
      Socket.instances[i].serverClose(1006, '');
      await advance(20);
    }
    assert.deepEqual(
      Socket.instances.map((s) => s.url),
      ['ws://a/ws', 'ws://b/ws', 'ws://c/ws', 'ws://a/ws'],
    );
    client.disconnect();
  });

  it('closes and reconnects when nothing is heard for 2x the ping interval', async () => {
    const { Socket, client, of } = setup();
    client.connect();
    await settle();
    Socket.instances[0].welcome({ ping_interval_ms: 40 });
    // pings keep it alive
    for (let i = 0; i < 6; i++) {
      await advance(25);
      Socket.instances[0].serverSend({ op: 'ping' });
    }
    await advance(79);
    assert.equal(Socket.instances.length, 1, 'alive until 2x the interval');
    await advance(1);
    const disconnected = of<DisconnectedInfo>('disconnected')[0];
    assert.equal(disconnected.code, 4000);
    assert.equal(disconnected.server, 'edge-x');
    await advance(20);
    assert.equal(Socket.instances.length, 2, 'the liveness reconnect');
    client.disconnect();
  });

  it('gives up an attempt that gets no welcome in time', async () => {
    const { Socket, client } = setup({ connectTimeoutMs: 50 });
    client.connect();
    await advance(49);
    assert.equal(Socket.instances.length, 1);
    await advance(1); // the connect timeout: given up with 4000, then a backoff delay
    await advance(20);
    assert.equal(Socket.instances.length, 2, 'a second attempt');
    client.disconnect();
  });

  it('splits frames carrying several objects and reports the state with the server', async () => {
    const { Socket, client, of } = setup();
    client.connect();
    await settle();
    const socket = Socket.instances[0];
    socket.serverSend(
      { op: 'welcome', server: 'edge-7', conn: 'c', user: 'u1', ping_interval_ms: 25_000 },
      { op: 'msg', channel: 'broadcast', event: 'hello', data: { a: 1 }, id: 'b1' },
      { op: 'msg', channel: 'broadcast', event: 'hello', data: { a: 2 }, id: 'b2' },
    );
    assert.equal(client.state, 'connected');
    assert.equal(client.welcome?.server, 'edge-7');
    assert.deepEqual(
      of<Message>('message').map((m) => (m.data as { a: number }).a),
      [1, 2],
    );
    // the automatic user channel is subscribed again to learn its epoch
    assert.deepEqual(socket.commands(), [{ op: 'subscribe', id: 1, channel: 'user:u1' }]);
    client.disconnect();
  });

  it('re-subscribes every room after a reconnect with since, and never delivers an offset twice', async () => {
    const { Socket, client, of } = setup();
    const seen: (number | undefined)[] = [];
    const sub = client.subscribe('lobby', { message: (m) => seen.push(m.offset) });
    client.connect();
    await settle();
    let socket = Socket.instances[0];
    socket.welcome();
    let [user, room] = socket.commands();
    assert.equal(room.channel, 'room:lobby');
    socket.serverSend(
      { op: 'reply', id: user.id, ok: true, channel: 'user:u1', epoch: 'eu', offset: 0 },
      { op: 'reply', id: room.id, ok: true, channel: 'room:lobby', epoch: 'e1', offset: 10 },
      { op: 'msg', channel: 'room:lobby', event: 'x', data: {}, id: 'a', offset: 11 },
      { op: 'msg', channel: 'room:lobby', event: 'x', data: {}, id: 'b', offset: 12 },
    );
    assert.equal(sub.state, 'subscribed');
    socket.serverClose(1006, '');
    await advance(20);
    socket = Socket.instances[1];
    socket.welcome();
    [user, room] = socket.commands();
    assert.deepEqual(room.since, { epoch: 'e1', offset: 12 });
    assert.deepEqual(user.since, { epoch: 'eu', offset: 0 });
    socket.serverSend(
      { op: 'reply', id: user.id, ok: true, channel: 'user:u1', epoch: 'eu', offset: 0, recovered: true },
      { op: 'reply', id: room.id, ok: true, channel: 'room:lobby', epoch: 'e1', offset: 14, recovered: true },
      { op: 'msg', channel: 'room:lobby', event: 'x', data: {}, id: 'b', offset: 12 },
      { op: 'msg', channel: 'room:lobby', event: 'x', data: {}, id: 'c', offset: 13 },
      { op: 'msg', channel: 'room:lobby', event: 'x', data: {}, id: 'd', offset: 14 },
    );
    assert.deepEqual(seen, [11, 12, 13, 14]);
    assert.deepEqual(of<{ channel: string }>('recovered').map((r) => r.channel).sort(), ['room:lobby', 'user:u1']);
    // a later failed recovery is reported as a gap
    socket.serverClose(4008, 'slow consumer');
    await advance(20);
    socket = Socket.instances[2];
    socket.welcome();
    room = socket.commands()[1];
    socket.serverSend({ op: 'reply', id: room.id, ok: true, channel: 'room:lobby', epoch: 'e2', offset: 3, recovered: false });
    assert.equal(of<GapInfo>('gap').at(-1)?.reason, 'recovery_failed');
    client.disconnect();
  });

  it('reports a refused subscribe on the subscription and does not retry it', async () => {
    const { Socket, client } = setup();
    client.connect();
    await settle();
    Socket.instances[0].welcome();
    const sub = client.subscribe('room:secret');
    const ready = sub.ready(1_000);
    const command = Socket.instances[0].commands().find((c) => c.channel === 'room:secret')!;
    Socket.instances[0].serverSend({ op: 'reply', id: command.id, ok: false, error: { code: 'forbidden', message: 'no' } });
    await assert.rejects(ready, /forbidden/);
    assert.equal(sub.state, 'failed');
    await advance(LONG_AFTER_MS);
    assert.equal(Socket.instances[0].commands().filter((c) => c.channel === 'room:secret').length, 1, 'not retried');
    client.disconnect();
  });

  it('ends a subscription the edge ended because its subscribe token expired', async () => {
    const { Socket, client, of } = setup();
    client.connect();
    await settle();
    Socket.instances[0].welcome();
    const ended: string[] = [];
    const sub = client.subscribe('room:vip', { unsubscribed: () => ended.push('unsubscribed') }, { token: 'sub-token' });
    const command = Socket.instances[0].commands().find((c) => c.channel === 'room:vip')!;
    assert.equal(command.token, 'sub-token');
    Socket.instances[0].serverSend({ op: 'reply', id: command.id, ok: true, channel: 'room:vip' });
    await sub.ready(1_000);
    Socket.instances[0].serverSend({ op: 'unsubscribed', channel: 'room:vip', reason: 'token_expired' });
    assert.equal(sub.state, 'unsubscribed');
    assert.deepEqual(ended, ['unsubscribed']);
    assert.ok(of<{ code: string; channel?: string }>('error').some((e) => e.code === 'token_expired' && e.channel === 'room:vip'));

    // Not re-subscribed after a reconnect: it is gone until the application subscribes again.
    Socket.instances[0].serverClose(1012, 'restart');
    await advance(20);
    Socket.instances[1].welcome();
    assert.ok(!Socket.instances[1].commands().some((c) => c.channel === 'room:vip'));
    client.disconnect();
  });

  it('keeps every outgoing frame under the 4 KiB limit', async () => {
    const { Socket, client } = setup();
    for (let i = 0; i < 120; i++) {
      client.subscribe(`room:some-fairly-long-room-name-number-${i}`);
    }
    client.connect();
    await settle();
    Socket.instances[0].welcome();
    const frames = Socket.instances[0].sent;
    assert.ok(frames.length > 1);
    assert.ok(
      frames.every((f) => Buffer.byteLength(f) <= 4096),
      frames.map((f) => f.length).join(','),
    );
    assert.equal(Socket.instances[0].commands().length, 121);
    client.disconnect();
  });

  it('hands join and leave to the room subscription and the client, and ignores other channels', async () => {
    const { Socket, client, of } = setup();
    const presence: string[] = [];
    const sub = client.subscribe('room:lobby', {
      join: (p) => presence.push(`+${p.user}/${p.conn}`),
      leave: (p) => presence.push(`-${p.user}/${p.conn}`),
    });
    client.connect();
    await settle();
    const socket = Socket.instances[0];
    socket.welcome();
    const command = socket.commands().find((c) => c.channel === 'room:lobby')!;
    socket.serverSend(
      { op: 'reply', id: command.id, ok: true, channel: 'room:lobby' },
      { op: 'join', channel: 'room:lobby', user: 'u2', conn: 'c2' },
      { op: 'join', channel: 'room:elsewhere', user: 'u3', conn: 'c3' },
      { op: 'leave', channel: 'room:lobby', user: 'u2', conn: 'c2' },
    );
    assert.equal(sub.state, 'subscribed');
    assert.deepEqual(presence, ['+u2/c2', '-u2/c2']);
    assert.deepEqual(of<PresenceInfo>('join'), [{ channel: 'room:lobby', user: 'u2', conn: 'c2' }]);
    assert.deepEqual(of<PresenceInfo>('leave'), [{ channel: 'room:lobby', user: 'u2', conn: 'c2' }]);
    client.disconnect();
  });
});
