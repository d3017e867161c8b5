// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Grafana's Combobox sizes its menu with canvas measureText, which jsdom does not implement
// (the scaffold's stub returns nothing): a fixed-width font is enough for tests.
HTMLCanvasElement.prototype.getContext = () => ({ measureText: (text) => ({ width: text.length * 7 }) });

// A page of Grafana UI takes 1-3 s to render and query in jsdom, and 3x that on a busy 2-core machine: jest's
// default 5 s is within reach of an ordinary test there (`npm run test:slowest` shows each test's margin).
jest.setTimeout(30_000);
