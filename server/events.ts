import { EventEmitter } from 'node:events';
import type { SequencedEvent } from './schemas/realtime.ts';

/**
 * In-process fan-out of committed events. Commands publish after their transaction commits, so a
 * listener never sees a change that could still roll back. Behind this interface a multi-instance
 * deployment would put PostgreSQL LISTEN/NOTIFY.
 */
export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open websocket; the default cap of 10 would warn on a busy newsroom.
    this.#emitter.setMaxListeners(0);
  }

  publish(events: readonly SequencedEvent[]): void {
    for (const event of events) this.#emitter.emit('event', event);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: SequencedEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
