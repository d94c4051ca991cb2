/**
 * Writes the bundled dashboards to src/dashboards/*.json (`npm run dashboards`), formatted like the rest of the repo.
 * The dashboards test fails when the JSON and the generator disagree.
 */
import { writeFileSync } from 'fs';
import path from 'path';
import { format, resolveConfig } from 'prettier';

import { bundledDashboards } from './dashboards';

async function main() {
  const directory = path.resolve(__dirname, '..');
  for (const [file, dashboard] of Object.entries(bundledDashboards())) {
    const filepath = path.join(directory, file);
    const options = await resolveConfig(filepath);
    writeFileSync(filepath, await format(JSON.stringify(dashboard), { ...options, filepath }));
    console.log(`wrote src/dashboards/${file}`);
  }
}

main();
