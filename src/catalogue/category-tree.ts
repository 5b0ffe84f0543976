/**
 * The category tree as plain data: a category's ancestors, whether a move
 * would close a loop, and category paths as a CSV cell writes them. No
 * database: the service loads a merchant's categories and asks these.
 */

/** How deep the tree may go (Food › Dairy › Yoghurt › Greek is 4): bounds every walk up it. */
export const MAX_CATEGORY_DEPTH = 6;

export interface CategoryNode {
  id: string;
  name: string;
  parentId: string | null;
}

/**
 * The category and its ancestors, nearest first (Beer, Drinks). Stops at a
 * missing parent, a loop or MAX_CATEGORY_DEPTH, so stored data can never
 * make it run away.
 */
export function lineage<T extends CategoryNode>(id: string | null, byId: ReadonlyMap<string, T>): T[] {
  const chain: T[] = [];
  const seen = new Set<string>();
  let at = id === null ? undefined : byId.get(id);
  while (at && !seen.has(at.id) && chain.length < MAX_CATEGORY_DEPTH) {
    chain.push(at);
    seen.add(at.id);
    at = at.parentId === null ? undefined : byId.get(at.parentId);
  }
  return chain;
}

/** Names root first: ["Drinks", "Beer"]. */
export function pathOf(id: string | null, byId: ReadonlyMap<string, CategoryNode>): string[] {
  return lineage(id, byId)
    .map((c) => c.name)
    .reverse();
}

/**
 * Why `id` may not get `parentId` as its parent, or null if it may: the
 * parent must exist, must not be the category itself or below it, and the
 * moved subtree must stay within MAX_CATEGORY_DEPTH.
 */
export function moveProblem(id: string | null, parentId: string | null, byId: ReadonlyMap<string, CategoryNode>): string | null {
  if (parentId === null) return id === null ? null : depthProblem(id, 1, byId);
  if (!byId.has(parentId)) return 'no such parent category';
  const above = lineage(parentId, byId);
  if (id !== null && above.some((c) => c.id === id)) return 'a category cannot be placed under itself or its own subcategory';
  return id === null ? (above.length + 1 > MAX_CATEGORY_DEPTH ? `categories nest at most ${MAX_CATEGORY_DEPTH} deep` : null) : depthProblem(id, above.length + 1, byId);
}

function depthProblem(id: string, level: number, byId: ReadonlyMap<string, CategoryNode>): string | null {
  return level + subtreeHeight(id, byId) - 1 > MAX_CATEGORY_DEPTH ? `categories nest at most ${MAX_CATEGORY_DEPTH} deep` : null;
}

/** Levels from `id` down to its deepest descendant (1: no children). */
function subtreeHeight(id: string, byId: ReadonlyMap<string, CategoryNode>): number {
  const children = new Map<string, string[]>();
  for (const c of byId.values()) if (c.parentId !== null) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c.id]);
  let height = 0;
  let level = [id];
  const seen = new Set<string>();
  while (level.length > 0 && height <= MAX_CATEGORY_DEPTH) {
    height++;
    for (const c of level) seen.add(c);
    level = level.flatMap((c) => children.get(c) ?? []).filter((c) => !seen.has(c));
  }
  return height;
}

/** Every category under `id`, itself included (a filter "Drinks" lists beer too). */
export function descendantsOf(id: string, byId: ReadonlyMap<string, CategoryNode>): string[] {
  const found = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of byId.values()) {
      if (c.parentId !== null && found.has(c.parentId) && !found.has(c.id)) {
        found.add(c.id);
        grew = true;
      }
    }
  }
  return [...found];
}

/**
 * A category path as a cell writes it: "Drinks > Beer", "Drinks › Beer" or
 * "Drinks / Beer"; names trimmed, empty parts dropped. Root first.
 */
export function splitCategoryPath(cell: string): string[] {
  return cell
    .split(/\s*(?:>|›|\/)\s*/)
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .filter((part) => part !== '');
}
