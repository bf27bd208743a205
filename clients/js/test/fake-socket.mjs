// A scripted stand-in for a WebSocket, to drive the client through close codes and timeouts
// deterministically. Each test gets its own class (own list of instances).
export function fakeSocketClass() {
  class FakeSocket {
    static instances = [];

    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.readyState = 0;
      this.sent = [];
      this.closedByClient = undefined;
      this.onopen = null;
      this.onmessage = null;
      this.onclose = null;
      this.onerror = null;
      FakeSocket.instances.push(this);
      setTimeout(() => {
        if (this.readyState === 0) {
          this.readyState = 1;
          this.onopen?.({});
        }
      }, 0);
    }

    send(data) {
      this.sent.push(data);
    }

    close(code, reason) {
      this.closedByClient = { code, reason };
      this.readyState = 3;
    }

    /** Sends the given objects in one frame, separated by \n. */
    serverSend(...objects) {
      this.readyState = 1;
      this.onmessage?.({ data: objects.map((o) => JSON.stringify(o)).join('\n') });
    }

    welcome(extra = {}) {
      this.serverSend({ op: 'welcome', server: 'edge-x', conn: 'c1', user: 'u1', ping_interval_ms: 25_000, ...extra });
    }

    serverClose(code, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }

    /** Every command the client sent, parsed. */
    commands() {
      return this.sent.flatMap((frame) => frame.split('\n').map((line) => JSON.parse(line)));
    }
  }
  return FakeSocket;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(condition, timeoutMs = 2_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < timeoutMs / 5 + 1 && Date.now() < deadline; i++) {
    if (condition()) {
      return;
    }
    await sleep(5);
  }
  if (!condition()) {
    throw new Error(`timed out waiting for ${what}`);
  }
}
