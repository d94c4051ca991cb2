/**
 * Prints the fault matrix's last run (artifacts/fault-matrix.json, written by integration/k8s/faultMatrix.test.ts) as
 * the Markdown table of docs/reliability.md, so the doc can be refreshed after a run:
 *
 *   npx jest integration/k8s/faultMatrix.test.ts && npx tsx scripts/reliability-table.ts
 */
import fs from 'node:fs';
import path from 'node:path';

/** One row of the fault matrix, as integration/k8s/faultMatrix.test.ts writes it. */
export interface FaultLine {
  fault: string;
  message: string;
  dataKept: boolean;
  recovered: boolean;
  requests: number;
  budget: number;
  /** From the fault cleared to the session healthy with the pod made meanwhile. */
  recoveryMs?: number;
  verdict: 'survived' | 'failed';
}

const file = path.resolve(__dirname, '../artifacts/fault-matrix.json');
if (!fs.existsSync(file)) {
  console.error(`${file} is missing: run npx jest integration/k8s/faultMatrix.test.ts first.`);
  process.exit(1);
}
const run = JSON.parse(fs.readFileSync(file, 'utf8')) as { at: string; faultMs: number; rows: FaultLine[] };
// Table cells: a pipe would end the cell, a line break the row.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const yes = (value: boolean) => (value ? 'yes' : '**no**');

console.log(`Last run ${run.at}, each fault held ${run.faultMs / 1000} s.\n`);
console.log('| fault | message shown | data kept | recovered (s) | requests during the fault (budget) | verdict |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const line of run.rows) {
  const recovered = line.recovered ? `yes (${((line.recoveryMs ?? 0) / 1000).toFixed(1)})` : '**no**';
  console.log(
    `| ${cell(line.fault)} | ${cell(line.message)} | ${yes(line.dataKept)} | ${recovered} | ` +
      `${line.requests} (${line.budget}) | ${line.verdict} |`
  );
}
