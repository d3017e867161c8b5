/**
 * Where a dashboard panel sits, in pixels, from its gridPos: Grafana's grid is react-grid-layout with 24 columns,
 * rows of 30 px and 8 px between cells, no container padding (GRID_COLUMN_COUNT, GRID_CELL_HEIGHT and
 * GRID_CELL_VMARGIN in grafana/grafana public/app/core/constants.ts; SceneGridLayout in grafana/scenes passes them
 * to react-grid-layout), and react-grid-layout places an item with calcGridItemPosition (lib/calculateUtils.js).
 */
const GRID_COLUMN_COUNT = 24;
export const GRID_CELL_HEIGHT = 30;
export const GRID_CELL_VMARGIN = 8;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** react-grid-layout's calcGridItemPosition with Grafana's grid constants. */
export function gridRect(pos: GridPos, containerWidth: number): PixelRect {
  const margin = GRID_CELL_VMARGIN;
  const columnWidth = (containerWidth - margin * (GRID_COLUMN_COUNT - 1)) / GRID_COLUMN_COUNT;
  const span = (cell: number, units: number) => Math.round(cell * units + Math.max(0, units - 1) * margin);
  return {
    left: Math.round((columnWidth + margin) * pos.x),
    top: Math.round((GRID_CELL_HEIGHT + margin) * pos.y),
    width: span(columnWidth, pos.w),
    height: span(GRID_CELL_HEIGHT, pos.h),
  };
}

/** The height the grid needs for all its panels. */
export function gridHeight(positions: GridPos[], containerWidth: number): number {
  return Math.max(
    0,
    ...positions.map((pos) => {
      const rect = gridRect(pos, containerWidth);
      return rect.top + rect.height;
    })
  );
}
