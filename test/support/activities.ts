// The production activities, called one by one outside a workflow (MockActivityEnvironment
// supplies the Temporal context), over the stack's database and emulator.
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { GraphClientFactory } from '../../src/graph';
import { testEnv } from './env';
import { type TestStack, testOffsiteSettings } from './stack';

export function directActivities(stack: TestStack) {
  const graph = new GraphClientFactory({
    trustedCaPem: stack.emulator.caPem,
    endpointAllowlist: stack.graphEndpoints,
  });
  const activities = createActivities({
    db: stack.db,
    graph,
    logger: pino({ level: 'silent' }),
    secrets: stack.secrets,
    offsite: testOffsiteSettings(testEnv()),
  });
  return { activities, env: new MockActivityEnvironment(), close: () => graph.close() };
}
