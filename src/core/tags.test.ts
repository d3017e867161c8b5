/** The annotation tag codec: what it reads, what it writes, and that nobody else's tag is ever lost. */
import { applyClassification, INCIDENT_TAG, mergeTags, readClassification, TagValueError } from './tags';

const FOREIGN = ['deploy', 'Team-Review', 'jira:OPS-123', 'AI-Category:infrastructure'];

describe('readClassification', () => {
  test('reads every owned field, and nothing from foreign tags', () => {
    const tags = [
      'deploy',
      INCIDENT_TAG,
      'ai-category:data-retrieval',
      'ai-subcategory:kb-schema-drift',
      'ai-severity:page',
      'ai-status:classified',
      'team:search',
      'AI-Category:infrastructure',
    ];
    expect(readClassification(tags)).toEqual({
      classification: {
        category: 'data-retrieval',
        subcategory: 'kb-schema-drift',
        severity: 'page',
        status: 'classified',
        team: 'search',
      },
      malformed: [],
    });
  });

  test('tags it cannot read are listed as malformed, with the field left unset', () => {
    const tags = [
      'ai-category:nonsense',
      'ai-severity:page',
      'ai-severity:investigate',
      'ai-status:',
      'ai-subcategory:Has Spaces',
      'team:a',
      'team:b',
    ];
    expect(readClassification(tags)).toEqual({ classification: {}, malformed: tags });
  });

  test('case-sensitive; whitespace around tags and values is ignored; the same value twice is one value', () => {
    expect(
      readClassification(['  ai-category:prompt ', 'ai-category: prompt', 'ai-status:Open']).classification
    ).toEqual({ category: 'prompt' });
    expect(readClassification(['ai-status:Open']).malformed).toEqual(['ai-status:Open']);
  });
});

describe('applyClassification', () => {
  const loaded = ['deploy', 'ai-incident', 'Team-Review', 'ai-category:infrastructure', 'jira:OPS-123', 'team:search'];

  test('foreign tags keep their order; owned ones are replaced in place; team is kept', () => {
    expect(
      applyClassification(loaded, { category: 'prompt', subcategory: 'over-refusal', status: 'classified' })
    ).toEqual([
      'deploy',
      'ai-incident',
      'Team-Review',
      'ai-category:prompt',
      'jira:OPS-123',
      'team:search',
      'ai-subcategory:over-refusal',
      'ai-status:classified',
    ]);
  });

  test('an absent key leaves the field alone, a key set to undefined removes it', () => {
    const classified = applyClassification(loaded, { severity: 'page', subcategory: 'provider-outage' });
    expect(readClassification(classified).classification).toMatchObject({
      category: 'infrastructure',
      severity: 'page',
      subcategory: 'provider-outage',
    });
    const cleared = applyClassification(classified, { subcategory: undefined, severity: undefined });
    expect(readClassification(cleared).classification).toEqual({ category: 'infrastructure', team: 'search' });
  });

  test('malformed tags of a field are replaced only when the field is set', () => {
    const tags = ['x', 'ai-severity:page', 'ai-severity:investigate', 'ai-category:nonsense'];
    const kept = applyClassification(tags, { status: 'open' });
    expect(kept).toEqual(['ai-incident', ...tags, 'ai-status:open']);
    const fixed = applyClassification(tags, { severity: 'investigate' });
    expect(fixed).toEqual(['ai-incident', 'x', 'ai-severity:investigate', 'ai-category:nonsense']);
    expect(readClassification(fixed).malformed).toEqual(['ai-category:nonsense']);
  });

  test('team tags are added, never removed', () => {
    expect(applyClassification(['team:search'], { team: undefined })).toEqual(['ai-incident', 'team:search']);
    expect(applyClassification(['team:search'], { team: 'assistants' })).toEqual([
      'ai-incident',
      'team:search',
      'team:assistants',
    ]);
  });

  test('ai-incident is added when missing, no tag appears twice, and applying again changes nothing', () => {
    const c = { category: 'security-surface', severity: 'investigate', team: 'search' } as const;
    const once = applyClassification([' deploy', 'deploy', '', ...FOREIGN], c);
    expect(once[0]).toBe(INCIDENT_TAG);
    expect(new Set(once).size).toBe(once.length);
    expect(once.filter((tag) => FOREIGN.includes(tag))).toEqual(FOREIGN);
    expect(applyClassification(once, c)).toEqual(once);
  });

  test.each([
    [{ subcategory: 'two words' }],
    [{ subcategory: 'a:b' }],
    [{ team: 'search,ops' }],
    [{ team: 'a b' }],
    [{ category: 'nonsense' as never }],
  ])('rejects a value the scheme cannot hold: %j', (c) => {
    expect(() => applyClassification([], c)).toThrow(TagValueError);
  });
});

