// Starts a throw-away Realtime system on loopback for tests: one redis-server, N edges and one
// dispatcher, each on a free 127.0.0.1 port, and stops all of it. Only Node built-ins, so the
// SDK tests (clients/js/test) can import it by relative path too.
//
// DLLs come from RT_EDGE_DLL / RT_DISPATCHER_DLL, by default the `dotnet build Realtime.sln`
// outputs under services/*/bin/Debug/net10.0/.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const demoPath = join(repoRoot, 'clients', 'js', 'demo');

const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LINES_KEPT = 300;

const live = new Set();
process.once('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
});

function dll(envName, relative) {
  const value = process.env[envName];
  const path = value ? (isAbsolute(value) ? value : resolve(repoRoot, value)) : join(repoRoot, relative);
  if (!existsSync(path)) {
    throw new Error(`${path} not found: run \`dotnet build Realtime.sln\` first, or set ${envName} to the built DLL`);
  }
  return path;
}

export function edgeDll() {
  return dll('RT_EDGE_DLL', 'services/Realtime.Edge/bin/Debug/net10.0/Realtime.Edge.dll');
}

export function dispatcherDll() {
  return dll('RT_DISPATCHER_DLL', 'services/Realtime.Dispatcher/bin/Debug/net10.0/Realtime.Dispatcher.dll');
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `condition` every `intervalMs` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually(condition, { timeoutMs = 10_000, intervalMs = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 1; i++) {
    try {
      const value = await condition();
      if (value) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      break;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${lastError ? `: ${lastError.message}` : ''}`);
}

class Service {
  constructor(name, command, args, env) {
    this.name = name;
    this.log = [];
    this.exited = false;
    this.child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    const keep = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') {
          this.log.push(line);
        }
      }
      if (this.log.length > LOG_LINES_KEPT) {
        this.log.splice(0, this.log.length - LOG_LINES_KEPT);
      }
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exit = new Promise((r) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        live.delete(this.child);
        this.log.push(`[exited code=${code} signal=${signal}]`);
        r();
      });
      this.child.once('error', (error) => {
        this.exited = true;
        live.delete(this.child);
        this.log.push(`[failed to start: ${error.message}]`);
        r();
      });
    });
  }

  get pid() {
    return this.child.pid;
  }

  logTail(lines = 40) {
    return `--- ${this.name} (last ${lines} lines) ---\n${this.log.slice(-lines).join('\n')}`;
  }

  /** SIGKILL: the process vanishes without draining (a crashed pod). */
  async kill() {
    if (!this.exited) {
      this.child.kill('SIGKILL');
    }
    await Promise.race([this.exit, sleep(STOP_TIMEOUT_MS)]);
  }

  /** SIGTERM, then SIGKILL after a bounded wait. */
  async stop() {
    if (this.exited) {
      return;
    }
    this.child.kill('SIGTERM');
    await Promise.race([this.exit, sleep(STOP_TIMEOUT_MS)]);
    if (!this.exited) {
      await this.kill();
    }
  }
}

function ping(port) {
  return new Promise((resolvePing) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function ready(service, url) {
  await eventually(
    async () => {
      if (service.exited) {
        throw new Error(`${service.name} exited during start\n${service.logTail()}`);
      }
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return response.status === 200;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 200, message: `${service.name} ready at ${url}` },
  ).catch((error) => {
    throw new Error(`${error.message}\n${service.logTail()}`);
  });
}

/**
 * Starts redis, `edges` edges (ids edge-a, edge-b, …) and a dispatcher. Returns handles with
 * URLs; always call `stop()` (also on failure).
 */
export async function startCluster({ edges = 2, edgeEnv = {}, pingIntervalSeconds } = {}) {
  const edgePath = edgeDll();
  const dispatcherPath = dispatcherDll();
  const secret = randomBytes(32).toString('hex'); // per run; never stored
  const cluster = { edges: [], services: [], secret };
  cluster.stop = async () => {
    await Promise.all(cluster.services.map((s) => s.stop()));
  };
  cluster.logs = (lines) => cluster.services.map((s) => s.logTail(lines)).join('\n');

  try {
    const redisPort = await freePort();
    const redis = new Service('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {});
    cluster.services.push(redis);
    cluster.redis = redis;
    await eventually(
      async () => {
        if (redis.exited) {
          throw new Error(`redis-server exited\n${redis.logTail()}`);
        }
        return ping(redisPort);
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'redis-server' },
    );
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const common = { REDIS_URL: redisUrl, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };

    const starting = [];
    for (let i = 0; i < edges; i++) {
      const id = `edge-${String.fromCharCode(97 + i)}`;
      const port = await freePort();
      const env = {
        ...common,
        SERVER_ID: id,
        Realtime__Auth__HmacSecret: secret,
        Realtime__Edge__Port: String(port),
        Realtime__Edge__BindAddress: '127.0.0.1',
        Realtime__Edge__DevMode: 'true',
        Realtime__Edge__DemoPath: demoPath,
        Realtime__Edge__DrainSeconds: '1',
        ...(pingIntervalSeconds ? { Realtime__Edge__PingIntervalSeconds: String(pingIntervalSeconds) } : {}),
        ...edgeEnv,
      };
      const service = new Service(id, 'dotnet', [edgePath], env);
      const edge = {
        id,
        port,
        service,
        http: `http://127.0.0.1:${port}`,
        ws: `ws://127.0.0.1:${port}/ws`,
        kill: () => service.kill(),
        pause: () => service.child.kill('SIGSTOP'),
        resume: () => service.child.kill('SIGCONT'),
      };
      cluster.services.push(service);
      cluster.edges.push(edge);
      starting.push(ready(service, `${edge.http}/healthz/ready`));
    }

    const httpPort = await freePort();
    const grpcPort = await freePort();
    const dispatcher = new Service('dispatcher', 'dotnet', [dispatcherPath], {
      ...common,
      SERVER_ID: 'disp',
      Realtime__Dispatcher__HttpPort: String(httpPort),
      Realtime__Dispatcher__GrpcPort: String(grpcPort),
      Realtime__Dispatcher__BindAddress: '127.0.0.1',
      Realtime__Dispatcher__CorsOrigins: '*',
      // A throw-away loopback cluster: the tests publish without an API key (insecure mode must be asked for by name).
      Realtime__Dispatcher__Insecure: 'true',
    });
    cluster.services.push(dispatcher);
    cluster.dispatcher = { service: dispatcher, http: `http://127.0.0.1:${httpPort}` };
    starting.push(ready(dispatcher, `${cluster.dispatcher.http}/healthz/ready`));
    await Promise.all(starting);
  } catch (error) {
    await cluster.stop();
    throw error;
  }

  /** A development token from an edge's /dev/token. */
  cluster.token = async (user, rooms = '*', edge = cluster.edges[0]) => {
    const response = await fetch(`${edge.http}/dev/token?user=${encodeURIComponent(user)}&rooms=${encodeURIComponent(rooms)}`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200) {
      throw new Error(`GET /dev/token: ${response.status} ${await response.text()}`);
    }
    return (await response.text()).trim();
  };

  /** POST /v1/publish; `target` is {room}, {user} or {broadcast:true}; `data` any JSON value. */
  cluster.publish = async (target, event, data) => {
    const response = await fetch(`${cluster.dispatcher.http}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target, event, data: JSON.stringify(data) }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`POST /v1/publish: ${response.status} ${text}`);
    }
    return JSON.parse(text);
  };

  return cluster;
}
