export const impactCommand = async (_a: string[]) => {};
