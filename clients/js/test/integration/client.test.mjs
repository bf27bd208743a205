// The client against real edges: redis-server + two edges + a dispatcher on loopback
// (tests/e2e/cluster.mjs; DLLs from RT_EDGE_DLL / RT_DISPATCHER_DLL or the default build output).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { RealtimeClient } from '../../dist/index.js';
import { eventually, sleep, startCluster } from '../../../../tests/e2e/cluster.mjs';

let cluster;
const clients = [];

/** A `ws` WebSocket whose instances the test can reach, to cut a connection abruptly. */
function trackedWebSocket() {
  const sockets = [];
  class Tracked extends WebSocket {
    constructor(...args) {
      super(...args);
      sockets.push(this);
    }
  }
  return { Tracked, sockets };
}

function newClient(options) {
  const client = new RealtimeClient({ WebSocket, minReconnectDelayMs: 100, maxReconnectDelayMs: 1_000, ...options });
  const log = { messages: [], states: [], recovered: [], gaps: [], errors: [], connected: [] };
  client.on('message', (m) => log.messages.push(m));
  client.on('state', (s) => log.states.push(s));
  client.on('recovered', (r) => log.recovered.push(r));
  client.on('gap', (g) => log.gaps.push(g));
  client.on('error', (e) => log.errors.push(e));
  client.on('connected', (w) => log.connected.push(w));
  clients.push(client);
  return { client, log };
}

const connected = (client, log, count = 1) => eventually(() => log.connected.length >= count && client.state === 'connected', { message: `connection #${count}` });

before(async () => {
  cluster = await startCluster({ edges: 2, pingIntervalSeconds: 1 });
});

after(async () => {
  for (const client of clients) {
    client.disconnect();
  }
  await cluster?.stop();
});

