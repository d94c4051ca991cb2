/**
 * @jest-environment node
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

const DIR = path.join(__dirname, '../../deploy/prometheus');
const load = (file: string) => yaml.load(fs.readFileSync(path.join(DIR, file), 'utf8'));

describe('shipped Prometheus scrape configs', () => {
  it('the docker compose variant differs from prometheus.yml only in the simulator address', () => {
    const compose = JSON.stringify(load('prometheus.compose.yml')).replaceAll(
      'http://simulator:16480/',
      'http://127.0.0.1:16480/'
    );
    expect(JSON.parse(compose)).toEqual(load('prometheus.yml'));
  });

  it.each(['prometheus.yml', 'prometheus.compose.yml'])('%s passes promtool check config', (file) => {
    expect(execFileSync('promtool', ['check', 'config', path.join(DIR, file)], { encoding: 'utf8' })).toMatch(
      /SUCCESS/
    );
  });
});
