// The client against a scripted socket: close-code policy, reconnect hint, liveness,
// frame splitting, re-subscription with `since`, batching under the edge's size limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RealtimeClient } from '../dist/index.js';
import { fakeSocketClass, sleep, until } from './fake-socket.mjs';

function setup(options = {}) {
  const Socket = fakeSocketClass();
  const events = [];
  const client = new RealtimeClient({ url: 'ws://edge/ws', token: 't0', WebSocket: Socket, minReconnectDelayMs: 10, maxReconnectDelayMs: 20, ...options });
  for (const name of ['connecting', 'connected', 'disconnected', 'closed', 'message', 'gap', 'recovered', 'error']) {
    client.on(name, (info) => events.push({ name, info }));
  }
  const names = () => events.map((e) => e.name);
  return { Socket, client, events, names, last: () => Socket.instances.at(-1) };
}

describe('RealtimeClient close codes', () => {
  for (const code of [1000, 1003, 1008, 1009, 4009]) {
    it(`does not reconnect after ${code}`, async () => {
      const { Socket, client, names, last } = setup();
      client.connect();
      await until(() => Socket.instances.length === 1);
      last().welcome();
      last().serverClose(code, 'x');
      await sleep(60);
      assert.equal(Socket.instances.length, 1);
      assert.equal(client.state, 'closed');
      assert.deepEqual(names().slice(-2), ['disconnected', 'closed']);
    });
  }

  it('does not reconnect after 4001 with a fixed token', async () => {
    const { Socket, client, last } = setup();
    client.connect();
    await until(() => Socket.instances.length === 1);
    last().serverClose(4001, 'invalid token');
    await sleep(60);
    assert.equal(Socket.instances.length, 1);
    assert.equal(client.state, 'closed');
  });

  it('after 4001 with a token callback tries new tokens, then gives up', async () => {
    let calls = 0;
    const { Socket, client } = setup({ token: () => `t${++calls}`, maxAuthFailures: 3 });
    client.connect();
    for (let i = 0; i < 3; i++) {
      await until(() => Socket.instances.length === i + 1, 2_000, `attempt ${i + 1}`);
      Socket.instances[i].serverClose(4001, 'invalid token');
    }
    await sleep(60);
    assert.equal(Socket.instances.length, 3);
    assert.equal(calls, 3);
    assert.equal(client.state, 'closed');
    assert.deepEqual(Socket.instances.map((s) => s.protocols[1]), ['bearer.t1', 'bearer.t2', 'bearer.t3']);
  });

  it('after 4002 fetches a new token and reconnects', async () => {
    let calls = 0;
    const { Socket, client } = setup({ token: async () => `tok${++calls}` });
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].welcome();
    Socket.instances[0].serverClose(4002, 'token expired');
    await until(() => Socket.instances.length === 2);
    assert.equal(calls, 2);
    assert.deepEqual(Socket.instances[1].protocols, ['realtime.v1.json', 'bearer.tok2']);
    client.disconnect();
  });

  it('after 4002 with a fixed token stops', async () => {
    const { Socket, client } = setup();
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].serverClose(4002, 'token expired');
    await sleep(50);
    assert.equal(Socket.instances.length, 1);
    assert.equal(client.state, 'closed');
  });

  it('after 1012 reconnects after the hint only, not after a backoff delay', async () => {
    const { Socket, client, events } = setup({ minReconnectDelayMs: 5_000, maxReconnectDelayMs: 5_000, random: () => 0.99, url: ['ws://a/ws', 'ws://b/ws'] });
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].welcome();
    const start = Date.now();
    Socket.instances[0].serverSend({ op: 'reconnect', after_ms: 120, reason: 'draining' });
    Socket.instances[0].serverClose(1012, 'server restart');
    await until(() => Socket.instances.length === 2, 3_000, 'the reconnect');
    const waited = Date.now() - start;
    assert.ok(waited >= 100 && waited < 1_500, `waited ${waited} ms`);
    assert.equal(Socket.instances[1].url, 'ws://b/ws', 'a draining edge is left for the next one');
    assert.ok(events.find((e) => e.name === 'disconnected').info.delayMs <= 120);
    client.disconnect();
  });

  it('after 1012 without a hint reconnects at once', async () => {
    const { Socket, client } = setup({ minReconnectDelayMs: 5_000, maxReconnectDelayMs: 5_000, random: () => 0.99 });
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].welcome();
    Socket.instances[0].serverClose(1012, 'server restart');
    await until(() => Socket.instances.length === 2, 1_000, 'an immediate reconnect');
    client.disconnect();
  });

  it('after 1006 backs off with jitter bounded by the max', async () => {
    const { Socket, client, events } = setup({ minReconnectDelayMs: 40, maxReconnectDelayMs: 80 });
    client.connect();
    for (let i = 0; i < 5; i++) {
      await until(() => Socket.instances.length === i + 1, 2_000, `attempt ${i + 1}`);
      Socket.instances[i].serverClose(1006, '');
    }
    const delays = events.filter((e) => e.name === 'disconnected').map((e) => e.info.delayMs);
    assert.equal(delays.length, 5);
    assert.ok(delays.every((d) => d >= 0 && d < 80), delays.join(','));
    client.disconnect();
  });

  it('a disconnect() stops reconnecting', async () => {
    const { Socket, client } = setup();
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].serverClose(1006, '');
    client.disconnect();
    await sleep(60);
    assert.equal(Socket.instances.length, 1);
    assert.equal(client.state, 'closed');
  });
});