describe('RealtimeClient against real edges', { timeout: 60_000 }, () => {
  it('connects and reports welcome with the edge id', async () => {
    const { client, log } = newClient({ url: cluster.edges[0].ws, token: await cluster.token('welcome-user') });
    client.connect();
    await connected(client, log);
    assert.equal(client.welcome.server, 'edge-a');
    assert.equal(client.welcome.user, 'welcome-user');
    assert.equal(client.welcome.pingIntervalMs, 1_000);
    assert.deepEqual(log.states.slice(0, 2), ['connecting', 'connected']);
    client.disconnect();
    assert.equal(client.state, 'closed');
  });

  it('joins a room and receives what the dispatcher publishes to it', async () => {
    const { client, log } = newClient({ url: cluster.edges[1].ws, token: await cluster.token('room-user', 'news-*') });
    const received = [];
    const sub = client.subscribe('room:news-1', { message: (m) => received.push(m) });
    client.connect();
    await sub.ready();
    const published = await cluster.publish({ room: 'news-1' }, 'news.posted', { title: 'hello' });
    await eventually(() => received.length === 1, { message: 'the room message' });
    assert.equal(received[0].channel, 'room:news-1');
    assert.equal(received[0].event, 'news.posted');
    assert.deepEqual(received[0].data, { title: 'hello' });
    assert.equal(received[0].id, published.messageId);
    assert.equal(received[0].offset, Number(published.offset));
    assert.equal(log.messages.length, 1, 'the client-wide message event sees it too');
    client.disconnect();
  });

  it('refuses a room the token does not allow with forbidden', async () => {
    const { client, log } = newClient({ url: cluster.edges[0].ws, token: await cluster.token('limited-user', 'lobby') });
    client.connect();
    const sub = client.subscribe('room:secret');
    await assert.rejects(sub.ready(), (error) => error.code === 'forbidden');
    assert.equal(sub.state, 'failed');
    assert.equal(log.errors[0].code, 'forbidden');
    assert.equal(log.errors[0].channel, 'room:secret');
    assert.equal(client.state, 'connected', 'a refused subscribe leaves the connection up');
    client.disconnect();
  });

  it('delivers user and broadcast messages without subscribing', async () => {
    const { client, log } = newClient({ url: cluster.edges[0].ws, token: await cluster.token('carol') });
    const broadcast = [];
    client.subscribe('broadcast', { message: (m) => broadcast.push(m) });
    client.connect();
    await connected(client, log);
    await cluster.publish({ user: 'carol' }, 'note', { n: 1 });
    await cluster.publish({ user: 'dave' }, 'note', { n: 2 });
    await cluster.publish({ broadcast: true }, 'announce', { n: 3 });
    await eventually(() => log.messages.length >= 2 && broadcast.length === 1, { message: 'user and broadcast messages' });
    await sleep(200);
    // Order is guaranteed within a channel, not across channels.
    assert.deepEqual(log.messages.map((m) => `${m.channel}/${m.data.n}`).sort(), ['broadcast/3', 'user:carol/1']);
    assert.equal(broadcast[0].offset, undefined);
    client.disconnect();
  });

  it('recovers what was published during a reconnect, with no duplicate, and calls the token callback again', async () => {
    const { Tracked, sockets } = trackedWebSocket();
    let tokenCalls = 0;
    const { client, log } = newClient({
      url: [cluster.edges[0].ws, cluster.edges[1].ws],
      token: async () => {
        tokenCalls++;
        return cluster.token('erin', 'chat-*');
      },
      WebSocket: Tracked,
      minReconnectDelayMs: 300,
      maxReconnectDelayMs: 300,
      random: () => 0.99,
    });
    const room = [];
    const sub = client.subscribe('room:chat-r', { message: (m) => room.push(m.data.n) });
    client.connect();
    await sub.ready();
    for (let n = 1; n <= 3; n++) {
      await cluster.publish({ room: 'chat-r' }, 'chat', { n });
      await cluster.publish({ user: 'erin' }, 'note', { n });
    }
    await eventually(() => room.length === 3 && log.messages.filter((m) => m.channel === 'user:erin').length === 3, { message: 'the first messages' });

    sockets.at(-1).terminate(); // the network drops; the client waits ~300 ms before retrying
    for (let n = 4; n <= 6; n++) {
      await cluster.publish({ room: 'chat-r' }, 'chat', { n });
      await cluster.publish({ user: 'erin' }, 'note', { n });
    }
    await connected(client, log, 2);
    assert.equal(client.welcome.server, 'edge-b', 'the next URL of the list');
    for (let n = 7; n <= 8; n++) {
      await cluster.publish({ room: 'chat-r' }, 'chat', { n });
      await cluster.publish({ user: 'erin' }, 'note', { n });
    }
    const user = () => log.messages.filter((m) => m.channel === 'user:erin').map((m) => m.data.n);
    await eventually(() => room.length >= 8 && user().length >= 8, { message: 'every message after the reconnect' });
    await sleep(300);
    assert.deepEqual(room, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(user(), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(log.recovered.map((r) => r.channel).sort(), ['room:chat-r', 'user:erin']);
    assert.deepEqual(log.gaps, []);
    assert.equal(tokenCalls, 2);
    assert.deepEqual(sub.position, { epoch: log.recovered.find((r) => r.channel === 'room:chat-r').epoch, offset: 8 });
    client.disconnect();
  });

  it('leaves an edge that went silent (no ping for 2x the interval) for another one and recovers', async () => {
    const { client, log } = newClient({ url: [cluster.edges[1].ws, cluster.edges[0].ws], token: () => cluster.token('frank') });
    const room = [];
    const sub = client.subscribe('room:frozen', { message: (m) => room.push(m.data.n) });
    client.connect();
    await sub.ready();
    await cluster.publish({ room: 'frozen' }, 'chat', { n: 1 });
    await eventually(() => room.length === 1, { message: 'the first message' });
    const edgeB = cluster.edges[1];
    edgeB.pause(); // SIGSTOP: the TCP connection stays open but nothing comes any more
    try {
      await cluster.publish({ room: 'frozen' }, 'chat', { n: 2 });
      await connected(client, log, 2);
      assert.equal(client.welcome.server, 'edge-a');
    } finally {
      edgeB.resume();
    }
    await eventually(() => room.length === 2, { message: 'the message published while the edge was frozen' });
    assert.deepEqual(room, [1, 2]);
    const disconnect = log.states.indexOf('disconnected');
    assert.ok(disconnect > 0);
    client.disconnect();
  });
});
