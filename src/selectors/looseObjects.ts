import { AnyModel, ClusterSnapshot, KindName, NamespaceIndex } from '../model/types';

/**
 * The objects of `kinds` that have no namespace (hostile or broken input: the API always sets one), which the
 * snapshot holds but no namespace index does; undefined when there are none. The indexes are counted first, so a
 * well-formed snapshot costs no pass over its objects.
 */
export function looseObjects<K extends KindName>(
  snapshot: ClusterSnapshot,
  kinds: readonly K[]
): Pick<NamespaceIndex, K> | undefined {
  const indexed = (kind: K) => {
    let count = 0;
    snapshot.byNamespace.forEach((index) => (count += index[kind].length));
    return count;
  };
  if (kinds.every((kind) => indexed(kind) === snapshot.byKind[kind].length)) {
    return undefined;
  }
  const loose = {} as Pick<NamespaceIndex, K>;
  for (const kind of kinds) {
    const all = snapshot.byKind[kind] as AnyModel[];
    loose[kind] = all.filter((m) => m.namespace === undefined) as NamespaceIndex[K];
  }
  return loose;
}
