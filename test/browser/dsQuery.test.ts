import { toDataResponse } from './dsQuery';

const MATRIX = {
  httpStatus: 200,
  body: {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        { metric: { endpoint: '/chat', le: '0.5' }, values: [[60, '1'] as [number, string]] },
        { metric: { __name__: 'up', endpoint: '/search' }, values: [[60, '2'] as [number, string]] },
      ],
    },
  },
};

function legends(response: Record<string, unknown>): string[] {
  const frames = response.frames as Array<{ schema: { fields: Array<{ config?: { displayNameFromDS?: string } }> } }>;
  return frames.map((frame) => frame.schema.fields[1].config?.displayNameFromDS ?? '');
}

describe('toDataResponse legends', () => {
  it('fills {{label}} from each series, a missing label as empty', () => {
    expect(legends(toDataResponse(MATRIX, 'x', 'p50 {{ endpoint }} ≤ {{le}}'))).toEqual([
      'p50 /chat ≤ 0.5',
      'p50 /search ≤ ',
    ]);
  });

  it('names a series by its labels without a legendFormat, or with __auto', () => {
    for (const format of [undefined, '', '__auto']) {
      expect(legends(toDataResponse(MATRIX, 'x', format))).toEqual([
        '{endpoint="/chat", le="0.5"}',
        'up{endpoint="/search"}',
      ]);
    }
  });
});
