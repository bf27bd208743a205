import type { GapInfo, Message, RecoveredInfo, StreamPosition } from './types.js';

/** What a channel hands to the application, in order. */
export type Delivery =
  | { kind: 'message'; message: Message }
  | { kind: 'gap'; info: GapInfo }
  | { kind: 'recovered'; info: RecoveredInfo };

export interface SubscribeReply {
  epoch?: string;
  offset?: number;
  recovered?: boolean;
}

/**
 * Offset bookkeeping of one channel, kept across reconnects: the last delivered position
 * (for `since`), deduplication (an offset is never delivered twice), gap detection, and
 * reordering while a recovery is answered.
 *
 * After a reconnect the automatic channel `user:{sub}` is live before the client's
 * subscribe-with-`since` is answered, and the edge sends the missed messages *after* the
 * live ones already delivered (docs/protocol.md). So from {@link beginRecovery} until the
 * reply the channel holds every message back; after a `recovered:true` reply it delivers in
 * offset order as the replay fills the hole before the held messages.
 */
export class ChannelState {
  epoch: string | undefined;
  /** Offset of the last message delivered to the application. */
  offset: number | undefined;
  private holding = false;
  private awaitingReplay = false;
  private since: StreamPosition | undefined;
  /** Messages received but not yet deliverable, sorted by offset. */
  private pending: Message[] = [];

  constructor(readonly channel: string, start?: StreamPosition) {
    if (start) {
      this.epoch = start.epoch;
      this.offset = start.offset;
    }
  }

  /**
   * The position to resume from. A channel that had no history yet when it was joined has no
   * epoch: it resumes from its start (`{epoch:"", offset:0}`) and what was already delivered is
   * dropped as duplicate.
   */
  position(): StreamPosition | undefined {
    if (this.offset === undefined) {
      return undefined;
    }
    return this.epoch ? { epoch: this.epoch, offset: this.offset } : { epoch: '', offset: 0 };
  }

  /** True while a hole before held messages is expected to be filled by a replay. */
  get waitingForReplay(): boolean {
    return this.awaitingReplay;
  }

  /**
   * A subscribe is about to be sent on a fresh connection: returns the `since` to send, and
   * holds live messages back until {@link onSubscribed}.
   */
  beginSubscribe(): StreamPosition | undefined {
    this.since = this.position();
    this.holding = true;
    this.awaitingReplay = false;
    this.pending = [];
    return this.since;
  }

  /** The connection is gone: whatever was held will be replayed from {@link position} next time. */
  connectionLost(): void {
    this.holding = false;
    this.awaitingReplay = false;
    this.pending = [];
    this.since = undefined;
  }

  onMessage(message: Message, out: Delivery[]): void {
    const offset = message.offset;
    if (offset === undefined) {
      out.push({ kind: 'message', message });
      return;
    }
    if (message.epoch !== undefined) {
      if (this.epoch === undefined || this.epoch === '') {
        this.epoch = message.epoch; // learnt from the first message (the channel had no epoch at subscribe)
      } else if (message.epoch !== this.epoch) {
        // History lost on the server: offsets restarted in a new epoch.
        out.push({ kind: 'gap', info: { channel: this.channel, reason: 'epoch_changed', epoch: message.epoch } });
        this.epoch = message.epoch;
        this.offset = undefined;
        this.pending = [];
        this.holding = false;
        this.awaitingReplay = false;
        this.deliver(message, out);
        return;
      }
    }
    if (this.offset !== undefined && offset <= this.offset) {
      return; // duplicate
    }
    if (this.holding || this.awaitingReplay) {
      this.hold(message);
      if (this.awaitingReplay) {
        this.drain(out);
      }
      return;
    }
    if (this.offset !== undefined && offset > this.offset + 1) {
      out.push({ kind: 'gap', info: { channel: this.channel, reason: 'offset_jump', from: this.offset + 1, to: offset - 1, epoch: this.epoch } });
    }
    this.deliver(message, out);
  }

  onSubscribed(reply: SubscribeReply, out: Delivery[]): void {
    const since = this.since;
    this.holding = false;
    this.since = undefined;
    if (reply.epoch === undefined) {
      // No history yet (or none kept for this channel, or it could not be read).
      if (since && reply.recovered === false) {
        out.push({ kind: 'gap', info: { channel: this.channel, reason: 'recovery_failed' } });
      } else if (since && reply.recovered === true) {
        out.push({ kind: 'recovered', info: { channel: this.channel, since, epoch: '', offset: 0 } });
      }
      this.flush(out, false);
      if (this.offset === undefined && this.channel !== 'broadcast') {
        this.offset = 0; // resume from the channel's start: its first messages may come while we are away
      }
      return;
    }

    const top = reply.offset ?? 0;
    if (reply.recovered === true && since) {
      this.epoch = reply.epoch;
      const resumed = { epoch: reply.epoch, offset: this.offset ?? since.offset };
      out.push({ kind: 'recovered', info: { channel: this.channel, since: resumed, epoch: reply.epoch, offset: top } });
      if (this.pending.length > 0) {
        // Live messages came first; the replay of the hole before them follows the reply.
        this.awaitingReplay = true;
        this.drain(out);
      }
      return;
    }

    if (reply.recovered === false) {
      out.push({ kind: 'gap', info: { channel: this.channel, reason: 'recovery_failed', from: since ? since.offset + 1 : undefined, epoch: reply.epoch } });
      if (reply.epoch !== this.epoch) {
        this.offset = undefined; // offsets restart in a new epoch
      }
    }

    // A plain subscribe (or a failed recovery): everything after `top` will be delivered.
    this.epoch = reply.epoch;
    this.flush(out, false);
    if (this.offset === undefined || this.offset < top) {
      this.offset = top;
    }
  }

  /** The replay did not fill the hole in time: report the gap and deliver what is held. */
  giveUpReplay(out: Delivery[]): void {
    if (this.awaitingReplay) {
      this.flush(out, true);
    }
  }

  private hold(message: Message): void {
    const offset = message.offset as number;
    let i = this.pending.length;
    while (i > 0 && (this.pending[i - 1].offset as number) > offset) {
      i--;
    }
    if (i > 0 && this.pending[i - 1].offset === offset) {
      return;
    }
    this.pending.splice(i, 0, message);
  }

  private drain(out: Delivery[]): void {
    while (this.pending.length > 0) {
      const next = this.pending[0].offset as number;
      if (this.offset !== undefined && next <= this.offset) {
        this.pending.shift();
      } else if (this.offset === undefined || next === this.offset + 1) {
        this.deliver(this.pending.shift() as Message, out);
      } else {
        return;
      }
    }
    this.awaitingReplay = false;
  }

  private flush(out: Delivery[], reportGaps: boolean): void {
    for (const message of this.pending) {
      const offset = message.offset as number;
      if (this.offset !== undefined && offset <= this.offset) {
        continue;
      }
      if (reportGaps && this.offset !== undefined && offset > this.offset + 1) {
        out.push({ kind: 'gap', info: { channel: this.channel, reason: 'replay_incomplete', from: this.offset + 1, to: offset - 1, epoch: this.epoch } });
      }
      this.deliver(message, out);
    }
    this.pending = [];
    this.awaitingReplay = false;
  }

  private deliver(message: Message, out: Delivery[]): void {
    if (message.offset !== undefined) {
      this.offset = message.offset;
    }
    out.push({ kind: 'message', message });
  }
}