describe('mergeTags', () => {
  const base = ['ai-incident', 'deploy', 'ai-category:infrastructure', 'ai-status:open', 'team:search'];

  test('my classification and their new foreign tag both survive', () => {
    const mine = applyClassification(base, { category: 'data-retrieval', status: 'classified' });
    const theirs = [...base, 'postmortem-done'];
    const { tags, conflicts } = mergeTags(base, mine, theirs);
    expect(conflicts).toEqual([]);
    expect(tags).toEqual(expect.arrayContaining(['deploy', 'postmortem-done', 'team:search']));
    expect(readClassification(tags).classification).toMatchObject({ category: 'data-retrieval', status: 'classified' });
  });

  test('different fields changed on each side merge without conflict', () => {
    const mine = applyClassification(base, { severity: 'page' });
    const theirs = applyClassification(base, { status: 'resolved' });
    const { tags, conflicts } = mergeTags(base, mine, theirs);
    expect(conflicts).toEqual([]);
    expect(readClassification(tags).classification).toEqual({
      category: 'infrastructure',
      severity: 'page',
      status: 'resolved',
      team: 'search',
    });
  });

  test('the same field changed differently on both sides is a conflict: theirs is kept, both are reported', () => {
    const mine = applyClassification(base, { category: 'prompt', severity: 'page' });
    const theirs = [...applyClassification(base, { category: 'model-degradation' }), 'reviewed'];
    const { tags, conflicts } = mergeTags(base, mine, theirs);
    expect(conflicts).toEqual([{ field: 'category', mine: 'prompt', theirs: 'model-degradation' }]);
    expect(readClassification(tags).classification).toMatchObject({ category: 'model-degradation', severity: 'page' });
    expect(tags).toContain('reviewed');
  });

  test('a removal against a change is a conflict too; the same change on both sides is not', () => {
    const mine = applyClassification(base, { status: undefined });
    const theirs = applyClassification(base, { status: 'resolved' });
    expect(mergeTags(base, mine, theirs).conflicts).toEqual([{ field: 'status', mine: undefined, theirs: 'resolved' }]);
    expect(mergeTags(base, theirs, theirs)).toEqual({ tags: theirs, conflicts: [] });
  });

  test('a foreign tag the user removed stays removed; one they did not touch stays even if theirs reordered', () => {
    const mine = base.filter((tag) => tag !== 'deploy');
    const theirs = ['extra', ...base.slice().reverse()];
    const { tags } = mergeTags(base, mine, theirs);
    expect(tags).not.toContain('deploy');
    expect(tags).toEqual(['extra', 'team:search', 'ai-status:open', 'ai-category:infrastructure', 'ai-incident']);
  });

  test('unreadable tags on the server are shown as they are in a conflict, not lost', () => {
    const theirs = [...base.filter((tag) => tag !== 'ai-status:open'), 'ai-status:open', 'ai-status:resolved'];
    const mine = applyClassification(base, { status: 'classified' });
    const { tags, conflicts } = mergeTags(base, mine, theirs);
    expect(conflicts).toEqual([{ field: 'status', mine: 'classified', theirs: 'ai-status:open, ai-status:resolved' }]);
    expect(tags).toEqual(expect.arrayContaining(['ai-status:open', 'ai-status:resolved']));
  });
});
