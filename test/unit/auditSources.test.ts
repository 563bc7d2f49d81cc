import { failureOutcome } from '../../src/activities/captureAuditEvents';
import { AUDIT_SOURCES, auditEventsQuery, auditSourceFor } from '../../src/graph/auditSources';
import { GraphProtocolError, GraphRequestError } from '../../src/graph/errors';
import { POLICY_TYPE_KEYS } from '../../src/graph/policyTypes';

// Learn intune-auditing-auditevent-list, response example (trimmed).
const intuneEvent = {
  id: 'e-1',
  displayName: 'Patch DeviceConfiguration',
  actor: {
    type: 'ItPro',
    userPrincipalName: 'admin@contoso.example',
    applicationId: 'app-1',
    applicationDisplayName: 'Microsoft Intune portal extension',
  },
  activity: 'Patch DeviceConfiguration',
  activityDateTime: '2026-10-02T16:40:05.1234567Z',
  activityOperationType: 'Patch',
  resources: [
    { displayName: 'Profile', resourceId: 'p-1' },
    { displayName: 'Same profile again', resourceId: 'p-1' },
    { displayName: 'Assignment', resourceId: 'p-2' },
  ],
  category: 'DeviceConfiguration',
};

// Learn directoryaudit-list, response example, as Conditional Access logs a policy update.
const directoryEvent = {
  id: 'Directory_1',
  category: 'Policy',
  activityDisplayName: 'Update conditional access policy',
  activityDateTime: '2026-10-03T08:00:00Z',
  loggedByService: 'Conditional Access',
  operationType: 'Update',
  initiatedBy: { user: null, app: { appId: 'app-2', displayName: 'Automation', servicePrincipalId: 'sp-2' } },
  targetResources: [{ id: 'ca-1', displayName: 'Require MFA', type: 'Policy' }],
};

const graphError = (status: number, path: string) =>
  new GraphRequestError(`Graph answered ${status}`, { status, path, scope: 'collection' });

describe('audit sources', () => {
  it('names Conditional Access policies and named locations from the directory log, every other type from Intune', () => {
    const directory = POLICY_TYPE_KEYS.filter((type) => auditSourceFor(type) === 'directory');
    expect(directory).toEqual(['conditionalAccessPolicies', 'namedLocations']);
    expect(auditSourceFor('settingsCatalog')).toBe('intune');
  });

  it('maps an Intune event: the user, the activity, each resource id once', () => {
    expect(AUDIT_SOURCES.intune.toEvent(intuneEvent)).toEqual({
      eventId: 'e-1',
      source: 'intune',
      activityTime: new Date('2026-10-02T16:40:05.123Z'),
      actor: { type: 'user', userPrincipalName: 'admin@contoso.example' },
      activity: 'Patch DeviceConfiguration',
      operation: 'Patch',
      resourceIds: ['p-1', 'p-2'],
    });
  });

  it('maps an Intune event by an application to the application', () => {
    const byApp = { ...intuneEvent, actor: { ...intuneEvent.actor, userPrincipalName: null } };
    expect(AUDIT_SOURCES.intune.toEvent(byApp)?.actor).toEqual({
      type: 'application',
      displayName: 'Microsoft Intune portal extension',
      appId: 'app-1',
    });
  });

  it('maps a directory Policy entry; other categories and entries without a time are dropped', () => {
    expect(AUDIT_SOURCES.directory.toEvent(directoryEvent)).toMatchObject({
      eventId: 'Directory_1',
      source: 'directory',
      actor: { type: 'application', displayName: 'Automation', appId: 'app-2' },
      activity: 'Update conditional access policy',
      operation: 'Update',
      resourceIds: ['ca-1'],
    });
    const byUser = { ...directoryEvent, initiatedBy: { user: { userPrincipalName: 'ca@contoso.example' } } };
    expect(AUDIT_SOURCES.directory.toEvent(byUser)?.actor).toEqual({
      type: 'user',
      userPrincipalName: 'ca@contoso.example',
    });
    expect(AUDIT_SOURCES.directory.toEvent({ ...directoryEvent, category: 'UserManagement' })).toBeNull();
    expect(AUDIT_SOURCES.intune.toEvent({ ...intuneEvent, activityDateTime: 'not a time' })).toBeNull();
  });

  it('stores strings PostgreSQL refuses in the stored escape', () => {
    const event = AUDIT_SOURCES.intune.toEvent({ ...intuneEvent, activity: 'Patch\u0000' });
    expect(event?.activity).toBe('\uffffPatch\\u0000');
  });

  it('asks Graph for every entry since a time', () => {
    const query = auditEventsQuery(AUDIT_SOURCES.intune, new Date('2026-10-01T00:00:00Z'));
    expect(decodeURIComponent(query)).toBe(
      '/deviceManagement/auditEvents?$filter=activityDateTime ge 2026-10-01T00:00:00.000Z',
    );
  });

  it('a 403 is permission_missing naming the permission; other Graph failures are failed; the rest is thrown', () => {
    const forbidden = graphError(403, '/v1.0/auditLogs/directoryAudits');
    expect(failureOutcome(forbidden, AUDIT_SOURCES.directory)).toEqual({
      outcome: 'permission_missing',
      requiredPermission: 'AuditLog.Read.All',
      reason: 'Graph answered 403 on /v1.0/auditLogs/directoryAudits',
    });
    const unavailable = graphError(503, '/v1.0/deviceManagement/auditEvents');
    expect(failureOutcome(unavailable, AUDIT_SOURCES.intune)).toEqual({
      outcome: 'failed',
      reason: 'Graph answered 503',
    });
    const protocol = new GraphProtocolError('no value', '/v1.0/deviceManagement/auditEvents');
    expect(failureOutcome(protocol, AUDIT_SOURCES.intune).outcome).toBe('failed');
    expect(() => failureOutcome(new Error('database down'), AUDIT_SOURCES.intune)).toThrow('database down');
  });
});
