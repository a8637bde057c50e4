import { normalizeSubject } from './subject.ts';

/** One message as the tree needs it; ids are already normalised (see parseMessageIdList). */
export interface TreeMessage {
  id: number | string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  subject: string;
  /** Sent date (Date header, or the internal date when that is missing or invalid: RFC 5256 §2.2). */
  date: Date;
}

export interface ThreadNode<M extends TreeMessage = TreeMessage> {
  /** null for a dummy: a parent we only know from other messages' headers, or a subject group. */
  message: M | null;
  /** The Message-ID the node stands for; null for a subject-group dummy and for messages without one. */
  messageId: string | null;
  children: ThreadNode<M>[];
}

export interface ThreadTreeOptions {
  /**
   * Which header names a message's own parent. 'references' (default) is RFC 5256: the last
   * References id, In-Reply-To only when References is empty. 'in-reply-to' prefers In-Reply-To when it
   * names a message in the list (what notmuch and most clients do), which survives clients that
   * write References in the wrong order or mistype it.
   */
  parentFrom?: 'references' | 'in-reply-to';
  /** RFC 5256 step 5: join root threads with the same base subject. Default true. */
  groupBySubject?: boolean;
}

interface Container<M extends TreeMessage> {
  message: M | null;
  messageId: string | null;
  /** Input position: the RFC 5256 tie-breaker when sent dates are equal. */
  seq: number;
  parent: Container<M> | null;
  children: Set<Container<M>>;
  /** The message's own headers named a parent (even if that link was refused as a loop). */
  hasOwnParent: boolean;
  /** Union-find pointer towards the root of this container's tree; null at that root. */
  tree: Container<M> | null;
}

function newContainer<M extends TreeMessage>(
  message: M | null,
  messageId: string | null,
  seq: number,
): Container<M> {
  return { message, messageId, seq, parent: null, children: new Set(), hasOwnParent: false, tree: null };
}

/** The root of a container's tree, by union-find with path halving (trees only ever join). */
function treeOf<M extends TreeMessage>(c: Container<M>): Container<M> {
  let x = c;
  while (x.tree !== null) {
    if (x.tree.tree !== null) x.tree = x.tree.tree;
    x = x.tree;
  }
  return x;
}

/**
 * Links `child` under `parent` unless that would close a loop. Every link made here attaches a
 * parentless container, i.e. the root of its own tree, so a loop happens exactly when `parent` already
 * sits in that tree: a union-find check instead of an ancestor walk keeps hostile headers cheap.
 */
function linkUnlessLoop<M extends TreeMessage>(parent: Container<M>, child: Container<M>): boolean {
  if (child.parent !== null) return false;
  const childTree = treeOf(child);
  const parentTree = treeOf(parent);
  if (childTree === parentTree) return false;
  child.parent = parent;
  parent.children.add(child);
  childTree.tree = parentTree;
  return true;
}

function timeOf(message: TreeMessage): number {
  const t = message.date instanceof Date ? message.date.getTime() : Number.NaN;
  return Number.isFinite(t) ? t : 0;
}

interface SortKey {
  time: number;
  seq: number;
}

/** RFC 5256 §BASE.3 step 4/6: a dummy sorts by its first child (whose own children are already sorted). */
function sortKey<M extends TreeMessage>(node: ThreadNode<M>, seqOf: Map<ThreadNode<M>, number>): SortKey {
  let n = node;
  while (!n.message && n.children.length > 0) n = n.children[0]!;
  return n.message
    ? { time: timeOf(n.message), seq: seqOf.get(n)! }
    : { time: 0, seq: Number.MAX_SAFE_INTEGER };
}

function sortSiblings<M extends TreeMessage>(
  nodes: ThreadNode<M>[],
  seqOf: Map<ThreadNode<M>, number>,
): void {
  const keys = new Map(nodes.map((n) => [n, sortKey(n, seqOf)]));
  nodes.sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return ka.time - kb.time || ka.seq - kb.seq;
  });
}

