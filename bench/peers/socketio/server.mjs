// Socket.IO peer server for the Realtime load generator (bench/Realtime.Bench --system socketio).
// Holds the WebSocket connections; messages arrive from Redis through @socket.io/redis-adapter.
// Usage: node server.mjs --port 3000 --redis redis://127.0.0.1:6379
// Loopback only. Prints "ready" on stdout once it listens; exits when stdin closes or on SIGTERM.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number.parseInt(arg("port", "3000"), 10);
const redisUrl = arg("redis", "redis://127.0.0.1:6379");

const pubClient = createClient({ url: redisUrl });
const subClient = pubClient.duplicate();
await Promise.all([pubClient.connect(), subClient.connect()]);

const httpServer = createServer((req, res) => {
  res.writeHead(req.url === "/healthz" ? 200 : 404).end();
});
const io = new Server(httpServer, {
  transports: ["websocket"],
  serveClient: false,
  adapter: createAdapter(pubClient, subClient),
});

io.on("connection", (socket) => {
  // The bench client asks for an acknowledgement so it knows the join happened before publishing.
  socket.on("join", (room, ack) => {
    if (typeof room === "string" && room.length > 0 && room.length <= 100) {
      socket.join(room);
    }
    if (typeof ack === "function") {
      ack();
    }
  });
});

async function shutdown() {
  io.close();
  await Promise.allSettled([pubClient.quit(), subClient.quit()]);
  process.exit(0);
}

process.on("SIGTERM", shutdown);
process.stdin.on("end", shutdown);
process.stdin.resume();

httpServer.listen(port, "127.0.0.1", () => {
  process.stdout.write("ready\n");
});
