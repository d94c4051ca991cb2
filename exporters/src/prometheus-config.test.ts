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
  // prometheus-k3s.yml (docker compose) uses kubernetes_sd, which Debian's promtool is built without; its job labels
  // are held to this file's by src/dashboards/compose.test.ts.
  it('prometheus.yml passes promtool check config and names the jobs the dashboards query', () => {
    const file = path.join(DIR, 'prometheus.yml');
    expect(execFileSync('promtool', ['check', 'config', file], { encoding: 'utf8' })).toMatch(/SUCCESS/);
    const jobs = (load('prometheus.yml') as { scrape_configs: Array<{ job_name: string }> }).scrape_configs.map(
      (job) => job.job_name
    );
    expect(jobs).toEqual(expect.arrayContaining(['kube-state-metrics', 'kubelet', 'node-exporter']));
  });
});
