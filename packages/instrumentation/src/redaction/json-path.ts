// SPDX-License-Identifier: Apache-2.0
/**
 * A small JSONPath subset for rules that name where a value sits, and a matcher that follows those
 * paths down a tree walk without backtracking.
 *
 * | syntax                | meaning                                                       |
 * | --------------------- | ------------------------------------------------------------- |
 * | `$`                   | the root (must come first; `"$"` alone is the whole tree)     |
 * | `.key`                | member `key` of an object                                     |
 * | `['key']`, `["key"]`  | the same, for any key (`\'`, `\"` and `\\` escape)           |
 * | `[n]`                 | element `n` (0-based) of an array                             |
 * | `[*]`, `.*`           | every member of an object and every element of an array       |
 * | `..key`, `..['key']`  | member `key` of any object at any depth below                 |
 * | `..*`                 | every value at any depth below                                |
 *
 * Filters, slices, unions and negative indexes are not supported: such a path is rejected when the
 * options are read. Member names are compared exactly (case-sensitively).
 */

/** One step of a parsed path. */
export type PathSegment =
  | { readonly type: "member"; readonly name: string }
  | { readonly type: "index"; readonly index: number }
  | { readonly type: "wildcard" }
  | { readonly type: "descendant"; readonly name: string | undefined };

/** Longest path accepted, in segments; it bounds the state encoding below. */
const MAX_SEGMENTS = 255;
// A matcher state is one number: path number * STRIDE + how many of its segments are matched.
const STRIDE = MAX_SEGMENTS + 1;

const EMPTY: readonly number[] = Object.freeze([]);

// A name after "." or "..": anything up to the next ".", "[" or whitespace.
const DOT_NAME = /[^.[\]\s'"*]+/y;
const INDEX = /(0|[1-9]\d{0,8})\]/y;

function quoted(path: string, at: number): { name: string; next: number } | undefined {
  const quote = path[at];
  if (quote !== "'" && quote !== '"') return undefined;
  let name = "";
  for (let i = at + 1; i < path.length; i++) {
    const ch = path[i];
    if (ch === "\\") {
      const escaped = path[i + 1];
      if (escaped !== "\\" && escaped !== "'" && escaped !== '"') return undefined;
      name += escaped;
      i++;
    } else if (ch === quote) {
      return path[i + 1] === "]" ? { name, next: i + 2 } : undefined;
    } else {
      name += ch;
    }
  }
  return undefined;
}

/** Parses a path of the supported subset; undefined when it is not one. */
export function parseJsonPath(path: string): PathSegment[] | undefined {
  if (path[0] !== "$") return undefined;
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    if (segments.length >= MAX_SEGMENTS) return undefined;
    if (path.startsWith("..", i)) {
      i += 2;
      if (path[i] === "*") {
        segments.push({ type: "descendant", name: undefined });
        i++;
        continue;
      }
      if (path[i] === "[") {
        const q = quoted(path, i + 1);
        if (q === undefined) return undefined;
        segments.push({ type: "descendant", name: q.name });
        i = q.next;
        continue;
      }
      DOT_NAME.lastIndex = i;
      const m = DOT_NAME.exec(path);
      if (m === null) return undefined;
      segments.push({ type: "descendant", name: m[0] });
      i += m[0].length;
    } else if (path[i] === ".") {
      i++;
      if (path[i] === "*") {
        segments.push({ type: "wildcard" });
        i++;
        continue;
      }
      DOT_NAME.lastIndex = i;
      const m = DOT_NAME.exec(path);
      if (m === null) return undefined;
      segments.push({ type: "member", name: m[0] });
      i += m[0].length;
    } else if (path[i] === "[") {
      i++;
      if (path.startsWith("*]", i)) {
        segments.push({ type: "wildcard" });
        i += 2;
        continue;
      }
      const q = quoted(path, i);
      if (q !== undefined) {
        segments.push({ type: "member", name: q.name });
        i = q.next;
        continue;
      }
      INDEX.lastIndex = i;
      const m = INDEX.exec(path);
      if (m === null) return undefined;
      segments.push({ type: "index", index: Number(m[1]) });
      i += m[0].length;
    } else {
      return undefined;
    }
  }
  return segments;
}

/**
 * Follows several parsed paths at once. A walk keeps, for each node, the states of the paths that can
 * still match at or below it; {@link PathMatcher.child} gives a child's states and
 * {@link PathMatcher.matchedRule} tells whether one of them names the child itself.
 *
 * Allocation-free where nothing changes: a child whose states are those of its parent (recursive
 * descent going on) shares the parent's array, and a child no path can reach gets a shared empty one.
 */
export class PathMatcher {
  /** States at the root. */
  readonly initial: readonly number[];
  private readonly paths: readonly PathSegment[][];
  private readonly rules: readonly number[];

  /** `paths[i]` belongs to the rule numbered `rules[i]`; earlier rules win when several paths match. */
  constructor(paths: PathSegment[][], rules: number[]) {
    this.paths = paths;
    this.rules = rules;
    this.initial = paths.map((_, p) => p * STRIDE);
  }

  /** States of the child at member `name` (objects) or element `index` (arrays; `name` undefined). */
  child(states: readonly number[], name: string | undefined, index: number): readonly number[] {
    let same = true;
    for (let i = 0; i < states.length && same; i++) {
      const seg = this.paths[Math.floor(states[i] / STRIDE)][states[i] % STRIDE];
      same = seg !== undefined && seg.type === "descendant" && !advances(seg, name, index);
    }
    if (same) return states;
    let out: number[] | undefined;
    for (const state of states) {
      const seg = this.paths[Math.floor(state / STRIDE)][state % STRIDE];
      // A complete state names its own node, which the walk replaces: nothing below it.
      if (seg === undefined) continue;
      if (seg.type === "descendant") out = push(out, state);
      if (advances(seg, name, index)) out = push(out, state + 1);
    }
    return out ?? EMPTY;
  }

  /** The rule of the first path that ends exactly here, or -1. */
  matchedRule(states: readonly number[]): number {
    let best = -1;
    for (const state of states) {
      const p = Math.floor(state / STRIDE);
      if (state % STRIDE === this.paths[p].length && (best === -1 || this.rules[p] < best)) best = this.rules[p];
    }
    return best;
  }
}

function advances(seg: PathSegment, name: string | undefined, index: number): boolean {
  switch (seg.type) {
    case "member":
      return name === seg.name;
    case "index":
      return name === undefined && index === seg.index;
    case "wildcard":
      return true;
    case "descendant":
      return seg.name === undefined || name === seg.name;
  }
}

function push(out: number[] | undefined, state: number): number[] {
  if (out === undefined) return [state];
  if (!out.includes(state)) out.push(state);
  return out;
}
