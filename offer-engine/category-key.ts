/**
 * The one way categories are compared: case- and space-insensitive, so a
 * till sending `TOBACCO` or ` Tobacco ` meets the program's `tobacco`.
 * Lines are stored with this key (`src/pricing/pipeline.ts`), and every rule
 * that names a category is matched through it (`src/rules/earning.ts`, the
 * offer engine), also the programs saved before this rule existed. Null for no category (or only blanks).
 */
export function categoryKey(category: string | null | undefined): string | null {
  if (category === null || category === undefined) return null;
  const key = category.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return key === '' ? null : key;
}
