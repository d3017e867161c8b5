import { parseTeamsFile, TeamsFileError } from './teams';

function errorOf(text: string): string {
  try {
    parseTeamsFile(text, 'teams.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(TeamsFileError);
    return (error as Error).message;
  }
  throw new Error('expected the teams file to be rejected');
}

describe('parseTeamsFile', () => {
  it('reads names, titles, services and endpoints, defaulting the title to the name', () => {
    const teams = parseTeamsFile(
      [
        'teams:',
        '  - name: search',
        '    title: "Search & Discovery"',
        '    services: [search-api]',
        '    endpoints: [/search, /suggest]',
        '  - name: chat_ops',
      ].join('\n')
    );
    expect(teams).toEqual([
      { name: 'search', title: 'Search & Discovery', services: ['search-api'], endpoints: ['/search', '/suggest'] },
      { name: 'chat_ops', title: 'chat_ops' },
    ]);
  });

  it('rejects an empty list, saying so', () => {
    expect(errorOf('teams: []')).toBe("teams.yaml: 'teams' is empty; list at least one team");
  });

  it('rejects a file without a teams list', () => {
    expect(errorOf('')).toMatch(/expected a mapping with a 'teams' list/);
    expect(errorOf('teams: search')).toMatch(/'teams' must be a list/);
    expect(errorOf('team: [{name: search}]')).toMatch(/unknown key\(s\) 'team'/);
  });

  it('rejects YAML that does not parse', () => {
    expect(errorOf('teams: [{ name: search')).toMatch(/^teams\.yaml: not valid YAML/);
  });

  it('names both entries of a duplicate team', () => {
    expect(errorOf('teams: [{name: search}, {name: chat}, {name: search, title: Other}]')).toBe(
      "teams.yaml: teams[0] and teams[2] are both named 'search'"
    );
  });

  it('rejects two teams whose folders differ only in case', () => {
    expect(errorOf('teams: [{name: a, title: Search}, {name: b, title: search}]')).toMatch(
      /teams\[0\] and teams\[1\] have the same folder title 'search'/
    );
  });

  it.each([
    ['Search', 'upper case'],
    ['search team', 'a space'],
    ['-search', 'a leading dash'],
    ['search-', 'a trailing dash'],
    ['sé', 'a non-ASCII letter'],
    ['a'.repeat(64), '64 characters'],
  ])('rejects the name %j (%s) as a bad slug', (name) => {
    expect(errorOf(`teams: [{ name: ${JSON.stringify(name)} }]`)).toMatch(
      new RegExp(`teams\\[0\\]: name '${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is not a valid slug`)
    );
  });

  it('requires a name', () => {
    expect(errorOf('teams: [{ title: Search }]')).toMatch(/teams\[0\]: 'name' is required/);
    expect(errorOf('teams: [{ name: 42 }]')).toMatch(/teams\[0\]: 'name' is required/);
  });

  it('catches a misspelt key instead of ignoring it', () => {
    expect(errorOf('teams: [{ name: search, service: [search-api] }]')).toMatch(
      /teams\[0\]: unknown key\(s\) 'service'; a team has name, title, services, endpoints/
    );
  });

  it.each([
    ['Search/Ranking', /cannot be a folder name/],
    ['..', /cannot be a folder name/],
    ['teams.yaml', /cannot end in \.yaml/],
    ['   ', /must be a non-empty string/],
  ])('rejects the title %j, which cannot be a folder', (title, message) => {
    expect(errorOf(`teams: [{ name: search, title: ${JSON.stringify(title)} }]`)).toMatch(message);
  });

  it('rejects empty, non-string and repeated services or endpoints', () => {
    expect(errorOf('teams: [{ name: search, services: [] }]')).toMatch(/services must be a non-empty list/);
    expect(errorOf('teams: [{ name: search, endpoints: /search }]')).toMatch(/endpoints must be a non-empty list/);
    expect(errorOf('teams: [{ name: search, services: [{a: 1}] }]')).toMatch(/services: \{"a":1\} is not a name/);
    expect(errorOf('teams: [{ name: search, services: [a, a] }]')).toMatch(/services: 'a' is listed twice/);
  });
});
