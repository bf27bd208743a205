/** A minimal typed event emitter (no dependency, works in browsers and Node). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = Record<string, any[]>;

type Listener<A extends unknown[]> = (...args: A) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (...args: any[]) => void;

export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<AnyListener>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs once. */
  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.listeners.get(event)?.delete(listener as AnyListener);
  }

  /** Calls every listener; one throwing listener is reported and does not stop the others or the client. */
  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) {
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`realtime: a '${String(event)}' listener threw`, error);
      }
    }
  }

  protected listenerCount(event: keyof E): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
