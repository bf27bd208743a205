import { Emitter } from './emitter.js';
import type { GapInfo, Message, PresenceInfo, RecoveredInfo, ServerError, StreamPosition, SubscribedInfo } from './types.js';

export type SubscriptionState = 'pending' | 'subscribed' | 'unsubscribed' | 'failed';

export type SubscriptionEvents = {
  message: [Message];
  recovered: [RecoveredInfo];
  gap: [GapInfo];
  error: [ServerError];
  subscribed: [SubscribedInfo];
  unsubscribed: [];
  /** A connection joined the channel (presence-notifying namespaces only). */
  join: [PresenceInfo];
  /** A connection left the channel (presence-notifying namespaces only). */
  leave: [PresenceInfo];
};

/** The seam between a subscription and its client (not exported from the package index). */
export interface SubscriptionOwner {
  removeSubscription(subscription: Subscription): void;
  positionOf(channel: string): StreamPosition | undefined;
}

/**
 * One channel the application listens to. Rooms are joined with a `subscribe` command and
 * joined again (with recovery) after every reconnect; `user:{sub}` and `broadcast` are
 * automatic, so subscribing to them only attaches handlers.
 */
export class Subscription extends Emitter<SubscriptionEvents> {
  private stateValue: SubscriptionState = 'pending';

  /** @internal */
  constructor(
    readonly channel: string,
    private readonly owner: SubscriptionOwner,
    /** Per-channel subscribe token, if any. */
    readonly token?: string,
  ) {
    super();
  }

  get state(): SubscriptionState {
    return this.stateValue;
  }

  /** Last position delivered on this channel (store it to resume after a page reload). */
  get position(): StreamPosition | undefined {
    return this.owner.positionOf(this.channel);
  }

  /** Resolves when the edge has confirmed the subscription (at once if it already has); rejects on an error reply. */
  ready(timeoutMs = 10_000): Promise<SubscribedInfo> {
    if (this.stateValue === 'subscribed') {
      return Promise.resolve({ channel: this.channel });
    }
    if (this.stateValue !== 'pending') {
      return Promise.reject(new Error(`subscription to ${this.channel} is ${this.stateValue}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`subscription to ${this.channel} not confirmed within ${timeoutMs} ms`));
      }, timeoutMs);
      const offOk = this.once('subscribed', (info) => {
        cleanup();
        resolve(info);
      });
      const offError = this.once('error', (error) => {
        cleanup();
        reject(Object.assign(new Error(`${error.code}: ${error.message}`), { code: error.code }));
      });
      const cleanup = () => {
        clearTimeout(timer);
        offOk();
        offError();
      };
    });
  }

  /** Leaves the channel (rooms) or stops listening locally (automatic channels). */
  unsubscribe(): void {
    if (this.stateValue === 'unsubscribed') {
      return;
    }
    this.owner.removeSubscription(this);
  }

  /** @internal */
  setState(state: SubscriptionState): void {
    this.stateValue = state;
  }

  /** @internal */
  dispatch<K extends keyof SubscriptionEvents>(event: K, ...args: SubscriptionEvents[K]): void {
    this.emit(event, ...args);
  }
}
