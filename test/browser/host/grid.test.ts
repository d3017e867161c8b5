import { GRID_CELL_HEIGHT, GRID_CELL_VMARGIN, gridHeight, gridRect } from './grid';

describe('gridRect', () => {
  // 24 columns of 50 px with 8 px between them: 24 * 50 + 23 * 8 = 1384 px.
  const WIDTH = 1384;

  it('places a full-width panel at the top left across the whole container', () => {
    expect(gridRect({ x: 0, y: 0, w: 24, h: 8 }, WIDTH)).toEqual({
      left: 0,
      top: 0,
      width: WIDTH,
      height: 8 * GRID_CELL_HEIGHT + 7 * GRID_CELL_VMARGIN,
    });
  });

  it('puts two half-width panels side by side with one margin between them', () => {
    const left = gridRect({ x: 0, y: 13, w: 12, h: 8 }, WIDTH);
    const right = gridRect({ x: 12, y: 13, w: 12, h: 8 }, WIDTH);
    expect(left.width).toBe(12 * 50 + 11 * 8);
    expect(right.left).toBe(left.left + left.width + GRID_CELL_VMARGIN);
    expect(right.left + right.width).toBe(WIDTH);
    expect(left.top).toBe(13 * (GRID_CELL_HEIGHT + GRID_CELL_VMARGIN));
  });

  it('starts the panel below a row header one row and one margin lower', () => {
    const row = gridRect({ x: 0, y: 12, w: 24, h: 1 }, WIDTH);
    const below = gridRect({ x: 0, y: 13, w: 24, h: 8 }, WIDTH);
    expect(row.height).toBe(GRID_CELL_HEIGHT);
    expect(below.top).toBe(row.top + row.height + GRID_CELL_VMARGIN);
  });

  it('rounds to whole pixels when the columns are fractional', () => {
    const rect = gridRect({ x: 5, y: 0, w: 7, h: 1 }, 1000);
    expect(Object.values(rect).every(Number.isInteger)).toBe(true);
  });
});

describe('gridHeight', () => {
  it('is the bottom of the lowest panel, and 0 without panels', () => {
    const positions = [
      { x: 0, y: 0, w: 24, h: 12 },
      { x: 12, y: 30, w: 12, h: 8 },
      { x: 0, y: 29, w: 24, h: 1 },
    ];
    expect(gridHeight(positions, 1384)).toBe(30 * 38 + 8 * 30 + 7 * 8);
    expect(gridHeight([], 1384)).toBe(0);
  });
});
