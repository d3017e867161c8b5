import { mergeTags } from '../../core/tags';
import { changedFields, resolveConflict, tagsForForm, withCategory } from './classify';

describe('classify form', () => {
  test('only changed fields are written: an unreadable tag nobody touched stays, foreign tags stay', () => {
    const loaded = ['ai-incident', 'ai-severity:urgent', 'owner:alice', 'team:search'];
    expect(tagsForForm(loaded, { category: 'infrastructure', team: 'search' })).toEqual([
      'ai-incident',
      'ai-severity:urgent',
      'owner:alice',
      'team:search',
      'ai-category:infrastructure',
    ]);
  });

  test('clearing a field removes its tag; a team is never removed', () => {
    const loaded = ['ai-incident', 'ai-category:prompt', 'ai-subcategory:x', 'team:search', 'jira:OPS-1'];
    expect(changedFields({ category: 'prompt', subcategory: 'x', team: 'search' }, { category: 'prompt' })).toEqual({
      subcategory: undefined,
      team: undefined,
    });
    expect(tagsForForm(loaded, { category: 'prompt' })).toEqual([
      'ai-incident',
      'ai-category:prompt',
      'team:search',
      'jira:OPS-1',
    ]);
  });

  test('picking a category clears a sub-category of another one and marks an open incident classified', () => {
    expect(
      withCategory({ category: 'infrastructure', subcategory: 'provider-outage', status: 'open' }, 'data-retrieval')
    ).toEqual({
      category: 'data-retrieval',
      subcategory: undefined,
      status: 'classified',
    });
    expect(withCategory({ status: 'resolved' }, 'prompt').status).toBe('resolved');
  });

  test('a conflict keeps the server value unless the user picks their own, field by field', () => {
    const base = ['ai-incident', 'owner:alice'];
    const mine = ['ai-incident', 'owner:alice', 'ai-severity:page', 'ai-category:prompt'];
    const theirs = ['ai-incident', 'owner:alice', 'ai-severity:investigate', 'owner:bob'];
    const { tags, conflicts } = mergeTags(base, mine, theirs);
    expect(resolveConflict(tags, conflicts, {})).toEqual(
      expect.arrayContaining(['ai-severity:investigate', 'owner:bob', 'ai-category:prompt'])
    );
    const mineWins = resolveConflict(tags, conflicts, { severity: 'mine' });
    expect(mineWins).toEqual(expect.arrayContaining(['ai-severity:page', 'owner:bob', 'ai-category:prompt']));
    expect(mineWins).not.toContain('ai-severity:investigate');
  });
});
