// The SDK against the protocol definition in protocol/ (the same files the edge's and the .NET
// SDK's tests read): golden frames through parseFrame, the commands it sends against the schema,
// the close-code table and the shared client defaults.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Backoff, fullJitterDelay } from '../src/backoff.js';
import { RealtimeClient, SUBPROTOCOL } from '../src/client.js';
import { closeAction, CloseCodes, type CloseAction } from '../src/close-codes.js';
import { ClientDefaults } from '../src/defaults.js';
import { parseFrame } from '../src/frames.js';
import { fakeSocketClass, settle, useMockClock, useRealTime } from './fake-socket.js';

const protocolDir = new URL('../../../protocol/', import.meta.url);
const read = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, protocolDir), 'utf8')) as T;

interface FrameCase {
  name: string;
  frame?: unknown;
  text?: string;
  schemaValid: boolean;
  sdk: string;
}
interface FrameLinesCase {
  name: string;
  text: string;
  ops: string[];
  ignored: number;
}
interface CloseCodeRow {
  code: number;
  name: string;
  reconnect: 'no' | 'backoff' | 'immediately' | 'with-new-token';
}

const ajv = new Ajv2020({ allErrors: true });
const validateFrame = ajv.compile(read<object>('server-frames.schema.json'));
const validateCommand = ajv.compile(read<object>('client-commands.schema.json'));
const lineOf = (c: FrameCase): string => c.text ?? JSON.stringify(c.frame);

describe('golden server frames', () => {
  for (const c of read<{ cases: FrameCase[] }>('golden/server-frames.json').cases) {
    it(c.name, () => {
      const line = lineOf(c);
      let valid: boolean;
      try {
        valid = validateFrame(JSON.parse(line)) as boolean;
      } catch {
        valid = false; // not JSON
      }
      assert.equal(valid, c.schemaValid, `schema: ${ajv.errorsText(validateFrame.errors)}`);

      const { objects, unknown, invalid } = parseFrame(line);
      if (c.sdk === 'ignored') {
        assert.deepEqual([objects.length, unknown.length, invalid.length], [0, 0, 1]);
      } else if (objects.length === 1) {
        assert.equal(objects[0].op, c.sdk);
        if (c.schemaValid) {
          assert.deepEqual(objects[0], c.frame, 'read as sent');
        }
      } else {
        assert.deepEqual(unknown.map((u) => u.op), [c.sdk], 'an op this client does not know is skipped');
        assert.equal(c.schemaValid, false);
      }
    });
  }
});

describe('golden frame lines', () => {
  for (const c of read<{ cases: FrameLinesCase[] }>('golden/frame-lines.json').cases) {
    it(c.name, () => {
      const { objects, invalid } = parseFrame(c.text);
      assert.deepEqual(objects.map((o) => o.op), c.ops);
      assert.equal(invalid.length, c.ignored);
    });
  }
});

describe('commands the client sends', () => {
  beforeEach(useMockClock);
  afterEach(useRealTime);

  it('are valid against client-commands.schema.json', async () => {
    const Socket = fakeSocketClass();
    const client = new RealtimeClient({ url: 'ws://edge/ws', token: 't', WebSocket: Socket, minReconnectDelayMs: 10, maxReconnectDelayMs: 20 });
    const lobby = client.subscribe('lobby');
    client.subscribe('room:vip', {}, { token: 'sub-token' });
    client.subscribe('room:old', {}, { since: { epoch: 'e1', offset: 41 } });
    client.connect();
    await settle();
    const socket = Socket.instances[0];
    socket.welcome();
    lobby.unsubscribe();
    const commands = socket.commands();
    assert.deepEqual(commands.map((c) => c.op), ['subscribe', 'subscribe', 'subscribe', 'subscribe', 'unsubscribe']);
    for (const command of commands) {
      assert.ok(validateCommand(command), `${JSON.stringify(command)}: ${ajv.errorsText(validateCommand.errors)}`);
    }
    client.disconnect();
  });

  it('the golden commands are valid or invalid as stated', () => {
    for (const c of read<{ cases: (FrameCase & { command?: unknown })[] }>('golden/client-commands.json').cases) {
      let valid: boolean;
      try {
        valid = validateCommand(c.text === undefined ? c.command : JSON.parse(c.text)) as boolean;
      } catch {
        valid = false;
      }
      assert.equal(valid, c.schemaValid, c.name);
    }
  });
});

