// A sync keeps each distinct catalog definition once, however often Graph repeats it.
import { SettingDefinitionSink } from '../../src/activities/settingDefinitions';

const definition = (version: string, displayName = 'Allow Camera') => ({
  '@odata.type': '#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition',
  id: 'device_vendor_msft_policy_config_camera_allowcamera',
  displayName,
  version,
});

test('repeats are dropped; a re-published version is new; the record is canonical and named', () => {
  const sink = new SettingDefinitionSink();
  const [first] = sink.take([definition('1'), definition('1')]);
  expect(first).toMatchObject({
    definitionId: 'device_vendor_msft_policy_config_camera_allowcamera',
    displayName: 'Allow Camera',
  });
  expect(first?.json.startsWith('{"@odata.type"')).toBe(true);
  expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(sink.take([definition('1')])).toEqual([]);
  expect(sink.take([definition('2')]).map((d) => d.hash)).not.toEqual([first?.hash]);
  // Without a version the text decides; the same content in another key order is not new.
  const { version: _, ...bare } = definition('1');
  expect(sink.take([bare])).toHaveLength(1);
  expect(
    sink.take([{ displayName: bare.displayName, id: bare.id, '@odata.type': bare['@odata.type'] }]),
  ).toEqual([]);
  expect(sink.take([{ displayName: 'x' }, { id: '' }])).toEqual([]);
});
