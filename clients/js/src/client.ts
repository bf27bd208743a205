import { Backoff, fullJitterDelay } from './backoff.js';
import { ChannelState, type Delivery, type SubscribeReply } from './channel-state.js';
import { closeAction, CloseCodes } from './close-codes.js';
import { Emitter } from './emitter.js';
import { ClientDefaults } from './defaults.js';
import { parseFrame, toOffset, type MessageFrame, type PresenceFrame, type ReplyFrame, type ServerFrame, type WelcomeFrame } from './frames.js';
import { Subscription, type SubscriptionOwner } from './subscription.js';
import type {
  ClientOptions,
  ClosedInfo,
  ConnectingInfo,
  ConnectionState,
  DisconnectedInfo,
  GapInfo,
  Message,
  PresenceInfo,
  RecoveredInfo,
  ServerError,
  StreamPosition,
  SubscribeOptions,
  SubscriptionHandlers,
  WebSocketConstructor,
  WebSocketLike,
  WelcomeInfo,
} from './types.js';

export const SUBPROTOCOL = ClientDefaults.subprotocol;
export const BROADCAST = 'broadcast';

/** Commands are batched into frames below the edge's 4 KiB limit for client messages. */
const MAX_OUTGOING_FRAME_BYTES = 3072;
/** A connection that lasted this long after `welcome` resets the backoff. */
const STABLE_AFTER_MS = 5_000;
const OPEN = 1;

export type ClientEvents = {
  state: [ConnectionState];
  connecting: [ConnectingInfo];
  connected: [WelcomeInfo];
  disconnected: [DisconnectedInfo];
  closed: [ClosedInfo];
  /** Every message of every channel (rooms, `user:{sub}`, `broadcast`), after deduplication. */
  message: [Message];
  recovered: [RecoveredInfo];
  gap: [GapInfo];
  error: [ServerError];
  /** A connection joined a channel this client is in (presence-notifying namespaces only). */
  join: [PresenceInfo];
  /** A connection left a channel this client is in (presence-notifying namespaces only). */
  leave: [PresenceInfo];
};

interface Attempt {
  readonly generation: number;
  readonly url: string;
  socket?: WebSocketLike;
  welcome?: WelcomeInfo;
  /** `Date.now()` until which the server asked us to wait before reconnecting. */
  hintUntil?: number;
  timers: ReturnType<typeof setTimeout>[];
  liveness?: ReturnType<typeof setTimeout>;
}

/**
 * A connection to the edges: reconnects with full-jitter backoff, honours close codes and the
 * `reconnect` hint, re-subscribes with recovery, deduplicates by offset, and watches liveness.
 *
 * ```ts
 * const client = new RealtimeClient({ url: ['wss://a/ws', 'wss://b/ws'], token: () => fetchToken() });
 * client.on('message', (m) => console.log(m.channel, m.data));
 * client.subscribe('room:lobby').on('message', render);
 * client.connect();
 * ```
 */
export class RealtimeClient extends Emitter<ClientEvents> implements SubscriptionOwner {
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly backoff: Backoff;
  private readonly channels = new Map<string, ChannelState>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly replies = new Map<number, (reply: ReplyFrame) => void>();
  private readonly replayTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private stateValue: ConnectionState = 'idle';
  private current: Attempt | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private urlAttempt = 0;
  private nextId = 1;
  private authFailures = 0;
  private userChannel: string | undefined;
  private stopped = true;