describe('close-codes.json', () => {
  const table = read<{ noCloseFrame: string; unknownCode: string; codes: CloseCodeRow[] }>('close-codes.json');

  it('has exactly the codes of CloseCodes, by name', () => {
    const fromTable = Object.fromEntries(table.codes.map((r) => [r.name, r.code]));
    assert.deepEqual({ ...CloseCodes }, fromTable);
  });

  for (const row of table.codes) {
    it(`${row.code} ${row.name}: ${row.reconnect}`, () => {
      const expected: Record<CloseCodeRow['reconnect'], CloseAction[]> = {
        no: ['stop'],
        backoff: ['backoff'],
        immediately: ['immediate'],
        // 4002: fetch a new token; 4001: reconnect only with a token callback (bounded by maxAuthFailures).
        'with-new-token': ['refresh-token', 'unauthorized'],
      };
      assert.ok(expected[row.reconnect].includes(closeAction(row.code)), `${closeAction(row.code)}`);
    });
  }

  it('backs off on unknown codes (and 1006, no close frame)', () => {
    assert.equal(table.unknownCode, 'backoff');
    assert.equal(table.noCloseFrame, 'backoff');
    assert.equal(closeAction(4999), 'backoff');
    assert.equal(closeAction(CloseCodes.Abnormal), 'backoff');
  });
});

describe('client-defaults.json', () => {
  interface Defaults {
    subprotocol: string;
    reconnect: { minDelayMs: number; maxDelayMs: number; jitter: string; maxExponent: number };
    connectTimeoutMs: number;
    livenessIntervals: number;
  }
  const defaults = read<Defaults>('client-defaults.json');

  it('are the SDK defaults', () => {
    assert.equal(SUBPROTOCOL, defaults.subprotocol);
    assert.deepEqual(
      {
        minReconnectDelayMs: ClientDefaults.minReconnectDelayMs,
        maxReconnectDelayMs: ClientDefaults.maxReconnectDelayMs,
        maxExponent: ClientDefaults.maxExponent,
        connectTimeoutMs: ClientDefaults.connectTimeoutMs,
        livenessIntervals: ClientDefaults.livenessIntervals,
      },
      {
        minReconnectDelayMs: defaults.reconnect.minDelayMs,
        maxReconnectDelayMs: defaults.reconnect.maxDelayMs,
        maxExponent: defaults.reconnect.maxExponent,
        connectTimeoutMs: defaults.connectTimeoutMs,
        livenessIntervals: defaults.livenessIntervals,
      },
    );
    const backoff = new Backoff();
    assert.equal(backoff.minMs, defaults.reconnect.minDelayMs);
    assert.equal(backoff.maxMs, defaults.reconnect.maxDelayMs);
  });

  it('full jitter: the window stops doubling at maxExponent', () => {
    assert.equal(defaults.reconnect.jitter, 'full');
    const top = () => 0.999999;
    const n = defaults.reconnect.maxExponent;
    assert.equal(fullJitterDelay(n + 3, 1, Number.MAX_SAFE_INTEGER, top), fullJitterDelay(n, 1, Number.MAX_SAFE_INTEGER, top));
    assert.ok(fullJitterDelay(n, 1, Number.MAX_SAFE_INTEGER, top) > fullJitterDelay(n - 1, 1, Number.MAX_SAFE_INTEGER, top));
  });
});
