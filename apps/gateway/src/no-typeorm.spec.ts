describe('the gateway owns no database', () => {
  // The gateway imports these libraries but owns no database: TypeORM (~3 MB of JavaScript,
  // ~20 MB of RSS) must load only when a data source is created (issue 14).
  it('leaves TypeORM unloaded when @llmgov/service-kit and @llmgov/eventstore are imported', () => {
    const loaded = jest.fn();
    jest.doMock('typeorm', () => {
      loaded();
      return jest.requireActual('typeorm');
    });
    const kit = require('@llmgov/service-kit') as Record<string, unknown>;
    const eventstore = require('@llmgov/eventstore') as Record<string, unknown>;
    expect(kit).toHaveProperty('refusalError');
    expect(eventstore).toHaveProperty('createDataSource');
    expect(loaded).not.toHaveBeenCalled();
  });
});