  constructor(private readonly options: ClientOptions) {
    super();
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!impl) {
      throw new TypeError('realtime: no WebSocket implementation; pass options.WebSocket (for example the "ws" package on Node 20)');
    }
    if (typeof options.url !== 'function' && (options.url === '' || (Array.isArray(options.url) && options.url.length === 0))) {
      throw new TypeError('realtime: options.url needs at least one URL');
    }
    this.WebSocketImpl = impl;
    this.backoff = new Backoff(
      options.minReconnectDelayMs ?? ClientDefaults.minReconnectDelayMs,
      options.maxReconnectDelayMs ?? ClientDefaults.maxReconnectDelayMs,
      options.random ?? Math.random,
    );
    this.channels.set(BROADCAST, new ChannelState(BROADCAST));
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** What the current edge said in `welcome` (its `server` is the edge's `SERVER_ID`). */
  get welcome(): WelcomeInfo | undefined {
    return this.current?.welcome;
  }

  /** Positions of every channel with history, to persist and pass back as `since` later. */
  positions(): Record<string, StreamPosition> {
    const result: Record<string, StreamPosition> = {};
    for (const [channel, state] of this.channels) {
      const position = state.position();
      if (position) {
        result[channel] = position;
      }
    }
    return result;
  }

  positionOf(channel: string): StreamPosition | undefined {
    return this.channels.get(channel)?.position();
  }

  /** Starts connecting (no-op when already connecting or connected). */
  connect(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.authFailures = 0;
    this.backoff.reset();
    void this.open();
  }

  /** Closes the connection for good (1000); subscriptions and positions are kept for a later {@link connect}. */
  disconnect(): void {
    const wasStopped = this.stopped;
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const attempt = this.current;
    if (attempt) {
      this.dropSocket(attempt, CloseCodes.Normal, 'client closed');
      this.teardown(attempt);
    }
    if (!wasStopped || this.stateValue !== 'closed') {
      this.setState('closed');
      this.emit('closed', { code: CloseCodes.Normal, reason: 'client closed' });
    }
  }

  /**
   * Listens to a channel. `room:lobby` (or just `lobby`) is joined on the edge, again after
   * every reconnect with recovery; `user:{sub}` and `broadcast` are automatic, so this only
   * attaches handlers. Subscribing twice to a channel returns the same subscription.
   */
  subscribe(channel: string, handlers: SubscriptionHandlers = {}, options: SubscribeOptions = {}): Subscription {
    const name = channel === BROADCAST || channel.includes(':') ? channel : `room:${channel}`;
    let subscription = this.subscriptions.get(name);
    const created = !subscription;
    if (!subscription) {
      subscription = new Subscription(name, this, options.token);
      this.subscriptions.set(name, subscription);
    }
    for (const [event, handler] of Object.entries(handlers)) {
      if (handler) {
        subscription.on(event as keyof SubscriptionHandlers, handler as never);
      }
    }
    if (!created) {
      return subscription;
    }

    if (!this.channels.has(name)) {
      this.channels.set(name, new ChannelState(name, options.since));
    }
    const welcome = this.current?.welcome;
    if (welcome) {
      if (isAutomatic(name)) {
        const sub = subscription;
        queueMicrotask(() => this.confirmAutomatic(sub, welcome.user));
      } else {
        this.sendCommands([this.subscribeCommand(name, options.token)]);
      }
    }
    return subscription;
  }

  removeSubscription(subscription: Subscription): void {
    const channel = subscription.channel;
    if (this.subscriptions.get(channel) !== subscription) {
      return;
    }
    this.subscriptions.delete(channel);
    subscription.setState('unsubscribed');
    if (!isAutomatic(channel)) {
      this.channels.delete(channel);
      clearTimeout(this.replayTimers.get(channel));
      this.replayTimers.delete(channel);
      if (this.current?.welcome) {
        const id = this.nextId++;
        this.replies.set(id, () => undefined);
        this.sendCommands([JSON.stringify({ op: 'unsubscribe', id, channel })]);
      }
    }
    subscription.dispatch('unsubscribed');
  }

  // ---- connection lifecycle -------------------------------------------------------------

  private async open(): Promise<void> {
    const generation = ++this.generation;
    const tryNumber = this.backoff.attempts;
    this.setState('connecting');
    let token: string;
    let url: string;
    try {
      url = await this.resolveUrl(this.urlAttempt++);
      token = await this.resolveToken();
    } catch (error) {
      if (generation === this.generation && !this.stopped) {
        this.emit('error', { code: 'connect_failed', message: `could not get a URL or token: ${describe(error)}` });
        this.afterClose(CloseCodes.Abnormal, 'token or URL callback failed', undefined, undefined);
      }
      return;
    }
    if (generation !== this.generation || this.stopped) {
      return;
    }

    const attempt: Attempt = { generation, url, timers: [] };
    this.current = attempt;
    let target = url;
    let protocols = [SUBPROTOCOL, `bearer.${token}`];
    if (this.options.tokenTransport === 'query') {
      target = `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
      protocols = [SUBPROTOCOL];
    }
    this.emit('connecting', { url, attempt: tryNumber });
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(target, protocols);
    } catch (error) {
      this.onClosed(attempt, CloseCodes.Abnormal, `cannot open ${url}: ${describe(error)}`);
      return;
    }
    attempt.socket = socket;
    socket.onopen = null;
    socket.onerror = () => undefined; // a close event follows
    socket.onclose = (event) => this.onClosed(attempt, event.code, event.reason ?? '');
    socket.onmessage = (event) => this.onData(attempt, event.data);
    attempt.timers.push(setTimeout(() => this.abort(attempt, CloseCodes.ClientTimeout, 'no welcome in time'), this.options.connectTimeoutMs ?? ClientDefaults.connectTimeoutMs));
  }

  /** Gives up on a connection from this side (timeout, reconnect hint) and handles it as closed. */
  private abort(attempt: Attempt, code: number, reason: string): void {
    if (attempt !== this.current) {
      return;
    }
    this.dropSocket(attempt, code, reason);
    this.onClosed(attempt, code, reason);
  }

  private dropSocket(attempt: Attempt, code: number, reason: string): void {
    const socket = attempt.socket;
    if (!socket) {
      return;
    }
    socket.onclose = null;
    socket.onmessage = null;
    socket.onerror = () => undefined;
    try {
      const terminate = (socket as { terminate?: () => void }).terminate;
      if (code !== CloseCodes.Normal && typeof terminate === 'function') {
        terminate.call(socket); // a dead peer would never finish the close handshake
      } else {
        socket.close(code, reason);
      }
    } catch {
      // already closed
    }
  }

  private onClosed(attempt: Attempt, code: number, reason: string): void {
    if (attempt !== this.current) {
      return;
    }
    const server = attempt.welcome?.server;
    const hintUntil = attempt.hintUntil;
    this.teardown(attempt);
    if (this.stopped) {
      return;
    }
    this.afterClose(code, reason, server, hintUntil);
  }

  private afterClose(code: number, reason: string, server: string | undefined, hintUntil: number | undefined): void {
    const delay = this.reconnectDelay(code, hintUntil);
    if (delay === undefined) {
      this.stopped = true;
      this.setState('closed');
      this.emit('disconnected', { code, reason, server, willReconnect: false });
      this.emit('closed', { code, reason });
      return;
    }
    this.setState('disconnected');
    this.emit('disconnected', { code, reason, server, willReconnect: true, delayMs: delay });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) {
        void this.open();
      }
    }, delay);
  }

  /** The delay before the next attempt, or undefined to stop (docs/protocol.md, close codes). */
  private reconnectDelay(code: number, hintUntil: number | undefined): number | undefined {
    const hinted = hintUntil === undefined ? undefined : Math.max(0, hintUntil - Date.now());
    const canRefresh = typeof this.options.token === 'function';
    switch (closeAction(code)) {
      case 'stop':
        return undefined;
      case 'immediate':
        if (hinted !== undefined) {
          return hinted;
        }
        // Without a hint: at once the first time, then back off (an edge that keeps restarting).
        return this.backoff.attempts === 0 ? (this.backoff.next(), 0) : this.backoff.next();
      case 'refresh-token':
        return canRefresh ? this.backoff.next() : undefined;
      case 'unauthorized':
        this.authFailures++;
        return canRefresh && this.authFailures < (this.options.maxAuthFailures ?? 3) ? this.backoff.next() : undefined;
      case 'backoff':
        return Math.max(hinted ?? 0, this.backoff.next());
    }
  }

  private teardown(attempt: Attempt): void {
    for (const timer of attempt.timers) {
      clearTimeout(timer);
    }
    clearTimeout(attempt.liveness);
    attempt.timers = [];
    if (this.current === attempt) {
      this.current = undefined;
    }
    this.replies.clear();
    for (const timer of this.replayTimers.values()) {
      clearTimeout(timer);
    }
    this.replayTimers.clear();
    for (const state of this.channels.values()) {
      state.connectionLost();
    }
    for (const subscription of this.subscriptions.values()) {
      if (subscription.state === 'subscribed') {
        subscription.setState('pending');
      }
    }
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue !== state) {
      this.stateValue = state;
      this.emit('state', state);
    }
  }

  private async resolveUrl(attempt: number): Promise<string> {
    const source = this.options.url;
    if (typeof source === 'function') {
      return await source(attempt);
    }
    if (typeof source === 'string') {
      return source;
    }
    return source[attempt % source.length];
  }

  private async resolveToken(): Promise<string> {
    const source = this.options.token;
    const token = typeof source === 'function' ? await source() : source;
    if (typeof token !== 'string' || token === '') {
      throw new Error('the token is empty');
    }
    return token;
  }

  // ---- incoming -------------------------------------------------------------------------

  private onData(attempt: Attempt, data: unknown): void {
    if (attempt !== this.current) {
      return;
    }
    if (typeof data !== 'string') {
      this.emit('error', { code: 'bad_frame', message: 'received a binary frame; the protocol is JSON text' });
      return;
    }
    this.armLiveness(attempt);
    const { objects, invalid } = parseFrame(data);
    for (const line of invalid) {
      this.emit('error', { code: 'bad_frame', message: `not a protocol object: ${line.slice(0, 200)}` });
    }
    for (const object of objects) {
      if (attempt !== this.current) {
        return; // a listener disconnected
      }
      this.handle(attempt, object);
    }
  }

  private handle(attempt: Attempt, object: ServerFrame): void {
    switch (object.op) {
      case 'welcome':
        this.onWelcome(attempt, object);
        break;
      case 'reply': {
        const callback = this.replies.get(object.id);
        if (callback) {
          this.replies.delete(object.id);
          callback(object);
        } else if (object.ok === false) {
          this.emit('error', { code: object.error?.code ?? 'error', message: object.error?.message ?? 'command refused' });
        }
        break;
      }
      case 'msg':
        this.onMessage(object);
        break;
      case 'reconnect':
        this.onReconnectHint(attempt, Number(object.after_ms) || 0);
        break;
      case 'unsubscribed':
        this.onServerUnsubscribed(String(object.channel ?? ''), String(object.reason ?? 'unsubscribed'));
        break;
      case 'join':
      case 'leave':
        this.onPresence(object);
        break;
      case 'ping':
        break; // liveness is armed by any frame
    }
  }

  private onWelcome(attempt: Attempt, object: WelcomeFrame): void {
    for (const timer of attempt.timers) {
      clearTimeout(timer); // the connect timeout
    }
    attempt.timers = [setTimeout(() => this.backoff.reset(), STABLE_AFTER_MS)];
    const welcome: WelcomeInfo = {
      server: String(object.server ?? ''),
      conn: String(object.conn ?? ''),
      user: String(object.user ?? ''),
      pingIntervalMs: Number(object.ping_interval_ms) || 25_000,
      url: attempt.url,
    };
    attempt.welcome = welcome;
    this.authFailures = 0;

    const userChannel = `user:${welcome.user}`;
    if (this.userChannel !== undefined && this.userChannel !== userChannel && !this.subscriptions.has(this.userChannel)) {
      this.channels.delete(this.userChannel); // another user: the old position means nothing
    }
    this.userChannel = userChannel;
    if (!this.channels.has(userChannel)) {
      this.channels.set(userChannel, new ChannelState(userChannel));
    }

    this.setState('connected');
    this.emit('connected', welcome);
    if (attempt !== this.current) {
      return;
    }
    this.armLiveness(attempt);

    // The user channel is joined automatically; subscribing again learns its epoch and, with
    // `since`, recovers what was missed. Broadcast has no history: nothing to recover.
    const commands = [this.subscribeCommand(userChannel, undefined)];
    for (const subscription of this.subscriptions.values()) {
      if (isAutomatic(subscription.channel)) {
        this.confirmAutomatic(subscription, welcome.user);
      } else {
        commands.push(this.subscribeCommand(subscription.channel, subscription.token));
      }
    }
    this.sendCommands(commands);
  }

  private confirmAutomatic(subscription: Subscription, user: string): void {
    if (this.subscriptions.get(subscription.channel) !== subscription || subscription.state === 'subscribed') {
      return;
    }
    if (subscription.channel === BROADCAST || subscription.channel === `user:${user}`) {
      subscription.setState('subscribed');
      subscription.dispatch('subscribed', { channel: subscription.channel, ...this.positionOf(subscription.channel) });
    } else {
      this.subscriptions.delete(subscription.channel);
      this.channels.delete(subscription.channel);
      subscription.setState('failed');
      const error = { code: 'forbidden', message: 'a connection only receives its own user channel', channel: subscription.channel };
      subscription.dispatch('error', error);
      this.emit('error', error);
    }
  }

  private onMessage(object: MessageFrame): void {
    const channel = String(object.channel ?? '');
    const state = this.channels.get(channel);
    if (!state) {
      return; // unsubscribed meanwhile
    }
    const message: Message = { channel, event: String(object.event ?? ''), data: object.data, id: String(object.id ?? '') };
    const offset = toOffset(object.offset);
    if (offset !== undefined) {
      message.offset = offset;
    }
    if (typeof object.epoch === 'string' && object.epoch !== '') {
      message.epoch = object.epoch;
    }
    const out: Delivery[] = [];
    state.onMessage(message, out);
    this.watchReplay(state);
    this.deliver(channel, out);
  }

  /** Presence: a connection joined or left a channel this client listens to. */
  private onPresence(object: PresenceFrame): void {
    const channel = String(object.channel ?? '');
    if (!this.channels.has(channel)) {
      return; // not (or no longer) in this channel
    }
    const info: PresenceInfo = { channel, user: String(object.user ?? ''), conn: String(object.conn ?? '') };
    this.subscriptions.get(channel)?.dispatch(object.op, info);
    this.emit(object.op, info);
  }

  private onReconnectHint(attempt: Attempt, afterMs: number): void {
    attempt.hintUntil = Date.now() + afterMs;
    // The edge closes with 1012 right after the hint; if it does not, leave on our own.
    attempt.timers.push(setTimeout(() => this.abort(attempt, CloseCodes.ServiceRestart, 'server asked to reconnect'), afterMs + 1_000));
  }

  private armLiveness(attempt: Attempt): void {
    const welcome = attempt.welcome;
    if (!welcome) {
      return;
    }
    clearTimeout(attempt.liveness);
    attempt.liveness = setTimeout(
      () => this.abort(attempt, CloseCodes.ClientTimeout, `nothing received for ${ClientDefaults.livenessIntervals * welcome.pingIntervalMs} ms`),
      ClientDefaults.livenessIntervals * welcome.pingIntervalMs,
    );
  }

  // ---- subscriptions --------------------------------------------------------------------

  private subscribeCommand(channel: string, token: string | undefined): string {
    let state = this.channels.get(channel);
    if (!state) {
      state = new ChannelState(channel);
      this.channels.set(channel, state);
    }
    const since = state.beginSubscribe();
    const id = this.nextId++;
    this.replies.set(id, (reply) => this.onSubscribeReply(channel, state, reply, token));
    const command: Record<string, unknown> = { op: 'subscribe', id, channel };
    if (since) {
      command.since = since;
    }
    if (token) {
      command.token = token;
    }
    return JSON.stringify(command);
  }

  private onSubscribeReply(channel: string, state: ChannelState, reply: ReplyFrame, token: string | undefined): void {
    if (this.channels.get(channel) !== state) {
      return;
    }
    const subscription = this.subscriptions.get(channel);
    const out: Delivery[] = [];
    if (reply.ok !== true) {
      state.onSubscribed({}, out); // release anything held
      this.deliver(channel, out);
      const error: ServerError = { code: reply.error?.code ?? 'error', message: reply.error?.message ?? 'subscribe refused', channel };
      if (error.code === 'unavailable') {
        this.retrySubscribe(channel, token); // the broker is briefly unreachable
      } else if (!isAutomatic(channel)) {
        this.subscriptions.delete(channel);
        this.channels.delete(channel);
        subscription?.setState('failed');
      }
      subscription?.dispatch('error', error);
      this.emit('error', error);
      return;
    }

    const parsed: SubscribeReply = {};
    if (typeof reply.epoch === 'string' && reply.epoch !== '') {
      parsed.epoch = reply.epoch;
      parsed.offset = toOffset(reply.offset) ?? 0;
    }
    if (typeof reply.recovered === 'boolean') {
      parsed.recovered = reply.recovered;
    }
    state.onSubscribed(parsed, out);
    if (subscription && subscription.state !== 'subscribed') {
      subscription.setState('subscribed');
      subscription.dispatch('subscribed', { channel, epoch: parsed.epoch, offset: parsed.offset, recovered: parsed.recovered });
    }
    this.watchReplay(state);
    this.deliver(channel, out);
  }

  /**
   * The edge ended a subscription (its subscribe token expired). The subscription ends here too
   * (state `unsubscribed`, an `error` with the reason, then `unsubscribed`); subscribe again with
   * a fresh subscribe token to continue.
   */
  private onServerUnsubscribed(channel: string, reason: string): void {
    if (isAutomatic(channel) || !this.channels.has(channel)) {
      return;
    }
    const subscription = this.subscriptions.get(channel);
    this.subscriptions.delete(channel);
    this.channels.delete(channel);
    clearTimeout(this.replayTimers.get(channel));
    this.replayTimers.delete(channel);
    const error: ServerError = { code: reason, message: `the edge ended the subscription to ${channel} (${reason}); subscribe again with a fresh token`, channel };
    subscription?.setState('unsubscribed');
    subscription?.dispatch('error', error);
    subscription?.dispatch('unsubscribed');
    this.emit('error', error);
  }

  private retrySubscribe(channel: string, token: string | undefined): void {
    const attempt = this.current;
    if (!attempt) {
      return;
    }
    attempt.timers.push(
      setTimeout(() => {
        if (attempt === this.current && attempt.welcome && this.channels.has(channel)) {
          this.sendCommands([this.subscribeCommand(channel, token)]);
        }
      }, 500 + fullJitterDelay(2, 500, 5_000, this.options.random ?? Math.random)),
    );
  }

  /** Bounds how long held messages wait for a replay to fill the hole before them. */
  private watchReplay(state: ChannelState): void {
    const channel = state.channel;
    if (!state.waitingForReplay) {
      clearTimeout(this.replayTimers.get(channel));
      this.replayTimers.delete(channel);
      return;
    }
    if (this.replayTimers.has(channel)) {
      return;
    }
    this.replayTimers.set(
      channel,
      setTimeout(() => {
        this.replayTimers.delete(channel);
        const out: Delivery[] = [];
        state.giveUpReplay(out);
        this.deliver(channel, out);
      }, this.options.replayTimeoutMs ?? 5_000),
    );
  }

  private deliver(channel: string, out: Delivery[]): void {
    for (const delivery of out) {
      const subscription = this.subscriptions.get(channel);
      switch (delivery.kind) {
        case 'message':
          subscription?.dispatch('message', delivery.message);
          this.emit('message', delivery.message);
          break;
        case 'gap':
          subscription?.dispatch('gap', delivery.info);
          this.emit('gap', delivery.info);
          break;
        case 'recovered':
          subscription?.dispatch('recovered', delivery.info);
          this.emit('recovered', delivery.info);
          break;
      }
    }
  }

  // ---- outgoing -------------------------------------------------------------------------

  /** Sends commands, several per frame (`\n`-separated), each frame under the edge's size limit. */
  private sendCommands(commands: string[]): void {
    const socket = this.current?.socket;
    if (!socket || socket.readyState !== OPEN) {
      return; // sent again after the next welcome
    }
    const encoder = new TextEncoder();
    let batch: string[] = [];
    let size = 0;
    for (const command of commands) {
      const bytes = encoder.encode(command).length + 1;
      if (batch.length > 0 && size + bytes > MAX_OUTGOING_FRAME_BYTES) {
        socket.send(batch.join('\n'));
        batch = [];
        size = 0;
      }
      batch.push(command);
      size += bytes;
    }
    if (batch.length > 0) {
      socket.send(batch.join('\n'));
    }
  }
}

function isAutomatic(channel: string): boolean {
  return channel === BROADCAST || channel.startsWith('user:');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
