import type { PresenceMessage, PresenceViewer } from '../schemas/realtime.ts';

/**
 * Who is looking at which thread, per connection. Ephemeral by design: kept in memory, never stored
 * or replayed, and rebuilt by clients announcing themselves after a reconnect.
 */
export class PresenceRegistry<Connection> {
  readonly #byConnection = new Map<
    Connection,
    { threadId: number; user: { id: number; name: string }; composing: boolean }
  >();

  /**
   * Records where a connection is now (threadId null: nowhere). Returns the presence of every
   * thread whose viewers changed, to send to everyone.
   */
  set(
    connection: Connection,
    user: { id: number; name: string },
    threadId: number | null,
    composing: boolean,
  ): PresenceMessage[] {
    const before = this.#byConnection.get(connection);
    const touched = new Set<number>();
    const viewersBefore = new Map<number, string>();
    for (const id of [before?.threadId, threadId]) {
      if (id !== undefined && id !== null) {
        touched.add(id);
        viewersBefore.set(id, JSON.stringify(this.viewers(id)));
      }
    }
    if (threadId === null) this.#byConnection.delete(connection);
    else this.#byConnection.set(connection, { threadId, user, composing: composing && threadId !== null });
    return [...touched]
      .map((id) => this.message(id))
      .filter((m) => JSON.stringify(m.viewers) !== viewersBefore.get(m.threadId));
  }

  /** A closed connection leaves its thread. */
  leave(connection: Connection): PresenceMessage[] {
    const before = this.#byConnection.get(connection);
    if (!before) return [];
    return this.set(connection, before.user, null, false);
  }

  /** The officers on a thread, one entry per officer (composing in any of their tabs), by name. */
  viewers(threadId: number): PresenceViewer[] {
    const byUser = new Map<number, PresenceViewer>();
    for (const entry of this.#byConnection.values()) {
      if (entry.threadId !== threadId) continue;
      const seen = byUser.get(entry.user.id);
      byUser.set(entry.user.id, {
        id: entry.user.id,
        name: entry.user.name,
        composing: (seen?.composing ?? false) || entry.composing,
      });
    }
    return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  }

  message(threadId: number): PresenceMessage {
    return { type: 'presence', threadId, viewers: this.viewers(threadId) };
  }

  /** Presence of every thread someone is on: what a newly connected client is told. */
  snapshot(): PresenceMessage[] {
    const ids = new Set([...this.#byConnection.values()].map((e) => e.threadId));
    return [...ids].sort((a, b) => a - b).map((id) => this.message(id));
  }
}
