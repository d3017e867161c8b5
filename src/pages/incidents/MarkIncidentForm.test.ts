import { checkDraft, newDraft } from './MarkIncidentForm';

const NOW = Date.parse('2026-11-20T15:00:00Z');

describe('checkDraft', () => {
  test('an ongoing incident needs only its start, and is marked ongoing', () => {
    const draft = { ...newDraft(NOW), from: '2026-11-20T14:00:00Z', to: 'not a time', text: 'timeouts', ongoing: true };
    expect(checkDraft(draft, NOW)).toEqual({
      time: Date.parse('2026-11-20T14:00:00Z'),
      timeEnd: Date.parse('2026-11-20T14:00:00Z'),
      ongoing: true,
      tags: ['ai-incident', 'ai-status:open'],
    });
  });

  test('an ongoing incident cannot start in the future', () => {
    const draft = { ...newDraft(NOW), from: '2026-11-20T16:00:00Z', text: 'timeouts', ongoing: true };
    expect(checkDraft(draft, NOW)).toEqual({ errors: { from: expect.stringMatching(/already started/) } });
  });

  test('an ended one still needs an end after its start', () => {
    const draft = { ...newDraft(NOW), from: '2026-11-20T14:00:00Z', to: '2026-11-20T13:00:00Z', text: 'x' };
    expect(checkDraft(draft, NOW)).toEqual({ errors: { to: 'The window must end after it starts' } });
  });
});
