export const testIds = {
  appConfig: {
    container: 'data-testid ac-container',
  },
  incidents: {
    container: 'data-testid incidents-container',
  },
  runbooks: {
    container: 'data-testid runbooks-container',
  },
};
