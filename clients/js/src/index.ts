export { RealtimeClient, SUBPROTOCOL, BROADCAST, type ClientEvents } from './client.js';
export { Subscription, type SubscriptionState, type SubscriptionEvents } from './subscription.js';
export { CloseCodes, closeAction, type CloseAction } from './close-codes.js';
export type * from './types.js';
