import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO_ROOT } from '../aisre';
import { HOST_ROOTS, assertHostInstalled, foreignInputs } from './hostBundle';

describe('the Grafana 13 host install', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'aisre-host-'));
    await writeFile(join(root, 'package.json'), JSON.stringify({ dependencies: { react: '19.2.0', rxjs: '7.8.2' } }));
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it('is an error naming `npm run test:hosts` when nothing is installed (not the repository’s React 18)', () => {
    expect(() => assertHostInstalled(13, root)).toThrow(/not installed .*missing react, rxjs.*npm run test:hosts/);
  });

  it('is an error naming what is missing when the install is partial', async () => {
    await mkdir(join(root, 'node_modules', 'react'), { recursive: true });
    await writeFile(join(root, 'node_modules', 'react', 'package.json'), '{"version":"19.2.0"}');
    expect(() => assertHostInstalled(13, root)).toThrow(/missing rxjs\).*npm run test:hosts/);
  });

  it('passes for the installed hosts/grafana-13, whose own node_modules hold React 19', async () => {
    expect(() => assertHostInstalled(13)).not.toThrow();
    const react = JSON.parse(await readFile(join(HOST_ROOTS[13], 'node_modules', 'react', 'package.json'), 'utf8'));
    expect(react.version).toMatch(/^19\./);
  });
});

describe('foreignInputs', () => {
  it('names the files the Grafana 13 host would take from the repository’s own node_modules', () => {
    const host13 = join(REPO_ROOT, 'hosts', 'grafana-13');
    const own = join(host13, 'node_modules', 'react', 'index.js');
    const walkedUp = join(REPO_ROOT, 'node_modules', 'react', 'index.js');
    const hostSource = join(__dirname, 'host', 'main.tsx');
    expect(foreignInputs([own, walkedUp, hostSource], host13)).toEqual([walkedUp]);
    expect(foreignInputs([walkedUp], REPO_ROOT)).toEqual([]);
  });
});
