// A scripted stand-in for a WebSocket, to drive the client through close codes and timeouts
// deterministically, and the mock-clock helpers the tests use (node:test mock timers).
import { mock } from 'node:test';
import type { WebSocketConstructor, WebSocketLike } from '../src/types.js';

export interface FakeSocket extends WebSocketLike {
  readonly url: string;
  readonly protocols?: string | string[];
  readyState: number;
  readonly sent: string[];
  closedByClient: { code: number | undefined; reason: string | undefined } | undefined;
  serverSend(...objects: object[]): void;
  welcome(extra?: object): void;
  serverClose(code: number, reason?: string): void;
  commands(): Command[];
}

/** A command as the client sent it. */
export interface Command {
  op: string;
  id: number;
  channel?: string;
  token?: string;
  since?: { epoch: string; offset: number };
}

export type FakeSocketClass = WebSocketConstructor & { instances: FakeSocket[] };

/** Each test gets its own class (own list of instances). */
export function fakeSocketClass(): FakeSocketClass {
  const instances: FakeSocket[] = [];
  class Socket implements FakeSocket {
    static instances = instances;
    readyState = 0;
    readonly sent: string[] = [];
    closedByClient: FakeSocket['closedByClient'];
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;

    constructor(
      readonly url: string,
      readonly protocols?: string | string[],
    ) {
      instances.push(this);
      queueMicrotask(() => {
        if (this.readyState === 0) {
          this.readyState = 1;
          this.onopen?.({});
        }
      });
    }

    send(data: string): void {
      this.sent.push(data);
    }

    close(code?: number, reason?: string): void {
      this.closedByClient = { code, reason };
      this.readyState = 3;
    }

    /** Sends the given objects in one frame, separated by \n. */
    serverSend(...objects: object[]): void {
      this.readyState = 1;
      this.onmessage?.({ data: objects.map((o) => JSON.stringify(o)).join('\n') });
    }

    welcome(extra: object = {}): void {
      this.serverSend({ op: 'welcome', server: 'edge-x', conn: 'c1', user: 'u1', ping_interval_ms: 25_000, ...extra });
    }

    serverClose(code: number, reason = ''): void {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }

    commands(): Command[] {
      return this.sent.flatMap((frame) => frame.split('\n').map((line) => JSON.parse(line) as Command));
    }
  }
  return Socket as FakeSocketClass;
}

/** Replaces setTimeout and Date with node:test's mock clock (call in beforeEach; {@link useRealTime} in afterEach). */
export function useMockClock(): void {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
}

export function useRealTime(): void {
  mock.timers.reset();
}

/** Lets pending promise chains (token and URL callbacks, microtasks) run; setImmediate is not mocked. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Moves the mock clock forward, running every timer due, and lets what they started settle. */
export async function advance(ms: number): Promise<void> {
  await settle();
  mock.timers.tick(ms);
  await settle();
}
