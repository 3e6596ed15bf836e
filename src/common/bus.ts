import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";

/**
 * Domain events, keyed by topic. Modules add their own topics by declaration merging:
 * `declare module "../common/bus" { interface DomainEvents { "profile.changed": {...} } }`.
 * Every payload names its workspace so subscribers can scope what they deliver.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

export type Topic = keyof DomainEvents & string;
export type Payload<T extends Topic> = DomainEvents[T] & { workspaceId: string };

/** Sends a bus message to other instances (PostgreSQL NOTIFY in production). */
export interface RemoteTransport {
  send(message: string): Promise<void>;
  onMessage(handler: (message: string) => void): void;
  close(): Promise<void>;
}

interface WireMessage {
  origin: string;
  topic: string;
  payload: unknown;
}

const MAX_NOTIFY_BYTES = 7900;

/** In-process typed event bus, optionally bridged to other instances. */
export class DomainBus {
  readonly instanceId = randomUUID();
  private readonly emitter = new EventEmitter();
  private transport: RemoteTransport | undefined;
  private onTransportError: (error: unknown) => void = () => undefined;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Connects the bus to other instances; messages from this instance are not delivered twice. */
  attach(transport: RemoteTransport, onError: (error: unknown) => void): void {
    this.transport = transport;
    this.onTransportError = onError;
    transport.onMessage((raw) => {
      let message: WireMessage;
      try {
        message = JSON.parse(raw) as WireMessage;
      } catch {
        return;
      }
      if (message.origin === this.instanceId) return;
      this.deliver(message.topic, message.payload);
    });
  }

  async detach(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    await transport?.close();
  }

  /** Delivers locally at once (same request path) and forwards to other instances. */
  publish<T extends Topic>(topic: T, payload: Payload<T>, options: { local?: boolean; remote?: boolean } = {}): void {
    if (options.local !== false) this.deliver(topic, payload);
    if (options.remote === false || !this.transport) return;
    const message = JSON.stringify({ origin: this.instanceId, topic, payload } satisfies WireMessage);
    if (Buffer.byteLength(message) > MAX_NOTIFY_BYTES) {
      this.onTransportError(new Error(`bus message on ${topic} is too large to forward (${Buffer.byteLength(message)} bytes)`));
      return;
    }
    this.transport.send(message).catch(this.onTransportError);
  }

  on<T extends Topic>(topic: T, listener: (payload: Payload<T>) => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  /** Receives every topic (used to feed GraphQL subscriptions). */
  onAny(listener: (topic: string, payload: unknown) => void): () => void {
    this.emitter.on("*", listener);
    return () => this.emitter.off("*", listener);
  }

  private deliver(topic: string, payload: unknown): void {
    try {
      this.emitter.emit(topic, payload);
      this.emitter.emit("*", topic, payload);
    } catch (error) {
      // A failing listener must not break the publisher's request.
      this.onTransportError(error);
    }
  }
}
