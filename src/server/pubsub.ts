import type { PubSub } from "type-graphql";

const MAX_BUFFERED = 1000;

/**
 * In-process pub/sub for GraphQL subscriptions. Each subscriber has its own bounded queue, so a
 * slow subscriber only loses its own oldest messages and never holds up the others.
 */
export class BoundedPubSub implements PubSub {
  private readonly subscribers = new Map<string, Set<(payload: unknown) => void>>();
  dropped = 0;

  publish(topic: string, payload?: unknown): void {
    for (const push of this.subscribers.get(topic) ?? []) push(payload);
  }

  subscribe(topic: string): AsyncIterable<unknown> {
    return { [Symbol.asyncIterator]: () => this.iterator(topic) };
  }

  subscriberCount(topic: string): number {
    return this.subscribers.get(topic)?.size ?? 0;
  }

  private iterator(topic: string): AsyncIterator<unknown> {
    const queue: unknown[] = [];
    let waiting: ((result: IteratorResult<unknown>) => void) | undefined;
    let done = false;
    const push = (payload: unknown) => {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: payload, done: false });
        return;
      }
      queue.push(payload);
      if (queue.length > MAX_BUFFERED) {
        queue.shift();
        this.dropped++;
      }
    };
    let set = this.subscribers.get(topic);
    if (!set) this.subscribers.set(topic, (set = new Set()));
    set.add(push);
    const finish = (): Promise<IteratorResult<unknown>> => {
      done = true;
      set!.delete(push);
      if (set!.size === 0) this.subscribers.delete(topic);
      queue.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: (error) => {
        void finish();
        return Promise.reject(error);
      },
    };
  }
}
