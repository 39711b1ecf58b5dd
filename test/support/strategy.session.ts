// Selects the AUTH_STRATEGY this e2e project proves (see jest.config.js).
process.env.AUTH_STRATEGY = 'session';
