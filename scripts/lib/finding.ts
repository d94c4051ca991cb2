/** One broken rule, named so that a person can find and fix it: the file, the rule, what is wrong. */
export interface Finding {
  file: string;
  rule: string;
  message: string;
}

export function formatFinding(f: Finding): string {
  return `${f.file}: [${f.rule}] ${f.message}`;
}
