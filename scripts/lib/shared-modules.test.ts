import fs from 'fs';
import os from 'os';
import path from 'path';
import { amdDependencies, checkSharedModules, sharedBy } from './shared-modules';

function distWith(entry: string): string {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-modules-'));
  fs.writeFileSync(path.join(dist, 'module.js'), entry);
  return dist;
}

describe('modules Grafana shares with plugins', () => {
  it('reads the AMD dependencies of a create-plugin entry after its banner comments', () => {
    const source = '/* [create-plugin] version: 7.1.7 */\n/* [create-plugin] plugin: x */\ndefine(["react","rxjs"],(e)=>e)';
    expect(amdDependencies(source)).toEqual(['react', 'rxjs']);
    expect(amdDependencies('console.log(1)')).toBeUndefined();
  });

  it('knows which patch releases got the JSX runtimes back-ported', () => {
    expect(['11.6.10', '12.0.9', '12.1.6', '12.2.4'].map((v) => sharedBy(v, 'react/jsx-runtime'))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(['11.6.11', '11.6.16', '12.0.10', '12.3.0', '13.2.3'].every((v) => sharedBy(v, 'react/jsx-runtime'))).toBe(
      true
    );
    expect(sharedBy('11.6.0', 'react')).toBe(true);
  });

  it('refuses a bundle that asks for the JSX runtime while grafanaDependency admits Grafana without it', () => {
    const dist = distWith('define(["react","react/jsx-runtime"],(e)=>e)');
    const [finding, ...rest] = checkSharedModules(dist, '>=11.6.0');
    expect(rest).toEqual([]);
    expect(finding.message).toMatch(/imports react\/jsx-runtime, which Grafana shares only at >=11\.6\.11/);
    expect(checkSharedModules(dist, '>=12.3.0')).toEqual([]);
    expect(checkSharedModules(distWith('define(["react","rxjs"],(e)=>e)'), '>=11.6.0')).toEqual([]);
  });

});
