// Socket.IO peer publisher for the Realtime load generator: publishes through Redis with
// @socket.io/redis-emitter (a separate process from the server holding the connections).
// Usage: node publish.mjs --redis redis://127.0.0.1:6379
// Prints "ready", then reads commands from stdin, one a line (at most 100 commands):
//   publish <rooms> <messages> <concurrency> [<rate>] <json payload>
// publishes <messages> events "msg" round-robin to rooms r0..r<rooms-1>, at most <rate> messages
// per second when given and > 0, and prints "done <messages> <seconds>". Exits when stdin closes.
import { createInterface } from "node:readline";
import { Emitter } from "@socket.io/redis-emitter";
import { createClient } from "redis";

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const redisClient = createClient({ url: arg("redis", "redis://127.0.0.1:6379") });
await redisClient.connect();
const emitter = new Emitter(redisClient);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function publish(rooms, messages, concurrency, rate, data) {
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  for (let m = 0; m < messages; m += concurrency) {
    const end = Math.min(messages, m + concurrency);
    for (let k = m; k < end; k++) {
      if (rate > 0) {
        // Paced: message k is due k/rate seconds after the start.
        const wait = (k * 1000) / rate - elapsedMs();
        if (wait >= 1) {
          await sleep(wait);
        }
      }
      emitter.to(`r${k % rooms}`).emit("msg", data);
    }
    // emit() does not return the PUBLISH promise; a PING on the same connection is answered after
    // every command sent before it, so at most `concurrency` publishes are in flight, like the
    // other systems' publishers.
    await redisClient.ping();
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\n");
let handled = 0;
for await (const line of lines) {
  const match = /^publish (\d+) (\d+) (\d+) (?:(\d+) )?(\{.+)$/.exec(line.trim());
  if (!match) {
    process.stdout.write(`error unknown command\n`);
    continue;
  }
  const [rooms, messages, concurrency, rate] = [match[1], match[2], match[3], match[4] ?? "0"].map((s) => Number.parseInt(s, 10));
  if (rooms < 1 || messages < 1 || messages > 1_000_000 || concurrency < 1 || concurrency > 1000 || rate > 1_000_000) {
    process.stdout.write(`error bad arguments\n`);
    continue;
  }
  const seconds = await publish(rooms, messages, concurrency, rate, JSON.parse(match[5]));
  process.stdout.write(`done ${messages} ${seconds.toFixed(3)}\n`);
  if (++handled >= 100) {
    break;
  }
}
await redisClient.quit();
