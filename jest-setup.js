// Jest setup provided by Grafana scaffolding
import '.config/jest-setup';

// Grafana's Combobox sizes its menu with canvas measureText, which jsdom does not implement
// (the scaffold's stub returns nothing): a fixed-width font is enough for tests.
HTMLCanvasElement.prototype.getContext = () => ({ measureText: (text) => ({ width: text.length * 7 }) });
