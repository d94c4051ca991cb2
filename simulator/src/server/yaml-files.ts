/** Reads the YAML/JSON documents of a file or of every such file in a directory, for RBAC and scenario files. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { Json } from '../cluster/store';

export interface YamlFile {
  file: string;
  /** Objects in order; `kind: List` documents are flattened; each keeps its document number for messages. */
  objects: Array<{ document: number; object: Json }>;
}

/** Throws `<label> <file>: not valid YAML: …` for unreadable files. */
export function readYamlFiles(path: string, label: string): YamlFile[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  return files.map((file) => {
    let documents: unknown[];
    try {
      documents = loadAll(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${label} ${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    const objects = documents.flatMap((doc, index) => {
      const items: Json[] = doc && (doc as Json).kind === 'List' ? ((doc as Json).items ?? []) : doc ? [doc] : [];
      return items.map((object) => ({ document: index + 1, object }));
    });
    return { file, objects };
  });
}
