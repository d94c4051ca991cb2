import fs from 'fs';
import path from 'path';
import yazl from 'yazl';
import { APP_ID } from './plugin-meta';

function filesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Writes the built plugin (distDir) into a zip whose single root folder is the app id, as the catalog requires. */
export function writePackage(distDir: string, zipFile: string): Promise<string[]> {
  const files = filesBelow(distDir);
  const zip = new yazl.ZipFile();
  for (const file of files) {
    zip.addFile(path.join(distDir, file), `${APP_ID}/${file.split(path.sep).join('/')}`);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream
      .pipe(fs.createWriteStream(zipFile))
      .on('close', () => resolve(files))
      .on('error', reject);
  });
}
