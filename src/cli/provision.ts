export const provisionCommand = async (_a: string[]) => {};
