export { RealtimeClient, SUBPROTOCOL, BROADCAST, type ClientEvents } from './client.js';
export { Subscription, type SubscriptionState, type SubscriptionEvents } from './subscription.js';
export { Backoff, fullJitterDelay } from './backoff.js';
export { CloseCodes, closeAction, type CloseAction } from './close-codes.js';
export { ChannelState, type Delivery, type SubscribeReply } from './channel-state.js';
export { parseFrame, type ParsedFrame, type ServerObject } from './frames.js';
export type * from './types.js';