describe('RealtimeClient connection', () => {
  it('rotates through the URL list on every new attempt', async () => {
    const { Socket, client } = setup({ url: ['ws://a/ws', 'ws://b/ws', 'ws://c/ws'] });
    client.connect();
    for (let i = 0; i < 4; i++) {
      await until(() => Socket.instances.length === i + 1);
      Socket.instances[i].serverClose(1006, '');
    }
    assert.deepEqual(Socket.instances.map((s) => s.url), ['ws://a/ws', 'ws://b/ws', 'ws://c/ws', 'ws://a/ws']);
    client.disconnect();
  });

  it('closes and reconnects when nothing is heard for 2x the ping interval', async () => {
    const { Socket, client, events } = setup();
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].welcome({ ping_interval_ms: 40 });
    // pings keep it alive
    for (let i = 0; i < 6; i++) {
      await sleep(25);
      Socket.instances[0].serverSend({ op: 'ping' });
    }
    assert.equal(Socket.instances.length, 1);
    const silentSince = Date.now();
    await until(() => Socket.instances.length === 2, 2_000, 'the liveness reconnect');
    const waited = Date.now() - silentSince;
    assert.ok(waited >= 70, `gave up after ${waited} ms`);
    const disconnected = events.find((e) => e.name === 'disconnected').info;
    assert.equal(disconnected.code, 4000);
    assert.equal(disconnected.server, 'edge-x');
    client.disconnect();
  });

  it('gives up an attempt that gets no welcome in time', async () => {
    const { Socket, client } = setup({ connectTimeoutMs: 50 });
    client.connect();
    await until(() => Socket.instances.length === 2, 2_000, 'a second attempt');
    client.disconnect();
  });

  it('splits frames carrying several objects and reports the state with the server', async () => {
    const { Socket, client, events } = setup();
    client.connect();
    await until(() => Socket.instances.length === 1);
    const socket = Socket.instances[0];
    socket.serverSend(
      { op: 'welcome', server: 'edge-7', conn: 'c', user: 'u1', ping_interval_ms: 25_000 },
      { op: 'msg', channel: 'broadcast', event: 'hello', data: { a: 1 }, id: 'b1' },
      { op: 'msg', channel: 'broadcast', event: 'hello', data: { a: 2 }, id: 'b2' },
    );
    assert.equal(client.state, 'connected');
    assert.equal(client.welcome.server, 'edge-7');
    assert.deepEqual(events.filter((e) => e.name === 'message').map((e) => e.info.data.a), [1, 2]);
    // the automatic user channel is subscribed again to learn its epoch
    assert.deepEqual(socket.commands(), [{ op: 'subscribe', id: 1, channel: 'user:u1' }]);
    client.disconnect();
  });

  it('re-subscribes every room after a reconnect with since, and never delivers an offset twice', async () => {
    const { Socket, client, events } = setup();
    const seen = [];
    const sub = client.subscribe('lobby', { message: (m) => seen.push(m.offset) });
    client.connect();
    await until(() => Socket.instances.length === 1);
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
    await until(() => Socket.instances.length === 2);
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
    assert.deepEqual(events.filter((e) => e.name === 'recovered').map((e) => e.info.channel).sort(), ['room:lobby', 'user:u1']);
    // a later failed recovery is reported as a gap
    socket.serverClose(4008, 'slow consumer');
    await until(() => Socket.instances.length === 3);
    socket = Socket.instances[2];
    socket.welcome();
    [user, room] = socket.commands();
    socket.serverSend({ op: 'reply', id: room.id, ok: true, channel: 'room:lobby', epoch: 'e2', offset: 3, recovered: false });
    assert.equal(events.filter((e) => e.name === 'gap').at(-1).info.reason, 'recovery_failed');
    client.disconnect();
  });

  it('reports a refused subscribe on the subscription and does not retry it', async () => {
    const { Socket, client } = setup();
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].welcome();
    const sub = client.subscribe('room:secret');
    const ready = sub.ready(1_000);
    const command = Socket.instances[0].commands().find((c) => c.channel === 'room:secret');
    Socket.instances[0].serverSend({ op: 'reply', id: command.id, ok: false, error: { code: 'forbidden', message: 'no' } });
    await assert.rejects(ready, /forbidden/);
    assert.equal(sub.state, 'failed');
    client.disconnect();
  });

  it('ends a subscription the edge ended because its subscribe token expired', async () => {
    const { Socket, client, events } = setup();
    client.connect();
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].welcome();
    const ended = [];
    const sub = client.subscribe('room:vip', { unsubscribed: () => ended.push('unsubscribed') }, { token: 'sub-token' });
    const command = Socket.instances[0].commands().find((c) => c.channel === 'room:vip');
    assert.equal(command.token, 'sub-token');
    Socket.instances[0].serverSend({ op: 'reply', id: command.id, ok: true, channel: 'room:vip' });
    await sub.ready(1_000);
    Socket.instances[0].serverSend({ op: 'unsubscribed', channel: 'room:vip', reason: 'token_expired' });
    assert.equal(sub.state, 'unsubscribed');
    assert.deepEqual(ended, ['unsubscribed']);
    assert.ok(events.some((e) => e.name === 'error' && e.info.code === 'token_expired' && e.info.channel === 'room:vip'));

    // Not re-subscribed after a reconnect: it is gone until the application subscribes again.
    Socket.instances[0].serverClose(1012, 'restart');
    await until(() => Socket.instances.length === 2, 2_000);
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
    await until(() => Socket.instances.length === 1);
    Socket.instances[0].welcome();
    const frames = Socket.instances[0].sent;
    assert.ok(frames.length > 1);
    assert.ok(frames.every((f) => Buffer.byteLength(f) <= 4096), frames.map((f) => f.length).join(','));
    assert.equal(Socket.instances[0].commands().length, 121);
    client.disconnect();
  });
});
