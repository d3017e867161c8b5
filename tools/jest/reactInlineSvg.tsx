// The scaffold's react-inlinesvg mock (.config/jest/mocks/react-inlinesvg.tsx), without its cost: it runs
// /(.+)\/(.+)\.svg$/ over every src, and on Grafana's inline SVG illustrations (EmptyState's ~100 kB Grot, with
// hundreds of slashes) that regex backtracks for seconds per render. Icon paths get the same test id as there
// (`public/img/icons/angle-double-down.svg` -> `angle-double-down`); anything else keeps its src as the id.
import React from 'react';

export { cacheStore } from '../../.config/jest/mocks/react-inlinesvg';

const SVG_FILE_NAME_REGEX = /(.+)\/(.+)\.svg$/;

const InlineSVG = ({ src }: { src: string }) => {
  const testId = src.endsWith('.svg') ? src.replace(SVG_FILE_NAME_REGEX, '$2') : src;
  return <svg xmlns="http://www.w3.org/2000/svg" data-testid={testId} viewBox="0 0 24 24" />;
};

export default InlineSVG;