/** Every node of a forest, parents before children, without recursion (threads can be deep). */
function preOrder<M extends TreeMessage>(roots: readonly ThreadNode<M>[]): ThreadNode<M>[] {
  const out: ThreadNode<M>[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/** RFC 5256 step 5: root threads whose base subjects match become one thread. */
function groupBySubject<M extends TreeMessage>(roots: readonly ThreadNode<M>[]): ThreadNode<M>[] {
  const subjectOf = (n: ThreadNode<M>): { base: string; replyOrForward: boolean } => {
    const m = n.message ?? n.children[0]?.message ?? null;
    if (!m) return { base: '', replyOrForward: false };
    const s = normalizeSubject(m.subject);
    return { base: s.base, replyOrForward: s.isReply || s.isForward };
  };
  const info = new Map(roots.map((r) => [r, subjectOf(r)]));
  const isReply = (n: ThreadNode<M>): boolean => info.get(n)?.replyOrForward ?? false;

  // The table keeps, per subject, a dummy if there is one, else preferably a non-reply.
  const table = new Map<string, ThreadNode<M>>();
  for (const r of roots) {
    const { base } = info.get(r)!;
    if (!base) continue;
    const held = table.get(base);
    if (!held || (held.message && (!r.message || (isReply(held) && !isReply(r))))) table.set(base, r);
  }

  const out: Array<ThreadNode<M> | null> = [...roots];
  const slot = new Map(roots.map((r, i) => [r, i]));
  roots.forEach((r, i) => {
    const { base } = info.get(r)!;
    const held = base ? table.get(base) : undefined;
    if (!held || held === r) return;
    out[i] = null;
    if (!held.message && !r.message) {
      for (const c of r.children) held.children.push(c);
    } else if (!held.message) {
      held.children.push(r);
    } else if (isReply(r) && !isReply(held)) {
      held.children.push(r);
    } else {
      // Two originals (or two replies) with one subject: siblings under a new dummy in held's place.
      const dummy: ThreadNode<M> = { message: null, messageId: null, children: [held, r] };
      const at = slot.get(held)!;
      out[at] = dummy;
      slot.set(dummy, at);
      table.set(base, dummy);
    }
  });
  return out.filter((n): n is ThreadNode<M> => n !== null);
}

/**
 * Builds the RFC 5256 THREAD=REFERENCES (JWZ) forest: dummies for missing parents pruned per §BASE.3,
 * siblings ordered by sent date then input order. Never loops, whatever the headers claim.
 */
export function buildThreadTree<M extends TreeMessage>(
  messages: readonly M[],
  options: ThreadTreeOptions = {},
): ThreadNode<M>[] {
  const preferInReplyTo = options.parentFrom === 'in-reply-to';
  const byId = new Map<string, Container<M>>();
  const all: Container<M>[] = [];
  const own: Container<M>[] = [];

  const containerFor = (id: string): Container<M> => {
    let c = byId.get(id);
    if (!c) {
      c = newContainer<M>(null, id, Number.MAX_SAFE_INTEGER);
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };

  // Step 1A. A repeated Message-ID keeps only its first message (RFC 5256: later ones get a unique
  // id), so a resend or forged duplicate cannot steal the original's children.
  messages.forEach((m, seq) => {
    const id = m.messageId ? m.messageId.trim() : '';
    let c: Container<M>;
    if (id && !byId.get(id)?.message) {
      c = containerFor(id);
      c.message = m;
      c.seq = seq;
    } else {
      c = newContainer(m, id || null, seq);
      all.push(c);
    }
    own.push(c);
  });

  const cleanRefs = (m: M): string[] => {
    const self = m.messageId ? m.messageId.trim() : '';
    // A message naming itself is a loop by definition; dropping the id keeps its real parent.
    return m.references.filter((r) => r && r !== self);
  };
  const inReplyToOf = (m: M): string | undefined => {
    const self = m.messageId ? m.messageId.trim() : '';
    return m.inReplyTo && m.inReplyTo !== self ? m.inReplyTo : undefined;
  };

  // Step 1C first, for every message: a message's own headers are the best evidence of its parent, so
  // they win over links guessed from other messages' References (which only fill in what is unknown).
  messages.forEach((m, i) => {
    const c = own[i]!;
    const refs = cleanRefs(m);
    const irt = inReplyToOf(m);
    const last = refs[refs.length - 1];
    let parentId = last ?? irt;
    if (preferInReplyTo && irt && byId.get(irt)?.message) parentId = irt;
    if (!parentId) return;
    c.hasOwnParent = true;
    linkUnlessLoop(containerFor(parentId), c);
  });

  // Step 1B: chain each References list, only for containers whose parent nobody stated.
  for (const m of messages) {
    const refs = cleanRefs(m);
    for (let i = 0; i + 1 < refs.length; i++) {
      const parent = containerFor(refs[i]!);
      const child = containerFor(refs[i + 1]!);
      if (!child.hasOwnParent) linkUnlessLoop(parent, child);
    }
  }

  // Step 3: prune dummies. A dummy below a message dissolves into its children; at the top it stays
  // only when it holds several threads (promoting them would split a conversation). Each dummy has
  // one parent, so gathering through them visits every container once.
  const nodeOf = new Map<Container<M>, ThreadNode<M>>();
  const seqOf = new Map<ThreadNode<M>, number>();
  for (const c of all) {
    if (!c.message) continue;
    const node: ThreadNode<M> = { message: c.message, messageId: c.messageId, children: [] };
    nodeOf.set(c, node);
    seqOf.set(node, c.seq);
  }
  const visibleChildren = (c: Container<M>): ThreadNode<M>[] => {
    const out: ThreadNode<M>[] = [];
    const stack = [...c.children];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (k.message) out.push(nodeOf.get(k)!);
      else for (const g of k.children) stack.push(g);
    }
    return out;
  };
  for (const [c, node] of nodeOf) node.children = visibleChildren(c);
  let forest: ThreadNode<M>[] = [];
  for (const r of all) {
    if (r.parent !== null) continue;
    if (r.message) {
      forest.push(nodeOf.get(r)!);
      continue;
    }
    const kids = visibleChildren(r);
    if (kids.length === 1) forest.push(kids[0]!);
    else if (kids.length > 1) forest.push({ message: null, messageId: r.messageId, children: kids });
  }

  // Step 4 then 5: roots sorted (dummies by their earliest child), then grouped by subject.
  for (const r of forest) if (!r.message) sortSiblings(r.children, seqOf);
  sortSiblings(forest, seqOf);
  if (options.groupBySubject !== false) forest = groupBySubject(forest);

  // Step 6: every sibling set by sent date; children first so a dummy's first child is final.
  const nodes = preOrder(forest);
  for (let i = nodes.length - 1; i >= 0; i--) sortSiblings(nodes[i]!.children, seqOf);
  sortSiblings(forest, seqOf);
  return forest;
}

/** For each message, the message it replies to in the tree (null for roots and children of a dummy root). */
export function parentOf<M extends TreeMessage>(
  forest: readonly ThreadNode<M>[],
): Map<M['id'], M['id'] | null> {
  const parents = new Map<M['id'], M['id'] | null>();
  const stack: Array<[ThreadNode<M>, M['id'] | null]> = forest.map((r) => [r, null]);
  while (stack.length > 0) {
    const [node, parentId] = stack.pop()!;
    const ownId = node.message ? (node.message.id as M['id']) : null;
    if (node.message) parents.set(ownId!, parentId);
    // A dummy is not a message anyone can see, so its children have no visible parent.
    for (const child of node.children) stack.push([child, node.message ? ownId : null]);
  }
  return parents;
}
