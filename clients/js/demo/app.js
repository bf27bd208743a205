// Demo of @realtime/client: a chat room and personal notifications.
// Served by an edge in development mode (Realtime__Edge__DevMode=true, Realtime__Edge__DemoPath);
// `npm run build` copies the SDK into ./sdk/.
import { RealtimeClient } from './sdk/index.js';

const params = new URLSearchParams(location.search);
const wsScheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
const edges = (params.get('edges') ?? `${wsScheme}//${location.host}/ws`).split(',').map((s) => s.trim()).filter(Boolean);
const dispatcher = (params.get('dispatcher') ?? `${location.protocol}//${location.hostname}:8090`).replace(/\/+$/, '');

const $ = (id) => document.getElementById(id);
const ui = {
  state: $('state'),
  server: $('server'),
  me: $('me'),
  loginForm: $('login-form'),
  userName: $('user-name'),
  connect: $('connect'),
  disconnect: $('disconnect'),
  roomForm: $('room-form'),
  roomName: $('room-name'),
  roomTitle: $('room-title'),
  join: $('join'),
  messages: $('messages'),
  chatForm: $('chat-form'),
  chatText: $('chat-text'),
  send: $('send'),
  notifyForm: $('notify-form'),
  notifyTo: $('notify-to'),
  notifyText: $('notify-text'),
  notifications: $('notifications'),
  events: $('events'),
};

let client;
let user;
let room;
let roomSubscription;

if (params.get('user')) {
  ui.userName.value = params.get('user');
}
if (params.get('room')) {
  ui.roomName.value = params.get('room');
}

function logEvent(text) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  ui.events.append(item);
  ui.events.scrollTop = ui.events.scrollHeight;
}

function setState(state) {
  ui.state.textContent = state;
  ui.state.dataset.state = state;
  ui.state.className = `badge state-${state}`;
  const live = state === 'connected';
  ui.join.disabled = !live;
  ui.chatText.disabled = !live || !room;
  ui.send.disabled = !live || !room;
}

/** A development token from this edge, cached until shortly before it expires (or until refused). */
function tokenSource(name) {
  let cached;
  let expiresAt = 0;
  const source = async () => {
    if (cached && Date.now() < expiresAt - 60_000) {
      return cached;
    }
    const response = await fetch(`/dev/token?user=${encodeURIComponent(name)}&rooms=*`);
    if (!response.ok) {
      throw new Error(`GET /dev/token: ${response.status}`);
    }
    cached = (await response.text()).trim();
    expiresAt = jwtExpiry(cached);
    return cached;
  };
  source.invalidate = () => {
    cached = undefined;
  };
  return source;
}

function jwtExpiry(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

function render(list, message, text) {
  if (list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) {
    return; // the SDK deduplicates by offset; this only guards the demo's own list
  }
  const item = document.createElement('li');
  item.dataset.id = message.id;
  item.dataset.channel = message.channel;
  if (message.offset !== undefined) {
    item.dataset.offset = String(message.offset);
    const offset = document.createElement('span');
    offset.className = 'offset';
    offset.textContent = `#${message.offset}`;
    item.append(offset);
  }
  const data = message.data && typeof message.data === 'object' ? message.data : { text: String(message.data) };
  const from = document.createElement('span');
  from.className = 'from';
  from.textContent = data.from ?? message.event;
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text ?? data.text ?? JSON.stringify(message.data);
  item.append(from, body);
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

function connect(name) {
  client?.disconnect();
  user = name;
  ui.me.textContent = name;
  const token = tokenSource(name);
  client = new RealtimeClient({ url: edges, token, minReconnectDelayMs: 300, maxReconnectDelayMs: 10_000 });
  client.on('state', setState);
  client.on('connecting', (info) => logEvent(`connecting to ${info.url}`));
  client.on('connected', (welcome) => {
    ui.server.textContent = welcome.server;
    logEvent(`connected to ${welcome.server} as ${welcome.user}`);
  });
  client.on('disconnected', (info) => {
    ui.server.textContent = '—';
    if (info.code === 4001 || info.code === 4002) {
      token.invalidate();
    }
    logEvent(`disconnected from ${info.server ?? 'edge'} (${info.code}${info.reason ? ` ${info.reason}` : ''})${info.willReconnect ? `, retrying in ${info.delayMs} ms` : ''}`);
  });
  client.on('closed', (info) => logEvent(`closed (${info.code})`));
  client.on('recovered', (info) => logEvent(`recovered ${info.channel} after offset ${info.since.offset}`));
  client.on('gap', (info) => logEvent(`gap on ${info.channel} (${info.reason}): some messages were lost`));
  client.on('error', (error) => logEvent(`error ${error.code}${error.channel ? ` on ${error.channel}` : ''}: ${error.message}`));
  client.on('message', (message) => {
    if (message.channel === `user:${user}` || message.channel === 'broadcast') {
      render(ui.notifications, message);
    }
  });
  if (room) {
    join(room);
  }
  client.connect();
  ui.disconnect.disabled = false;
}

function join(name) {
  if (roomSubscription && roomSubscription.channel !== `room:${name}`) {
    roomSubscription.unsubscribe();
    ui.messages.replaceChildren();
  }
  room = name;
  ui.roomTitle.textContent = `#${name}`;
  roomSubscription = client.subscribe(`room:${name}`, {
    message: (message) => render(ui.messages, message),
    subscribed: () => logEvent(`joined room:${name}`),
  });
  setState(client.state);
}

async function publish(target, event, data) {
  const response = await fetch(`${dispatcher}/v1/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ target, event, data: JSON.stringify(data) }),
  });
  if (!response.ok) {
    throw new Error(`publish: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

ui.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  connect(ui.userName.value.trim());
});

ui.disconnect.addEventListener('click', () => {
  client?.disconnect();
  ui.disconnect.disabled = true;
});

ui.roomForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (client) {
    join(ui.roomName.value.trim());
  }
});

ui.chatForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = ui.chatText.value.trim();
  if (!text || !room) {
    return;
  }
  try {
    await publish({ room }, 'chat.message', { text, from: user });
    ui.chatText.value = '';
  } catch (error) {
    logEvent(String(error.message ?? error));
  }
});

ui.notifyForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const to = ui.notifyTo.value.trim();
  const text = ui.notifyText.value.trim();
  try {
    await publish({ user: to }, 'notification', { text, from: user ?? 'demo' });
    ui.notifyText.value = '';
    logEvent(`notification sent to ${to}`);
  } catch (error) {
    logEvent(String(error.message ?? error));
  }
});

setState('idle');
logEvent(`edges: ${edges.join(', ')}; dispatcher: ${dispatcher}`);
