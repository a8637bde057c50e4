import { describe, expect, it } from 'vitest';
import { PresenceRegistry } from '../../../server/realtime/presence.ts';

describe('presence registry', () => {
  const ann = { id: 1, name: 'Ann' };
  const bo = { id: 2, name: 'Bo' };

  it('reports the threads whose viewers changed, and only when they changed', () => {
    const presence = new PresenceRegistry<string>();
    expect(presence.set('a1', ann, 7, false)).toEqual([
      { type: 'presence', threadId: 7, viewers: [{ id: 1, name: 'Ann', composing: false }] },
    ]);
    expect(presence.set('a1', ann, 7, false)).toEqual([]);
    expect(presence.set('b1', bo, 7, true)).toEqual([
      {
        type: 'presence',
        threadId: 7,
        viewers: [
          { id: 1, name: 'Ann', composing: false },
          { id: 2, name: 'Bo', composing: true },
        ],
      },
    ]);
    // Moving to another thread changes both.
    expect(presence.set('a1', ann, 8, false).map((m) => [m.threadId, m.viewers.map((v) => v.id)])).toEqual([
      [7, [2]],
      [8, [1]],
    ]);
  });

  it('shows one entry per officer across tabs, composing if any tab is', () => {
    const presence = new PresenceRegistry<string>();
    presence.set('tab1', ann, 3, false);
    presence.set('tab2', ann, 3, true);
    expect(presence.viewers(3)).toEqual([{ id: 1, name: 'Ann', composing: true }]);
    expect(presence.leave('tab2')).toEqual([
      { type: 'presence', threadId: 3, viewers: [{ id: 1, name: 'Ann', composing: false }] },
    ]);
  });

  it('empties a thread when its last viewer leaves or looks at nothing, and snapshots the rest', () => {
    const presence = new PresenceRegistry<string>();
    presence.set('a', ann, 1, false);
    presence.set('b', bo, 2, false);
    expect(presence.set('a', ann, null, true)).toEqual([{ type: 'presence', threadId: 1, viewers: [] }]);
    expect(presence.leave('a')).toEqual([]);
    expect(presence.snapshot()).toEqual([
      { type: 'presence', threadId: 2, viewers: [{ id: 2, name: 'Bo', composing: false }] },
    ]);
    expect(presence.leave('b')).toEqual([{ type: 'presence', threadId: 2, viewers: [] }]);
    expect(presence.snapshot()).toEqual([]);
  });
});
