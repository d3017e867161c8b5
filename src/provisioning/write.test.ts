import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readTree } from './testFixtures';
import { MANIFEST_FILE, OutputDirectoryError, writeProvisioning } from './write';

const plan = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('writeProvisioning', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'aisre-provision-'));
  });
  afterEach(() => {
    rmSync(out, { recursive: true, force: true });
  });

  const twoTeams = plan({
    'dashboards/Search/a.json': '{"uid":"a-search"}\n',
    'dashboards/Chat/a.json': '{"uid":"a-chat"}\n',
    'plugins/aisre.yaml': 'apiVersion: 1\n',
  });

  it('writes the files and a manifest of them', () => {
    const result = writeProvisioning(out, twoTeams);
    expect(result).toEqual({ written: [...twoTeams.keys()], unchanged: [], removed: [] });
    const tree = readTree(out);
    expect(tree['dashboards/Chat/a.json']).toBe('{"uid":"a-chat"}\n');
    expect(JSON.parse(tree[MANIFEST_FILE]).files).toEqual([...twoTeams.keys()]);
  });

  it('leaves an identical tree when run twice, writing nothing the second time', () => {
    writeProvisioning(out, twoTeams);
    const first = readTree(out);
    const mtimes = Object.keys(first).map((p) => statSync(join(out, p)).mtimeMs);
    const result = writeProvisioning(out, twoTeams);
    expect(result.written).toEqual([]);
    expect(result.unchanged).toHaveLength(twoTeams.size);
    expect(readTree(out)).toEqual(first);
    expect(Object.keys(first).map((p) => statSync(join(out, p)).mtimeMs)).toEqual(mtimes);
  });

  it("deletes a removed team's folder, and only the files it wrote", () => {
    writeFileSync(join(out, 'teams.yaml'), 'teams: []\n');
    writeProvisioning(out, twoTeams);
    const oneTeam = plan({
      'dashboards/Search/a.json': '{"uid":"a-search"}\n',
      'plugins/aisre.yaml': 'apiVersion: 1\n',
    });
    const result = writeProvisioning(out, oneTeam);
    expect(result.removed).toEqual(['dashboards/Chat/a.json']);
    expect(existsSync(join(out, 'dashboards/Chat'))).toBe(false);
    expect(Object.keys(readTree(out)).sort()).toEqual([
      MANIFEST_FILE,
      'dashboards/Search/a.json',
      'plugins/aisre.yaml',
      'teams.yaml',
    ]);
  });

  it("keeps a stale team's folder when someone else put a file in it", () => {
    writeProvisioning(out, twoTeams);
    writeFileSync(join(out, 'dashboards/Chat/mine.json'), '{}');
    writeProvisioning(out, plan({ 'plugins/aisre.yaml': 'apiVersion: 1\n' }));
    expect(readdirSync(join(out, 'dashboards/Chat'))).toEqual(['mine.json']);
    expect(existsSync(join(out, 'dashboards/Search'))).toBe(false);
  });

  it('refuses to overwrite a file it did not write, unless forced', () => {
    mkdirSync(join(out, 'plugins'));
    writeFileSync(join(out, 'plugins/aisre.yaml'), 'hand written\n');
    expect(() => writeProvisioning(out, twoTeams)).toThrow(OutputDirectoryError);
    expect(() => writeProvisioning(out, twoTeams)).toThrow(
      /already has plugins\/aisre\.yaml, not written by aisre provision/
    );
    expect(existsSync(join(out, 'dashboards'))).toBe(false);
    writeProvisioning(out, twoTeams, { force: true });
    expect(readFileSync(join(out, 'plugins/aisre.yaml'), 'utf8')).toBe('apiVersion: 1\n');
  });

  it('takes over a file that already has exactly the generated content', () => {
    mkdirSync(join(out, 'plugins'));
    writeFileSync(join(out, 'plugins/aisre.yaml'), 'apiVersion: 1\n');
    expect(writeProvisioning(out, twoTeams).unchanged).toEqual(['plugins/aisre.yaml']);
  });

  it('never deletes outside the output directory, whatever the manifest says', () => {
    const outside = join(out, '..', `${relative(join(out, '..'), out)}-victim`);
    writeFileSync(outside, 'keep');
    try {
      writeFileSync(
        join(out, MANIFEST_FILE),
        JSON.stringify({ generator: 'aisre provision', files: [`../${relative(join(out, '..'), outside)}`] })
      );
      expect(() => writeProvisioning(out, twoTeams)).toThrow(/refusing to touch '\.\.\/.*': it is not inside/);
      expect(readFileSync(outside, 'utf8')).toBe('keep');
    } finally {
      rmSync(outside);
    }
  });

  it('refuses a manifest that another tool wrote', () => {
    writeFileSync(join(out, MANIFEST_FILE), JSON.stringify({ files: ['x'] }));
    expect(() => writeProvisioning(out, twoTeams)).toThrow(/was not written by aisre provision/);
  });

  describe('symlinks inside the output directory', () => {
    let outside: string;
    beforeEach(() => {
      outside = mkdtempSync(join(tmpdir(), 'aisre-outside-'));
      writeFileSync(join(outside, 'a.json'), 'keep');
    });
    afterEach(() => {
      rmSync(outside, { recursive: true, force: true });
    });

    it('refuses to write through a symlinked subtree, and changes nothing on either side', () => {
      mkdirSync(join(out, 'dashboards'));
      symlinkSync(outside, join(out, 'dashboards', 'Chat'));
      const before = readTree(outside);
      expect(() => writeProvisioning(out, twoTeams)).toThrow(
        /refusing to write dashboards\/Chat\/a\.json: dashboards\/Chat in .* is a symlink/
      );
      expect(readTree(outside)).toEqual(before);
      expect(existsSync(join(out, 'dashboards', 'Search'))).toBe(false);
      expect(existsSync(join(out, MANIFEST_FILE))).toBe(false);
    });

    it('refuses a manifest naming a file behind a symlink: nothing outside is deleted', () => {
      symlinkSync(outside, join(out, 'link'));
      writeFileSync(join(out, MANIFEST_FILE), JSON.stringify({ generator: 'aisre provision', files: ['link/a.json'] }));
      expect(() => writeProvisioning(out, twoTeams)).toThrow(/link in .* is a symlink/);
      expect(readFileSync(join(outside, 'a.json'), 'utf8')).toBe('keep');
    });

    it('refuses a generated file that is itself a symlink', () => {
      mkdirSync(join(out, 'plugins'));
      symlinkSync(join(outside, 'a.json'), join(out, 'plugins', 'aisre.yaml'));
      expect(() => writeProvisioning(out, twoTeams, { force: true })).toThrow(
        /plugins\/aisre\.yaml in .* is a symlink/
      );
      expect(readFileSync(join(outside, 'a.json'), 'utf8')).toBe('keep');
    });

    it('follows a symlink that is the output directory itself (the user chose it)', () => {
      const link = `${out}-link`;
      symlinkSync(out, link);
      try {
        writeProvisioning(link, twoTeams);
        expect(readTree(out)['plugins/aisre.yaml']).toBe('apiVersion: 1\n');
      } finally {
        rmSync(link);
      }
    });
  });

  it('fails at once on an output directory that cannot be made (/proc)', () => {
    expect(() => writeProvisioning('/proc/aisre-cannot-exist/out', twoTeams)).toThrow(
      /cannot use \/proc\/aisre-cannot-exist\/out as the output directory: ENOENT/
    );
  });
});
