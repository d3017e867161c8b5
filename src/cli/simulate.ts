export const simulateCommand = async (_a: string[]) => {};
