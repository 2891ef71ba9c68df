/** A stable key for a label set: the same labels in any order give the same key. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  let out = '';
  for (const k of keys) out += `${k}\u0000${labels[k]}\u0001`;
  return out;
}

/** True when `tags` carries every pair of `filter`. */
export function hasTags(tags: Readonly<Record<string, string>>, filter: Readonly<Record<string, string>> | undefined): boolean {
  if (filter === undefined) return true;
  for (const k in filter) if (tags[k] !== filter[k]) return false;
  return true;
}
