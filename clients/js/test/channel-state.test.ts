import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelState, type Delivery, type SubscribeReply } from '../src/channel-state.js';
import { parseFrame } from '../src/frames.js';
import type { Message } from '../src/types.js';

const msg = (channel: string, offset: number | undefined): Message => ({ channel, event: 'e', data: { offset }, id: `m${offset}`, ...(offset === undefined ? {} : { offset }) });

/** A delivery as text: the message's offset, or `kind[:from-to]`. */
function show(d: Delivery, withRange = true): number | string | undefined {
  if (d.kind === 'message') {
    return d.message.offset;
  }
  const gap = d.kind === 'gap' ? d.info : undefined;
  return withRange ? `${d.kind}${gap?.from !== undefined ? `:${gap.from}-${gap.to ?? ''}` : ''}` : d.kind;
}

function run(state: ChannelState, steps: (number | 'no-offset' | SubscribeReply)[]): (number | string | undefined)[] {
  const out: Delivery[] = [];
  for (const step of steps) {
    if (typeof step === 'number' || step === 'no-offset') {
      state.onMessage(msg(state.channel, step === 'no-offset' ? undefined : step), out);
    } else {
      state.onSubscribed(step, out);
    }
  }
  return out.map((d) => show(d));
}

describe('ChannelState', () => {
  it('learns the epoch from messages and treats a new epoch as a gap, not duplicates', () => {
    const state = new ChannelState('room:a');
    state.beginSubscribe();
    const out: Delivery[] = [];
    state.onSubscribed({}, out); // a channel never published to: no epoch in the reply
    for (const [epoch, offset] of [['e1', 1], ['e1', 2], ['e2', 1], ['e2', 2]] as const) {
      state.onMessage({ ...msg('room:a', offset), epoch }, out);
    }
    assert.deepEqual(out.map((d) => (d.kind === 'message' ? `${d.message.epoch}/${d.message.offset}` : d.kind === 'gap' ? d.info.reason : d.kind)), ['e1/1', 'e1/2', 'epoch_changed', 'e2/1', 'e2/2']);
    assert.deepEqual(state.position(), { epoch: 'e2', offset: 2 });
  });

  it('never delivers an offset twice', () => {
    const state = new ChannelState('room:a');
    state.beginSubscribe();
    assert.deepEqual(run(state, [{ epoch: 'e1', offset: 0 }, 1, 2, 2, 1, 3, 3]), [1, 2, 3]);
    assert.deepEqual(state.position(), { epoch: 'e1', offset: 3 });
  });

  it('reports an offset jump on a live message as a gap, then delivers it', () => {
    const state = new ChannelState('room:a');
    state.beginSubscribe();
    assert.deepEqual(run(state, [{ epoch: 'e1', offset: 4 }, 5, 8, 9]), [5, 'gap:6-7', 8, 9]);
  });

  it('keeps its position across reconnects and resumes from it', () => {
    const state = new ChannelState('room:a');
    state.beginSubscribe();
    run(state, [{ epoch: 'e1', offset: 0 }, 1, 2]);
    state.connectionLost();
    assert.deepEqual(state.beginSubscribe(), { epoch: 'e1', offset: 2 });
    // reply, then replay 3..4 (and a duplicate 2), then live 5
    assert.deepEqual(run(state, [{ epoch: 'e1', offset: 4, recovered: true }, 2, 3, 4, 5]), ['recovered', 3, 4, 5]);
    state.connectionLost();
    assert.deepEqual(state.beginSubscribe(), { epoch: 'e1', offset: 5 });
  });

  it('orders the user channel when live messages precede the replay of missed ones', () => {
    // docs/protocol.md: after welcome the user channel is live at once; the replay of the
    // subscribe-with-since comes after the live messages already delivered.
    const state = new ChannelState('user:u');
    state.beginSubscribe();
    run(state, [{ epoch: 'e1', offset: 0 }, 1, 2]);
    state.connectionLost();
    state.beginSubscribe();
    assert.deepEqual(run(state, [5, 6, { epoch: 'e1', offset: 6, recovered: true }, 3, 4, 7]), ['recovered', 3, 4, 5, 6, 7]);
    assert.equal(state.waitingForReplay, false);
  });

  it('gives up on a replay that never fills the hole, reporting the gap', () => {
    const state = new ChannelState('user:u', { epoch: 'e1', offset: 2 });
    state.beginSubscribe();
    const out: Delivery[] = [];
    state.onMessage(msg('user:u', 6), out);
    state.onSubscribed({ epoch: 'e1', offset: 6, recovered: true }, out);
    state.onMessage(msg('user:u', 3), out);
    assert.equal(state.waitingForReplay, true);
    state.giveUpReplay(out);
    const kinds = out.map((d) => (d.kind === 'message' ? d.message.offset : d.kind === 'gap' ? `gap:${d.info.from ?? ''}-${d.info.to ?? ''}` : `${d.kind}:-`));
    assert.deepEqual(kinds, ['recovered:-', 3, 'gap:4-5', 6]);
  });

  it('reports recovered:false as a gap and follows the new epoch', () => {
    const state = new ChannelState('room:a', { epoch: 'e1', offset: 40 });
    state.beginSubscribe();
    assert.deepEqual(run(state, [{ epoch: 'e2', offset: 3, recovered: false }, 4, 5]), ['gap:41-', 4, 5]);
    assert.deepEqual(state.position(), { epoch: 'e2', offset: 5 });
  });

  it('resumes from the start of a channel that had no history when joined', () => {
    const state = new ChannelState('room:new');
    state.beginSubscribe();
    assert.deepEqual(run(state, [{}]), []);
    assert.deepEqual(state.position(), { epoch: '', offset: 0 });
    run(state, [1]);
    state.connectionLost();
    assert.deepEqual(state.beginSubscribe(), { epoch: '', offset: 0 });
    assert.deepEqual(run(state, [{ epoch: 'e9', offset: 3, recovered: true }, 1, 2, 3]), ['recovered', 2, 3]);
    assert.deepEqual(state.position(), { epoch: 'e9', offset: 3 });
  });

  it('passes messages without offsets (broadcast) straight through', () => {
    const state = new ChannelState('broadcast');
    assert.deepEqual(run(state, ['no-offset', 'no-offset']), [undefined, undefined]);
    assert.equal(state.position(), undefined);
  });
});

describe('parseFrame', () => {
  it('splits a frame on \\n into several objects and skips blank lines', () => {
    const { objects, invalid } = parseFrame('{"op":"msg","offset":1}\n{"op":"msg","offset":2}\n\n{"op":"ping"}\n');
    assert.deepEqual(objects.map((o) => o.op), ['msg', 'msg', 'ping']);
    assert.deepEqual(invalid, []);
  });

  it('reports lines that are not protocol objects', () => {
    const { objects, invalid } = parseFrame('{"op":"ping"}\nnot json\n[1]\n{"x":1}');
    assert.equal(objects.length, 1);
    assert.equal(invalid.length, 3);
  });
});
